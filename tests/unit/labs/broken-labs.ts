/**
 * Copies of the real Lamport clocks lab with one thing broken each, made fresh in a
 * temporary folder for every test run, so they follow the lab as it changes:
 *
 * - `bad-format`: the solution file is gone, lab.json describes a variant that has no
 *   folder, and a variant folder is not described;
 * - `dishonest`: the "ties-not-broken" variant is the reference solution, so no test
 *   can catch it;
 * - `broken-solution`: the "solution" is the starter.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type BrokenLab = 'bad-format' | 'dishonest' | 'broken-solution';

const SOURCE = 'labs/lamport-clocks';

/** Writes the broken copy `kind` into `labsDir/<kind>` and returns its folder. */
export function makeBrokenLab(labsDir: string, kind: BrokenLab): string {
  const dir = join(labsDir, kind);
  rmSync(dir, { recursive: true, force: true });
  cpSync(SOURCE, dir, { recursive: true });
  // Three variants are enough to show each check (and the format's minimum); fewer runs, faster tests.
  const meta = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as { variants: { id: string }[] };
  const keep = ['receive-without-increment', 'send-without-tick', 'ties-not-broken'];
  for (const v of meta.variants) if (!keep.includes(v.id)) rmSync(join(dir, 'variants', v.id), { recursive: true, force: true });
  meta.variants = meta.variants.filter((v) => keep.includes(v.id));
  writeFileSync(join(dir, 'lab.json'), JSON.stringify(meta, null, 2) + '\n');
  const starter = readFileSync(join(SOURCE, 'starter/lamport.ts'), 'utf8');
  const solution = readFileSync(join(SOURCE, 'solution/lamport.ts'), 'utf8');
  switch (kind) {
    case 'bad-format':
      rmSync(join(dir, 'solution/lamport.ts'));
      rmSync(join(dir, 'variants/send-without-tick'), { recursive: true });
      mkdirSync(join(dir, 'variants/undocumented'));
      writeFileSync(join(dir, 'variants/undocumented/lamport.ts'), starter);
      break;
    case 'dishonest':
      writeFileSync(join(dir, 'variants/ties-not-broken/lamport.ts'), solution);
      break;
    case 'broken-solution':
      writeFileSync(join(dir, 'solution/lamport.ts'), starter);
      break;
  }
  return dir;
}
