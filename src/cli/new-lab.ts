/**
 * Scaffolds a new lab: npm run new-lab -- <id> --chapter <chapter id> [--title "Title"]
 *
 * Creates labs/<id>/ with a lab.json, a small working example (an echo node), a starter with
 * the bug left in, a solution, three variant folders, a mutants.md and tests that already
 * follow the format's rules (rule-by-rule tests first; cluster tests over several seeds and
 * several cluster sizes, with duplicates and reordering), and adds the lab to the chapter's
 * "labs" field. Until the variants hold real mistakes, the lab has its tests.json and its
 * mutation record, `npm run verify-labs` fails and says so: that is the point.
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

/** How big the cluster is: tests run more than one size (even ones too), so a hard-coded size fails. */
export interface ClusterOptions {
  nodes?: number;
}

export function buildCluster(seed: number, opts: ClusterOptions = {}): Simulation<Msg> {
  const sim = new Simulation<Msg>({
    seed,
    // Loss, duplication and reordering: whatever the chapter says the learner must handle.
    network: { latency: latency.uniform(1, 10), loss: 0.1, duplicate: 0.05, reorder: 0.1, reorderMs: 20 },
  });
  const ids = Array.from({ length: opts.nodes ?? 3 }, (_, i) => \`n\${i + 1}\`);
  sim.addNodes(ids, (ctx) => new EchoServer(ctx));
  return sim;
}
`,
  'starter/node.ts': nodeFile(false),
  'solution/node.ts': nodeFile(true),
  'mutants.md': `# Surviving mutants of ${id}

Run \`npm run verify-labs -- --mutants ${id}\`. Kill every surviving mutant you can with a new or
sharper test; list here only the ones no test can kill (equivalent mutants), one line each, in
the format labs/README.md gives under "Mutation testing".
`,
  'tests/node.test.ts': `import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { buildCluster } from '../cluster.ts';
import type { Msg } from '../node.ts';

const SEEDS = seeds(seedRange(5));
// More than one cluster size, even ones included: a learner's hard-coded 3 must fail somewhere.
const SIZES = [3, 4, 5];

// First, one rule at a time: plain calls of the learner's code, boundaries included.
describe('the echo rule', () => {
  test('replace this: one rule of the lab, pinned exactly (equal values, the first call, off-by-one)', () => {
    expect(1 + 1, 'what is being checked, in words').toBe(2);
  });
});

for (const size of SIZES) seededTest(\`with \${size} nodes, every echo is answered with the same text\`, SEEDS, async (seed) => {
  const sim = buildCluster(seed, { nodes: size });
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
console.log(`Created ${dir}/. Next: write the lab, then:
  npm run verify-labs -- ${id}                    the solution passes, the starter and every variant fail
  npm run verify-labs -- --update-tests ${id}     record the lab's list of tests (tests.json)
  npm run verify-labs -- --mutants ${id}          mutation-test the grader; justify survivors in mutants.md`);
