/**
 * Lab: at-most-once RPC. The server half (variant: executes old copies again).
 *
 * Remembers, per client, the last request executed and its reply, and answers a repeat of
 * that request from the table. But a copy of an OLDER request, held back in the network
 * until the client has moved on, does not match the table's entry, so it is executed again.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;
  /** Per client: the seq of the last request executed, and the reply it got. */
  private readonly last = new Map<string, { seq: number; reply: AddReply }>();

  constructor(account: Account) {
    this.account = account;
  }

  /** Handles one copy of a request. Returns the reply to send, or undefined for none. */
  handle(request: AddRequest): AddReply | undefined {
    const seen = this.last.get(request.client);
    if (seen !== undefined && request.seq === seen.seq) {
      // A retry or a duplicate of the request we executed last: same answer, no effect.
      return seen.reply;
    }
    // Anything else must be new. (Not so: it may be an old copy of an earlier request.)
    const balance = this.account.add(request.amount);
    const reply: AddReply = { type: 'add_ok', client: request.client, seq: request.seq, balance };
    this.last.set(request.client, { seq: request.seq, reply });
    return reply;
  }
}
