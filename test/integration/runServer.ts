// Runs the integration suites inside the extension host of a real VS Code server, opened by headless
// Chromium: once in a trusted workspace (suite/) and once in Restricted Mode (restricted/).
// Usage: node --import tsx test/integration/runServer.ts [trusted|restricted]...   (default: both)
import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { exitOnSignals, launchBrowser, repoRoot, startServer, wasInterrupted, workbenchUrl } from '../../scripts/vscodeServer';
import type { Result, RunningServer } from '../../scripts/vscodeServer';
import type { TestResults } from './index';
import { closeTally, fixtureWorkspace, parseModes, prepareRun, readResults, reportMode, runFiles, testIndex } from './launch';
import type { Tally, TrustMode } from './launch';

const timeoutMs = Number(process.env['WEBHOOK_STUDIO_TEST_TIMEOUT_MS'] ?? 5 * 60_000);

async function waitForResults(file: string, server: RunningServer): Promise<Result<TestResults>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const results = readResults(file);
    if (results.ok) return results;
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      return { ok: false, error: `the VS Code server exited (${server.child.exitCode ?? server.child.signalCode}) before the tests wrote ${file}` };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ok: false, error: `no test results in ${file} after ${timeoutMs / 1000} s (set WEBHOOK_STUDIO_TEST_TIMEOUT_MS to wait longer)` };
}

/** The results of one run and how long its phases took, in ms. */
export interface ModeRun {
  results: TestResults;
  timings: { serverStart: number; tests: number };
}

/** Runs one trust mode end to end; the server's process group and the browser are always ended. */
export async function runMode(mode: TrustMode): Promise<Result<ModeRun>> {
  const t0 = Date.now();
  const files = runFiles('server', mode);
  const prepared = prepareRun(files.results);
  if (!prepared.ok) return prepared;

  const started = await startServer({
    trusted: mode === 'trusted',
    logFile: files.serverLog,
    env: { TEST_RESULTS: files.results, WEBHOOK_STUDIO_TEST_SUITE: mode },
    stopGraceMs: 1000,
  });
  if (!started.ok) return started;
  const server = started.value;
  const t1 = Date.now();
  let browser: Browser | undefined;
  const browserLines: string[] = [];
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    writeFileSync(files.browserLog, browserLines.join('\n') + '\n');
  };
  try {
    const launched = await launchBrowser();
    if (!launched.ok) return launched;
    browser = launched.value;
    const page = await browser.newPage();
    const stamp = (): string => `+${((Date.now() - t0) / 1000).toFixed(2)}s`;
    page.on('console', (message) => browserLines.push(`${stamp()} [${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => browserLines.push(`${stamp()} [pageerror] ${error.message}`));
    await page.goto(workbenchUrl(server, { folder: fixtureWorkspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: testIndex }));
    const results = await waitForResults(files.results, server);
    if (!results.ok) return { ok: false, error: `${results.error}\n(browser console: ${files.browserLog})` };
    return { ok: true, value: { results: results.value, timings: { serverStart: t1 - t0, tests: Date.now() - t1 } } };
  } finally {
    await cleanup();
  }
}

async function main(): Promise<number> {
  const modes = parseModes(process.argv.slice(2));
  if (!modes.ok) {
    console.error(modes.error);
    return 2;
  }
  exitOnSignals();
  const tally: Tally = { passed: 0, failed: 0 };
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  for (const mode of modes.value) {
    const started = Date.now();
    const outcome = await runMode(mode);
    const total = Date.now() - started;
    if (wasInterrupted()) return 130;
    const detail = outcome.ok
      ? ` in ${s(total)} (server ${s(outcome.value.timings.serverStart)}, workbench + tests ${s(outcome.value.timings.tests)}, teardown ${s(total - outcome.value.timings.serverStart - outcome.value.timings.tests)})`
      : '';
    const results: Result<TestResults> = outcome.ok ? { ok: true, value: outcome.value.results } : outcome;
    reportMode(tally, mode, results, runFiles('server', mode).serverLog, detail);
  }
  return closeTally(tally);
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
