// Guard: Astro 7 and Vitest 5 need Node >= 22.12. Every npm script runs this first. It must
// itself run on old Node, so it sticks to syntax that Node 12 understands.
import { fileURLToPath } from 'node:url';

export const MINIMUM = [22, 12];

/** A message saying what to do when `version` is too old, or null when it will do. */
export function nodeVersionProblem(version, execPath) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return null;
  return [
    '',
    `Fault Lines needs Node ${MINIMUM.join('.')} or newer; this is Node ${version} (${execPath}).`,
    '',
    'The project brings its own Node 24 as a dev dependency (the "node" package). npm puts it',
    'first on PATH for npm scripts, but only after its install script has run. To fix:',
    '',
    '  npm install            # not --ignore-scripts: the "node" package installs its binary then',
    '  npm start              # or any other npm script',
    '',
    'If node_modules/.bin/node is missing or broken, delete node_modules and run npm install again.',
    "Calling node_modules/.bin/astro or vitest directly uses your shell's Node: use npm run / npx.",
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = nodeVersionProblem(process.versions.node, process.execPath);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
