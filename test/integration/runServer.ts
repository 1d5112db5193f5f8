// Runs the integration suites inside the extension host of a real VS Code server, opened by headless
// Chromium: once in a trusted workspace (suite/) and once in Restricted Mode (restricted/).
// With `--vsix FILE` the extension is not loaded from this folder in development mode but installed from the
// package into the server's fresh extensions folder, as a user installs it, so the suites test what ships.
// Usage: node --import tsx test/integration/runServer.ts [--vsix FILE] [trusted|restricted]...   (default: both)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  exitOnSignals,
  installVsix,
  launchBrowser,
  registerCleanup,
  repoRoot,
  startServer,
  wasInterrupted,
  workbenchUrl,
  runLauncher,
} from '../../scripts/vscodeServer';
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

/** Where the extension under test comes from: this folder in development mode, or an installed `.vsix`. */
export type ExtensionSource = { kind: 'development' } | { kind: 'vsix'; file: string };

/** Where the extension host finds the extension under test, and what it loads in development mode. */
interface Placement {
  /** Extensions folder the server starts with; a fresh empty one when absent. */
  extensionsDir?: string;
  /** Folder the extension under test is loaded from. */
  extensionPath: string;
  /** Folder passed as `extensionDevelopmentPath`. */
  developmentPath: string;
  remove: () => Promise<void>;
}

/** A manifest of an extension that contributes nothing: VS Code runs extension tests only with a development extension. */
const testHostManifest = {
  name: 'webhook-studio-test-host',
  publisher: 'webhook-studio-tests',
  version: '0.0.0',
  engines: { vscode: '*' },
  extensionKind: ['workspace'],
};

/**
 * An extensions folder in which VS Code's built-in JSON language features are replaced by an extension of
 * the same id and a higher version that does nothing (an installed extension takes the place of a built-in
 * one), for measuring the extension with them out of play: `WEBHOOK_STUDIO_JSON_FEATURES=off`. The server
 * has no flag that disables a built-in extension.
 */
function withoutJsonFeatures(extensionsDir: string): void {
  const id = 'vscode.json-language-features';
  const version = '999.0.0';
  const folder = join(extensionsDir, `${id}-${version}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify({ name: 'json-language-features', publisher: 'vscode', version, engines: { vscode: '*' } }, null, 2)}\n`,
  );
  const entry = {
    identifier: { id },
    version,
    location: { $mid: 1, path: folder, scheme: 'file' },
    relativeLocation: `${id}-${version}`,
    metadata: { installedTimestamp: Date.now() },
  };
  writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify([entry]));
}

/**
 * Development mode: the repository is the development extension. VSIX mode: the `.vsix` is installed into a
 * fresh extensions folder and an empty test host is the development extension, so the extension under test
 * is the installed copy.
 */
function place(source: ExtensionSource): Result<Placement> {
  if (source.kind === 'development') {
    if (process.env['WEBHOOK_STUDIO_JSON_FEATURES'] !== 'off')
      return { ok: true, value: { extensionPath: repoRoot, developmentPath: repoRoot, remove: async () => undefined } };
    const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-nojson-'));
    const remove = async (): Promise<void> => rmSync(scratch, { recursive: true, force: true });
    const unregister = registerCleanup(remove);
    const extensionsDir = join(scratch, 'extensions');
    withoutJsonFeatures(extensionsDir);
    return { ok: true, value: { extensionsDir, extensionPath: repoRoot, developmentPath: repoRoot, remove: async () => (unregister(), remove()) } };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-vsix-'));
  const remove = async (): Promise<void> => rmSync(scratch, { recursive: true, force: true });
  const unregister = registerCleanup(remove);
  const extensionsDir = join(scratch, 'extensions');
  const res = installVsix(source.file, extensionsDir);
  if (!res.ok) {
    unregister();
    void remove();
    return res;
  }
  const developmentPath = join(scratch, 'test-host');
  mkdirSync(developmentPath);
  writeFileSync(join(developmentPath, 'package.json'), `${JSON.stringify(testHostManifest, null, 2)}\n`);
  return {
    ok: true,
    value: {
      extensionsDir,
      extensionPath: res.value,
      developmentPath,
      remove: async () => {
        unregister();
        await remove();
      },
    },
  };
}

/** Runs one trust mode end to end; the server's process group and the browser are always ended. */
export async function runMode(mode: TrustMode, source: ExtensionSource = { kind: 'development' }): Promise<Result<ModeRun>> {
  const t0 = Date.now();
  const files = runFiles(source.kind === 'vsix' ? 'vsix' : 'server', mode);
  const prepared = prepareRun(files.results);
  if (!prepared.ok) return prepared;
  const extension = place(source);
  if (!extension.ok) return extension;

  const started = await startServer({
    trusted: mode === 'trusted',
    logFile: files.serverLog,
    // The suites check that the extension host loaded the extension from where this launcher put it.
    env: { TEST_RESULTS: files.results, WEBHOOK_STUDIO_TEST_SUITE: mode, WEBHOOK_STUDIO_TEST_EXTENSION_PATH: extension.value.extensionPath },
    ...(extension.value.extensionsDir ? { extensionsDir: extension.value.extensionsDir } : {}),
    stopGraceMs: 1000,
  });
  if (!started.ok) {
    await extension.value.remove();
    return started;
  }
  const server = started.value;
  const t1 = Date.now();
  let browser: Browser | undefined;
  const browserLines: string[] = [];
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    await extension.value.remove();
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
    await page.goto(
      workbenchUrl(server, { folder: fixtureWorkspace, extensionDevelopmentPath: extension.value.developmentPath, extensionTestsPath: testIndex }),
    );
    const results = await waitForResults(files.results, server);
    if (!results.ok) return { ok: false, error: `${results.error}\n(browser console: ${files.browserLog})` };
    return { ok: true, value: { results: results.value, timings: { serverStart: t1 - t0, tests: Date.now() - t1 } } };
  } finally {
    await cleanup();
  }
}

/** Splits `--vsix FILE` off the command line; the rest are trust modes. */
export function parseSource(args: readonly string[]): Result<{ source: ExtensionSource; rest: string[] }> {
  const at = args.indexOf('--vsix');
  if (at < 0) return { ok: true, value: { source: { kind: 'development' }, rest: [...args] } };
  const file = args[at + 1];
  if (file === undefined || file.startsWith('--')) return { ok: false, error: '--vsix needs the path of a .vsix file' };
  return { ok: true, value: { source: { kind: 'vsix', file: resolve(file) }, rest: args.filter((_, i) => i !== at && i !== at + 1) } };
}

async function main(): Promise<number> {
  const parsed = parseSource(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(parsed.error);
    return 2;
  }
  const modes = parseModes(parsed.value.rest);
  if (!modes.ok) {
    console.error(modes.error);
    return 2;
  }
  const source = parsed.value.source;
  if (source.kind === 'vsix') console.log(`testing the extension installed from ${source.file}`);
  exitOnSignals();
  const tally: Tally = { passed: 0, failed: 0 };
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  for (const mode of modes.value) {
    const started = Date.now();
    const outcome = await runMode(mode, source);
    const total = Date.now() - started;
    if (wasInterrupted()) return 130;
    const detail = outcome.ok
      ? ` in ${s(total)} (server ${s(outcome.value.timings.serverStart)}, workbench + tests ${s(outcome.value.timings.tests)}, teardown ${s(total - outcome.value.timings.serverStart - outcome.value.timings.tests)})`
      : '';
    const results: Result<TestResults> = outcome.ok ? { ok: true, value: outcome.value.results } : outcome;
    reportMode(tally, mode, results, runFiles(source.kind === 'vsix' ? 'vsix' : 'server', mode).serverLog, detail);
  }
  return closeTally(tally);
}

if (require.main === module) runLauncher(main);
