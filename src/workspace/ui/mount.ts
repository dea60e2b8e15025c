/**
 * The lab workspace: tabs of files in a CodeMirror editor, an xterm terminal running the
 * lab shell, a status line, and the actions (run tests, hint, reset, compare with the
 * solution, show the run, full screen, export/import). It talks to the runtime only through
 * the LabRuntime interface, and saves the learner's work on every change.
 */
import '@xterm/xterm/css/xterm.css';
import './workspace.css';
import { EditorView } from '@codemirror/view';
import type { EditorState } from '@codemirror/state';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { createBrowserRuntime } from '../../runtimes/browser/browser-runtime.ts';
import type { RunEvent, RunSummary } from '../../runtimes/runtime.ts';
import { chooseRuntime, readPreference, savePreference, type RuntimePreference } from '../../runtimes/choose.ts';
import type { Trace } from '../../sim/trace.ts';
import { progressStore } from '../../client/progress.ts';
import { downloadBackup, parseBackup, restoreBackup } from '../../client/backup.ts';
import { labFiles, type LabBundle } from '../lab-bundle.ts';
import { isFullRun, labDone } from '../lab-done.ts';
import { url } from '../../lib/site-url.ts';
import { LabStore } from '../saved-work.ts';
import { editorState } from './editor.ts';
import { createShell, type ShellHost } from '../shell/index.ts';
import { involvedIn, openRunView, type RecordedRun } from './run-view.ts';
import { el, confirmDialog, toast } from './dom.ts';
import { attachProcess, type Attached } from './process-terminal.ts';
import { terminalTheme } from './terminal-theme.ts';

interface Tab {
  path: string;
  kind: 'learner' | 'support' | 'test';
  state: EditorState;
  button: HTMLButtonElement;
}

export async function mountWorkspace(card: HTMLElement): Promise<void> {
  const id = card.dataset.lab!;
  const mountPoint = card.querySelector<HTMLElement>('[data-lab-mount]')!;
  // The bundle this page was built with (?v=: never another build's, from a cache or the network).
  const bundleUrl = `${url(`labs/${id}.json`)}${card.dataset.labVersion ? `?v=${card.dataset.labVersion}` : ''}`;
  const response = await fetch(bundleUrl);
  if (!response.ok) throw new Error(`${bundleUrl} answered ${response.status}`);
  const bundle = (await response.json()) as LabBundle;

  const store = new LabStore(id);
  const saved = store.load();
  const learner: Record<string, string> = {};
  for (const f of bundle.files) learner[f] = saved?.files[f] ?? bundle.starter[f] ?? '';
  let passed = saved?.passed ?? false;
  let hintsShown = saved?.hintsShown ?? 0;
  let history = saved?.history ?? [];

  // The test runtime (a worker with Vitest) loads when the learner first clicks or types in
  // the workspace, or runs the tests: reading a lab costs only the editor and terminal.
  // Where: a WebContainer (real Node.js) where the page and browser allow it and the site
  // ships its files, else this browser (src/runtimes/choose.ts); decided at that same moment.
  const runtimePreference = readPreference(location.search, safeStorage()).preference;
  const runtime = chooseRuntime({ createBrowser: () => createBrowserRuntime(), preference: runtimePreference, onStatus: () => renderStatus() });
  await runtime.reset(labFiles(bundle, learner));

  // ---------------------------------------------------------------- layout
  const root = el('div', { class: 'ws', 'data-workspace': id });
  const toolbar = el('div', { class: 'ws-toolbar', role: 'toolbar', 'aria-label': `Lab actions: ${bundle.title}` });
  const runButton = button('Run tests', 'Run the tests (Ctrl+Enter)', 'play', 'ws-primary');
  const hintButton = button('Hint', 'Show the next hint', 'bulb');
  const resetButton = button('Reset', 'Put the starter code back (you can undo)', 'reset');
  const compareButton = bundle.solution ? button('Compare with solution', 'See a diff against the reference solution', 'diff') : null;
  const showRunButton = button('Show run', 'Draw the failing run as a diagram', 'diagram');
  showRunButton.disabled = true;
  const fullButton = button('Full screen', 'Use the whole window (Esc to leave)', 'expand');
  fullButton.setAttribute('aria-pressed', 'false');
  const moreButton = button('Save or load', 'Export or import all your progress as a file', 'more');
  for (const b of [runButton, hintButton, resetButton, compareButton, showRunButton, fullButton, moreButton]) if (b) toolbar.append(b);

  const tablist = el('div', { class: 'ws-tabs', role: 'tablist', 'aria-label': 'Files' });
  const editorHost = el('div', { class: 'ws-editor', id: `ws-${id}-editor`, role: 'tabpanel' });
  const editorPane = el('div', { class: 'ws-editor-pane' }, [tablist, editorHost]);
  const termHost = el('div', { class: 'ws-terminal', 'aria-label': 'Terminal' });
  const termPane = el('div', { class: 'ws-terminal-pane' }, [termHost]);
  const body = el('div', { class: 'ws-body' }, [editorPane, termPane]);
  const status = el('div', { class: 'ws-status', role: 'status', 'aria-live': 'polite' });
  const hintBox = el('div', { class: 'ws-hints', 'aria-live': 'polite' });
  root.append(toolbar, hintBox, body, status);
  mountPoint.replaceChildren(root);

  // ---------------------------------------------------------------- status line
  // The learner's runtime choice (kept in localStorage; takes effect on the next page load).
  const runtimeChoice = el('select', { class: 'ws-runtime-choice', 'aria-label': 'Where tests run (applies after a reload)' }, [
    el('option', { value: 'auto' }, ['auto']),
    el('option', { value: 'browser' }, ['this browser']),
    el('option', { value: 'webcontainer' }, ['WebContainer']),
  ]) as HTMLSelectElement;
  runtimeChoice.value = runtimePreference;
  runtimeChoice.addEventListener('change', () => {
    const ok = savePreference(runtimeChoice.value as RuntimePreference, safeStorage());
    toast(root, ok ? 'Saved. The new runtime is used from the next page load.' : 'This browser refuses storage: add ?runtime=' + runtimeChoice.value + ' to the address instead.', ok ? { action: 'Reload', run: () => location.reload() } : undefined);
  });
  let lastRun = passed ? 'passed every test' : 'no run yet';
  let saveNote = store.persistent ? 'saved in this browser' : 'NOT saved: this browser refuses storage; export your work to keep it';
  const renderStatus = () => {
    const nodeShellToggle = root.querySelector<HTMLButtonElement>('[data-node-shell]');
    if (nodeShellToggle) nodeShellToggle.hidden = runtime.status.state !== 'webcontainer';
    status.replaceChildren(
      el('span', { class: 'ws-status-item', 'data-runtime': runtime.status.state, title: runtime.status.reason }, [runtime.status.text, ' ', runtimeChoice]),
      el('span', { class: 'ws-status-item', 'data-last-run': '' }, [`Last run: ${lastRun}`]),
      el('span', { class: `ws-status-item ${store.persistent ? '' : 'ws-warn'}`, 'data-save-state': '' }, [`Your code: ${saveNote}`]),
    );
  };
  renderStatus();
  if (store.backedUpAs) toast(root, `Saved work for this lab could not be read; it was kept under "${store.backedUpAs}" and the starter is loaded.`);

  // ---------------------------------------------------------------- saving
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveNow = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    const ok = store.save({ files: learner, passed, history, hintsShown });
    saveNote = ok ? 'saved in this browser' : 'NOT saved: this browser refuses storage; export your work to keep it';
    renderStatus();
  };
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, 250);
  };
  addEventListener('pagehide', () => { if (saveTimer) saveNow(); });
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden' && saveTimer) saveNow(); });

  // ---------------------------------------------------------------- editor and tabs
  const view = new EditorView({ parent: editorHost });
  const tabs: Tab[] = [];
  const addTab = (path: string, kind: Tab['kind'], doc: string) => {
    const label = kind === 'learner' ? path : `${path} (read-only)`;
    const b = el('button', { type: 'button', role: 'tab', class: `ws-tab ws-tab-${kind}`, 'aria-selected': 'false', 'aria-controls': editorHost.id, tabindex: '-1' }, [
      kind === 'learner' ? path : el('span', {}, [path, el('span', { class: 'ws-ro' }, [' read-only'])]),
    ]) as HTMLButtonElement;
    const tab: Tab = {
      path,
      kind,
      button: b,
      state: editorState(doc, {
        readOnly: kind !== 'learner',
        label: `${label}, ${kind === 'learner' ? 'your code' : 'part of the lab'}`,
        ...(kind === 'learner'
          ? { onChange: (text: string) => { learner[path] = text; void runtime.update(path, text); saveSoon(); } }
          : {}),
      }),
    };
    b.addEventListener('click', () => select(tab));
    tabs.push(tab);
    tablist.append(b);
  };
  for (const f of bundle.files) addTab(f, 'learner', learner[f]!);
  for (const [p, text] of Object.entries(bundle.support)) addTab(p, 'support', text);
  for (const [p, text] of Object.entries(bundle.tests)) addTab(`tests/${p}`, 'test', text);
  let current: Tab | undefined;
  function select(tab: Tab, focus = false) {
    if (current) current.state = view.state;
    current = tab;
    view.setState(tab.state);
    for (const t of tabs) {
      const on = t === tab;
      t.button.setAttribute('aria-selected', String(on));
      t.button.tabIndex = on ? 0 : -1;
    }
    editorHost.setAttribute('aria-labelledby', '');
    if (focus) view.focus();
  }
  // Arrow keys move between tabs (the ARIA tabs pattern).
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.findIndex((t) => t === current);
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    select(tabs[next]!);
    tabs[next]!.button.focus();
  });
  select(tabs[0]!);
  const setLearnerFile = (path: string, text: string) => {
    learner[path] = text;
    const tab = tabs.find((t) => t.path === path)!;
    if (tab === current) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      tab.state = view.state;
    } else {
      tab.state = editorState(text, { readOnly: false, label: `${path}, your code`, onChange: (t2) => { learner[path] = t2; void runtime.update(path, t2); saveSoon(); } });
    }
    void runtime.update(path, text);
    saveSoon();
  };

  // ---------------------------------------------------------------- terminal and shell
  const term = new Terminal({
    convertEol: true,
    cursorBlink: true,
    fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--font-mono') || 'monospace',
    fontSize: 13,
    lineHeight: 1.2,
    scrollback: 5000,
    theme: terminalTheme(),
    screenReaderMode: false,
    // xterm adjusts foreground colours to keep this contrast with the background (WCAG AA).
    minimumContrastRatio: 4.6,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(termHost);
  const refit = () => { try { fit.fit(); } catch { /* hidden */ } };
  refit();
  new ResizeObserver(refit).observe(termHost);
  new MutationObserver(() => { term.options.theme = terminalTheme(); }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  const runs: RecordedRun[] = [];
  const host: ShellHost = {
    labId: id,
    labTitle: bundle.title,
    editableFiles: bundle.files,
    listFiles: () => Object.keys(labFiles(bundle, learner)).sort(),
    readFile: (p) => labFiles(bundle, learner)[p],
    runTests: (opts, onEvent) => {
      runs.length = 0;
      showRunButton.disabled = true;
      status.querySelector('[data-last-run]')!.textContent = 'Last run: running…';
      const env: Record<string, string> = { FAULTLINES_LAB: id, FAULTLINES_LEARNER_FILES: bundle.files.join(',') };
      if (opts.seed !== undefined) env.FAULTLINES_SEED = String(opts.seed);
      const request = { kind: 'test' as const, env, learnerFiles: bundle.files, ...(opts.filter ? { filter: opts.filter } : {}), ...(opts.files ? { files: opts.files } : {}) };
      const handle = runtime.run(request, (e: RunEvent) => {
        if (e.type === 'trace') runs.push({ test: e.test, seed: e.seed, failed: e.failed, trace: e.trace });
        if (e.type === 'test-end' && e.state === 'fail') {
          const run = runs.find((r) => r.failed && r.message === undefined && e.fullName.includes(`${r.test} (seed ${r.seed})`));
          if (run && e.errors[0]) {
            run.message = e.errors[0].message;
            Object.assign(run, involvedIn(run.message));
          }
        }
        onEvent(e);
      });
      void handle.done.then((summary) => finished(summary, opts));
      return handle;
    },
    runSim: async ({ seed }) => {
      if (!bundle.scenario) return { error: 'This lab has no scenario to show.' };
      const s = seed ?? 1;
      const module = bundle.scenario.replace(/\.ts$/, '');
      const file = 'tests/__scenario__.test.ts';
      const source = `import { test } from 'vitest';\nimport { showRun } from 'faultlines/testing';\nimport { scenario } from '../${module}.ts';\ntest('scenario', async () => { showRun(await scenario(${s}), { name: 'scenario', seed: ${s} }); });\n`;
      await runtime.update(file, source);
      let trace: Trace | undefined;
      let error: string | undefined;
      const handle = runtime.run({ kind: 'test', files: [file], env: { FAULTLINES_LAB: id }, learnerFiles: bundle.files }, (e) => {
        if (e.type === 'trace') trace = e.trace;
        if (e.type === 'test-end' && e.state === 'fail') error = e.errors[0]?.message;
        if (e.type === 'file-error') error = e.error.message;
      });
      await handle.done;
      await runtime.reset(labFiles(bundle, learner));
      if (!trace) return { error: error ?? 'The scenario produced no run.' };
      runs.length = 0;
      runs.push({ test: `the lab's scenario`, seed: s, failed: false, trace });
      showRunButton.disabled = false;
      const { textTimeline } = await import('../../diagrams/text-timeline.ts');
      return { timeline: textTimeline(trace, { width: term.cols, color: true }) };
    },
    nextHint: () => {
      if (hintsShown >= bundle.hints.length) return null;
      hintsShown++;
      saveSoon();
      renderHints();
      return { index: hintsShown, total: bundle.hints.length, text: bundle.hints[hintsShown - 1]! };
    },
    reset: () => {
      const before = { ...learner };
      for (const f of bundle.files) setLearnerFile(f, bundle.starter[f] ?? '');
      return { undo: () => { for (const f of bundle.files) setLearnerFile(f, before[f] ?? ''); } };
    },
  };
  const labShell = () => createShell(term, host, { history, undoNote: '(or the Undo button above the editor)', onHistory: (h: string[]) => { history = h.slice(-200); saveSoon(); } });
  let shell = labShell();

  // With the WebContainer runtime, the terminal can become the container's own shell (jsh):
  // real node, npm and vitest. The lab shell comes back when the learner switches back or exits.
  let nodeShell: Attached | null = null;
  const nodeShellButton = button('Node shell', "Use the WebContainer's real shell in the terminal", 'more');
  nodeShellButton.hidden = runtime.status.state !== 'webcontainer';
  nodeShellButton.dataset.nodeShell = '';
  nodeShellButton.setAttribute('aria-pressed', 'false');
  toolbar.append(nodeShellButton);
  const leaveNodeShell = () => {
    if (!nodeShell) return;
    nodeShell.detach();
    nodeShell = null;
    nodeShellButton.setAttribute('aria-pressed', 'false');
    term.write('\r\n[back to the lab shell]\r\n');
    shell = labShell();
  };
  nodeShellButton.addEventListener('click', async () => {
    if (nodeShell) return leaveNodeShell();
    const started = runtime.interactiveShell({ cols: term.cols, rows: term.rows });
    if (!started) return;
    shell.dispose();
    term.write('\r\n[the WebContainer shell: node, npm and npx vitest are real here; press the button again to leave]\r\n');
    nodeShell = attachProcess(term, await started);
    nodeShellButton.setAttribute('aria-pressed', 'true');
    void nodeShell.exit.then(() => leaveNodeShell());
  });
  term.onResize(({ cols, rows }) => nodeShell?.resize(cols, rows));
  // A test hook: xterm draws only visible rows, so browser tests read its buffer.
  (root as HTMLElement & { xterm?: Terminal }).xterm = term;

  function finished(summary: RunSummary, opts: { filter?: string; seed?: number; files?: string[] }) {
    const full = isFullRun(opts);
    lastRun =
      summary.state === 'cancelled'
        ? 'cancelled'
        : `${summary.passed} passed, ${summary.failed} failed${summary.fileErrors.length ? `, ${summary.fileErrors.length} errors` : ''}${full ? '' : ' (part of the suite)'}`;
    if (full && summary.state !== 'cancelled') {
      // Every test of the lab ran and passed: a skipped, missing or repeated test is not a pass
      // (lab-done.ts; decided here in the page, from the page's own tally of the run).
      passed = labDone(summary, opts, bundle.testCount);
      if (passed) markLabPassed();
      saveSoon();
    }
    showRunButton.disabled = runs.length === 0;
    renderStatus();
  }

  function markLabPassed() {
    const chapter = card.dataset.chapter;
    if (!chapter) return;
    // A chapter's lab badge turns on when every lab embedded in it has passed.
    const others = [...document.querySelectorAll<HTMLElement>(`[data-lab][data-chapter="${chapter}"]`)].map((c) => c.dataset.lab!);
    const all = others.every((lab) => lab === id || new LabStore(lab).load()?.passed);
    if (all) progressStore().update(chapter, { labPassed: true });
    toast(root, 'Every test passes. Lab done: it is marked on the course map.');
  }

  // ---------------------------------------------------------------- actions
  const typeCommand = (line: string) => {
    leaveNodeShell();
    return shell.execute(line);
  };
  runButton.addEventListener('click', () => typeCommand('npm test'));
  view.dom.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      typeCommand('npm test');
    }
  });
  hintButton.addEventListener('click', () => typeCommand('hint'));
  function renderHints() {
    hintBox.replaceChildren(
      ...bundle.hints.slice(0, hintsShown).map((h, i) => el('p', { class: 'ws-hint' }, [el('strong', {}, [`Hint ${i + 1} of ${bundle.hints.length}: `]), h])),
    );
    hintButton.disabled = hintsShown >= bundle.hints.length;
  }
  renderHints();
  resetButton.addEventListener('click', async () => {
    const ok = await confirmDialog(root, {
      title: 'Put the starter code back?',
      body: `This replaces ${bundle.files.join(', ')} with the starter. You can undo it right after.`,
      confirm: 'Reset to the starter',
    });
    if (!ok) return;
    const r = host.reset();
    if (r) toast(root, 'Starter code restored.', { action: 'Undo', run: r.undo });
  });
  compareButton?.addEventListener('click', async () => {
    const ok = await confirmDialog(root, {
      title: 'See the reference solution?',
      body: 'The diff shows the reference solution next to your code. Working it out yourself teaches more: the hints go from a nudge to nearly the answer.',
      confirm: 'Show the diff',
    });
    if (ok) (await import('./compare.ts')).openCompare(root, bundle, learner);
  });
  showRunButton.addEventListener('click', () => void openRunView(root, runs));
  fullButton.addEventListener('click', () => setFull(!root.classList.contains('ws-full')));
  function setFull(on: boolean) {
    root.classList.toggle('ws-full', on);
    document.documentElement.classList.toggle('ws-has-full', on);
    fullButton.setAttribute('aria-pressed', String(on));
    refit();
  }
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && root.classList.contains('ws-full') && !(e.target as HTMLElement).closest('.cm-editor')) setFull(false);
  });
  moreButton.addEventListener('click', async () => {
    const choice = await confirmDialog(root, {
      title: 'Save or load your progress',
      body: 'Export writes one file with your progress and the code of every lab, kept in this browser. Import reads such a file (it replaces what it contains).',
      confirm: 'Export to a file',
      extra: 'Import a file…',
    });
    if (choice === true) {
      saveNow();
      downloadBackup();
    } else if (choice === 'extra') {
      const input = el('input', { type: 'file', accept: 'application/json,.json' }) as HTMLInputElement;
      input.addEventListener('change', async () => {
        const file = input.files?.[0];
        if (!file) return;
        try {
          const backup = parseBackup(await file.text());
          const n = restoreBackup(localStorage, backup);
          toast(root, `Imported ${n} entries from ${file.name}. Reload the page to see them.`, { action: 'Reload', run: () => location.reload() });
        } catch (e) {
          toast(root, `Could not import ${file.name}: ${e instanceof Error ? e.message : String(e)}.`);
        }
      });
      input.click();
    }
  });

  view.focus();
  for (const type of ['focusin', 'pointerdown', 'keydown'] as const) root.addEventListener(type, () => runtime.warm(), { once: true });
}

function safeStorage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

function button(label: string, title: string, icon: string, extraClass = ''): HTMLButtonElement {
  const b = el('button', { type: 'button', class: `ws-button ${extraClass}`.trim(), title }, [
    el('span', { class: `ws-icon ws-icon-${icon}`, 'aria-hidden': 'true' }),
    el('span', { class: 'ws-label' }, [label]),
  ]) as HTMLButtonElement;
  return b;
}
