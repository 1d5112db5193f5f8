import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE, exampleActionText } from '../../src/core/exampleFiles';
import { openWorkbench, pickQuickInput, runCommand, screenshot, waitUntil } from './workbench';
import type { Workbench } from './workbench';

const TITLE = 'Get Started with Webhook Action Studio';
const TOKEN = 'walkthrough-token-5f3a9c';

/** Opens the walkthrough through *Welcome: Open Walkthrough…*, picking it by its title. */
async function openWalkthrough(page: Page): Promise<void> {
  // The picker can still be refiltering when it is read; a wrong walkthrough is closed and the pick retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await pickWalkthrough(page);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors');
    }
  }
}

async function pickWalkthrough(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  await pickQuickInput(page, 'Welcome: Open Walkthrough...', '>');
  // The walkthrough picker replaces the command palette in the same widget: type into it only once it shows
  // the walkthroughs, and pick only when the filter has left ours alone, so no other one can be opened.
  const input = page.locator('.quick-input-widget input');
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  await rows.filter({ hasText: 'Built-In' }).first().waitFor();
  await waitUntil(
    async () => {
      if ((await input.inputValue()) !== 'Webhook Action Studio') await input.fill('Webhook Action Studio');
      return (await rows.count()) === 1 && (await rows.first().innerText()).includes(TITLE);
    },
    async () => `the walkthrough picker shows: ${(await rows.allInnerTexts()).join(' | ')}`,
  );
  await rows.filter({ hasText: TITLE }).first().click();
  try {
    await page.locator('h2.category-title[x-category-title-for$="#gettingStarted"]', { hasText: TITLE }).waitFor({ timeout: 20_000 });
  } catch (error) {
    await screenshot(page, 'walkthrough-open-failed');
    throw error;
  }
}

const stepHeader = (page: Page, id: string): Locator => page.locator(`button.getting-started-step[data-step-id$="#gettingStarted#${id}"]`);
const stepDone = (page: Page, id: string): Locator => page.locator(`[data-done-step-id$="#gettingStarted#${id}"].complete`);

/** Expands a step and presses its button. */
async function pressStepButton(page: Page, id: string, label: string): Promise<void> {
  await stepHeader(page, id).click();
  // Selecting a step moves the focus to it after its animation; a button pressed before that would see
  // the focus taken back from the editor it opened.
  await page.locator(`button.getting-started-step.expanded[data-step-id$="#gettingStarted#${id}"]:focus`).waitFor();
  await page.locator(`.step-description-container[x-step-description-for$="#gettingStarted#${id}"] a.monaco-button`, { hasText: label }).click();
}

/** The frame of the preview panel, told from the walkthrough's markdown webview by the extension that owns it. */
function previewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=webhook-studio.webhook-action-studio"]').last().frameLocator('#active-frame');
}

describe('the getting-started walkthrough in the workbench', { timeout: 300_000 }, () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'walkthrough' });
    await openWalkthrough(workbench.page);
    // More room for the walkthrough and the editors beside it: clicking the active Explorer icon hides the side bar.
    await workbench.page.locator('.activitybar .action-item.checked a[aria-label^="Explorer"]').click();
    await workbench.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  });

  after(async () => {
    await workbench?.close();
  });

  test('lists its seven steps, none done, the first open', async () => {
    const { page } = workbench;
    const steps = await page
      .locator('button.getting-started-step[data-step-id*="#gettingStarted#"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step-id')?.split('#').pop()));
    assert.deepEqual(steps, ['createExample', 'selectSample', 'hoverVariable', 'openPreview', 'setSecret', 'sendToInbox', 'runWorkflow']);
    assert.equal(await page.locator('[data-done-step-id*="#gettingStarted#"].complete').count(), 0);
    // The step's markdown media is rendered in a webview beside the steps.
    await page
      .frameLocator('iframe.webview.ready')
      .first()
      .frameLocator('#active-frame')
      .locator('h1', { hasText: 'A webhook action is a file' })
      .waitFor({ timeout: 15_000 });
    await workbench.screenshot('walkthrough-0-start');
  });

  test('Create Example writes the example and its sample and opens the action beside the walkthrough', async () => {
    const { page } = workbench;
    await pressStepButton(page, 'createExample', 'Create Example');
    await page.locator(`.tab.active[data-resource-name="${EXAMPLE_ACTION_FILE}"]`).waitFor({ timeout: 15_000 });
    await stepDone(page, 'createExample').waitFor();
    assert.equal(readFileSync(join(workbench.folder, EXAMPLE_ACTION_FILE), 'utf8'), exampleActionText());
    assert.ok(existsSync(join(workbench.folder, EXAMPLE_SAMPLE_FILE)));
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'Welcome: push a new lead' }).waitFor();
    await workbench.screenshot('walkthrough-1-example');
  });

  test('Select Sample offers the example sample; picking it moves the status bar to it', async () => {
    const { page } = workbench;
    await pressStepButton(page, 'selectSample', 'Select Sample');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Ada — welcome contact' }).waitFor({ timeout: 15_000 });
    await workbench.screenshot('walkthrough-2-sample');
    await pickQuickInput(page, 'Ada — welcome contact');
    await stepDone(page, 'selectSample').waitFor();
    // The status bar shows the sample while a webhook file is the active editor.
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'Welcome: push a new lead' }).click();
    await page.locator('.statusbar-item', { hasText: 'Ada — welcome contact' }).first().waitFor({ timeout: 15_000 });
  });

  test('Show a Hover puts the cursor on {{contact.first_name}} and shows its value', async () => {
    const { page } = workbench;
    await pressStepButton(page, 'hoverVariable', 'Show a Hover');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Ada' }).first();
    await hover.waitFor({ timeout: 15_000 });
    assert.match(await hover.innerText(), /contact\.first_name/);
    await stepDone(page, 'hoverVariable').waitFor();
    // The walkthrough takes the focus back 250 ms after a button press; the hover must be shown after that.
    // A sleep on purpose: the check is that nothing closes the hover later, and the focus return leaves no
    // trace to wait for once the editor has the focus again; only time shows that the hover stays.
    await page.waitForTimeout(1000);
    assert.ok(await hover.isVisible(), 'the hover is still shown a second later');
    await workbench.screenshot('walkthrough-3-hover');
    await page.keyboard.press('Escape');
  });

  test('Open Preview shows the exact request for the example sample, beside the example without narrowing it', async () => {
    const { page } = workbench;
    const exampleGroup = page.locator('.part.editor .editor-group-container', { has: page.locator(`.tab[data-resource-name="${EXAMPLE_ACTION_FILE}"]`) });
    const widthBefore = (await exampleGroup.boundingBox())?.width ?? 0;
    await pressStepButton(page, 'openPreview', 'Open Preview');
    const frame = previewFrame(page);
    await frame
      .locator('#request-url', { hasText: 'https://api.example.com/v1/leads/c_1815?source=welcome' })
      .waitFor({ timeout: 20_000 })
      .catch(async (error: unknown) => {
        await workbench.screenshot('walkthrough-4-failed');
        throw error;
      });
    assert.equal(await frame.locator('#action-name').innerText(), 'Welcome: push a new lead to the CRM');
    await frame.locator('#request-body', { hasText: '"first_name": "Ada"' }).waitFor({ timeout: 10_000 });
    await stepDone(page, 'openPreview').waitFor();
    // No third column: the preview goes under the walkthrough, which stays in sight (the next steps press its
    // buttons), and the example keeps its width.
    const widthAfter = (await exampleGroup.boundingBox())?.width ?? 0;
    assert.ok(widthAfter >= widthBefore - 1, `the example's column went from ${widthBefore} to ${widthAfter} px`);
    await workbench.screenshot('walkthrough-4-preview');
  });

  test('Set CRM_TOKEN asks only for the value and stores it', async () => {
    const { page } = workbench;
    await pressStepButton(page, 'setSecret', 'Set CRM_TOKEN');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.quick-input-widget').innerText(), /CRM_TOKEN/);
    // Typed into without a click: the step waited until the walkthrough had taken the focus back.
    // A sleep on purpose, as for the hover: the check is that the focus is not taken away later, which no
    // event announces; half a second covers the walkthrough's 250 ms focus return with room to spare.
    await page.waitForTimeout(500);
    assert.ok(await input.evaluate((e) => e === e.ownerDocument.activeElement), 'the input box has the focus');
    await page.keyboard.type(TOKEN);
    await workbench.screenshot('walkthrough-5-secret');
    const unresolved = previewFrame(page).getByText('Unresolved for this sample');
    await unresolved.waitFor();
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await stepDone(page, 'setSecret').waitFor();
    // The preview re-renders with the secret resolved: nothing is left unresolved.
    await unresolved.waitFor({ state: 'hidden', timeout: 15_000 });
  });

  test('Send to Local Inbox sends the example with the stored token and shows the capture, the token masked', async () => {
    const { page } = workbench;
    await pressStepButton(page, 'sendToInbox', 'Send to Local Inbox');
    const frame = previewFrame(page);
    const capture = frame.locator('#capture-raw', { hasText: 'POST /v1/leads/c_1815?source=welcome HTTP/1.1' });
    await capture.waitFor({ timeout: 30_000 });
    const raw = await capture.innerText();
    assert.match(raw, /authorization: Bearer /i);
    assert.ok(!raw.includes(TOKEN), 'the token is masked in the capture');
    assert.match(raw, /"first_name":"Ada"/);
    assert.match(await frame.locator('#response-status').innerText(), /200/);
    await stepDone(page, 'sendToInbox').waitFor();
    assert.equal(await page.locator('[data-done-step-id*="#gettingStarted#"].complete').count(), 6);
    await workbench.screenshot('walkthrough-6-inbox');
  });
});
