import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { assertEditorContains, openWorkbench } from './workbench';
import type { ThemeName, Workbench } from './workbench';

describe('a webhook file opened in the workbench', { timeout: 180_000 }, () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'open-webhook-file' });
  });

  after(async () => {
    await workbench?.close();
  });

  test('opens through Quick Open as JSON with Comments', async () => {
    await workbench.openFile('lead.webhook.json');
    await assertEditorContains(workbench.page, '"name": "Push new lead to CRM"');
    const mode = workbench.page.locator('#status\\.editor\\.mode');
    await mode.waitFor();
    assert.equal((await mode.innerText()).trim(), 'JSON with Comments');
  });

  const shots: ThemeName[] = ['dark', 'light'];
  for (const theme of shots) {
    test(`is shown in the ${theme} theme and saved as a screenshot`, async () => {
      await workbench.setTheme(theme);
      await assertEditorContains(workbench.page, '"method": "POST"');
      const path = await workbench.screenshot(`open-webhook-file-${theme}`);
      assert.ok(existsSync(path) && statSync(path).size > 10_000, `no real screenshot at ${path}`);
    });
  }
});
