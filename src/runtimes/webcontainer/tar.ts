/**
 * A minimal tar (ustar) writer and reader, and the conversion to WebContainer's
 * `FileSystemTree`. Runs in a browser and in Node (Uint8Array only, no Node APIs), so the
 * page that mounts the prepared node_modules and the test that checks it in plain Node
 * read the archive with the same code.
 *
 * Only what the archive needs: regular files (mode kept), directories implied by paths,
 * names up to 255 bytes (ustar prefix + name). No symlinks, no pax headers.
 * @module
 */
import type { FileSystemTree } from '@webcontainer/api';

export interface TarEntry {
  /** `/`-separated path, no leading `/`. */
  path: string;
  data: Uint8Array;
  /** Unix permission bits; default 0o644. */
  mode?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function writeString(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = enc.encode(text);
  if (bytes.length > length) throw new Error(`tar: "${text}" does not fit in ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

/** Splits a path into ustar's prefix (<= 155 bytes) and name (<= 100 bytes). */
function splitName(path: string): [prefix: string, name: string] {
  if (enc.encode(path).length <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100) return [prefix, name];
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

/** Writes a tar archive (uncompressed). */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  let size = 1024; // two zero blocks at the end
  for (const e of entries) size += 512 + Math.ceil(e.data.length / 512) * 512;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const e of entries) {
    const header = out.subarray(pos, pos + 512);
    const [prefix, name] = splitName(e.path);
    writeString(header, 0, 100, name);
    writeOctal(header, 100, 8, e.mode ?? 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, e.data.length);
    writeOctal(header, 136, 12, 0); // mtime 0: the same input gives the same bytes
    header.fill(0x20, 148, 156); // checksum is computed with spaces here
    header[156] = 0x30; // '0': regular file
    writeString(header, 257, 6, 'ustar\0');
    writeString(header, 263, 2, '00');
    writeString(header, 345, 155, prefix);
    let sum = 0;
    for (const b of header) sum += b;
    writeString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    out.set(e.data, pos + 512);
    pos += 512 + Math.ceil(e.data.length / 512) * 512;
  }
  return out;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return dec.decode(end >= 0 ? slice.subarray(0, end) : slice);
}

/** Reads the regular files of a tar archive (directories and other entry types are skipped). */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  while (pos + 512 <= bytes.length) {
    const header = bytes.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const name = readString(header, 0, 100);
    const prefix = readString(header, 345, 155);
    const size = parseInt(readString(header, 124, 12).trim() || '0', 8);
    const mode = parseInt(readString(header, 100, 8).trim() || '644', 8);
    const type = header[156];
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^\.?\//, '');
    if (type === 0x30 || type === 0) entries.push({ path, data: bytes.slice(pos + 512, pos + 512 + size), mode });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** Gunzips with the platform's DecompressionStream (browsers, Node >= 18). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Text files stay strings (smaller to transfer); anything else (wasm) stays binary. */
const TEXT = /\.(?:[cm]?js|json|ts|md|txt|map|css|html|d\.[cm]?ts)$|(?:^|\/)(?:LICENSE|README|NOTICE)[^/]*$/i;

/** Builds the tree `WebContainer.mount()` takes, optionally below `under` (e.g. `'node_modules'`). */
export function toFileSystemTree(entries: readonly TarEntry[]): FileSystemTree {
  const tree: FileSystemTree = {};
  for (const e of entries) {
    const parts = e.path.split('/').filter(Boolean);
    let dir = tree;
    for (const part of parts.slice(0, -1)) {
      const node = (dir[part] ??= { directory: {} });
      if (!('directory' in node)) throw new Error(`tar: ${e.path} is below a file`);
      dir = node.directory;
    }
    const leaf = parts[parts.length - 1]!;
    dir[leaf] = { file: { contents: TEXT.test(leaf) ? dec.decode(e.data) : e.data } };
  }
  return tree;
}
