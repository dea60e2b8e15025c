/**
 * Turning a fresh container into a lab project: unpack the prepared archive (node_modules,
 * the bundled kit, the reporter) and write the project files. Browser-safe: the page does
 * this with a booted WebContainer, the tests with ./node-container.ts.
 * @module
 */
import { projectFiles } from './project.ts';
import { gunzip, readTar, toFileSystemTree } from './tar.ts';
import type { Container } from './webcontainer-runtime.ts';

/** Mounts the archive (`lab-deps.tar.gz` bytes) and writes package.json and vitest.config.mjs. */
export async function prepareProject(container: Container, archiveGz: Uint8Array): Promise<{ files: number; ms: number }> {
  const t0 = performance.now();
  const entries = readTar(await gunzip(archiveGz));
  await container.mount(toFileSystemTree(entries));
  for (const [path, text] of Object.entries(projectFiles())) await container.fs.writeFile(path, text);
  return { files: entries.length, ms: Math.round(performance.now() - t0) };
}
