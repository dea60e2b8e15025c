import { expect, test } from 'vitest';
import { BACKUP_FORMAT, collectBackup, parseBackup, restoreBackup } from '../../../src/client/backup.ts';
import { LabStore, parseSavedLab } from '../../../src/workspace/saved-work.ts';

class MemoryStorage {
  data = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.data.size;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.data.set(k, v);
  }
}

test('export takes only Fault Lines keys, and import puts them back in another browser', () => {
  const a = new MemoryStorage();
  a.setItem('faultlines:progress:v1', '{"chapters":{}}');
  a.setItem('faultlines:lab:lamport-clocks:v1', '{"files":{"lamport.ts":"x"}}');
  a.setItem('someone-else', 'not ours');
  const backup = collectBackup(a, new Date('2026-11-21T10:00:00Z'));
  expect(backup.format).toBe(BACKUP_FORMAT);
  expect(Object.keys(backup.entries).sort()).toEqual(['faultlines:lab:lamport-clocks:v1', 'faultlines:progress:v1']);
  const b = new MemoryStorage();
  expect(restoreBackup(b, parseBackup(JSON.stringify(backup)))).toBe(2);
  expect(b.getItem('faultlines:lab:lamport-clocks:v1')).toBe('{"files":{"lamport.ts":"x"}}');
});

test('import rejects files that are not exports, saying why', () => {
  expect(() => parseBackup('nope')).toThrow('this file is not JSON');
  expect(() => parseBackup('{"a":1}')).toThrow('not a Fault Lines progress export');
  expect(() => parseBackup(JSON.stringify({ format: BACKUP_FORMAT, version: 2, entries: {} }))).toThrow('version 2');
  expect(() => parseBackup(JSON.stringify({ format: BACKUP_FORMAT, version: 1, entries: { 'evil:key': 'x' } }))).toThrow('"evil:key"');
});

test('a lab\'s saved work round-trips; unreadable saved work is set aside, not lost', () => {
  const s = new MemoryStorage();
  const store = new LabStore('lamport-clocks', s, () => 42);
  expect(store.save({ files: { 'lamport.ts': 'mine' }, passed: false, history: ['npm test'], hintsShown: 1 })).toBe(true);
  expect(new LabStore('lamport-clocks', s).load()).toMatchObject({ files: { 'lamport.ts': 'mine' }, history: ['npm test'], hintsShown: 1 });
  s.setItem('faultlines:lab:lamport-clocks:v1', '{"files": oops');
  const again = new LabStore('lamport-clocks', s, () => 7);
  expect(again.load()).toBeNull();
  expect(again.backedUpAs).toBe('faultlines:lab-unreadable:lamport-clocks:7');
  expect(s.getItem('faultlines:lab-unreadable:lamport-clocks:7')).toBe('{"files": oops');
});

test('when storage is full, saving reports it and the store says it is not persistent', () => {
  const s = new MemoryStorage();
  s.failWrites = true;
  const store = new LabStore('x', s);
  expect(store.save({ files: { 'a.ts': '1' }, passed: false, history: [], hintsShown: 0 })).toBe(false);
  expect(store.persistent).toBe(false);
  expect(parseSavedLab('{"files":{"a.ts":1,"b.ts":"ok"}}')?.files).toEqual({ 'b.ts': 'ok' });
});
