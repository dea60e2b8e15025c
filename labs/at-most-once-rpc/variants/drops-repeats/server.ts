/**
 * Lab: at-most-once RPC. The server half (variant: remembers ids, not replies).
 *
 * Remembers which requests it has executed and ignores repeats. When the reply to the
 * first execution was lost, the retries are ignored too, and the client waits forever.
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
    if (this.executed.has(id)) return undefined; // seen it: do nothing
    this.executed.add(id);
    const balance = this.account.add(request.amount);
    return { type: 'add_ok', client: request.client, seq: request.seq, balance };
  }
}
