/**
 * Finding and starting the system Chromium for end-to-end tests.
 * Order: $FAULTLINES_CHROMIUM, $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser.
 */
import { existsSync } from 'node:fs';

export function findChromium(): string | null {
  const candidates = [
    process.env.FAULTLINES_CHROMIUM,
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Flags that keep Chromium quiet and local (see the platform facts in the brief). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
