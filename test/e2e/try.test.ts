import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, repoRoot } from '../../scripts/vscodeServer';
import { openFile, runCommand, screenshot } from './workbench';

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`try exited (${code}) before printing a URL:\n${output}`));
    });
  });
}

describe('npm run try', { timeout: 180_000 }, () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;

  after(async () => {
    await browser?.close();
    // Interrupt as a user would, so `try` stops the server it started; force only if it does not exit.
    const running = child;
    if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid, 'SIGINT');
    const timer = setTimeout(() => process.kill(-(running.pid ?? 0), 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });

  test('serves examples/ on 127.0.0.1 with the extension installed, and Ctrl+C stops the server', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'try.ts')], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await waitForUrl(child, 60_000);
    assert.equal(new URL(url).searchParams.get('folder'), join(repoRoot, 'examples'));
    assert.equal(new URL(url).searchParams.get('payload'), null, 'the extension is installed, not loaded through the URL');

    const launched = await launchBrowser();
    assert.ok(launched.ok, launched.ok ? '' : launched.error);
    browser = launched.value;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    // The Welcome page opens on a first start; with telemetry off in the try settings it carries no telemetry notice.
    const welcome = page.locator('.gettingStartedContainer').first();
    await welcome.locator('.getting-started-footer').first().waitFor({ state: 'attached', timeout: 30_000 });
    assert.doesNotMatch((await welcome.textContent()) ?? '', /collects usage data/, 'the Welcome page shows the telemetry notice');
    await screenshot(page, 'try-welcome');
    await openFile(page, 'new-lead-to-crm.webhook.json');
    const mode = page.locator('#status\\.editor\\.mode');
    await mode.waitFor();
    assert.equal((await mode.innerText()).trim(), 'JSON with Comments');

    await runCommand(page, 'Developer: Show Running Extensions');
    await page.locator('.runtime-extensions-editor').getByText('Webhook Action Studio').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'try-running-extensions');

    const port = Number(new URL(url).port);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    process.kill(child.pid ?? 0, 'SIGINT');
    assert.equal(await exited, 0);
    assert.equal(await portAccepts(port), false, 'the server still listens after Ctrl+C');
  });
});
