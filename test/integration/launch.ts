// What both integration launchers share: the paths they pass to the extension host and how results are read
// back and reported.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, repoRoot } from '../../scripts/vscodeServer';
import type { Result } from '../../scripts/vscodeServer';
import type { TestResults } from './index';

/** A trust mode the suites run in; it names the suite folder the test index loads. */
export type TrustMode = 'trusted' | 'restricted';

/** Fixture workspace opened for the integration suites. */
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/** Compiled test entry (built by `node esbuild.mjs --tests`). */
export const testIndex = join(repoRoot, 'out', 'test', 'integration', 'index.js');

/** Where results, logs and screenshots go. */
export const resultsDir = join(repoRoot, 'test-results');

/** Files of one run: the results the test index writes, and the launcher's logs. */
export function runFiles(launcher: string, mode: TrustMode): { results: string; serverLog: string; browserLog: string } {
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `integration-${launcher === 'server' ? '' : `${launcher}-`}${mode}`);
  return { results: `${base}.json`, serverLog: `${base}-server.log`, browserLog: `${base}-browser.log` };
}

/** Fails early with the command to run when the test bundle is missing; removes stale results. */
export function prepareRun(resultsFile: string): Result<void> {
  rmSync(resultsFile, { force: true });
  if (!existsSync(testIndex)) return { ok: false, error: `${testIndex} is missing; run \`node esbuild.mjs --tests\` first` };
  return { ok: true, value: undefined };
}

/** Reads the results the test index wrote, if it wrote any. */
export function readResults(file: string): Result<TestResults> {
  if (!existsSync(file)) return { ok: false, error: `the tests wrote no results to ${file}` };
  try {
    return { ok: true, value: JSON.parse(readFileSync(file, 'utf8')) as TestResults };
  } catch (error) {
    return { ok: false, error: `unreadable results in ${file}: ${(error as Error).message}` };
  }
}

/** Parses the trust modes named on the command line; both when none is named. */
export function parseModes(args: string[]): Result<TrustMode[]> {
  if (args.length === 0) return { ok: true, value: ['trusted', 'restricted'] };
  const unknown = args.filter((a) => a !== 'trusted' && a !== 'restricted');
  if (unknown.length > 0) return { ok: false, error: `unknown mode(s) ${unknown.join(', ')}; expected trusted and/or restricted` };
  return { ok: true, value: args as TrustMode[] };
}

/** Running totals over the modes of one launcher invocation. */
export interface Tally {
  passed: number;
  failed: number;
}

/** Prints one mode's failures (with the log tail when any) and its count line; adds it to the tally. */
export function reportMode(tally: Tally, mode: TrustMode, outcome: Result<TestResults>, logFile: string | undefined, detail = ''): void {
  if (!outcome.ok) {
    tally.failed += 1;
    console.error(`✗ ${mode}: ${outcome.error}${logFile ? `\n${logTail(logFile)}` : ''}`);
    return;
  }
  const results = outcome.value;
  for (const failure of results.failures) console.error(`✗ [${mode}] ${failure.title}\n${failure.error}\n`);
  if (results.failed > 0 && logFile) console.error(logTail(logFile, 20));
  console.log(`${mode}: ${results.passed} passed, ${results.failed} failed${detail}`);
  tally.passed += results.passed;
  tally.failed += results.failed;
}

/** Prints the closing line and returns the exit code: non-zero on any failure or when nothing ran. */
export function closeTally(tally: Tally): number {
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}
