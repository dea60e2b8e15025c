/**
 * Real multi-node on loopback: three gossip node processes (the simulator's GossipNode,
 * unchanged) behind the realnet proxy. A partition stops the messages between the sides, a
 * killed node stops answering, a restarted node still has its storage, and every process is
 * gone afterwards. Bounded: the whole test must take less than 20 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../src/realnet/cluster.ts';
import type { Message } from '../../../src/sim/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultlines-realnet-'));
let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const values = async (c: Cluster, id: string, timeoutMs = 1000) => ((await c.request(id, { type: 'read' }, timeoutMs)) as Message & { values: number[] }).values;
const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const crossing = (c: Cluster, a: string[], b: string[]) =>
  a.flatMap((x) => b.flatMap((y) => [`${x}>${y}`, `${y}>${x}`])).reduce((sum, k) => sum + (c.stats.delivered[k] ?? 0), 0);

it('partition, kill and restart real node processes over 127.0.0.1', { timeout: 25_000 }, async () => {
  const t0 = performance.now();
  const c = (cluster = await startCluster({ nodes: ['n1', 'n2', 'n3'], program: 'gossip', dir, network: { delayMs: [1, 5] } }));
  const pids = c.nodes.map((n) => c.pid(n));
  expect(pids.every(alive)).toBe(true);

  // Gossip spreads a value to every node.
  await c.request('n1', { type: 'add', value: 1 });
  await expect.poll(async () => [await values(c, 'n2'), await values(c, 'n3')], { timeout: 3000, interval: 100 }).toEqual([[1], [1]]);

  // A partition: nothing crosses it, the side with two nodes still talks.
  c.partition([['n1'], ['n2', 'n3']]);
  await sleep(50); // messages already in flight are cut on arrival too
  const acrossBefore = crossing(c, ['n1'], ['n2', 'n3']);
  const insideBefore = crossing(c, ['n2'], ['n3']);
  const cutBefore = c.stats.cut;
  await c.request('n1', { type: 'add', value: 2 });
  await sleep(600);
  expect(crossing(c, ['n1'], ['n2', 'n3'])).toBe(acrossBefore);
  expect(c.stats.cut).toBeGreaterThan(cutBefore);
  expect(crossing(c, ['n2'], ['n3'])).toBeGreaterThan(insideBefore);
  expect(await values(c, 'n2')).toEqual([1]);
  expect(await values(c, 'n1')).toEqual([1, 2]);

  // Kill: the process is gone and the node stops answering.
  const oldPid = c.pid('n3');
  await c.kill('n3');
  expect(alive(oldPid)).toBe(false);
  expect(c.isUp('n3')).toBe(false);
  await expect(values(c, 'n3', 400)).rejects.toThrow(/did not answer/);

  // Restart, alone in its own partition: what it knows can only come from its storage file.
  c.partition([['n1'], ['n2'], ['n3']]);
  await c.restart('n3');
  expect(c.incarnation('n3')).toBe(1);
  expect(c.pid('n3')).not.toBe(oldPid);
  expect(await values(c, 'n3')).toEqual([1]);

  // Healed: everyone converges.
  c.heal();
  await expect.poll(async () => [await values(c, 'n2'), await values(c, 'n3')], { timeout: 3000, interval: 100 }).toEqual([[1, 2], [1, 2]]);

  const all = c.nodes.map((n) => c.pid(n));
  await c.stop();
  cluster = undefined;
  expect([...pids, ...all].some(alive)).toBe(false);
  expect(performance.now() - t0).toBeLessThan(20_000);
});

it('the CLI takes commands on stdin and cleans up on quit', { timeout: 25_000 }, async () => {
  const script = [
    'send n1 {"type":"add","value":5}',
    'wait 400',
    'send n2 {"type":"read"}',
    'partition n1 | n2',
    'kill n2',
    'send n2 {"type":"read"}',
    'restart n2',
    'send n2 {"type":"read"}',
    'status',
    'quit',
  ].join('\n');
  const child = spawn(process.execPath, ['src/cli/realnet.ts', 'gossip', '--nodes', '2', '--dir', join(dir, 'cli')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  child.stdin.end(script + '\n');
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  expect(code, out).toBe(0);
  expect(out).toMatch(/2 nodes up \(gossip\)/);
  expect(out.match(/\{"type":"read_ok","values":\[5\]\}/g)?.length, out).toBe(2); // before the kill, and from storage after the restart
  expect(out).toMatch(/n2 did not answer/);
  expect(out).toMatch(/n2 restarted \(incarnation 1\)/);
  expect(out).toMatch(/n1: up \(incarnation 0\), n2: up \(incarnation 1\)/);
});
