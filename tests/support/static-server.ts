/**
 * A plain static file server over a built site, like any static host: no rewrites, no
 * special headers. Directory URLs serve index.html; unknown paths serve 404.html with 404.
 * `prefix: '/course/'` mounts the site under a sub-path (for builds with FAULTLINES_BASE), as
 * GitHub Pages does for a project site.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
  /** Every path requested so far (tests assert on what a page fetched). */
  requests: string[];
}

export interface ServeOptions {
  port?: number;
  /** Mount the site under this path ('/course/'); anything outside it is a plain 404. */
  prefix?: string;
  /** Extra response headers by URL path, as a host configured with headers would send. */
  headers?: (urlPath: string) => Record<string, string>;
}

async function fileAt(root: string, urlPath: string): Promise<string | null> {
  const decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const target = normalize(join(root, decoded));
  if (target !== root && !target.startsWith(root + sep)) return null; // no escaping the root
  try {
    const s = await stat(target);
    if (s.isDirectory()) {
      const index = join(target, 'index.html');
      return (await stat(index).catch(() => null))?.isFile() ? index : null;
    }
    return s.isFile() ? target : null;
  } catch {
    return null;
  }
}

export async function serveStatic(dir: string, options: number | ServeOptions = {}): Promise<StaticServer> {
  const { port = 0, prefix = '/', headers = () => ({}) } = typeof options === 'number' ? { port: options } : options;
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    const file = await fileAt(root, `/${path.slice(prefix.length)}`);
    if (!file) {
      const notFound = await readFile(join(root, '404.html')).catch(() => Buffer.from('Not found'));
      res.writeHead(404, { ...headers(path.split('?')[0]!), 'content-type': TYPES['.html']! });
      res.end(notFound);
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { ...headers(path.split('?')[0]!), 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
