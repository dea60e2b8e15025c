/**
 * Lab: at-most-once RPC. The server half.
 *
 * The server node (cluster.ts) calls handle() for every copy of every request that
 * arrives: first attempts, retries, and duplicates made by the network. Whatever handle()
 * returns is sent back as the reply; returning `undefined` sends nothing.
 *
 * This starter adds the amount every time a request arrives. Over a network that loses
 * replies and duplicates messages, that adds the same request more than once. Fix it.
 */
import type { Account, AddReply, AddRequest } from './protocol.ts';

export class AccountServer {
  private readonly account: Account;

  constructor(account: Account) {
    this.account = account;
  }

  /** Handles one copy of a request. Returns the reply to send, or undefined for none. */
  handle(request: AddRequest): AddReply | undefined {
    const balance = this.account.add(request.amount);
    return { type: 'add_ok', client: request.client, seq: request.seq, balance };
  }
}
