// The preview panel's layout at the widths a panel beside an editor has (350–700 px), in real Chromium through
// the panel harness: nothing scrolls sideways, no template or header name is broken inside a word, no heading is
// cut short, the body differences get the card's width, and the toolbar does not move when a scrollbar comes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview, SamplesReportParams, StateParams, WebviewToHost } from '../../src/protocol/messages';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/vscodeServer';
import { startHarness } from './panelHarness/server';
import type { Harness } from './panelHarness/server';
import { requestState, samplesReport } from './panelHarness/fixtures';
import { noFiniteAnimation } from './workbench';

const SCREENSHOTS = 'test-results/panel';
const WIDTHS = [350, 400, 500, 700] as const;

/** A report whose unresolved templates are long words, as real merge fields are. */
const wideReport: SamplesReportParams = {
  rows: [
    ...samplesReport.rows,
    {
      sample: { id: 'samples/company.sample.json', name: 'Company account with a long sample name', builtin: false },
      unresolved: ['contact.company_name', 'contact.custom_fields.renewal_date', 'opportunity.pipeline_stage_id'],
      problems: 3,
      bodyDiff: ['-  "company": "Analytical Engines Ltd",', '+  "company": "",', '-  "renewal": "2025-01-01",', '+  "renewal": "",'],
      result: { status: 502, outcome: 'receiver-error' },
    },
  ],
};

let browser: Browser;
let harness: Harness;

before(async () => {
  assert.ok(existsSync('dist/webview.js'), 'dist/webview.js is missing: build first with `node esbuild.mjs`');
  mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startHarness('dist');
  // Headless Chromium hides scrollbars unless told not to; a webview in VS Code has them, taking width.
  browser = await chromium.launch({ executablePath: chromiumPath, timeout: 30_000, args: [...CHROMIUM_ARGS], ignoreDefaultArgs: ['--hide-scrollbars'] });
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

interface HarnessWindow {
  __posted: WebviewToHost[];
  postMessage(message: unknown, origin: string): void;
  requestAnimationFrame(callback: () => void): void;
}

async function openPanel(width: number, theme: 'light' | 'dark'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 700 } });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${harness.url}/panel?theme=${theme}`);
  await page.waitForFunction(() => (globalThis as unknown as HarnessWindow).__posted.some((p) => p.method === 'ready'));
  return { page, errors };
}

async function post(page: Page, ...messages: HostToWebview[]): Promise<void> {
  await page.evaluate(async (all) => {
    const w = globalThis as unknown as HarnessWindow;
    for (const m of all) w.postMessage(m, '*');
    await new Promise<void>((done) => setTimeout(done, 0));
    await new Promise<void>((done) => w.requestAnimationFrame(() => w.requestAnimationFrame(done)));
  }, messages);
}

const state = (params: StateParams): HostToWebview => ({ method: 'state', params });

/** How far the page is wider than its window (0 when nothing scrolls sideways). */
async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

interface Measured {
  offsetParent: unknown;
  textContent: string;
  closest(selector: string): { getBoundingClientRect(): { width: number } } | null;
  style: { whiteSpace: string; maxWidth: string };
  getBoundingClientRect(): { width: number };
}

/**
 * The texts of the visible elements matching `selector` that are laid out on more than one line although they
 * would fit on one line of their container (a word wider than the panel must break somewhere).
 */
async function brokenAcrossLines(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((e) => (e as unknown as Measured).offsetParent !== null)
      .filter((e) => {
        const m = e as unknown as Measured;
        const before = { whiteSpace: m.style.whiteSpace, maxWidth: m.style.maxWidth };
        m.style.whiteSpace = 'nowrap';
        m.style.maxWidth = 'none';
        const oneLine = m.getBoundingClientRect().width;
        Object.assign(m.style, before);
        // The block it flows in: a table cell, or a line of a card.
        return oneLine <= (m.closest('td, div, section')?.getBoundingClientRect().width ?? Infinity);
      })
      .filter((e) => {
        const doc = (e as unknown as { ownerDocument: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { top: number }[] } } })
          .ownerDocument;
        const range = doc.createRange();
        range.selectNodeContents(e);
        // One line box: every fragment of the text starts at the same height.
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
      })
      .map((e) => String((e as unknown as { textContent: string }).textContent)),
  );
}

/** The texts of the elements matching `selector` whose content is cut (wider than the box that shows it). */
async function cutShort(page: Page, selector: string): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll((elements) =>
      elements
        .filter((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth)
        .map((e) => String((e as unknown as { textContent: string }).textContent)),
    );
}

describe('the panel at the widths beside an editor', () => {
  for (const width of WIDTHS) {
    test(`${width} px: the Request tab keeps header names whole and does not scroll sideways`, async () => {
      const { page, errors } = await openPanel(width, 'light');
      await post(page, state(requestState));
      assert.equal(await sidewaysOverflow(page), 0, 'the panel scrolls sideways');
      assert.deepEqual(await brokenAcrossLines(page, '#request-headers td.kv-name .mono'), [], 'a header name is broken inside the word');
      assert.deepEqual(await cutShort(page, '.section h2'), [], 'a heading is cut short');
      assert.deepEqual(errors, []);
      await page.close();
    });

    test(`${width} px: the Samples tab shows one card per sample with whole templates and a diff as wide as the card`, async () => {
      const { page, errors } = await openPanel(width, 'light');
      await post(page, state(requestState), { method: 'samplesReport', params: wideReport });
      await page.locator('vscode-tab-header[data-tab="samples"]').click();
      const cards = page.locator('#samples-cards .sample-card');
      assert.equal(await cards.count(), wideReport.rows.length);
      assert.equal(await sidewaysOverflow(page), 0, 'the panel scrolls sideways');
      assert.deepEqual(await brokenAcrossLines(page, '#samples-cards .chip'), [], 'a template is broken inside the word');
      assert.deepEqual(await cutShort(page, '#samples-cards h3, #samples-cards dt, #samples-cards .sample-result'), [], 'a heading is cut short');
      const share = await cards.nth(1).evaluate((card) => {
        const diff = (card as unknown as { querySelector(s: string): { getBoundingClientRect(): { width: number } } | null }).querySelector('pre.diff');
        return diff
          ? diff.getBoundingClientRect().width / (card as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width
          : 0;
      });
      assert.ok(share > 0.85, `the diff takes ${Math.round(share * 100)}% of its card`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  for (const width of [400, 500, 560, 700]) {
    test(`${width} px: the content keeps its width and the toolbar its layout when the page grows a scrollbar`, async () => {
      const { page } = await openPanel(width, 'light');
      const short: StateParams = { ...requestState, headers: [], query: [], body: null, problems: [], unresolved: [] };
      const layout = () =>
        page.evaluate(() => {
          const doc = (globalThis as unknown as { document: Doc }).document;
          const root = doc.documentElement;
          const buttons = [...doc.querySelectorAll('.toolbar vscode-button')]
            .map((b) => b.getBoundingClientRect())
            .map((r) => `${Math.round(r.left)},${Math.round(r.top)}`);
          return { scrolls: root.scrollHeight > root.clientHeight, width: Math.round(doc.body.getBoundingClientRect().width), buttons };
        });
      await post(page, state(short));
      const without = await layout();
      assert.equal(without.scrolls, false, 'the short request fits without a scrollbar');
      await post(page, state(requestState));
      const withBar = await layout();
      assert.equal(withBar.scrolls, true, 'the long request needs a scrollbar');
      assert.equal(withBar.width, without.width, 'the scrollbar took width from the content');
      assert.deepEqual(withBar.buttons, without.buttons);
      await page.close();
    });
  }
});

interface Doc {
  documentElement: { scrollHeight: number; clientHeight: number };
  body: { getBoundingClientRect(): { width: number } };
  querySelectorAll(selector: string): Iterable<{ getBoundingClientRect(): { left: number; top: number } }>;
}

describe('screenshots of the Request and Samples tabs at 400 px', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(theme, async () => {
      const { page, errors } = await openPanel(400, theme);
      await post(page, state(requestState), { method: 'samplesReport', params: wideReport });
      await page.waitForFunction(noFiniteAnimation);
      await page.screenshot({ path: `${SCREENSHOTS}/narrow-request-${theme}.png`, fullPage: true });
      await page.locator('vscode-tab-header[data-tab="samples"]').click();
      await page.waitForFunction(noFiniteAnimation);
      await page.screenshot({ path: `${SCREENSHOTS}/narrow-samples-${theme}.png`, fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
