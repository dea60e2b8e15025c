/**
 * Frames between the realnet proxy and the node processes: one JSON object per line over a
 * TCP connection to 127.0.0.1 (TCP rather than UDP: WebContainer virtualises TCP sockets,
 * and the proxy, not the transport, decides what is lost, delayed or cut off).
 * @module
 */
import type { Message, NodeId } from '../sim/types.ts';

/** A message in flight: what becomes an {@link Envelope} at the receiver. */
export interface WireMessage {
  id: number;
  from: NodeId;
  to: NodeId;
  body: Message;
  /** Sender's wall clock (ms) when sent. */
  sentAt: number;
  isRequest: boolean;
  inReplyTo: number;
}

export type Frame =
  /** node -> proxy, first frame on a connection. */
  | { type: 'hello'; node: NodeId; incarnation: number; pid: number }
  | { type: 'msg'; msg: WireMessage }
  /** node -> proxy: a `ctx.log` line (the proxy prints and keeps them). */
  | { type: 'log'; node: NodeId; t: number; text: string; data?: unknown }
  /** node -> proxy: onStart has run. */
  | { type: 'ready'; node: NodeId; incarnation: number };

export function encode(frame: Frame): string {
  return JSON.stringify(frame) + '\n';
}

/** Feeds socket chunks, calls `onFrame` per complete line. */
export function frameReader(onFrame: (f: Frame) => void): (chunk: Buffer | string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onFrame(JSON.parse(line) as Frame);
    }
  };
}

/** The name the proxy uses when it sends requests to nodes itself (the CLI's `send`). */
export const CLIENT_ID = 'client';
