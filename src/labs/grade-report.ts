/** Grading results as JSON-ready objects, and as JUnit XML for autograders. */
export interface GradedTest {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** 1 if the test passed in a run that counts, else 0. */
  points?: number;
  message?: string;
}

export interface SubmissionGrade {
  submission: string;
  path: string;
  lab: string;
  /** passed: every test passed; failed: some test failed; error: the code could not be graded. */
  status: 'passed' | 'failed' | 'error';
  passed: number;
  failed: number;
  total: number;
  tests: GradedTest[];
  /** Why the submission could not be graded (missing file, syntax error, hang). */
  problems: string[];
  /** Type errors: reported, but tests still run (types are stripped, as in the browser). */
  warnings?: string[];
  /** One point per test of the lab's list that passed; none from a run that broke a rule or did not run every test. */
  points?: number;
  maxPoints?: number;
  /** Which grader graded it: a hash of the lab's tests, list of tests, support files and the grader's code. */
  labVersion?: string;
  durationMs?: number;
}

function xml(s: string): string {
  return s
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** One <testsuite> per submission; a submission that could not run gets one errored case. */
export function toJUnit(grades: SubmissionGrade[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = grades.reduce((n, g) => n + Math.max(g.total, 1), 0);
  const failures = grades.reduce((n, g) => n + g.failed, 0);
  const errors = grades.filter((g) => g.status === 'error').length;
  lines.push(`<testsuites name="Fault Lines grades" tests="${total}" failures="${failures}" errors="${errors}">`);
  for (const g of grades) {
    const time = (g.tests.reduce((s, t) => s + t.durationMs, 0) / 1000).toFixed(3);
    lines.push(
      `  <testsuite name="${xml(`${g.submission} (${g.lab})`)}" tests="${Math.max(g.total, 1)}" failures="${g.failed}" errors="${g.status === 'error' ? 1 : 0}" time="${time}">`,
    );
    lines.push('    <properties>');
    lines.push(`      <property name="status" value="${g.status}"/>`);
    if (g.points !== undefined) lines.push(`      <property name="points" value="${g.points}/${g.maxPoints ?? g.total}"/>`);
    if (g.labVersion) lines.push(`      <property name="labVersion" value="${xml(g.labVersion)}"/>`);
    for (const p of g.problems.slice(0, 5)) lines.push(`      <property name="reason" value="${xml(p.split('\n')[0] ?? '')}"/>`);
    lines.push('    </properties>');
    if (g.status === 'error') {
      lines.push(`    <testcase classname="${xml(g.lab)}" name="the submission can be graded">`);
      lines.push(`      <error message="${xml(g.problems[0]?.split('\n')[0] ?? 'could not be graded')}">${xml(g.problems.join('\n'))}</error>`);
      lines.push('    </testcase>');
    }
    for (const t of g.tests) {
      lines.push(`    <testcase classname="${xml(`${g.lab}.${t.file}`)}" name="${xml(t.name)}" time="${(t.durationMs / 1000).toFixed(3)}">`);
      if (t.state === 'failed') {
        lines.push(`      <failure message="${xml((t.message ?? '').split('\n')[0] ?? '')}">${xml(t.message ?? '')}</failure>`);
      } else if (t.state === 'skipped') {
        lines.push('      <skipped/>');
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
