/**
 * Lab: at-most-once RPC. The client half (variant: a new id on every attempt).
 *
 * Each logical request gets a fresh request id (this client's name and the next sequence
 * number), and every retry of it carries that same id, so the server can recognise it.
 */
import type { AddRequest, Send } from './protocol.ts';

export class RetryingClient {
  /** This client's name, e.g. 'c1'. */
  readonly id: string;
  private readonly send: Send;
  /** The seq of this client's last logical request. */
  private seq = 0;

  constructor(id: string, send: Send) {
    this.id = id;
    this.send = send;
  }

  /** Adds `amount` to the account. Returns the balance right after this addition. */
  async add(amount: number): Promise<number> {
    for (;;) {
      // A fresh, unique id for every message sent.
      this.seq += 1;
      const request: AddRequest = { type: 'add', client: this.id, seq: this.seq, amount };
      const reply = await this.send(request);
      if (reply !== undefined) return reply.balance;
      // No reply in time: lost request, lost reply or a late one. Retry.
    }
  }
}
