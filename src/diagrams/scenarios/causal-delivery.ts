/**
 * Causal broadcast on a network with one slow link. n1 asks a question; n2 delivers it and
 * broadcasts an answer; n3 also posts a message of its own. The question crawls over the
 * slow link n1 -> n3, so the answer reaches n3 first: n3's causal-delivery buffer holds the
 * answer back until the question has been delivered, then delivers both, in causal order.
 *
 * Every broadcast carries `deps`: how many broadcasts from each node its sender had
 * delivered (its own: sent) before sending it. A node delivers a message when deps is at
 * most its own delivered counts in every entry. Labels show the vectors as [n1,n2,n3].
 * @module
 */
import { latency, Simulation } from '../../sim/index.ts';
import type { Ctx, NodeId, SimNode, Trace, TraceEvent } from '../../sim/index.ts';

type Post = { type: 'post'; from: NodeId; id: string; text: string; deps: number[] };

const NODES = ['n1', 'n2', 'n3'];
const vec = (v: number[]) => `[${v.join(',')}]`;

/** The delivery rule, written out again here (chapters do not import lab solutions). */
class Member implements SimNode<Post> {
  private readonly ctx: Ctx<Post>;
  private readonly me: number;
  private readonly delivered = [0, 0, 0];
  private held: Post[] = [];
  constructor(ctx: Ctx<Post>) {
    this.ctx = ctx;
    this.me = NODES.indexOf(ctx.id);
  }
  onStart(): void {
    if (this.ctx.id === 'n1') this.ctx.setTimer(2, () => this.broadcast('question'));
    if (this.ctx.id === 'n3') this.ctx.setTimer(24, () => this.broadcast('hello'));
  }
  private broadcast(text: string): void {
    const deps = [...this.delivered];
    this.delivered[this.me]! += 1;
    const id = `${this.ctx.id}:${this.delivered[this.me]}`;
    this.ctx.log('send', { id, text, deps });
    for (const p of this.ctx.peers) this.ctx.send(p, { type: 'post', from: this.ctx.id, id, text, deps });
  }
  private ready(m: Post): boolean {
    return m.deps.every((n, k) => n <= this.delivered[k]!);
  }
  onMessage(_from: NodeId, m: Post): void {
    if (!this.ready(m)) {
      this.held.push(m);
      this.ctx.log('hold', { id: m.id, text: m.text, deps: m.deps, have: [...this.delivered] });
      return;
    }
    this.deliver(m);
    for (let again = true; again; ) {
      again = false;
      const next = this.held.find((h) => this.ready(h));
      if (next) {
        this.held = this.held.filter((h) => h !== next);
        this.deliver(next);
        again = true;
      }
    }
  }
  private deliver(m: Post): void {
    this.delivered[NODES.indexOf(m.from)]! += 1;
    this.ctx.log('deliver', { id: m.id, text: m.text, have: [...this.delivered] });
    if (this.ctx.id === 'n2' && m.text === 'question') this.ctx.setTimer(4, () => this.broadcast('answer'));
  }
}

export async function causalDelivery(seed: number): Promise<Trace> {
  const sim = new Simulation<Post>({ seed, network: { latency: latency.uniform(3, 7) } });
  sim.addNodes(NODES, (ctx) => new Member(ctx));
  sim.configureLink('n1', 'n3', { latency: latency.uniform(36, 42) });
  await sim.run({ until: 60 });
  return sim.trace;
}

/**
 * Short labels (lanes are narrow): the first letter of the post (Q, A, H), then
 * `Q [0,0,0]` on a send (the deps it carries), `hold A` when a post is held back, and
 * `✓Q [1,0,1]` on a delivery (the node's delivered counts afterwards).
 */
export function causalAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log' || e.data === null || typeof e.data !== 'object') return undefined;
  const d = e.data as { text?: string; deps?: number[]; have?: number[] };
  const name = (d.text ?? '?').charAt(0).toUpperCase();
  if (e.text === 'send' && d.deps) return `${name} ${vec(d.deps)}`;
  if (e.text === 'hold') return `hold ${name}`;
  if (e.text === 'deliver' && d.have) return `✓${name} ${vec(d.have)}`;
  return undefined;
}
