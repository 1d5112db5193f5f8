import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameLocator } from 'playwright-core';
import { focusEditor, writeWorkspaceFile } from './panelHelpers';
import { openWorkbench, panelThemed, runCommand, settled } from './workbench';
import type { ThemeName, Workbench } from './workbench';

/** The panel's Workflow tab: Run workflow sends the steps in order and shows each step's request, response and outcome. */
describe('a workflow run in the preview panel', { timeout: 300_000 }, () => {
  let workbench: Workbench;
  let frame: FrameLocator;
  let server: Server;
  const hits: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`);
        if (req.method === 'POST') {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'rec_e2e_7', status: 'created' }));
        } else {
          res.writeHead(409, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'already tagged' }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    workbench = await openWorkbench({ name: 'workflow' });
    writeWorkspaceFile(
      workbench,
      'flow/create.webhook.json',
      `${JSON.stringify({ name: 'Create record', method: 'POST', url: `${base}/records`, saveResponse: true, body: { email: '{{contact.email}}' } }, null, 2)}\n`,
    );
    writeWorkspaceFile(
      workbench,
      'flow/tag.webhook.json',
      `${JSON.stringify({ name: 'Tag record', method: 'PUT', url: `${base}/records/{{custom_webhook.1.response.id}}/tags`, body: { record: '{{custom_webhook.1.response.id}}', tags: '{{contact.tags}}' } }, null, 2)}\n`,
    );
    writeWorkspaceFile(
      workbench,
      'flow/create-and-tag.workflow.json',
      `${JSON.stringify({ name: 'Create and tag', steps: [{ action: 'create.webhook.json' }, { action: 'tag.webhook.json' }] }, null, 2)}\n`,
    );
  });

  after(async () => {
    await workbench?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  });

  async function shootBoth(name: string, first: ThemeName): Promise<void> {
    await runCommand(workbench.page, 'Notifications: Clear All Notifications');
    await settled(workbench.page, frame);
    await workbench.screenshot(`${name}-${first}`);
    const other: ThemeName = first === 'dark' ? 'light' : 'dark';
    await focusEditor(workbench.page);
    await workbench.setTheme(other);
    await panelThemed(frame, other);
    await settled(workbench.page, frame);
    await workbench.screenshot(`${name}-${other}`);
  }

  test('Run workflow from the panel of a step: step 2 carries the id step 1 saved, each step shows its outcome in order', { timeout: 120_000 }, async () => {
    await workbench.openFile('flow/tag.webhook.json');
    await workbench.runCommand('Webhook Studio: Open Preview');
    frame = workbench.webviewFrame();
    await frame.locator('#request-url').waitFor({ timeout: 20_000 });
    await frame.locator('vscode-tab-header[data-tab="workflow"]').click();
    await frame.locator('#workflow-content', { hasText: 'step 2 of 2 in "Create and tag"' }).waitFor({ timeout: 20_000 });
    const run = frame.locator('#run-workflow:not([disabled])');
    await run.waitFor({ timeout: 20_000 });
    await run.click();
    const summary = frame.locator('#workflow-summary', { hasText: 'failed' });
    await summary.waitFor({ timeout: 30_000 });
    assert.equal(await summary.innerText(), '1 of 2 step(s) failed; the others ran, as on the platform.');
    assert.deepEqual(hits, ['POST /records {"email":"jane@example.com"}', 'PUT /records/rec_e2e_7/tags {"record":"rec_e2e_7","tags":"vip, newsletter"}']);
    const cards = frame.locator('#workflow-steps > li');
    assert.equal(await cards.count(), 2);
    assert.match(await cards.nth(0).innerText(), /Step 1[\s\S]*create\.webhook\.json[\s\S]*201 Created · Accepted[\s\S]*Saved as custom_webhook\.1\.response/);
    assert.match(await cards.nth(1).innerText(), /Step 2[\s\S]*409 Conflict · Rejected[\s\S]*\/records\/rec_e2e_7\/tags/);
    await shootBoth('workflow-run', 'dark');
  });

  test('the steps fit a narrow panel: nothing in them scrolls sideways', { timeout: 60_000 }, async () => {
    await workbench.page.setViewportSize({ width: 960, height: 800 });
    await settled(workbench.page, frame);
    await workbench.screenshot('workflow-run-narrow-light');
    const steps = frame.locator('#workflow-steps');
    const [scroll, client] = await steps.evaluate((list) => [list.scrollWidth, list.clientWidth]);
    assert.ok(scroll! <= client! + 1, `the step list is ${scroll} px wide in ${client} px`);
    const file = frame.locator('#workflow-steps > li').first().locator('.file');
    assert.equal(await file.getAttribute('title'), 'flow/create.webhook.json');
  });
});
