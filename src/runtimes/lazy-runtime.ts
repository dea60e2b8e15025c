/**
 * A runtime that starts the real one only when it is needed: on the first run, or when
 * `warm()` is called (the workspace calls it when the learner first clicks or types in it).
 * Opening a lab to read it then costs no runtime download.
 */
import type { LabRuntime, RunEvent, RunHandle, RunRequest } from './runtime.ts';

export interface LazyRuntime extends LabRuntime {
  /** Starts the real runtime now (idempotent). */
  warm(): void;
  readonly started: boolean;
}

export function lazyRuntime(create: () => LabRuntime, kind: LabRuntime['kind'] = 'browser'): LazyRuntime {
  let real: LabRuntime | null = null;
  let files: Record<string, string> = {};
  const start = (): LabRuntime => {
    if (!real) {
      real = create();
      void real.reset({ ...files });
    }
    return real;
  };
  return {
    kind,
    get started() {
      return real !== null;
    },
    warm: () => void start(),
    async reset(next) {
      files = { ...next };
      if (real) await real.reset(next);
    },
    async update(path, content) {
      files[path] = content;
      if (real) await real.update(path, content);
    },
    run(request: RunRequest, sink: (e: RunEvent) => void): RunHandle {
      return start().run(request, sink);
    },
    dispose() {
      real?.dispose();
    },
  };
}
