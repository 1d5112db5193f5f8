import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { largeDefinition } from '../../bench/largeDefinition';
import { HOSTILE, focusEditor, goTo, pwnedFlags, receiverAction, startReceiver, writeWorkspaceFile } from './panelHelpers';
import type { Receiver } from './panelHelpers';
import { openWorkbench, panelThemed, screenshotDir, settled } from './workbench';
import type { ThemeName, Workbench } from './workbench';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('the real preview panel with hostile and large responses', { timeout: 300_000 }, () => {
  let workbench: Workbench;
  let receiver: Receiver;
  let frame: FrameLocator;
  let theme: ThemeName = 'dark';

  async function shoot(state: string): Promise<void> {
    await settled(workbench.page, frame);
    await workbench.screenshot(`panel-${state}-${theme}`);
    await focusEditor(workbench.page);
    theme = theme === 'dark' ? 'light' : 'dark';
    await workbench.setTheme(theme);
    await panelThemed(frame, theme);
    await settled(workbench.page, frame);
    await workbench.screenshot(`panel-${state}-${theme}`);
  }

  /** Opens a workspace file in the first group and waits until the panel shows its action. */
  async function show(relPath: string, name: string): Promise<void> {
    if (frame) await focusEditor(workbench.page);
    await workbench.openFile(relPath);
    if (!frame) {
      await workbench.runCommand('Webhook Studio: Open Preview');
      frame = workbench.webviewFrame();
    }
    await frame.locator('#action-name', { hasText: name }).waitFor({ timeout: 20_000 });
  }

  before(async () => {
    receiver = await startReceiver();
    workbench = await openWorkbench({ name: 'panel-hostile-large' });
    writeWorkspaceFile(workbench, 'e2e/xss.webhook.json', receiverAction('Hostile receiver', receiver.port, '/xss'));
    writeWorkspaceFile(workbench, 'e2e/huge.webhook.json', receiverAction('Huge response', receiver.port, '/huge'));
    writeWorkspaceFile(workbench, 'e2e/large.webhook.json', largeDefinition());
  });

  after(async () => {
    await workbench?.close();
    await receiver?.close();
  });

  test('shows hostile HTML bodies and headers as text, and none of them runs', { timeout: 90_000 }, async () => {
    await show('e2e/xss.webhook.json', 'Hostile receiver');
    await frame.locator('#send:not([disabled])').click();
    await frame.locator('#response-status', { hasText: '200' }).waitFor({ timeout: 20_000 });
    const body = await frame.locator('#response-body').innerText();
    for (const payload of HOSTILE) assert.ok(body.includes(payload), `shown as text: ${payload}`);
    const headers = await frame.locator('#response-headers').innerText();
    assert.ok(headers.includes(HOSTILE[0]) && headers.includes(HOSTILE[1]), headers);
    const region = frame.locator('#response-panel');
    assert.equal(await region.locator('img, svg, script, iframe').count(), 0, 'no element was made from the response');
    // A sleep on purpose: what is checked is that no handler (onerror, onload) ever runs, and an event that
    // does not happen cannot be waited for. An element made and dropped again would still fire its
    // onerror or onload after its load, so give such a handler a second to show itself before the check.
    await workbench.page.waitForTimeout(1000);
    assert.deepEqual(await pwnedFlags(workbench.page, frame), [undefined, undefined, undefined]);
    await shoot('hostile');
  });

  test('stays responsive during a 200 MiB response and shows the truncation notice', { timeout: 120_000 }, async () => {
    const { page } = workbench;
    await show('e2e/huge.webhook.json', 'Huge response');
    await frame.locator('vscode-tab-header[data-tab="request"]').click();
    await frame.locator('#send:not([disabled])').click();
    await frame.locator('#progress:not([hidden])').waitFor({ timeout: 10_000 });
    // While the body streams in, type in the editor and see the preview follow.
    await focusEditor(page);
    const urlLine = receiverAction('Huge response', receiver.port, '/huge').split('\n')[3]!;
    await goTo(page, 4, urlLine.indexOf('/huge') + '/huge'.length + 1);
    await page.keyboard.type('-typed');
    // The receiver holds the body back until released, so the response is certainly still loading here.
    await frame.locator('#request-url', { hasText: '/huge-typed/' }).waitFor({ timeout: 10_000 });
    const stillLoading = !(await frame.locator('#progress').evaluate((el) => (el as unknown as { hidden: boolean }).hidden));
    const streamed = receiver.hugeWritten();
    receiver.releaseHuge();
    assert.ok(stillLoading, `the preview updated while the response was still loading (${streamed} bytes streamed)`);
    await frame.locator('#response-status', { hasText: '200' }).waitFor({ timeout: 60_000 });
    const notice = frame.locator('#response-panel .banner-warning', { hasText: 'Truncated at' });
    assert.equal(await notice.innerText(), 'Truncated at 64.0 KiB of 200.0 MiB: the rest was discarded.');
    assert.equal((await frame.locator('#response-body').innerText()).length, 64 * 1024);
    assert.ok(receiver.hugeWritten() < 32 * 1024 * 1024, `the sender stopped reading early (${receiver.hugeWritten()} bytes sent)`);
    await shoot('truncated');
  });

  test('updates the preview of the 1 MiB benchmark file after each edit (median printed)', { timeout: 120_000 }, async () => {
    const { page } = workbench;
    await show('e2e/large.webhook.json', 'Large benchmark action');
    await frame.locator('vscode-tab-header[data-tab="request"]').click();
    await frame.locator('#request-body').waitFor({ timeout: 30_000 });
    await focusEditor(page);
    await goTo(page, 4, '  "url": "https://api.example.com/v1/bulk'.length + 1);
    const times: number[] = [];
    for (let i = 1; i <= 7; i++) {
      const started = Date.now();
      await page.keyboard.type('x');
      await frame.locator('#request-url', { hasText: `/bulk${'x'.repeat(i)}/` }).waitFor({ timeout: 20_000 });
      times.push(Date.now() - started);
    }
    const figures = {
      file: 'bench/largeDefinition.ts (1 MiB, 10,000 templates)',
      debounceMs: 150,
      editToPreviewMs: { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times },
    };
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(join(screenshotDir, 'preview-latency.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(
      `edit → updated preview on the 1 MiB file: median ${figures.editToPreviewMs.median} ms (min ${figures.editToPreviewMs.min}, max ${figures.editToPreviewMs.max}, debounce 150 ms included)`,
    );
    assert.equal(times.length, 7);
  });
});
