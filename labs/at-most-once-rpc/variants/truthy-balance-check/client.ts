/**
 * Lab: at-most-once RPC. The client half (variant: tests the reply's balance for truth).
 *
 * Takes `reply?.balance` being truthy to mean "a reply came", so a reply whose balance is 0
 * counts as no reply and the client retries it for ever.
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
    // One id per logical request, chosen once, before the first attempt.
    this.seq += 1;
    const request: AddRequest = { type: 'add', client: this.id, seq: this.seq, amount };
    for (;;) {
      const reply = await this.send(request);
      if (reply?.balance) return reply.balance; // wrong: a balance of 0 is falsy
      // No reply in time: lost request, lost reply or a late one. Retry with the same id.
    }
  }
}
