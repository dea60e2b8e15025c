/**
 * The Stryker configuration for one lab, written next to the assembled lab folder so that a
 * run can be repeated by hand (`npx stryker run ../stryker.config.json` from that folder).
 *
 * The command runner, not the vitest runner: the vitest runner always uses per-test coverage
 * and then runs, for each mutant, only the tests it credits with covering it. Lab tests share
 * one simulated cluster run between several tests, so it credits the first test only and real
 * bugs "survive". The command runner runs the whole suite per mutant (slower, but true).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_CONFIG, VITEST } from '../node-run.ts';

const PROJECT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const STRYKER_BIN = join(PROJECT, 'node_modules/@stryker-mutator/core/bin/stryker.js');
export const STRYKER_PACKAGE = join(PROJECT, 'node_modules/@stryker-mutator/core/package.json');

export interface StrykerConfigInput {
  /** The learner files: the only files mutated. */
  mutate: readonly string[];
  concurrency: number;
  /** Where the JSON report goes (absolute). */
  reportFile: string;
  /** The Node that runs Vitest (this process's: the project's Node 24). */
  node?: string;
}

/** Quotes one word for /bin/sh, which is what Stryker's command runner runs the command with. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command Stryker runs once per mutant, in its sandbox copy of the lab folder. */
export function testCommand(node = process.execPath): string {
  return [
    node,
    VITEST,
    'run',
    '--config',
    LAB_CONFIG,
    '--root',
    '.',
    // The first failing test kills the mutant; the rest would only cost time.
    '--bail=1',
    '--reporter=dot',
  ]
    .map(shellQuote)
    .join(' ');
}

export function strykerConfig(input: StrykerConfigInput): Record<string, unknown> {
  return {
    $schema: join(PROJECT, 'node_modules/@stryker-mutator/core/schema/stryker-schema.json'),
    testRunner: 'command',
    commandRunner: { command: testCommand(input.node) },
    // The command runner cannot measure coverage: every mutant runs the whole suite.
    coverageAnalysis: 'off',
    mutate: [...input.mutate],
    concurrency: input.concurrency,
    reporters: ['json', 'progress-append-only'],
    jsonReporter: { fileName: input.reportFile },
    // Only Stryker's core: no runner or checker plugins are installed, and none is wanted.
    plugins: [],
    checkers: [],
    // Vitest strips types without checking them, so a mutant never fails to compile; and the
    // lab's own files do not match Stryker's default patterns for adding // @ts-nocheck.
    disableTypeChecks: false,
    // A mutant that loops forever is killed after (normal run time x 1.5) + 10 s; the slack
    // is for a shared 2-core machine, where a slow run must not pass for a timeout (a kill).
    timeoutFactor: 1.5,
    timeoutMS: 10_000,
    allowConsoleColors: false,
    cleanTempDir: true,
  };
}

export function writeStrykerConfig(path: string, input: StrykerConfigInput): void {
  writeFileSync(path, JSON.stringify(strykerConfig(input), null, 2) + '\n');
}
