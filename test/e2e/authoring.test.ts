import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { focusEditor, goTo } from './panelHelpers';
import { openWorkbench, runCommand, settled, waitUntil } from './workbench';
import type { Workbench } from './workbench';

describe('authoring a webhook file in the workbench', { timeout: 240_000 }, () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'authoring' });
  });

  after(async () => {
    await workbench?.close();
  });

  test('completion after {{contact. lists the sample fields with their values', async () => {
    const { page } = workbench;
    await workbench.openFile('lead.webhook.json');
    await focusEditor(page);
    // Line 12: `    "email": "{{contact.email}}",` — put the cursor right after `{{contact.`.
    await goTo(page, 12, 25);
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget.visible');
    await widget.waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'first_name' }).first().waitFor();
    // The sort order of the list is the editor's: move the focus down to first_name, whose detail is Jane.
    // The list can refresh (and reset its focus) as late results arrive, so each key press waits until the
    // focus has moved, and the test ends on the focused first_name showing Jane, read in one look.
    const focused = widget.locator('.monaco-list-row.focused');
    const shown = async () => `focused: ${await focused.innerText().catch(() => 'none')}; the list shows: ${await widget.innerText().catch(() => '')}`;
    // What the list showed when the focus was on first_name with its value: a later refresh may move the focus again.
    let seen = '';
    const onFirstNameWithValue = async () => {
      const [row, list] = [await focused.innerText(), await widget.innerText()];
      if (!row.includes('first_name') || !/Jane/.test(list)) return false;
      seen = list;
      return true;
    };
    await waitUntil(
      async () => {
        if (await onFirstNameWithValue()) return true;
        const from = await focused.getAttribute('data-index');
        await page.keyboard.press('ArrowDown');
        await widget.locator(`.monaco-list-row.focused:not([data-index="${from}"])`).waitFor({ timeout: 2000 });
        return onFirstNameWithValue();
      },
      shown,
      30_000,
    );
    assert.match(seen, /first_name/);
    assert.match(seen, /Jane/, 'the focused field shows the selected sample value');
    await workbench.screenshot('authoring-completion');
    await page.keyboard.press('Escape');
  });

  test('hover on a template shows its value for every sample', async () => {
    const { page } = workbench;
    await goTo(page, 12, 25);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    // The hover is complete once it shows the last sample's value; it can open with part of its content.
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Zoë' }).first();
    await hover.waitFor({ timeout: 15_000 });
    const text = await hover.innerText();
    assert.match(text, /Jane/);
    assert.match(text, /Zoë/);
    await workbench.screenshot('authoring-hover');
    await page.keyboard.press('Escape');
  });

  test('a diagnostic with its quick fixes open', async () => {
    const { page } = workbench;
    await workbench.openFile('problems/every-code.webhook.json');
    await focusEditor(page);
    // Line 14: `    "first": "{{contact.frist_name}}",`
    await goTo(page, 14, 20);
    await page.locator('.squiggly-warning').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget');
    await menu.waitFor({ timeout: 15_000 });
    await menu.locator('text=Change to {{contact.first_name}}').first().waitFor();
    await workbench.screenshot('authoring-quick-fix');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  });

  test('the sample is shown in the status bar and the CodeLens above the file', async () => {
    const { page } = workbench;
    // lead.webhook.json is already open in a tab: switch to it there.
    await page.locator('.tab', { hasText: 'lead.webhook.json' }).first().click();
    await page.locator('.tab.active[data-resource-name="lead.webhook.json"]').waitFor();
    await page.locator('.statusbar-item', { hasText: 'Jane Doe' }).first().waitFor({ timeout: 15_000 });
    await page.locator('.codelens-decoration', { hasText: 'Send test request' }).first().waitFor({ timeout: 15_000 });
    await runCommand(page, 'Webhook Studio: Open Preview');
    const frame = workbench.webviewFrame();
    await frame.locator('#request-url').waitFor({ timeout: 20_000 });
    await frame.locator('#request-body').waitFor();
    await settled(page, frame);
    await workbench.screenshot('authoring-codelens-preview');
  });
});
