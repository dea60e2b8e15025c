/**
 * Lab: at-most-once RPC. The client half (variant: one counter for all clients).
 *
 * Keeps the request id on every retry, but draws the seq from a counter at module level,
 * so every RetryingClient in the cluster (and every test after the first) shares it: c1's
 * requests are numbered 1, 3, 6 ... instead of 1, 2, 3, and the numbering depends on the
 * other clients.
 */
import type { AddRequest, Send } from './protocol.ts';

/** The seq of the last logical request. */
let lastSeq = 0;

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
    // One id per logical request, chosen once, before the first attempt.
    lastSeq += 1;
    const request: AddRequest = { type: 'add', client: this.id, seq: lastSeq, amount };
    for (;;) {
      const reply = await this.send(request);
      if (reply !== undefined) return reply.balance;
      // No reply in time: lost request, lost reply or a late one. Retry with the same id.
    }
  }
}
