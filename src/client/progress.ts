/**
 * The learner's progress, kept in the browser (localStorage) and never sent anywhere.
 *
 * Storage can be missing (privacy modes), full, or hold garbage written by an older
 * version or by hand. None of that may lose progress or break a page: unreadable data is
 * set aside under a backup key before anything new is written, and without storage the
 * store keeps working in memory and says so (`persistent: false`).
 */
export interface ChapterProgress {
  /** The learner marked the chapter as read. */
  read: boolean;
  quizPassed: boolean;
  labPassed: boolean;
  /** Furthest point reached while reading, 0 to 1. */
  furthest: number;
}

export interface ProgressSnapshot {
  version: 1;
  chapters: Record<string, ChapterProgress>;
}

export const PROGRESS_KEY = 'faultlines:progress:v1';
export const BACKUP_PREFIX = 'faultlines:progress:unreadable:';

export const EMPTY_PROGRESS: Readonly<ChapterProgress> = Object.freeze({
  read: false,
  quizPassed: false,
  labPassed: false,
  furthest: 0,
});

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function clamp01(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Reads what can be read from a stored value; returns null when nothing is usable. */
export function parseProgress(raw: string): ProgressSnapshot | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const chapters = (value as { chapters?: unknown }).chapters;
  if (!chapters || typeof chapters !== 'object' || Array.isArray(chapters)) return null;
  const out: ProgressSnapshot = { version: 1, chapters: {} };
  for (const [id, entry] of Object.entries(chapters as Record<string, unknown>)) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    out.chapters[id] = {
      read: e.read === true,
      quizPassed: e.quizPassed === true,
      labPassed: e.labPassed === true,
      furthest: clamp01(e.furthest),
    };
  }
  return out;
}

export class ProgressStore {
  private snapshot: ProgressSnapshot = { version: 1, chapters: {} };
  private listeners = new Set<(s: ProgressSnapshot) => void>();
  /** False when the browser will not keep progress (no storage, or it refused a write). */
  persistent = true;

  private readonly storage: StorageLike | null;
  private readonly now: () => number;

  constructor(storage: StorageLike | null, now: () => number = Date.now) {
    this.storage = storage;
    this.now = now;
    this.reload();
  }

  /** Re-reads storage (another tab may have written). */
  reload(): void {
    if (!this.storage) {
      this.persistent = false;
      return;
    }
    let raw: string | null;
    try {
      raw = this.storage.getItem(PROGRESS_KEY);
    } catch {
      this.persistent = false;
      return;
    }
    if (raw === null) return;
    const parsed = parseProgress(raw);
    if (parsed) {
      this.snapshot = parsed;
      return;
    }
    // Unreadable: keep the raw text where a person (or a later version) can recover it.
    try {
      this.storage.setItem(BACKUP_PREFIX + this.now(), raw);
    } catch {
      this.persistent = false;
    }
  }

  get(chapterId: string): ChapterProgress {
    return { ...(this.snapshot.chapters[chapterId] ?? EMPTY_PROGRESS) };
  }

  all(): ProgressSnapshot {
    return structuredClone(this.snapshot);
  }

  update(chapterId: string, patch: Partial<ChapterProgress>): ChapterProgress {
    const next = { ...this.get(chapterId), ...patch };
    next.furthest = clamp01(next.furthest);
    this.snapshot.chapters[chapterId] = next;
    this.save();
    this.notify();
    return next;
  }

  subscribe(listener: (s: ProgressSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every subscriber the current progress. */
  notify(): void {
    const snapshot = this.all();
    for (const l of this.listeners) l(snapshot);
  }

  private save(): void {
    if (!this.storage) return;
    try {
      this.storage.setItem(PROGRESS_KEY, JSON.stringify(this.snapshot));
      this.persistent = true;
    } catch {
      this.persistent = false;
    }
  }
}

function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // Some browsers throw on the mere access when storage is disabled.
  }
}

let shared: ProgressStore | undefined;

/** The page's store, shared by every island on it and kept in sync with other tabs. */
export function progressStore(): ProgressStore {
  if (!shared) {
    const store = new ProgressStore(browserStorage());
    shared = store;
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key === PROGRESS_KEY) {
          store.reload();
          store.notify();
        }
      });
    }
  }
  return shared;
}
