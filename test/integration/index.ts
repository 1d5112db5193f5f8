// Test entry the extension host loads (`extensionTestsPath`): runs one folder of mocha suites and writes
// the outcome to the file named by TEST_RESULTS, because the extension host's exit code does not carry it.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** One failed test or hook. */
export interface TestFailure {
  title: string;
  error: string;
}

/** What the launchers read back from TEST_RESULTS. */
export interface TestResults {
  suite: string;
  passed: number;
  failed: number;
  failures: TestFailure[];
}

/** Suite folder (next to this file once bundled) for each value of WEBHOOK_STUDIO_TEST_SUITE. */
export const suiteFolders: Readonly<Record<string, string>> = { trusted: 'suite', restricted: 'restricted' };

function writeResults(results: TestResults): void {
  const file = process.env['TEST_RESULTS'];
  if (file) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Called by the extension host: runs the suites of the folder chosen by WEBHOOK_STUDIO_TEST_SUITE. */
export async function run(): Promise<void> {
  const suite = process.env['WEBHOOK_STUDIO_TEST_SUITE'] ?? 'trusted';
  const results: TestResults = { suite, passed: 0, failed: 0, failures: [] };
  try {
    const folderName = suiteFolders[suite];
    if (folderName === undefined) throw new Error(`unknown WEBHOOK_STUDIO_TEST_SUITE "${suite}"; expected one of ${Object.keys(suiteFolders).join(', ')}`);
    const folder = join(__dirname, folderName);
    const files = existsSync(folder)
      ? readdirSync(folder)
          .filter((name) => name.endsWith('.test.js'))
          .sort()
      : [];
    if (files.length === 0) throw new Error(`no *.test.js files in ${folder}`);
    const grep = process.env['WEBHOOK_STUDIO_TEST_GREP'];
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, reporter: 'spec', ...(grep ? { grep } : {}) });
    for (const name of files) mocha.addFile(join(folder, name));
    await new Promise<void>((resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve());
        runner.on('pass', () => {
          results.passed += 1;
        });
        runner.on('fail', (test, error: unknown) => {
          results.failed += 1;
          results.failures.push({ title: test.fullTitle(), error: describeError(error) });
        });
      } catch (error) {
        reject(error);
      }
    });
  } catch (error) {
    results.failed += 1;
    results.failures.push({ title: `loading the ${suite} suites`, error: describeError(error) });
  }
  writeResults(results);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
}
