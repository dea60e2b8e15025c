/**
 * The messages and the account the lab is about (you do not need to change this file).
 *
 * A client asks the server to add an amount to one shared account. The request carries a
 * request id in two fields: `client` (who is asking) and `seq` (which of that client's
 * requests this is). The server answers with the balance right after the addition.
 */

/** "Add `amount` to the account." The pair (client, seq) is the request id. */
export interface AddRequest {
  type: 'add';
  /** The client's name, e.g. 'c1'. */
  client: string;
  /** The client's number for this logical request: 1 for its first, 2 for its second, ... */
  seq: number;
  amount: number;
}

/** "Done: the balance right after your addition was `balance`." */
export interface AddReply {
  type: 'add_ok';
  /** The request id of the request this answers. */
  client: string;
  seq: number;
  balance: number;
}

export type BankMsg = AddRequest | AddReply;

/** The server's account. `add` is the one operation with an effect: call it once per request. */
export interface Account {
  /** The balance now. */
  readonly balance: number;
  /** Adds `amount` and returns the new balance. */
  add(amount: number): number;
}

/**
 * Sends one attempt of a request to the server and waits for the reply. Resolves to the
 * reply, or to `undefined` when none came in time: the request was lost, or the reply
 * was, or one of them is still on its way. The client cannot tell which.
 */
export type Send = (request: AddRequest) => Promise<AddReply | undefined>;
