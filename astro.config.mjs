// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { offline } from './src/offline/integration.ts';
import { withSlashes } from './src/lib/base-path.ts';
import { hideVitestGlobalsVite } from './src/runtimes/browser/hide-vitest-globals.ts';

// FAULTLINES_BASE=/course/ builds the site to be served under a sub-path (see README, Hosting).
const base = withSlashes(process.env.FAULTLINES_BASE);
if (!/^\/([\w.~-]+\/)*$/.test(base) || base.includes('/../') || base.includes('/./')) {
  throw new Error(`FAULTLINES_BASE="${process.env.FAULTLINES_BASE}" is not a path like /course/ (letters, digits, - _ . ~ and slashes)`);
}

// Static output only: the built `dist/` must work from any static host, even offline.
export default defineConfig({
  output: 'static',
  // Tests build broken fixture content into their own folders, beside the real build.
  outDir: process.env.FAULTLINES_OUT_DIR || './dist',
  cacheDir: process.env.FAULTLINES_CACHE_DIR || './node_modules/.astro',
  site: 'http://localhost:4321',
  base,
  trailingSlash: 'ignore',
  // offline(): the Pagefind index, then the service worker and its precache list, the headers
  // file and the size report, after every build (src/offline/README.md).
  integrations: [mdx(), offline()],
  markdown: {
    shikiConfig: {
      // Both themes are emitted as CSS variables; src/styles/code.css picks one per theme.
      themes: { light: 'github-light-default', dark: 'github-dark-default' },
      defaultColor: false,
      wrap: false,
    },
  },
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  vite: {
    build: { assetsInlineLimit: 0 },
    define: { __FAULTLINES_BASE__: JSON.stringify(base) },
    // The lab runtime's worker is an ES module (Vitest's runner splits into chunks). Its
    // Vitest keeps its global state where lab code cannot reach it (hide-vitest-globals.ts).
    plugins: [hideVitestGlobalsVite()],
    worker: { format: 'es', plugins: () => [hideVitestGlobalsVite()] },
  },
});
