/** The web app manifest: the course installs as an app that opens the course map, offline too. */
import type { APIRoute } from 'astro';
import { BASE, url } from '../lib/site-url.ts';

export const GET: APIRoute = () => {
  const manifest = {
    name: 'Fault Lines: distributed systems, hands-on',
    short_name: 'Fault Lines',
    description: 'A hands-on course in distributed systems: break a cluster, watch it fail, fix it, and see why it works.',
    id: BASE,
    start_url: BASE,
    scope: BASE,
    display: 'standalone',
    lang: 'en',
    background_color: '#fbfaf7',
    theme_color: '#b3400b',
    icons: [
      { src: url('icons/icon-192.png'), sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: url('icons/icon-512.png'), sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: url('icons/maskable-192.png'), sizes: '192x192', type: 'image/png', purpose: 'maskable' },
      { src: url('icons/maskable-512.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: url('favicon.svg'), sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  };
  return new Response(JSON.stringify(manifest, null, 2), { headers: { 'content-type': 'application/manifest+json' } });
};
