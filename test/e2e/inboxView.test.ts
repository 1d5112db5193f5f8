import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeWorkspaceFile } from './panelHelpers';
import { openWorkbench, runCommand, settled, waitUntil } from './workbench';
import type { Workbench } from './workbench';

const RULES = `${JSON.stringify(
  {
    rules: [
      { name: 'lead created', match: { method: 'POST', path: '/e2e/**' }, respond: { status: 201 } },
      { name: 'too slow', match: { path: '/never' }, respond: { status: 200, delayMs: 45000 } },
    ],
  },
  null,
  2,
)}\n`;

const ACTION = `${JSON.stringify(
  { name: 'E2E inbox', method: 'POST', url: 'https://api.example.com/e2e/{{contact.id}}', body: { first_name: '{{contact.first_name}}' } },
  null,
  2,
)}\n`;

describe('the Local Inbox view in the workbench', { timeout: 240_000 }, () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'inbox-view' });
    writeWorkspaceFile(workbench, 'rehearsal.inbox.json', RULES);
    writeWorkspaceFile(workbench, 'e2e/inbox.webhook.json', ACTION);
  });

  after(async () => {
    await workbench?.close();
  });

  test('shows which rule answered each capture, in the dark and the light theme', async () => {
    const { page } = workbench;
    await workbench.openFile('e2e/inbox.webhook.json');
    await runCommand(page, 'Webhook Studio: Send to Local Inbox');
    const header = page.locator('.pane-header', { hasText: 'Local Inbox' });
    const row = page.locator('.monaco-list-row', { hasText: 'POST /e2e/' });
    await waitUntil(
      async () => {
        if (await row.first().isVisible()) return true;
        if ((await header.count()) > 0 && (await header.first().getAttribute('aria-expanded')) === 'false') await header.first().click();
        return false;
      },
      'the capture in the Local Inbox view',
      30_000,
    );
    const text = await row.first().innerText();
    assert.match(text, /201 · lead created/);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await settled(page);
    await workbench.screenshot('inbox-view-rule-dark');
    await workbench.setTheme('light');
    await settled(page);
    await workbench.screenshot('inbox-view-rule-light');
  });
});
