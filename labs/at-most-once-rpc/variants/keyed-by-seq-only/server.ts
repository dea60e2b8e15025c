/**
 * Lab: at-most-once RPC. The server half (variant: the table is keyed by seq alone).
 *
 * Remembers every executed request by its sequence number. But every client numbers its
 * requests 1, 2, 3 ..., so c2's request 1 is mistaken for a repeat of c1's request 1.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;
  private readonly replies = new Map<number, AddReply>();

  constructor(account: Account) {
    this.account = account;
  }

  handle(request: AddRequest): AddReply | undefined {
    const seen = this.replies.get(request.seq);
    if (seen !== undefined) return seen;
    const balance = this.account.add(request.amount);
    const reply: AddReply = { type: 'add_ok', client: request.client, seq: request.seq, balance };
    this.replies.set(request.seq, reply);
    return reply;
  }
}
