/**
 * Lab: at-most-once RPC. The client half (variant: the seq is the time of day).
 *
 * Keeps the request id on every retry, but takes the seq from the computer's clock,
 * Date.now(), as a "unique" number. It is not unique (two requests in the same
 * millisecond get the same id), it is not 1, 2, 3, and it is host time, which the
 * simulation does not control: the same seed no longer gives the same run.
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
    // One id per logical request, chosen once, before the first attempt.
    const request: AddRequest = { type: 'add', client: this.id, seq: Date.now(), amount };
    for (;;) {
      const reply = await this.send(request);
      if (reply !== undefined) return reply.balance;
      // No reply in time: lost request, lost reply or a late one. Retry with the same id.
    }
  }
}
