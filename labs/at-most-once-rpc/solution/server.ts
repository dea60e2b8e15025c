/**
 * Lab: at-most-once RPC. The server half (reference solution).
 *
 * For each client the server remembers the last request it executed and the reply it
 * sent. A copy of that request is answered with the remembered reply and not executed
 * again. One entry per client is enough because a client sends its next request only
 * after it has the answer to the previous one.
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
    if (seen !== undefined && request.seq < seen.seq) {
      // An old copy, delayed in the network. The client already has its answer (it has
      // moved on to a newer request), so there is nothing to execute and nothing to say.
      return undefined;
    }
    const balance = this.account.add(request.amount);
    const reply: AddReply = { type: 'add_ok', client: request.client, seq: request.seq, balance };
    this.last.set(request.client, { seq: request.seq, reply });
    return reply;
  }
}
