// Runs the same integration suites in a desktop VS Code through @vscode/test-electron, for machines that
// have one (VSCODE_EXECUTABLE=/path/to/code) or can download one. Same modes, results and closing line
// as the server launcher.
// Usage: node --import tsx test/integration/runElectron.ts [trusted|restricted]...   (default: both)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repoRoot, runLauncher } from '../../scripts/vscodeServer';
import type { Result } from '../../scripts/vscodeServer';
import type { TestResults } from './index';
import { closeTally, fixtureWorkspace, parseModes, prepareRun, readResults, reportMode, runFiles, testIndex } from './launch';
import type { Tally, TrustMode } from './launch';

function launchArgs(mode: TrustMode, scratch: string): string[] {
  return [
    fixtureWorkspace,
    '--user-data-dir',
    join(scratch, 'user-data'),
    '--extensions-dir',
    join(scratch, 'extensions'),
    '--disable-extensions',
    '--skip-welcome',
    '--skip-release-notes',
    '--disable-telemetry',
    ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
  ];
}

// runTests always adds --disable-workspace-trust, so Restricted Mode starts the executable itself with the
// same arguments minus that one.
function runRestricted(executable: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    const stop = (): void => {
      child.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', stop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Runs one trust mode in a desktop VS Code with fresh user-data and extensions folders. */
export async function runElectronMode(mode: TrustMode): Promise<Result<TestResults>> {
  const files = runFiles('electron', mode);
  const prepared = prepareRun(files.results);
  if (!prepared.ok) return prepared;
  const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-electron-'));
  const env = { TEST_RESULTS: files.results, WEBHOOK_STUDIO_TEST_SUITE: mode };
  try {
    const executable = process.env['VSCODE_EXECUTABLE'] || (await downloadAndUnzipVSCode());
    if (mode === 'trusted') {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: testIndex,
        extensionTestsEnv: env,
        launchArgs: launchArgs(mode, scratch),
      });
    } else {
      const args = [
        ...launchArgs(mode, scratch),
        '--no-sandbox',
        '--disable-gpu-sandbox',
        '--disable-updates',
        `--extensionTestsPath=${testIndex}`,
        `--extensionDevelopmentPath=${repoRoot}`,
      ];
      const code = await runRestricted(executable, args, env);
      if (code !== 0) throw new Error(`VS Code exited with code ${code}`);
    }
  } catch (error) {
    // A failing suite makes VS Code exit non-zero; the results file tells which tests failed.
    const results = readResults(files.results);
    if (results.ok) return results;
    return { ok: false, error: `VS Code did not run the tests: ${(error as Error).message}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return readResults(files.results);
}

async function main(): Promise<number> {
  const modes = parseModes(process.argv.slice(2));
  if (!modes.ok) {
    console.error(modes.error);
    return 2;
  }
  const tally: Tally = { passed: 0, failed: 0 };
  for (const mode of modes.value) {
    reportMode(tally, mode, await runElectronMode(mode), undefined);
  }
  return closeTally(tally);
}

if (require.main === module) runLauncher(main);
