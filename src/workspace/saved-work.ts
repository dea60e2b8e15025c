/**
 * The learner's lab files, saved in the browser as they type. Same rules as progress:
 * unreadable data is set aside, never overwritten; without storage, work continues in memory
 * and the page says so.
 */
export interface SavedLab {
  version: 1;
  /** The learner's files, by name. */
  files: Record<string, string>;
  /** When they were last saved (ms since 1970). */
  updated: number;
  /** The last full run passed every test. */
  passed: boolean;
  /** Terminal history, newest last. */
  history: string[];
  /** How many hints the learner has opened. */
  hintsShown: number;
}

export const labKey = (id: string) => `faultlines:lab:${id}:v1`;
export const LAB_BACKUP_PREFIX = 'faultlines:lab-unreadable:';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function parseSavedLab(raw: string): SavedLab | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (!o.files || typeof o.files !== 'object' || Array.isArray(o.files)) return null;
  const files: Record<string, string> = {};
  for (const [k, text] of Object.entries(o.files as Record<string, unknown>)) if (typeof text === 'string') files[k] = text;
  return {
    version: 1,
    files,
    updated: typeof o.updated === 'number' ? o.updated : 0,
    passed: o.passed === true,
    history: Array.isArray(o.history) ? o.history.filter((h): h is string => typeof h === 'string').slice(-200) : [],
    hintsShown: typeof o.hintsShown === 'number' && o.hintsShown >= 0 ? Math.floor(o.hintsShown) : 0,
  };
}

export class LabStore {
  readonly id: string;
  private readonly storage: StorageLike | null;
  private readonly now: () => number;
  persistent = true;
  /** Set when stored data could not be read and was set aside under this key. */
  backedUpAs: string | null = null;

  constructor(id: string, storage: StorageLike | null = browserStorage(), now: () => number = Date.now) {
    this.id = id;
    this.storage = storage;
    this.now = now;
    if (!storage) this.persistent = false;
  }

  load(): SavedLab | null {
    if (!this.storage) return null;
    let raw: string | null;
    try {
      raw = this.storage.getItem(labKey(this.id));
    } catch {
      this.persistent = false;
      return null;
    }
    if (raw === null) return null;
    const parsed = parseSavedLab(raw);
    if (parsed) return parsed;
    const key = `${LAB_BACKUP_PREFIX}${this.id}:${this.now()}`;
    try {
      this.storage.setItem(key, raw);
      this.backedUpAs = key;
    } catch {
      this.persistent = false;
    }
    return null;
  }

  /** Saves; returns false (and keeps working in memory) when the browser refuses. */
  save(state: Omit<SavedLab, 'version' | 'updated'>): boolean {
    if (!this.storage) return false;
    try {
      this.storage.setItem(labKey(this.id), JSON.stringify({ version: 1, updated: this.now(), ...state }));
      this.persistent = true;
      return true;
    } catch {
      this.persistent = false;
      return false;
    }
  }
}

/** Whether the learner has saved work for a lab (cheap; used before the workspace loads). */
export function hasSavedWork(id: string): boolean {
  try {
    return browserStorage()?.getItem(labKey(id)) != null;
  } catch {
    return false;
  }
}
