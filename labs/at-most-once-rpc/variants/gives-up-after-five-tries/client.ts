/**
 * Lab: at-most-once RPC. The client half (variant: gives up after five attempts).
 *
 * Keeps the request id on every retry, but stops after five attempts and throws, as if
 * five silences proved the server was down. Over a lossy network five attempts in a row
 * can all go unanswered, and add() must not return (or throw) without the answer.
 */
import type { AddRequest, Send } from './protocol.ts';

const MAX_ATTEMPTS = 5;

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
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const reply = await this.send(request);
      if (reply !== undefined) return reply.balance;
      // No reply in time: lost request, lost reply or a late one. Retry with the same id.
    }
    throw new Error(`${this.id}/${this.seq}: no answer after ${MAX_ATTEMPTS} attempts, the server must be down`);
  }
}
