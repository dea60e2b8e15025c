/**
 * Vitest configuration for graded runs (`npm run grade`): the lab configuration, with
 *
 * - the learner's files loaded in a realm of their own (src/labs/realm/), so that nothing
 *   they do reaches the tests, the runner or its results;
 * - the test process under Node's permission model, as a second wall should the first
 *   ever fail: it reads only the kit and its dependencies and the submission's scratch
 *   folder, writes nothing (no file, and so no link: Node 24 checks a path as text, so a link
 *   made inside an allowed folder would lead out of it), and starts no processes or threads; and a memory cap,
 *   so one submission cannot starve the others of a cohort graded beside it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import lab from './vitest.lab.config.ts';
import { learnerRealmPlugin } from './realm/vitest-plugin.ts';

const project = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const learnerFiles = (process.env.FAULTLINES_LEARNER_FILES ?? '').split(',').filter(Boolean);
const scratch = process.env.FAULTLINES_GRADE_ROOT;
if (!scratch) throw new Error('vitest.grade.config.ts: FAULTLINES_GRADE_ROOT (the submission\'s scratch folder) is not set; run it through npm run grade');

export default mergeConfig(
  lab,
  defineConfig({
    plugins: [learnerRealmPlugin(learnerFiles)],
    test: {
      setupFiles: [fileURLToPath(new URL('./realm/graded-setup.ts', import.meta.url))],
      execArgv: [
        '--permission',
        `--allow-fs-read=${project}/node_modules/*`,
        `--allow-fs-read=${project}/src/*`,
        `--allow-fs-read=${project}/package.json`,
        `--allow-fs-read=${scratch}/*`,
        '--max-old-space-size=1536',
      ],
    },
  }),
);
