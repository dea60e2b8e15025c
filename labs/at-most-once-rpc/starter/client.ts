/**
 * Lab: at-most-once RPC. The client half.
 *
 * The cluster (cluster.ts) gives each client one RetryingClient and calls add() once per
 * logical request: "add 3 to the account". add() must not return until it has the answer,
 * so when an attempt gets no reply in time it sends the request again.
 *
 * This starter retries, but every request it sends looks the same (seq is always 0), so
 * the server cannot tell a retry of an old request from a new one. Fix it, together with
 * server.ts.
 */
import type { AddRequest, Send } from './protocol.ts';

export class RetryingClient {
  /** This client's name, e.g. 'c1'. */
  readonly id: string;
  private readonly send: Send;

  constructor(id: string, send: Send) {
    this.id = id;
    this.send = send;
  }

  /** Adds `amount` to the account. Returns the balance right after this addition. */
  async add(amount: number): Promise<number> {
    for (;;) {
      const request: AddRequest = { type: 'add', client: this.id, seq: 0, amount };
      const reply = await this.send(request);
      if (reply !== undefined) return reply.balance;
      // No reply in time: the request was lost, or the reply was, or one is late. Again.
    }
  }
}
