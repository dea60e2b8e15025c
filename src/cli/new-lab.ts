/**
 * Scaffolds a new lab: npm run new-lab -- <id> --chapter <chapter id> [--title "Title"]
 *
 * Creates labs/<id>/ with a lab.json, a small working example (an echo node), a starter with
 * the bug left in, a solution, three variant folders and a seeded test, and adds the lab to
 * the chapter's "labs" field. Until the variants hold real mistakes, `npm run verify-labs`
 * fails and says so: that is the point.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argsOrHelp, die } from './command.ts';

const usage = 'Usage: npm run new-lab -- <lab id> --chapter <chapter id> [--title "Title"]';
const args = argsOrHelp(usage);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const chapter = flag('--chapter');
const titleFlag = flag('--title');
const [id] = args;
if (!id || !chapter) die(2, usage);
if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) die(2, `Lab id "${id}": use lowercase words joined by hyphens, like "quorum-reads".`);
const dir = join('labs', id);
if (existsSync(dir)) die(2, `${dir} already exists.`);
const chapterFile = join('content/chapters', `${chapter}.mdx`);
if (!existsSync(chapterFile)) die(2, `${chapterFile} does not exist: name the chapter that will embed the lab.`);
const title = titleFlag ?? id.split('-').map((w, i) => (i ? w : w[0]!.toUpperCase() + w.slice(1))).join(' ');

const files: Record<string, string> = {
  'lab.json': JSON.stringify(
    {
      title,
      chapter,
      summary: `Replace this: one or two sentences on what the learner builds in the ${title} lab.`,
      goal: 'Replace this: the one idea the learner can explain afterwards.',
      difficulty: 'core',
      minutes: 40,
      files: ['node.ts'],
      hints: ['Replace this: a nudge.', 'Replace this: a stronger hint.', 'Replace this: nearly the answer.'],
      variants: [
        { id: 'mistake-one', mistake: 'Replace this: a mistake real learners make, in one line.' },
        { id: 'mistake-two', mistake: 'Replace this: another real mistake.' },
        { id: 'mistake-three', mistake: 'Replace this: a third real mistake.' },
      ],
    },
    null,
    2,
  ) + '\n',
  'support/cluster.ts': `/** The cluster the tests run. The learner reads this file but does not edit it. */
import { latency, Simulation } from 'faultlines';
import { EchoServer, type Msg } from './node.ts';

export function buildCluster(seed: number): Simulation<Msg> {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.uniform(1, 10), loss: 0.1 } });
  sim.addNodes(['n1', 'n2'], (ctx) => new EchoServer(ctx));
  return sim;
}
`,
  'starter/node.ts': nodeFile(false),
  'solution/node.ts': nodeFile(true),
  'tests/node.test.ts': `import { expect } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { buildCluster } from '../cluster.ts';
import type { Msg } from '../node.ts';

const SEEDS = seeds(seedRange(5));

seededTest('every echo is answered with the same text', SEEDS, async (seed) => {
  const sim = buildCluster(seed);
  recordRun(sim);
  const replies: string[] = [];
  sim.addClient('c1', async (c) => {
    for (const text of ['hello', 'world']) {
      const done = await c.invoke<Msg>({ f: 'echo', input: text, to: 'n1', msg: { type: 'echo', text }, timeoutMs: 200 });
      if (done.type === 'ok' && done.output && done.output.type === 'echo_ok') replies.push(done.output.text);
    }
  });
  await sim.run({ until: 2_000 });
  if (replies.length === 0) throw new LabFailure('n1 never answered c1', { nodes: ['n1'] });
  for (const r of replies) expect(['hello', 'world'], \`n1 echoed "\${r}"\`).toContain(r);
});
`,
};
for (const v of ['mistake-one', 'mistake-two', 'mistake-three']) {
  files[`variants/${v}/node.ts`] = `// Replace this copy of the solution with the mistake lab.json describes.\n${nodeFile(true)}`;
}

function nodeFile(solved: boolean): string {
  return `import type { Ctx, NodeId, SimNode } from 'faultlines';

export type Msg = { type: 'echo'; text: string } | { type: 'echo_ok'; text: string };

/** Answers every echo with the same text. */
export class EchoServer implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  constructor(ctx: Ctx<Msg>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, msg: Msg): void {
    if (msg.type === 'echo') this.ctx.reply(msg, { type: 'echo_ok', text: ${solved ? 'msg.text' : "msg.text.toUpperCase()"} });
  }
}
`;
}

for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

// Embed the lab in its chapter, so the build (which checks both sides) stays green.
const source = readFileSync(chapterFile, 'utf8');
const m = /^labs:\s*\[(.*)\]\s*$/m.exec(source);
if (m) {
  const ids = m[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  writeFileSync(chapterFile, source.replace(m[0], `labs: [${[...ids, id].join(', ')}]`));
  console.log(`Added ${id} to "labs" in ${chapterFile}.`);
} else {
  console.log(`Add ${id} to the "labs" field of ${chapterFile} by hand.`);
}
console.log(`Created ${dir}/. Next: write the lab, then run npm run verify-labs -- ${id}.`);
