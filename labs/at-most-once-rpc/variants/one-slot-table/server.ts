/**
 * Lab: at-most-once RPC. The server half (variant: remembers only the last request overall).
 *
 * Keeps one "last request and its reply" for the whole server instead of one per client.
 * As soon as another client's request comes in between, a retry is executed again.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;
  private lastId: string | undefined;
  private lastReply: AddReply | undefined;

  constructor(account: Account) {
    this.account = account;
  }

  handle(request: AddRequest): AddReply | undefined {
    const id = `${request.client}/${request.seq}`;
    if (id === this.lastId) return this.lastReply;
    const balance = this.account.add(request.amount);
    const reply: AddReply = { type: 'add_ok', client: request.client, seq: request.seq, balance };
    this.lastId = id;
    this.lastReply = reply;
    return reply;
  }
}
