// The VS Code server that integration tests, e2e tests and `npm run try` run against: the server
// bundled in the `code-server` npm package, installed by hand into `.vscode-test/` (its own
// postinstall builds native modules and downloads binaries, which a plain dependency cannot allow).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';

/** The `code-server` release used: the newest whose `engines.node` is 20; it bundles VS Code 1.100.3. */
export const CODE_SERVER_VERSION = '4.100.3';

/** Absolute path of the repository root. */
export const repoRoot = resolve(__dirname, '..');

/** Folder of the installed server cache (gitignored). */
export const serverCacheDir = join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);

/** Entry script of the installed server. */
export const serverEntry = join(serverCacheDir, 'package', 'out', 'node', 'entry.js');

/** Chromium used to open the workbench (Debian's `chromium` package). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A value or the reason there is none. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const completeMarker = join(serverCacheDir, '.complete');

function run(command: string, args: string[], cwd: string): Result<void> {
  const res = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
  if (res.status === 0) return { ok: true, value: undefined };
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  return { ok: false, error: `\`${command} ${args.join(' ')}\` in ${cwd} failed (${res.error?.message ?? `exit ${res.status}`}):\n${output}` };
}

/** Installs the server into `.vscode-test/` unless a complete install is already there; quick when it is. */
export function ensureServer(log: (line: string) => void = (line) => console.log(line)): Result<string> {
  if (existsSync(completeMarker) && existsSync(serverEntry)) return { ok: true, value: serverEntry };
  log(`installing code-server ${CODE_SERVER_VERSION} (VS Code server) into ${serverCacheDir}…`);
  const started = Date.now();
  // Build in a scratch folder and rename at the end, so an interrupted install never looks complete.
  const staging = `${serverCacheDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const pkg = join(staging, 'package');
  const steps: Array<[string, string[], string]> = [
    ['npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--pack-destination', staging, '--silent'], staging],
    ['tar', ['xzf', join(staging, `code-server-${CODE_SERVER_VERSION}.tgz`), '-C', staging], staging],
    ['npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], pkg],
    ['npm', ['rebuild', 'argon2'], pkg],
    ['npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], join(pkg, 'lib', 'vscode')],
  ];
  for (const [command, args, cwd] of steps) {
    const res = run(command, args, cwd);
    if (!res.ok) {
      rmSync(staging, { recursive: true, force: true });
      return res;
    }
  }
  rmSync(join(staging, `code-server-${CODE_SERVER_VERSION}.tgz`), { force: true });
  // The server looks for `node_modules.asar` next to `node_modules`.
  const vscodeDir = join(pkg, 'lib', 'vscode');
  const link = run('ln', ['-sfn', 'node_modules', 'node_modules.asar'], vscodeDir);
  if (!link.ok) return link;
  rmSync(serverCacheDir, { recursive: true, force: true });
  renameSync(staging, serverCacheDir);
  writeFileSync(completeMarker, `${CODE_SERVER_VERSION}\n`);
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ok: true, value: serverEntry };
}

/** A free TCP port on 127.0.0.1, as chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** How to start a server. */
export interface ServerOptions {
  /** false starts the workspace in Restricted Mode. */
  trusted: boolean;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  /** Extra environment for the server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Extensions folder; a fresh temporary one when absent. */
  extensionsDir?: string;
  /** Port; a free one when absent. */
  port?: number;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** User settings of the fresh user-data folder (`User/settings.json`), e.g. telemetry turned off. */
  userSettings?: Record<string, unknown>;
}

/** A started server; `stop()` ends its whole process group and removes its temporary folders. */
export interface RunningServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<Result<void>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { ok: false, error: `server exited early (${child.exitCode ?? child.signalCode})` };
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status < 500) return { ok: true, value: undefined };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ok: false, error: `server did not answer at ${url} within ${timeoutMs} ms` };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server bound to 127.0.0.1 in its own process group, with fresh user-data and extensions folders. */
export async function startServer(options: ServerOptions): Promise<Result<RunningServer>> {
  const entry = ensureServer();
  if (!entry.ok) return entry;
  const port = options.port ?? (await freePort());
  const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-vscode-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  if (options.userSettings) writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(options.userSettings, null, 2)}\n`);
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const logFd = openSync(options.logFile, 'w');
  const args = [
    entry.value,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // An empty gallery turns the marketplace off: the tests and `try` must not reach any other host.
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...options.env },
  });
  closeSync(logFd);
  const origin = `http://127.0.0.1:${port}`;
  // Last resort when the process exits without awaiting stop(): nothing of the server may outlive it.
  const onExit = (): void => {
    killGroup(child, 'SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      unregister();
      process.off('exit', onExit);
      const pid = child.pid;
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + (options.stopGraceMs ?? 3000);
      while (pid !== undefined && groupAlive(pid) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      killGroup(child, 'SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };
  const unregister = registerCleanup(stop);
  const ready = await waitForHttp(`${origin}/healthz`, child, options.startTimeoutMs ?? 30_000);
  if (!ready.ok) {
    await stop();
    return { ok: false, error: `${ready.error}\n${logTail(options.logFile)}` };
  }
  return { ok: true, value: { port, origin, logFile: options.logFile, child, stop } };
}

/**
 * Installs a `.vsix` into `extensionsDir` with the server's own `--install-extension`, as a user's VS Code
 * would; returns the folder the extension was unpacked into.
 */
export function installVsix(vsix: string, extensionsDir: string): Result<string> {
  const entry = ensureServer();
  if (!entry.ok) return entry;
  if (!existsSync(vsix)) return { ok: false, error: `${vsix} does not exist; run \`npm run package\` first` };
  mkdirSync(extensionsDir, { recursive: true });
  const before = new Set(readdirSync(extensionsDir));
  const userDataDir = mkdtempSync(join(tmpdir(), 'webhook-studio-install-'));
  const res = spawnSync(
    process.execPath,
    [entry.value, '--install-extension', resolve(vsix), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, EXTENSIONS_GALLERY: '{}' },
    },
  );
  rmSync(userDataDir, { recursive: true, force: true });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  const added = readdirSync(extensionsDir).filter((name) => !before.has(name) && statSync(join(extensionsDir, name)).isDirectory());
  if (res.status !== 0 || !/successfully installed/i.test(output) || added.length !== 1) {
    const tail = output.trim().split('\n').slice(-10).join('\n');
    return {
      ok: false,
      error: `installing ${vsix} failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`}, ${added.length} new folder(s)):\n${tail}`,
    };
  }
  return { ok: true, value: join(extensionsDir, added[0] as string) };
}

/** What the workbench URL opens. */
export interface WorkbenchTarget {
  /** Absolute path of the folder to open. */
  folder: string;
  /** Absolute path of an extension to load in development mode. */
  extensionDevelopmentPath?: string;
  /** Absolute path of a compiled test entry whose `run()` the extension host calls. */
  extensionTestsPath?: string;
}

/** The workbench URL; development extension and test entry travel in the `payload` parameter. */
export function workbenchUrl(server: Pick<RunningServer, 'port' | 'origin'>, target: WorkbenchTarget): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload: Array<[string, string]> = [];
  if (target.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]);
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: target.folder });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

/** Chromium's flags on these machines: no sandbox as root, and no background traffic off the machine. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs a launcher's `main` and exits with its code; an unexpected error is printed and exits 1. */
export function runLauncher(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Launches headless Chromium with the flags that work on a machine without a display or GPU. */
export async function launchBrowser(): Promise<Result<Browser>> {
  if (!existsSync(chromiumPath)) {
    return { ok: false, error: `Chromium not found at ${chromiumPath}; install it (apt-get install -y chromium) or set CHROMIUM_PATH` };
  }
  const { chromium } = await import('playwright-core');
  try {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // The launchers end the browser themselves, after the server, on these signals.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [...CHROMIUM_ARGS],
    });
    const unregister = registerCleanup(() => browser.close().catch(() => undefined));
    browser.once('disconnected', unregister);
    return { ok: true, value: browser };
  } catch (error) {
    return { ok: false, error: `Chromium did not start: ${(error as Error).message}` };
  }
}

/** The last lines of a log file, for failure messages. */
export function logTail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last ${lines} lines of ${file} ---\n${text}\n--- end of log ---`;
}

const cleanups = new Set<() => Promise<void>>();
let interrupted = false;
let signalsInstalled = false;

/** Registers a cleanup that `stopAll()` runs; returns a function that unregisters it. */
export function registerCleanup(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Runs every registered cleanup (servers, browsers) and waits for all of them. */
export async function stopAll(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((cleanup) => cleanup()));
}

/** Whether a SIGINT/SIGTERM/SIGHUP arrived since `exitOnSignals()`. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * On SIGINT/SIGTERM/SIGHUP: runs `stopAll()`, so no server or browser outlives the process, then exits
 * with `exitCode(signal)` (130 for SIGINT, 143 otherwise, by default). Installed once per process.
 */
export function exitOnSignals(exitCode: (signal: NodeJS.Signals) => number = (signal) => (signal === 'SIGINT' ? 130 : 143)): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const handler = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    void stopAll().finally(() => process.exit(exitCode(signal)));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
}

if (require.main === module && process.argv[2] === 'install') {
  const res = ensureServer();
  if (!res.ok) {
    console.error(res.error);
    process.exit(1);
  }
  console.log(`VS Code server ready: ${res.value}`);
}
