import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BACKUP_PREFIX, parseProgress, PROGRESS_KEY, ProgressStore } from '../../../src/client/progress.ts';

class MemoryStorage {
  data = new Map<string, string>();
  failWrites = false;
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('quota', 'QuotaExceededError');
    this.data.set(k, v);
  }
}

describe('ProgressStore', () => {
  test('keeps progress across stores (reloads) on the same storage', () => {
    const storage = new MemoryStorage();
    new ProgressStore(storage).update('clocks', { read: true, furthest: 0.5 });
    const again = new ProgressStore(storage);
    expect(again.get('clocks')).toEqual({ read: true, quizPassed: false, labPassed: false, furthest: 0.5 });
    expect(again.get('other').read).toBe(false);
  });

  test('unreadable stored data is backed up, never silently overwritten', () => {
    const storage = new MemoryStorage();
    storage.data.set(PROGRESS_KEY, '{broken');
    const store = new ProgressStore(storage, () => 1234);
    expect(storage.data.get(`${BACKUP_PREFIX}1234`)).toBe('{broken');
    store.update('a', { read: true });
    expect(JSON.parse(storage.data.get(PROGRESS_KEY)!).chapters.a.read).toBe(true);
  });

  test('without storage, or when writes fail, it works in memory and says it is not persistent', () => {
    const none = new ProgressStore(null);
    expect(none.persistent).toBe(false);
    expect(none.update('a', { read: true }).read).toBe(true);
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const full = new ProgressStore(storage);
    full.update('a', { quizPassed: true });
    expect(full.persistent).toBe(false);
    expect(full.get('a').quizPassed).toBe(true);
  });

  test('subscribers hear every update', () => {
    const store = new ProgressStore(new MemoryStorage());
    const seen: boolean[] = [];
    store.subscribe((s) => seen.push(s.chapters.a?.labPassed ?? false));
    store.update('a', { labPassed: true });
    expect(seen).toEqual([true]);
  });
});

describe('parseProgress', () => {
  test('keeps well-formed entries, coerces odd fields, clamps furthest', () => {
    const p = parseProgress(JSON.stringify({ chapters: { a: { read: true, furthest: 7 }, b: { read: 'yes' }, c: 3 } }));
    expect(p?.chapters).toEqual({
      a: { read: true, quizPassed: false, labPassed: false, furthest: 1 },
      b: { read: false, quizPassed: false, labPassed: false, furthest: 0 },
    });
  });

  test('never throws, whatever the stored string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const p = parseProgress(raw);
        if (p) for (const e of Object.values(p.chapters)) expect(e.furthest).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
