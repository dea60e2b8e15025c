/**
 * Lab: at-most-once RPC. The server half (variant: recognises repeats by their amount).
 *
 * Remembers, per client, the last request executed and its reply, but compares requests
 * by client and amount instead of client and seq. A client's next request that happens to
 * add the same amount is taken for a repeat and never executed, and an old copy with a
 * different amount is executed again.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;
  /** Per client: the amount of the last request executed, and the reply it got. */
  private readonly last = new Map<string, { amount: number; reply: AddReply }>();

  constructor(account: Account) {
    this.account = account;
  }

  /** Handles one copy of a request. Returns the reply to send, or undefined for none. */
  handle(request: AddRequest): AddReply | undefined {
    const seen = this.last.get(request.client);
    if (seen !== undefined && request.amount === seen.amount) {
      // The same client asking to add the same amount again: taken for a retry.
      return seen.reply;
    }
    const balance = this.account.add(request.amount);
    const reply: AddReply = { type: 'add_ok', client: request.client, seq: request.seq, balance };
    this.last.set(request.client, { amount: request.amount, reply });
    return reply;
  }
}
