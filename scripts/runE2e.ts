// Runs the e2e files one after another. A file that fails is run once more: these tests drive a real
// workbench in a browser on a small shared machine, where a notification or a slow repaint can steal
// one keystroke. Every test that passed only on that second run is reported as flaky by name; a test
// that fails twice fails the run, and so does more than one flaky test (see e2eSummary.ts). The last
// line is `N passed, N failed`, the totals of the last attempts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutcomes, summarize } from './e2eSummary';
import type { FileAttempt, FileRun } from './e2eSummary';

const dir = join(__dirname, '..', 'test', 'e2e');
const files =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join('test', 'e2e', f));
const reporter = join(__dirname, 'e2eReporter.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-e2e-results-'));
// Run as a test itself (its unit test does), node would make each file report to the outer runner instead.
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

function attempt(file: string, n: number): FileAttempt {
  const outcomes = join(scratch, `${n}-${file.replace(/[^A-Za-z0-9.-]/g, '_')}.jsonl`);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${outcomes}`,
    file,
  ];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(run.stdout);
  let text = '';
  try {
    text = readFileSync(outcomes, 'utf8');
  } catch {
    // the process died before the reporter wrote anything: no test is counted, the file fails
  }
  return { ok: run.status === 0, tests: parseOutcomes(text) };
}

const runs: FileRun[] = [];
let n = 0;
for (const file of files) {
  const attempts: FileAttempt[] = [attempt(file, ++n)];
  if (!attempts[0]!.ok) {
    process.stdout.write(`\n${file} failed; running it once more\n\n`);
    attempts.push(attempt(file, ++n));
  }
  runs.push({ file, attempts });
}
rmSync(scratch, { recursive: true, force: true });
const summary = summarize(runs);
console.log(`\n${summary.lines.join('\n')}`);
process.exit(summary.exitCode);
