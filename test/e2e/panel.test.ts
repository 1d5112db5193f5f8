import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { prettyJson } from '../../src/protocol/prettyJson';
import type { Sample } from '../../src/core/types';
import { expectedRequest, fixtureSample, focusEditor, goTo, receiverAction, shownRequest, startReceiver, writeWorkspaceFile } from './panelHelpers';
import type { Receiver } from './panelHelpers';
import { fixtureWorkspace, openWorkbench, panelThemed, runCommand, settled } from './workbench';
import type { ThemeName, Workbench } from './workbench';

const JANE = fixtureSample('jane.sample.json');
const ZOE = fixtureSample('samples/zoe.sample.json');
const LEAD = readFileSync(join(fixtureWorkspace, 'lead.webhook.json'), 'utf8');

describe('the preview panel in the workbench', { timeout: 300_000 }, () => {
  let workbench: Workbench;
  let receiver: Receiver;
  let frame: FrameLocator;
  let theme: ThemeName = 'dark';
  let leadText = LEAD;

  /** Screenshots the state in the current theme and in the other one (the theme is left switched). */
  async function shoot(state: string): Promise<void> {
    // Send notifications stack over the panel; the pictures are of the panel.
    await runCommand(workbench.page, 'Notifications: Clear All Notifications');
    await workbench.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' });
    await settled(workbench.page, frame);
    await workbench.screenshot(`panel-${state}-${theme}`);
    await focusEditor(workbench.page);
    theme = theme === 'dark' ? 'light' : 'dark';
    await workbench.setTheme(theme);
    await panelThemed(frame, theme);
    await settled(workbench.page, frame);
    await workbench.screenshot(`panel-${state}-${theme}`);
  }

  async function assertShows(text: string, sample: Sample): Promise<void> {
    const expected = expectedRequest(text, sample);
    const shown = await shownRequest(frame);
    assert.equal(shown.url, expected.url);
    assert.deepEqual(
      shown.headers,
      expected.headers.map(([n, v]) => [n, v.trim()]),
    );
    assert.equal(shown.body, expected.body === null ? null : prettyJson(expected.body));
  }

  before(async () => {
    receiver = await startReceiver();
    workbench = await openWorkbench({ name: 'panel' });
    writeWorkspaceFile(workbench, 'e2e/send.webhook.json', receiverAction('E2E send', receiver.port, '/ok'));
  });

  after(async () => {
    await workbench?.close();
    await receiver?.close();
  });

  test('opens beside the editor and shows exactly what the core renders', { timeout: 60_000 }, async () => {
    await workbench.openFile('lead.webhook.json');
    await workbench.runCommand('Webhook Studio: Open Preview');
    frame = workbench.webviewFrame();
    await frame.locator('#request-url').waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('#action-name').innerText(), 'Push new lead to CRM');
    assert.equal(await frame.locator('#method').innerText(), 'POST');
    await assertShows(LEAD, JANE);
    await shoot('request');
  });

  test('shows an edit typed in the editor', { timeout: 60_000 }, async () => {
    const { page } = workbench;
    await focusEditor(page);
    const lines = LEAD.split('\n');
    const line = lines.findIndex((l) => l.includes('"url"'));
    const column = lines[line]!.indexOf('/leads') + '/leads'.length + 1;
    await goTo(page, line + 1, column);
    await page.keyboard.type('-new');
    await frame.locator('#request-url', { hasText: '/v1/leads-new/' }).waitFor({ timeout: 10_000 });
    lines[line] = lines[line]!.replace('/leads', '/leads-new');
    leadText = lines.join('\n');
    await assertShows(leadText, JANE);
  });

  test('re-renders with the sample picked in the panel', { timeout: 60_000 }, async () => {
    await frame.locator('#sample-select').click();
    await frame.locator('#sample-select').locator('li.option', { hasText: 'Zoë' }).click();
    await frame.locator('#request-body', { hasText: 'Zoë' }).waitFor({ timeout: 10_000 });
    await assertShows(leadText, ZOE);
    await shoot('sample');
  });

  test('sends a test request and shows the status and body', { timeout: 60_000 }, async () => {
    // Quick Open opens into the focused group: focus the editor's, not the panel's.
    await focusEditor(workbench.page);
    await workbench.openFile('e2e/send.webhook.json');
    await frame.locator('#action-name', { hasText: 'E2E send' }).waitFor({ timeout: 10_000 });
    await frame.locator('#send:not([disabled])').click();
    await frame.locator('#response-status', { hasText: '201' }).waitFor({ timeout: 20_000 });
    assert.ok(receiver.hits.includes('POST /ok/c_zoe'), `the receiver got: ${receiver.hits.join(', ')}`);
    assert.match(await frame.locator('#response-status').innerText(), /Accepted/);
    assert.equal(await frame.locator('#response-body').innerText(), prettyJson(JSON.stringify({ stored: true, path: '/ok/c_zoe' })));
    assert.match(await frame.locator('#response-headers').innerText(), /x-receiver\s+e2e/);
    await shoot('response');
  });

  test('sends to the local inbox and shows the capture next to the intended request', { timeout: 60_000 }, async () => {
    await frame.locator('#send-inbox:not([disabled])').click();
    await frame.locator('#capture-raw', { hasText: 'POST /ok/c_zoe HTTP/1.1' }).waitFor({ timeout: 20_000 });
    const intended = await frame.locator('#intended-raw').innerText();
    const captured = await frame.locator('#capture-raw').innerText();
    assert.match(intended, /^POST \/ok\/c_zoe HTTP\/1\.1$/m);
    assert.match(captured, /^X-Source: e2e$/m);
    assert.ok(captured.includes('"first_name":"Zoë"'), captured);
    assert.match(await frame.locator('#response-status').innerText(), /200/);
    await shoot('inbox');
  });

  test("another file never shows this file's response; coming back shows this file's own", { timeout: 60_000 }, async () => {
    const { page } = workbench;
    // Both files are open: switch with their tabs, as a user flipping between editors does.
    const tab = (name: string) => page.locator(`.part.editor .tab[data-resource-name="${name}"]`).first();
    await tab('lead.webhook.json').click();
    await page.locator('.tab.active[data-resource-name="lead.webhook.json"]').waitFor({ timeout: 10_000 });
    await frame.locator('#action-name', { hasText: 'Push new lead to CRM' }).waitFor({ timeout: 10_000 });
    await frame.locator('#request-url').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(!(await frame.locator('#response-panel').isVisible()), 'the Request tab of the file never sent is shown');
    assert.equal(await frame.locator('#response-status').count(), 0, 'no status of e2e/send.webhook.json is left');
    assert.equal(await frame.locator('#capture-raw').count(), 0);
    await tab('send.webhook.json').click();
    await page.locator('.tab.active[data-resource-name="send.webhook.json"]').waitFor({ timeout: 10_000 });
    await frame.locator('#action-name', { hasText: 'E2E send' }).waitFor({ timeout: 10_000 });
    await frame.locator('vscode-tab-header[data-tab="response"]').click();
    await frame.locator('#capture-raw', { hasText: 'POST /ok/c_zoe HTTP/1.1' }).waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('#response-status').innerText(), /200/);
    await focusEditor(page);
  });

  test('the Samples tab compares every sample and sends to all of them', { timeout: 90_000 }, async () => {
    await frame.locator('vscode-tab-header[data-tab="samples"]').click();
    const rows = frame.locator('#samples-cards .sample-card');
    await rows.nth(1).waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(1).innerText(), /Zoë/);
    assert.match(await rows.nth(1).innerText(), /"first_name": "Zoë"/);
    const before = receiver.hits.length;
    await frame.locator('#send-all:not([disabled])').click();
    // Real requests go out only once the user agrees (the first time, for this host and workspace).
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), new RegExp(`Send 2 real requests to 127\\.0\\.0\\.1:${receiver.port}\\?`));
    await dialog.locator('.monaco-button', { hasText: 'Send 2 Requests' }).click();
    await frame.locator('#send-all:not([disabled])').waitFor({ timeout: 30_000 });
    await frame.locator('#samples-cards .sample-card', { hasText: '201' }).nth(1).waitFor({ timeout: 30_000 });
    assert.deepEqual(receiver.hits.slice(before), ['POST /ok/c_81f2', 'POST /ok/c_zoe']);
    // The selection is put back after the send to all.
    const selected = await frame.locator('#sample-select').evaluate((el) => (el as unknown as { value: string }).value);
    assert.match(selected, /zoe\.sample\.json$/);
    await shoot('samples');
  });

  test('the Execution Logs view lists the sends, newest first', { timeout: 60_000 }, async () => {
    const { page } = workbench;
    const header = page.locator('.pane-header', { hasText: 'Execution Logs' });
    await header.waitFor({ timeout: 10_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const rows = page.locator('.pane', { has: header }).locator('.monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    assert.match(await rows.first().innerText(), /^201 accepted · send · /);
    assert.ok((await rows.count()) >= 3);
    await rows.nth(1).click();
    await frame.locator('.banner-info', { hasText: 'Execution record from' }).waitFor({ timeout: 10_000 });
    await shoot('logs');
  });

  test('marks where the selected sample breaks the body, and sends nothing', { timeout: 60_000 }, async () => {
    // Zoë (still selected) has a last name with quotes: pasted as the platform does, it ends the string early.
    const text = `${JSON.stringify({ name: 'E2E broken', method: 'POST', url: 'https://api.example.com/broken', body: { id: '{{contact.id}}', last: '{{contact.last_name}}' } }, null, 2)}\n`;
    writeWorkspaceFile(workbench, 'e2e/broken.webhook.json', text);
    await focusEditor(workbench.page);
    await workbench.openFile('e2e/broken.webhook.json');
    await frame.locator('#action-name', { hasText: 'E2E broken' }).waitFor({ timeout: 10_000 });
    await frame.locator('vscode-tab-header[data-tab="request"]').click();
    await frame.locator('#body-break').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#request-body').innerText(), `{"id":"c_zoe","last":""Zed" O'Hara"}`);
    assert.equal(await frame.locator('#body-break').innerText(), 'Z', 'the character right after the quote that ended the string');
    assert.match(await frame.locator('#body-break-message').innerText(), /\{\{contact\.last_name\}\} = `"Zed" O'Hara` holds a quote/);
    // The send buttons are disabled: the platform would skip this step, so nothing is sent.
    await frame.locator('#send[disabled]').waitFor({ timeout: 10_000 });
    await frame.locator('#send-inbox[disabled]').waitFor({ timeout: 10_000 });
    await shoot('body-not-json');
  });
});
