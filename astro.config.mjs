// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

// Static output only: the built `dist/` must work from any static host, even offline.
export default defineConfig({
  output: 'static',
  // Tests build broken fixture content into their own folders, beside the real build.
  outDir: process.env.FAULTLINES_OUT_DIR || './dist',
  cacheDir: process.env.FAULTLINES_CACHE_DIR || './node_modules/.astro',
  site: 'http://localhost:4321',
  trailingSlash: 'ignore',
  integrations: [mdx()],
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
    // The lab runtime's worker is an ES module (Vitest's runner splits into chunks).
    worker: { format: 'es' },
  },
});
