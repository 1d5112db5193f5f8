/**
 * Runs the `webhook-studio` CLI for tests: in-process through `main(argv, io)` with a captured io, or, for
 * what only a real process shows (exit codes of the binary, signals, the bundle's own file layout), built
 * by esbuild into a temporary folder of the test file's own — never dist/, which a build running
 * alongside may delete at any moment.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { main } from '../../../src/cli/cli';
import { capturedIo, type CapturedIo, type CapturedIoOptions } from '../../../src/cli/io';

export const ROOT = resolve(__dirname, '..', '..', '..');

/** The outcome of one run of the CLI. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `webhook-studio args…` in this process; the environment is only what `options.env` gives. */
export async function runCli(args: string[], options: CapturedIoOptions): Promise<CliRun> {
  const io = capturedIo(options);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Starts `webhook-studio args…` in this process without waiting for it, for commands that run until interrupted. */
export function startCli(args: string[], options: CapturedIoOptions): { io: CapturedIo; exited: Promise<number> } {
  const io = capturedIo(options);
  return { io, exited: main(args, io) };
}

/** Resolves once `read()` matches `pattern`, checking at every turn of the event loop; the test's own timeout bounds it. */
export async function waitForMatch(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The CLI built into a temporary folder, as `dist/` lays it out, with `examples/` beside it as in the package. */
export interface BuiltCli {
  /** The entry file, `<folder>/dist/cli.js`. */
  readonly file: string;
  /** Runs the built CLI as a child process (without blocking this process's servers). */
  run(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun>;
  /** Runs the entry file itself, as npm's bin link does: its first line starts Node. */
  exec(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun>;
  /** `exec` under `setpriv` with its options (another user, for what root may not show); the folder must be open to that user. */
  execAs(setprivOptions: string[], args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun>;
  /** Starts the built CLI as a child process with piped stdio. */
  spawn(args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcessWithoutNullStreams;
  /** Deletes the folder. */
  remove(): Promise<void>;
}

/** Builds the CLI with the build's own options into a new temporary folder. */
export async function buildCli(): Promise<BuiltCli> {
  const folder = await mkdtemp(join(tmpdir(), 'webhook-studio-cli-build-'));
  const { cliBuild } = (await import(pathToFileURL(join(ROOT, 'scripts', 'cliBuild.mjs')).href)) as { cliBuild: (options: BuildOptions) => BuildOptions };
  await build(cliBuild({ outdir: join(folder, 'dist'), logLevel: 'error', sourcemap: false }));
  await symlink(join(ROOT, 'examples'), join(folder, 'examples'));
  const file = join(folder, 'dist', 'cli.js');
  // The bundle keeps V8 code caches under TMPDIR: the folder's own, so runs leave nothing behind.
  await mkdir(join(folder, 'tmp'));
  // The Node running the tests comes first on PATH, so the entry file's `env node` finds it.
  const envOf = (env: Record<string, string> = {}) => ({
    PATH: [dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
    TMPDIR: join(folder, 'tmp'),
    ...env,
  });
  const runFile = (command: string, commandArgs: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }) =>
    new Promise<CliRun>((resolveRun) => {
      execFile(
        command,
        commandArgs,
        { cwd: options.cwd, env: envOf(options.env), timeout: options.timeoutMs ?? 30_000, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolveRun({ code, stdout, stderr });
        },
      );
    });
  return {
    file,
    exec: (args, options) => runFile(file, args, options),
    execAs: (setprivOptions, args, options) => runFile('setpriv', [...setprivOptions, file, ...args], options),
    run: (args, options) => runFile(process.execPath, [file, ...args], options),
    spawn: (args, options) => spawn(process.execPath, [file, ...args], { cwd: options.cwd, env: envOf(options.env) }),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}
