/**
 * Export and import of everything Fault Lines keeps in this browser (progress, lab work,
 * settings) as one JSON file, to move to another browser or keep a copy.
 */
export const BACKUP_FORMAT = 'fault-lines-progress';
const PREFIX = 'faultlines:';

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  exported: string;
  entries: Record<string, string>;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'key' | 'length'>;

export function collectBackup(storage: StorageLike, now = new Date()): Backup {
  const entries: Record<string, string> = {};
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k.startsWith(PREFIX)) entries[k] = storage.getItem(k) ?? '';
  }
  return { format: BACKUP_FORMAT, version: 1, exported: now.toISOString(), entries };
}

/** Reads a backup file; throws an Error whose message says what is wrong with it. */
export function parseBackup(text: string): Backup {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('this file is not JSON: choose a file that Fault Lines exported');
  }
  const o = v as Partial<Backup> | null;
  if (!o || o.format !== BACKUP_FORMAT) throw new Error('this JSON file is not a Fault Lines progress export');
  if (o.version !== 1) throw new Error(`this export has version ${String(o.version)}; this site reads version 1`);
  if (!o.entries || typeof o.entries !== 'object') throw new Error('the export has no entries');
  const entries: Record<string, string> = {};
  for (const [k, val] of Object.entries(o.entries)) {
    if (!k.startsWith(PREFIX)) throw new Error(`the export holds a key that is not Fault Lines' own: "${k}"`);
    if (typeof val !== 'string') throw new Error(`the entry "${k}" is not text`);
    entries[k] = val;
  }
  return { format: BACKUP_FORMAT, version: 1, exported: String(o.exported ?? ''), entries };
}

/** Writes a backup's entries; returns how many. Throws if storage refuses (nothing is half-lost: entries are independent). */
export function restoreBackup(storage: Pick<Storage, 'setItem'>, backup: Backup): number {
  let n = 0;
  for (const [k, v] of Object.entries(backup.entries)) {
    storage.setItem(k, v);
    n++;
  }
  return n;
}

/** Starts a download of the backup (browser only). */
export function downloadBackup(): void {
  const backup = collectBackup(localStorage);
  const blob = new Blob([JSON.stringify(backup, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `fault-lines-progress-${backup.exported.slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
