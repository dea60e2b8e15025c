// Guard: Astro 7 and Vitest 5 need Node >= 22.12. This file must run on old Node too, so it
// uses only syntax that Node 12 understands.
const [major, minor] = process.versions.node.split('.').map(Number);
const ok = major > 22 || (major === 22 && minor >= 12);
if (!ok) {
  const lines = [
    '',
    `Fault Lines needs Node 22.12 or newer; this is Node ${process.versions.node} (${process.execPath}).`,
    '',
    'The project brings its own Node 24 as a dev dependency (the "node" package). npm puts it',
    'first on PATH for npm scripts, but only after its install script has run. To fix:',
    '',
    '  npm install            # not --ignore-scripts: the "node" package installs its binary then',
    '  npm start              # or any other npm script',
    '',
    'If node_modules/.bin/node is missing or broken, delete node_modules and run npm install again.',
    'Calling node_modules/.bin/astro or vitest directly uses your shell\'s Node: use npm run / npx.',
    '',
  ];
  console.error(lines.join('\n'));
  process.exit(1);
}
