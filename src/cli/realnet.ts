/**
 * `npm run realnet -- <program> [--nodes 3] [--drop 0.1] [--delay 1-5] [--dir .faultlines/realnet]`
 *
 * Starts N real Node processes running a node program (the same `SimNode` code the
 * simulator runs) that talk over 127.0.0.1 through a proxy in this process, which can drop,
 * delay and partition their messages, and kill and restart them. Then reads commands:
 *
 *   partition n1 | n2 n3     cut the network between the groups
 *   heal                     join it again
 *   drop 0.2                 lose 20% of messages between nodes
 *   delay 10-50              delay each message 10 to 50 ms
 *   kill n2                  SIGKILL the process (storage stays on disk)
 *   restart n2               start it again (incarnation + 1)
 *   send n1 {"type":"read"}  send a request as `client` and print the reply
 *   status                   who is up, the network, message counts
 *   logs on|off              print the nodes' ctx.log lines (default on)
 *   wait 500                 pause (for scripts piped into stdin)
 *   quit
 *
 * <program>: `gossip` or `echo` (src/sim/examples.ts), `<file.ts>#<Export>` (a node class or
 * factory), or a lab id whose lab.json says `"realnet": { "module": "x.ts", "export": "X" }`.
 * Works the same in a WebContainer's shell (jsh) and in a terminal.
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startCluster, type Cluster } from '../realnet/cluster.ts';
import type { Message } from '../sim/types.ts';

/** Turns the program argument into what node-process.ts loads. */
export function resolveProgram(arg: string, root = process.cwd()): string {
  if (arg === 'gossip' || arg === 'echo' || arg.includes('#')) return arg.includes('#') ? resolve(root, arg.split('#')[0]!) + '#' + arg.split('#')[1] : arg;
  const labJson = join(root, 'labs', arg, 'lab.json');
  if (existsSync(labJson)) {
    const lab = JSON.parse(readFileSync(labJson, 'utf8')) as { realnet?: { module: string; export: string } };
    if (lab.realnet) return `${join(root, 'labs', arg, lab.realnet.module)}#${lab.realnet.export}`;
    throw new Error(`lab "${arg}" does not say which node to run (lab.json "realnet": { "module": "...", "export": "..." }); try: npm run realnet -- gossip`);
  }
  throw new Error(`"${arg}": not gossip, echo, <file.ts>#<Export>, or a lab id`);
}

/** Runs one command line; returns what to print. */
export async function command(cluster: Cluster, line: string, opts: { logs: { on: boolean } }): Promise<string> {
  const [verb = '', ...rest] = line.trim().split(/\s+/);
  const arg = line.trim().slice(verb.length).trim();
  switch (verb) {
    case '':
      return '';
    case 'partition': {
      const groups = arg.split('|').map((g) => g.trim().split(/[\s,]+/).filter(Boolean));
      cluster.partition(groups);
      return `partitioned: ${groups.map((g) => g.join(' ')).join(' | ')}`;
    }
    case 'heal':
      cluster.heal();
      return 'healed';
    case 'drop':
      cluster.configure({ drop: Number(rest[0]) });
      return `drop ${cluster.network.drop}`;
    case 'delay': {
      const [lo, hi] = (rest[0] ?? '0').split('-').map(Number);
      cluster.configure({ delayMs: [lo ?? 0, hi ?? lo ?? 0] });
      return `delay ${cluster.network.delayMs.join('-')} ms`;
    }
    case 'kill':
      await cluster.kill(rest[0]!);
      return `${rest[0]} killed`;
    case 'restart':
      await cluster.restart(rest[0]!);
      return `${rest[0]} restarted (incarnation ${cluster.incarnation(rest[0]!)})`;
    case 'send': {
      const to = rest[0]!;
      const body = JSON.parse(arg.slice(to.length).trim()) as Message;
      try {
        return JSON.stringify(await cluster.request(to, body, 2000));
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    }
    case 'status':
      return [
        cluster.nodes.map((n) => `${n}: ${cluster.isUp(n) ? `up (incarnation ${cluster.incarnation(n)})` : 'down'}`).join(', '),
        `network: drop ${cluster.network.drop}, delay ${cluster.network.delayMs.join('-')} ms`,
        `messages: ${Object.values(cluster.stats.delivered).reduce((a, b) => a + b, 0)} delivered, ${cluster.stats.dropped} dropped, ${cluster.stats.cut} cut by partitions, ${cluster.stats.toDown} to a node that was down`,
      ].join('\n');
    case 'wait': {
      const ms = Number(rest[0] ?? 1000);
      await new Promise((r) => setTimeout(r, ms));
      return '';
    }
    case 'logs':
      opts.logs.on = rest[0] !== 'off';
      return `logs ${opts.logs.on ? 'on' : 'off'}`;
    case 'help':
      return 'partition a b | c, heal, drop P, delay MIN-MAX, kill N, restart N, send N {json}, status, logs on|off, wait MS, quit';
    default:
      return `unknown command "${verb}" (help lists them)`;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      nodes: { type: 'string', default: '3' },
      drop: { type: 'string', default: '0' },
      delay: { type: 'string', default: '1-5' },
      dir: { type: 'string', default: '.faultlines/realnet' },
      keep: { type: 'boolean', default: false },
      // The node program's entry: the bundled .faultlines/realnet-node.mjs in a WebContainer.
      'node-script': { type: 'string' },
    },
  });
  const program = resolveProgram(positionals[0] ?? 'gossip');
  const n = Number(values.nodes);
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const dir = resolve(values.dir!);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  const logs = { on: true };
  const [lo, hi] = values.delay!.split('-').map(Number);
  const cluster = await startCluster({
    nodes: ids,
    program,
    dir,
    network: { drop: Number(values.drop), delayMs: [lo ?? 1, hi ?? lo ?? 5] },
    ...(values['node-script'] ? { nodeScript: resolve(values['node-script']) } : {}),
    onLog: (l) => {
      if (logs.on) console.log(`[${l.node}] ${l.text}${l.data === undefined ? '' : ' ' + JSON.stringify(l.data)}`);
    },
  });
  console.log(`${n} nodes up (${program}), proxy on 127.0.0.1:${cluster.port}, storage in ${dir}. Type help.`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  let queue = Promise.resolve();
  let quitting = false;
  const quit = async () => {
    if (quitting) return;
    quitting = true;
    await cluster.stop();
    process.exit(0);
  };
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      if (/^\s*(quit|exit)\s*$/.test(line)) return quit();
      const out = await command(cluster, line, { logs }).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      if (out) console.log(out);
    });
  });
  rl.on('close', () => void queue.then(quit));
  process.on('SIGINT', () => void quit());
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
