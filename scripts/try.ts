// `npm run try`: the built extension in the same VS Code server the tests use, bound to 127.0.0.1, with
// `examples/` open. Prints the URL to open in a browser; Ctrl+C stops the server and all its processes.
// Usage: node --import tsx scripts/try.ts [--port N] [--folder PATH]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureServer, exitOnSignals, registerCleanup, repoRoot, startServer, stopAll, wasInterrupted, runLauncher } from './vscodeServer';
import type { Result } from './vscodeServer';

/** Files of the repository an installed extension consists of (what a VSIX would carry). */
export const extensionFiles = ['package.json', 'package.nls.json', 'dist', 'schemas', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media', 'images'];

/**
 * Installs the repository's built extension into `extensionsDir` as `<publisher>.<name>-<version>/`, made of
 * links to the repository's files, so a rebuild shows after a window reload.
 */
export function linkExtension(extensionsDir: string): Result<string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher?: string; name?: string; version?: string; main?: string };
  if (!manifest.publisher || !manifest.name || !manifest.version) return { ok: false, error: 'package.json lacks publisher, name or version' };
  if (manifest.main && !existsSync(join(repoRoot, manifest.main))) return { ok: false, error: `${manifest.main} is missing; run \`npm run build\` first` };
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  for (const name of extensionFiles) {
    if (existsSync(join(repoRoot, name))) symlinkSync(join(repoRoot, name), join(target, name));
  }
  return { ok: true, value: target };
}

/** The user settings `try` starts with: no telemetry, so the workbench shows no telemetry notice either. */
export const TRY_SETTINGS: Readonly<Record<string, unknown>> = { 'telemetry.telemetryLevel': 'off' };

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const folder = resolve(option(args, '--folder') ?? join(repoRoot, 'examples'));
  const port = option(args, '--port');
  // Ctrl+C is how `try` is meant to end: stop everything, then exit 0.
  exitOnSignals(() => 0);
  const server = ensureServer();
  if (!server.ok) {
    console.error(server.error);
    return 1;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-try-'));
  registerCleanup(async () => rmSync(scratch, { recursive: true, force: true }));
  const extensionsDir = join(scratch, 'extensions');
  const linked = linkExtension(extensionsDir);
  if (!linked.ok) {
    console.error(linked.error);
    await stopAll();
    return 1;
  }
  const logFile = join(repoRoot, 'test-results', 'try-server.log');
  const started = await startServer({ trusted: true, logFile, extensionsDir, userSettings: TRY_SETTINGS, ...(port ? { port: Number(port) } : {}) });
  if (!started.ok) {
    console.error(started.error);
    await stopAll();
    return 1;
  }
  const running = started.value;
  const url = `${running.origin}/?${new URLSearchParams({ folder }).toString()}`;
  console.log(`Webhook Action Studio is running in VS Code at:\n\n  ${url}\n\nOpen it in a browser. Server log: ${logFile}\nPress Ctrl+C to stop.`);
  return new Promise<number>((resolveExit) => {
    running.child.once('exit', (code, signal) => {
      if (wasInterrupted()) return;
      console.error(`the server exited (${code ?? signal}); see ${logFile}`);
      void stopAll().then(() => resolveExit(1));
    });
  });
}

if (require.main === module) runLauncher(main);
