/**
 * Lab: at-most-once RPC. The server half (variant: answers repeats with a fresh reply).
 *
 * Does not execute a repeat twice, but answers it with the balance as it is now, which
 * includes other clients' additions made since, instead of the reply it sent the first time.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;
  private readonly executed = new Set<string>();

  constructor(account: Account) {
    this.account = account;
  }

  handle(request: AddRequest): AddReply | undefined {
    const id = `${request.client}/${request.seq}`;
    if (this.executed.has(id)) {
      return { type: 'add_ok', client: request.client, seq: request.seq, balance: this.account.balance };
    }
    this.executed.add(id);
    const balance = this.account.add(request.amount);
    return { type: 'add_ok', client: request.client, seq: request.seq, balance };
  }
}
