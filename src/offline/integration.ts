/**
 * The Astro integration that finishes every build (so `astro build` alone gives a complete
 * site, whatever FAULTLINES_OUT_DIR says):
 *
 *  1. the Pagefind search index of the built pages, into dist/pagefind/;
 *  2. the service worker dist/sw.js with this build's precache list (build.ts, sw.ts);
 *  3. dist/_headers for hosts that read it (Netlify, Cloudflare Pages);
 *  4. a summary of what the service worker keeps offline (files, bytes), in the build output.
 *
 * In `astro dev` it serves a /sw.js that unregisters itself: a service worker left by
 * `npm start` on the same localhost port would otherwise keep serving the built pages.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { withSlashes } from '../lib/base-path.ts';
import { formatBytes, headersFile, summaryTable, writeServiceWorker } from './build.ts';
import { isolationEnabled } from './isolation.ts';

const DEV_SW = `// Development: remove any service worker a built copy of the site left on this origin.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil((async () => {
  await self.registration.unregister();
  for (const c of await self.clients.matchAll({ type: 'window' })) c.navigate(c.url);
})()));
`;

export function offline(): AstroIntegration {
  let base = '/';
  return {
    name: 'faultlines-offline',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        // Only built sites register the service worker (not `astro dev`, whatever NODE_ENV says:
        // a build started from a test runner gets NODE_ENV=test, and so import.meta.env.PROD false).
        updateConfig({ vite: { define: { __FAULTLINES_REGISTER_SW__: JSON.stringify(command === 'build' || command === 'preview') } } });
      },
      'astro:config:done': ({ config }) => {
        base = withSlashes(config.base);
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          if (req.url?.split('?')[0] !== `${base}sw.js`) return next();
          res.setHeader('content-type', 'text/javascript; charset=utf-8');
          res.setHeader('cache-control', 'no-cache');
          res.end(DEV_SW);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const dist = fileURLToPath(dir);
        const isolation = isolationEnabled(process.env);

        const t0 = performance.now();
        const pagefind = await import('pagefind');
        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
        const added = await index.addDirectory({ path: dist });
        if (added.errors.length) throw new Error(`Pagefind could not index ${dist}: ${added.errors.join('; ')}`);
        const written = await index.writeFiles({ outputPath: `${dist}/pagefind` });
        if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
        await pagefind.close();
        logger.info(`search index: ${added.page_count} pages (${Math.round(performance.now() - t0)} ms)`);

        writeFileSync(`${dist}/_headers`, headersFile({ base, isolation }));
        const sw = await writeServiceWorker(dist, { base, isolation });
        const total = sw.entries.reduce((n, e) => n + e.bytes, 0);
        logger.info(
          `service worker: version ${sw.version}, scope ${base}, isolation ${isolation ? 'on' : 'off'}; ` +
            `precaches ${sw.entries.length} files, ${formatBytes(total)} (${total} bytes); sw.js ${formatBytes(sw.swBytes)}\n${summaryTable(sw.entries)}`,
        );
      },
    },
  };
}
