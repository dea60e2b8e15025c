/**
 * {@link Container} over plain Node: a folder and real child processes. Lets the
 * WebContainer runtime (and the archive it mounts) be tested on machines that cannot
 * reach StackBlitz, and is what `realnet` uses outside a WebContainer. Node only.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { FileSystemTree } from '@webcontainer/api';
import type { Container, ContainerProcess, ContainerSpawnOptions } from './webcontainer-runtime.ts';

export interface NodeContainer extends Container {
  /** The folder that plays the WebContainer's workdir. */
  readonly root: string;
  /** Kills every process still running and removes the folder. */
  dispose(): Promise<void>;
}

export function createNodeContainer(root = realpathSync(mkdtempSync(join(tmpdir(), 'faultlines-container-')))): NodeContainer {
  const at = (p: string) => {
    const full = resolve(root, p);
    if (full !== root && !full.startsWith(root + '/')) throw new Error(`outside the container: ${p}`);
    return full;
  };
  const live = new Set<number>();
  const killGroup = (pid: number) => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };

  async function mountTree(tree: FileSystemTree, dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    for (const [name, node] of Object.entries(tree)) {
      const full = join(dir, name);
      if ('directory' in node) await mountTree(node.directory, full);
      else if ('contents' in node.file) await writeFile(full, node.file.contents);
      else throw new Error(`symlinks are not supported here: ${full}`);
    }
  }

  return {
    root,
    mount: (tree) => mountTree(tree, root),
    fs: {
      readFile: (path, encoding) => readFile(at(path), encoding),
      async writeFile(path, data) {
        await mkdir(dirname(at(path)), { recursive: true });
        await writeFile(at(path), data);
      },
      mkdir: (path, options) => mkdir(at(path), options),
      rm: (path, options) => rm(at(path), options),
    },
    async spawn(command: string, args: string[], options: ContainerSpawnOptions = {}): Promise<ContainerProcess> {
      const env: Record<string, string> = { ...(process.env as Record<string, string>) };
      for (const [k, v] of Object.entries(options.env ?? {})) env[k] = String(v);
      // A process group, so kill() also stops Vitest's forked test processes (as WebContainer's kill does).
      const child = spawn(command === 'node' ? process.execPath : command, args, {
        cwd: options.cwd ? at(options.cwd) : root,
        env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const pid = child.pid;
      if (pid !== undefined) live.add(pid);
      const exit = new Promise<number>((ok) => {
        child.on('error', () => ok(127));
        child.on('close', (code, signal) => {
          if (pid !== undefined) live.delete(pid);
          ok(code ?? (signal ? 128 : 1));
        });
      });
      const output = new ReadableStream<string>({
        start(controller) {
          let open = 2;
          const end = () => {
            if (--open === 0) controller.close();
          };
          for (const stream of [child.stdout, child.stderr]) {
            const decoder = new TextDecoder();
            stream.on('data', (b: Buffer) => controller.enqueue(decoder.decode(b, { stream: true })));
            stream.on('end', end);
          }
        },
      });
      const input = Writable.toWeb(child.stdin) as unknown as WritableStream<string>;
      return {
        output,
        exit,
        input,
        kill: () => {
          if (pid !== undefined) killGroup(pid);
        },
      };
    },
    async dispose() {
      for (const pid of live) killGroup(pid);
      live.clear();
      await rm(root, { recursive: true, force: true });
    },
  };
}
