// What the e2e runner concludes from its attempts: totals of each file's last attempt, the tests that
// passed only when their file was run again (flaky), and whether the run fails. Pure, so it is tested
// without a workbench.

/** One test's outcome in one attempt, named with its suites (`suite > test`). */
export interface TestOutcome {
  name: string;
  passed: boolean;
}

/** One run of one e2e file. */
export interface FileAttempt {
  /** The test process exited with status 0. */
  ok: boolean;
  tests: readonly TestOutcome[];
}

/** Every attempt at one file, in order (the runner makes at most two). */
export interface FileRun {
  file: string;
  attempts: readonly FileAttempt[];
}

export interface E2eSummary {
  passed: number;
  failed: number;
  /** `file: suite > test` of every test that failed and then passed when its file was run again. */
  flaky: string[];
  /** `file: suite > test` of every test that failed in the last attempt at its file. */
  failures: string[];
  exitCode: 0 | 1;
  /** What the runner prints; the last line is always `N passed, N failed`. */
  lines: string[];
}

/** More flaky tests than this fail the run: one can be bad luck on a loaded machine, two are a pattern. */
export const MAX_FLAKY = 1;

/** A failure of the file that no test accounts for (a crash, a hook, a file that does not load). */
const fileFailure = (file: string): string => `${file}: the file failed without a failing test`;

export function summarize(runs: readonly FileRun[], maxFlaky = MAX_FLAKY): E2eSummary {
  let passed = 0;
  let failed = 0;
  const flaky: string[] = [];
  const failures: string[] = [];
  for (const { file, attempts } of runs) {
    const last = attempts[attempts.length - 1];
    if (!last) continue;
    const lastFailed = last.tests.filter((t) => !t.passed);
    passed += last.tests.length - lastFailed.length;
    failed += lastFailed.length;
    failures.push(...lastFailed.map((t) => `${file}: ${t.name}`));
    if (!last.ok && lastFailed.length === 0) {
      failed += 1;
      failures.push(fileFailure(file));
    }
    // A test is flaky when an earlier attempt failed it and the last one passed it.
    const passedLast = new Set(last.tests.filter((t) => t.passed).map((t) => t.name));
    const flakyHere = new Set<string>();
    let unexplained = false;
    for (const earlier of attempts.slice(0, -1)) {
      const failedEarlier = earlier.tests.filter((t) => !t.passed);
      for (const t of failedEarlier) if (passedLast.has(t.name)) flakyHere.add(t.name);
      if (!earlier.ok && failedEarlier.length === 0) unexplained = true;
    }
    flaky.push(...[...flakyHere].map((name) => `${file}: ${name}`));
    // The earlier attempt failed with no test to blame and the last one passed: the file itself was flaky.
    if (unexplained && last.ok) flaky.push(fileFailure(file));
  }
  const tooFlaky = flaky.length > maxFlaky;
  const lines: string[] = [];
  if (failures.length > 0) lines.push(`failed:`, ...failures.map((f) => `  ${f}`));
  if (flaky.length > 0) lines.push(`flaky (passed only when run again):`, ...flaky.map((f) => `  ${f}`));
  lines.push(`e2e: ${flaky.length} flaky${tooFlaky ? ` — more than ${maxFlaky} flaky test${maxFlaky === 1 ? '' : 's'} fails the run` : ''}`);
  lines.push(`${passed} passed, ${failed} failed`);
  return { passed, failed, flaky, failures, exitCode: failed > 0 || tooFlaky ? 1 : 0, lines };
}

/** Parses the lines the e2e reporter writes (one JSON object a line); lines that are not its records are skipped. */
export function parseOutcomes(text: string): TestOutcome[] {
  const out: TestOutcome[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null && typeof (v as TestOutcome).name === 'string' && typeof (v as TestOutcome).passed === 'boolean')
        out.push({ name: (v as TestOutcome).name, passed: (v as TestOutcome).passed });
    } catch {
      // a torn last line of a crashed run: the test it named is not counted
    }
  }
  return out;
}
