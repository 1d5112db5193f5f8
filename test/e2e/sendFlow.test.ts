// Sending from the real preview panel as a new user does: no notification for a success the panel already
// shows, one question before a send to all fires real requests (remembered per workspace) with the local inbox
// beside it, Execution Logs rows that say which sample and what outcome, a preview that stays alive under a file
// opened from the Explorer, and a word when the selected sample's file is deleted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { focusEditor, receiverAction, startReceiver, writeWorkspaceFile } from './panelHelpers';
import type { Receiver } from './panelHelpers';
import { panelThemed, settled, waitUntil } from './workbench';
import { openWorkbench } from './workbench';
import type { ThemeName, Workbench } from './workbench';

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/;

describe('sending from the preview panel', { timeout: 300_000 }, () => {
  let workbench: Workbench;
  let receiver: Receiver;
  let frame: FrameLocator;

  const toasts = (): Locator => workbench.page.locator('.notifications-toasts .notification-toast');
  const toastTexts = async (): Promise<string[]> => (await toasts().allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  const dialog = (): Locator => workbench.page.locator('.monaco-dialog-box');

  /** The rows of the Execution Logs view, expanded. */
  async function logRows(): Promise<Locator> {
    const { page } = workbench;
    const header = page.locator('.pane-header', { hasText: 'Execution Logs' });
    await header.waitFor({ timeout: 10_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return page.locator('.pane', { has: header }).locator('.monaco-list-row');
  }

  async function clearNotifications(): Promise<void> {
    await workbench.runCommand('Notifications: Clear All Notifications');
    await toasts().first().waitFor({ state: 'hidden' });
  }

  /** Screenshots the workbench in both themes (the theme is put back to dark). */
  async function shoot(state: string): Promise<void> {
    const themes: ThemeName[] = ['light', 'dark'];
    for (const theme of themes) {
      await focusEditor(workbench.page);
      await workbench.setTheme(theme);
      await panelThemed(frame, theme);
      await settled(workbench.page, frame);
      await workbench.screenshot(`send-flow-${state}-${theme}`);
    }
  }

  before(async () => {
    receiver = await startReceiver();
    workbench = await openWorkbench({ name: 'send-flow' });
    writeWorkspaceFile(workbench, 'e2e/flow.webhook.json', receiverAction('Flow', receiver.port, '/flow'));
    // A port nothing listens on: the send fails with a network error.
    writeWorkspaceFile(workbench, 'e2e/down.webhook.json', receiverAction('Down', 9, '/down'));
  });

  after(async () => {
    await workbench?.close();
    await receiver?.close();
  });

  test('a success shows in the panel and the status bar, with no notification and no progress left open', { timeout: 90_000 }, async () => {
    const { page } = workbench;
    await workbench.openFile('e2e/flow.webhook.json');
    await workbench.runCommand('Webhook Studio: Open Preview');
    frame = workbench.webviewFrame();
    await frame.locator('#action-name', { hasText: 'Flow' }).waitFor({ timeout: 20_000 });
    await frame.locator('#send:not([disabled])').click();
    await frame.locator('#response-status', { hasText: '201' }).waitFor({ timeout: 20_000 });
    await page.locator('.part.statusbar', { hasText: /Webhook Studio: 201 Created/ }).waitFor({ timeout: 10_000 });
    // The record reaches the Execution Logs after the result: by then any notification of this send has shown.
    await (await logRows()).first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await toastTexts(), [], 'a notification repeats what the panel shows');
  });

  test('a failure is notified even with the panel open', { timeout: 90_000 }, async () => {
    await focusEditor(workbench.page);
    await workbench.openFile('e2e/down.webhook.json');
    await frame.locator('#action-name', { hasText: 'Down' }).waitFor({ timeout: 20_000 });
    await frame.locator('#send:not([disabled])').click();
    await frame.locator('#response-status', { hasText: /Network error/i }).waitFor({ timeout: 20_000 });
    await toasts().first().waitFor({ timeout: 10_000 });
    const texts = await toastTexts();
    assert.equal(texts.length, 1, texts.join(' | '));
    assert.match(texts[0]!, /^Webhook Studio: /);
    assert.doesNotMatch(texts[0]!, /Sending/);
    await clearNotifications();
  });

  test('send to all asks once, with the count and the host, and offers the local inbox instead', { timeout: 120_000 }, async () => {
    const { page } = workbench;
    // Both files are open in the first group: switch with the tab, as a user flipping between editors does.
    await page.locator('.part.editor .tab[data-resource-name="flow.webhook.json"]').first().click();
    await frame.locator('#action-name', { hasText: 'Flow' }).waitFor({ timeout: 20_000 });
    await frame.locator('vscode-tab-header[data-tab="samples"]').click();
    await frame.locator('#samples-cards .sample-card').nth(1).waitFor({ timeout: 10_000 });
    const hits = receiver.hits.length;

    await frame.locator('#send-all:not([disabled])').click();
    await dialog().waitFor({ timeout: 10_000 });
    assert.match(await dialog().innerText(), new RegExp(`Send 2 real requests to 127\\.0\\.0\\.1:${receiver.port}\\?`));
    await dialog().locator('.monaco-button', { hasText: 'Send All to Local Inbox' }).click();
    await frame.locator('#samples-cards .sample-result', { hasText: '200' }).nth(1).waitFor({ timeout: 30_000 });
    await frame.locator('#send-all:not([disabled])').waitFor({ timeout: 30_000 });
    assert.equal(receiver.hits.length, hits, 'the inbox answer sent nothing to the receiver');

    // The inbox answer is not a yes: the next send to all asks again; a yes is remembered.
    await frame.locator('#send-all:not([disabled])').click();
    await dialog().waitFor({ timeout: 10_000 });
    await dialog().locator('.monaco-button', { hasText: 'Send 2 Requests' }).click();
    await waitUntil(
      async () => receiver.hits.length === hits + 2,
      () => `the receiver got ${receiver.hits.slice(hits).join(', ')}`,
      30_000,
    );
    await frame.locator('#send-all:not([disabled])').waitFor({ timeout: 30_000 });

    await frame.locator('#send-all:not([disabled])').click();
    await waitUntil(
      async () => receiver.hits.length === hits + 4,
      () => `the receiver got ${receiver.hits.slice(hits).join(', ')}`,
      30_000,
    );
    assert.equal(await dialog().count(), 0, 'a send to all asked again after a yes');
    await frame.locator('#send-all:not([disabled])').waitFor({ timeout: 30_000 });

    // Beside it, the local inbox needs no question.
    await frame.locator('#send-all-inbox:not([disabled])').click();
    await frame
      .locator('#send-all-inbox[disabled]')
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    await frame.locator('#send-all-inbox:not([disabled])').waitFor({ timeout: 30_000 });
    assert.equal(await dialog().count(), 0);
    assert.equal(receiver.hits.length, hits + 4);
    assert.deepEqual(await toastTexts(), [], 'a send to all notified');
    await shoot('samples');
  });

  test('Execution Logs rows name the sample and the outcome, in the time format of the record they open', { timeout: 90_000 }, async () => {
    const rows = await logRows();
    await rows.nth(3).waitFor({ timeout: 10_000 });
    const texts = (await rows.allInnerTexts()).slice(0, 4).map((t) => t.replace(/\s+/g, ' '));
    for (const text of texts) {
      assert.match(text, /^(200|201) accepted · flow · (Jane Doe — VIP lead|Zoë — hostile data) ?POST · /, text);
      assert.match(text, TIME);
    }
    assert.equal(new Set(texts.map((t) => t.replace(TIME, ''))).size, 4, `rows cannot be told apart: ${texts.join(' | ')}`);
    const time = TIME.exec(texts[1]!)?.[0];
    await rows.nth(1).click();
    await frame.locator('.banner-info', { hasText: `Execution record from ${time}` }).waitFor({ timeout: 10_000 });
  });

  test('a file opened from the Explorer over the preview leaves the page alive for when the preview comes back', { timeout: 90_000 }, async () => {
    const { page } = workbench;
    await frame.locator('body').evaluate(() => {
      (globalThis as unknown as { __alive?: string }).__alive = 'still here';
    });
    const heap = await frame
      .locator('body')
      .evaluate(() => (globalThis as unknown as { performance: { memory?: { usedJSHeapSize: number } } }).performance.memory?.usedJSHeapSize ?? 0);
    console.log(`preview page JS heap: ${(heap / 1024 / 1024).toFixed(1)} MiB`);
    // The panel follows the file opened over it, and its title with it.
    const previewTab = page.locator('.part.editor .tab', { hasText: /^\s*Preview / });
    await previewTab.click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'clean.webhook.json' }).click();
    await page.locator('.tab.active[data-resource-name="clean.webhook.json"]').waitFor({ timeout: 10_000 });
    assert.ok(!(await previewTab.evaluate((tab) => (tab as unknown as { classList: { contains(c: string): boolean } }).classList.contains('active'))));
    await previewTab.click();
    await frame.locator('#action-name').waitFor({ timeout: 10_000 });
    assert.equal(
      await frame.locator('body').evaluate(() => (globalThis as unknown as { __alive?: string }).__alive),
      'still here',
      'the page was loaded again',
    );
  });

  test('deleting the selected sample says which sample takes over', { timeout: 90_000 }, async () => {
    await clearNotifications();
    await frame.locator('#sample-select').click();
    await frame.locator('#sample-select').locator('li.option', { hasText: 'Zoë' }).click();
    await waitUntil(
      () => frame.locator('#sample-select').evaluate((el) => (el as unknown as { value: string }).value.endsWith('zoe.sample.json')),
      'Zoë is selected',
    );
    rmSync(join(workbench.folder, 'samples', 'zoe.sample.json'));
    const toast = toasts().filter({ hasText: 'was deleted' });
    await toast.waitFor({ timeout: 20_000 });
    assert.match(
      (await toast.innerText()).replace(/\s+/g, ' '),
      /The selected sample "Zoë — hostile data" was deleted: previews, lint and sends now use "Jane Doe — VIP lead"/,
    );
  });

  test('screenshots at 400 px', { timeout: 90_000 }, async () => {
    const { page } = workbench;
    await clearNotifications();
    const panelWidth = async () => (await page.locator('iframe.webview.ready').last().boundingBox())?.width ?? 0;
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
    await page.setViewportSize({ width: Math.round(viewport.width - 2 * ((await panelWidth()) - 400)), height: viewport.height });
    console.log(`panel width: ${Math.round(await panelWidth())} px`);
    await frame.locator('vscode-tab-header[data-tab="samples"]').click();
    await shoot('samples-400');
    await frame.locator('vscode-tab-header[data-tab="request"]').click();
    await shoot('request-400');
  });

  test('with the preview closed, a success is notified', { timeout: 90_000 }, async () => {
    const { page } = workbench;
    await clearNotifications();
    await page
      .locator('.part.editor .tab', { hasText: /^\s*Preview / })
      .locator('.codicon-close')
      .click();
    await page.locator('.part.editor .tab', { hasText: /^\s*Preview / }).waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('.part.editor .tab[data-resource-name="flow.webhook.json"]').first().click();
    await page.locator('.tab.active[data-resource-name="flow.webhook.json"]').first().waitFor({ timeout: 10_000 });
    await workbench.runCommand('Webhook Studio: Send Test Request');
    const toast = toasts().filter({ hasText: /Webhook Studio: 201 Created/ });
    await toast.waitFor({ timeout: 20_000 });
  });
});
