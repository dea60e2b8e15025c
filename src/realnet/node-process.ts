/**
 * One realnet node as a process: `node src/realnet/node-process.ts --id n1 --nodes n1,n2,n3
 * --port <proxy port> --storage <file> --program <program> [--incarnation N]`.
 * Connects to the proxy on 127.0.0.1, builds the node with a {@link createSocketNode}
 * context, and runs until killed. `--program` is `gossip`, `echo` (src/sim/examples.ts) or
 * `<module path>#<export>` of a node factory or class (`(ctx) => node` / `new X(ctx)`).
 * @module
 */
import { connect } from 'node:net';
import * as nodeModule from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Ctx, Message, SimNode } from '../sim/types.ts';
import { encode, frameReader, type Frame } from './protocol.ts';
import { createSocketNode } from './socket-ctx.ts';

// Learner modules import 'faultlines'; outside a lab folder with node_modules/faultlines it
// resolves to the kit's source (as vitest.config.ts aliases it).
const kit: Record<string, string> = {
  faultlines: new URL('../kit/index.ts', import.meta.url).href,
  'faultlines/testing': new URL('../kit/testing.ts', import.meta.url).href,
};
// (registerHooks: Node >= 22.15; an older Node, or a WebContainer without it, resolves
// 'faultlines' from node_modules only, which is where the container's archive puts it.)
nodeModule.registerHooks?.({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (e) {
      const url = kit[specifier];
      if (url) return { url, shortCircuit: true };
      throw e;
    }
  },
});

type Factory = (ctx: Ctx<Message>) => SimNode<Message>;

/** Built-in programs, and `<module>#<export>` for any other. */
export async function loadProgram(program: string): Promise<Factory> {
  if (program === 'gossip' || program === 'echo') {
    const ex = await import('../sim/examples.ts');
    // Gossip every 50 ms of real time: visible convergence without flooding the loopback.
    return program === 'gossip' ? (ctx) => new ex.GossipNode(ctx as never, 50) as never : (ctx) => new ex.EchoNode(ctx as never) as never;
  }
  const hash = program.lastIndexOf('#');
  if (hash < 0) throw new Error(`--program: "gossip", "echo" or <module>#<export>, not "${program}"`);
  const mod = (await import(pathToFileURL(program.slice(0, hash)).href)) as Record<string, unknown>;
  const exp = mod[program.slice(hash + 1)];
  if (typeof exp !== 'function') throw new Error(`${program}: no such export (a node class or factory)`);
  const isClass = /^class\b/.test(Function.prototype.toString.call(exp));
  return isClass ? (ctx) => new (exp as new (c: Ctx<Message>) => SimNode<Message>)(ctx) : (exp as Factory);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      nodes: { type: 'string' },
      port: { type: 'string' },
      storage: { type: 'string' },
      program: { type: 'string', default: 'gossip' },
      incarnation: { type: 'string', default: '0' },
    },
  });
  const id = values.id!;
  const nodes = values.nodes!.split(',');
  const incarnation = Number(values.incarnation);
  const factory = await loadProgram(values.program!);
  const socket = connect({ host: '127.0.0.1', port: Number(values.port) });
  socket.setNoDelay(true);
  const send = (f: Frame) => socket.write(encode(f));
  const node = createSocketNode<Message>({
    id,
    nodes,
    incarnation,
    storageFile: values.storage!,
    transmit: (msg) => send({ type: 'msg', msg }),
    log: (text, data) => send({ type: 'log', node: id, t: Date.now(), text, ...(data === undefined ? {} : { data }) }),
    onError: (e, where) => send({ type: 'log', node: id, t: Date.now(), text: `error in ${where}: ${e instanceof Error ? e.stack ?? e.message : String(e)}` }),
  });
  socket.on('data', frameReader((f) => {
    if (f.type === 'msg') node.deliver(f.msg);
  }));
  // The proxy going away ends the node: no orphans.
  socket.on('close', () => process.exit(0));
  socket.on('error', () => process.exit(1));
  await new Promise<void>((ok) => socket.once('connect', ok));
  send({ type: 'hello', node: id, incarnation, pid: process.pid });
  await node.start(factory);
  send({ type: 'ready', node: id, incarnation });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
