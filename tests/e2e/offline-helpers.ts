/** What the offline and sub-path tests share: the service worker's state, and driving the lab. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ServiceWorkerStatus {
  version: string;
  files: number;
  cached: number;
  isolation: boolean;
  scope: string;
}

/** Waits until the service worker is active (so its precache is complete) and controls the page. */
export async function serviceWorkerStatus(page: Page): Promise<ServiceWorkerStatus> {
  return page.evaluate(async () => {
    const sw = navigator.serviceWorker;
    const registration = await sw.ready;
    if (!sw.controller) await new Promise((ok) => sw.addEventListener('controllerchange', ok, { once: true }));
    const channel = new MessageChannel();
    const answer = new Promise<Omit<ServiceWorkerStatus, 'scope'>>((ok) => (channel.port1.onmessage = (e) => ok(e.data)));
    registration.active!.postMessage({ type: 'status' }, [channel.port2]);
    return { ...(await answer), scope: registration.scope };
  });
}

/** The terminal's whole buffer (xterm draws only visible rows into the DOM). */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = (document.querySelector('[data-workspace]') as unknown as { xterm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } } } } }).xterm;
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
    return lines.join('\n');
  });
}

export async function openLab(page: Page, id = 'lamport-clocks'): Promise<void> {
  await page.click(`[data-lab="${id}"] [data-lab-open]`);
  await page.waitForSelector(`[data-lab="${id}"] [data-workspace] .xterm`, { timeout: 20_000 });
}

/** Types a command into the terminal through the keyboard, and waits until the output matches. */
export async function typeInTerminal(page: Page, command: string, until: RegExp): Promise<string> {
  await page.click('[data-workspace] .xterm');
  const before = (await terminalText(page)).length;
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  let text = '';
  await expect
    .poll(async () => {
      text = (await terminalText(page)).slice(Math.max(0, before - 200));
      return until.test(text);
    }, { timeout: 30_000 })
    .toBe(true);
  return text;
}

/** Replaces the editor's content by typing through CodeMirror (select all, then insert). */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.click('[data-workspace] .cm-content');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}
