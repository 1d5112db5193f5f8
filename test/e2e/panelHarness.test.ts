import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview, ResultParams, StateParams, WebviewToHost, WorkflowRunParams } from '../../src/protocol/messages';
import { findBodyBreak } from '../../src/core/bodyCheck';
import { prettyJson } from '../../src/protocol/prettyJson';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/vscodeServer';
import { startHarness } from './panelHarness/server';
import { noFiniteAnimation } from './workbench';
import type { Harness } from './panelHarness/server';
import { checked201, deliveryDiff, error500, inboxResult, networkError, ok200, requestState, samplesReport, sending } from './panelHarness/fixtures';

/** What the harness page exposes to the test (see panelHarness/server.ts). */
interface HarnessWindow {
  __posted: WebviewToHost[];
  __csp: string[];
  __pwned?: boolean;
  postMessage(message: unknown, origin: string): void;
  document: { activeElement: { id: string } | null };
  requestAnimationFrame(callback: () => void): void;
}

const SCREENSHOTS = 'test-results/panel';
const THEMES = ['light', 'dark', 'hc'] as const;

let browser: Browser;
let harness: Harness;

before(async () => {
  assert.ok(existsSync('dist/webview.js'), 'dist/webview.js is missing: build first with `node esbuild.mjs`');
  mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startHarness('dist');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    timeout: 30_000,
    args: [...CHROMIUM_ARGS],
  });
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

interface Panel {
  page: Page;
  errors: string[];
}

async function openPanel(theme: (typeof THEMES)[number] = 'light', csp = true): Promise<Panel> {
  const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${harness.url}/panel?theme=${theme}${csp ? '' : '&csp=off'}`);
  await waitForPosted(page, 'ready');
  return { page, errors };
}

/** Posts host messages to the panel and waits until it has rendered them. */
async function send(page: Page, ...messages: HostToWebview[]): Promise<void> {
  await page.evaluate(async (all) => {
    const w = globalThis as unknown as HarnessWindow;
    for (const m of all) w.postMessage(m, '*');
    // Each message is dispatched in a task of its own: one more task runs after them, then two frames paint.
    await new Promise<void>((done) => setTimeout(done, 0));
    await new Promise<void>((done) => w.requestAnimationFrame(() => w.requestAnimationFrame(done)));
  }, messages);
}

async function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).__posted);
}

async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as HarnessWindow).__posted.length = 0;
  });
}

async function waitForPosted(page: Page, method: string): Promise<void> {
  await page.waitForFunction((m) => (globalThis as unknown as HarnessWindow).__posted.some((p) => p.method === m), method);
}

async function activeId(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).document.activeElement?.id ?? '');
}

/** Presses Tab until the element with `id` has focus; returns the ids focused on the way. */
async function tabTo(page: Page, id: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const now = await activeId(page);
    seen.push(now);
    if (now === id) return seen;
  }
  throw new Error(`never reached #${id} with Tab; focused: ${seen.join(', ')}`);
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

/** The request with a sample value that holds line breaks in a header: the host escapes it and marks it. */
const invalidHeaderState: StateParams = {
  ...requestState,
  sendable: false,
  headers: [
    { name: 'X-Last', value: 'line1\\nline2\\rline3', origin: 'user', secret: false, invalid: true },
    { name: 'Content-Type', value: 'application/json', origin: 'auto', secret: false },
  ],
  problems: [
    {
      code: 'invalid-header',
      severity: 'error',
      message: 'Header "X-Last" would contain a line break or NUL (header injection); the request is not sent.',
      line: 6,
      column: 15,
      endLine: 6,
      endColumn: 35,
    },
  ],
};

/** A body the sample breaks, as the host renders it (text escaping): the break from the core's own JSON check. */
const brokenBody = '{"first":"Tom","last":"O"Brien","email":"tom@example.com","note":"Zoë 🎉"}';
const brokenAt = findBodyBreak(brokenBody, [])!.offset;
const brokenMessage =
  'For sample "Tom O"Brien", {{contact.last_name}} = `O"Brien` holds a quote (") that ends the JSON string early: the platform fails to parse the body as JSON and skips this step.';
const brokenBodyState: StateParams = {
  ...requestState,
  body: brokenBody,
  escaping: 'text',
  sendable: false,
  bodyBreak: { offset: brokenAt, message: brokenMessage },
  problems: [{ code: 'body-not-json', severity: 'error', message: brokenMessage, line: 12, column: 13, endLine: 12, endColumn: 34 }],
};

const stateMessage = (params: StateParams): HostToWebview => ({ method: 'state', params });
const resultMessage = (params: ResultParams): HostToWebview => ({ method: 'result', params });

describe('preview panel in a browser', () => {
  test('shows the request exactly as the host rendered it', async () => {
    const { page, errors } = await openPanel();
    await send(page, stateMessage(requestState));
    assert.equal(await page.locator('#request-url').textContent(), requestState.url);
    assert.equal(await page.locator('#action-name').textContent(), requestState.name);
    assert.equal(await page.locator('#method').textContent(), 'POST');
    assert.equal(await page.locator('#action-file').textContent(), requestState.file);
    assert.deepEqual(await texts(page, '#request-url .seg-variable'), ['ct_8f2a91', 'vip%20lead', 'wf_311']);
    assert.equal(await page.locator('#request-url .seg-variable').first().getAttribute('title'), '{{contact.id}}');

    assert.deepEqual(
      await texts(page, '#request-headers .kv-value'),
      requestState.headers.map((h) => h.value),
    );
    assert.deepEqual(
      await texts(page, '#request-headers .kv-name .mono'),
      requestState.headers.map((h) => h.name),
    );
    assert.deepEqual(await texts(page, '#request-headers .tag-auth'), ['auth']);
    assert.deepEqual(await texts(page, '#request-headers .tag-auto'), ['auto']);
    assert.equal(await page.locator('#request-headers tr:has(.tag-auth) .kv-value').textContent(), 'Bearer ••••••');
    assert.deepEqual(
      await texts(page, '#request-query .kv-value'),
      requestState.query.map(([, v]) => v),
    );

    const body = (await page.locator('#request-body').textContent()) ?? '';
    assert.equal(body, prettyJson(requestState.body ?? ''));
    assert.ok(body.includes('12345678901234567890'), 'big numbers are shown as sent');
    assert.deepEqual(await texts(page, '#unresolved .chip'), ['{{contact.middle_name}}']);
    assert.deepEqual(await texts(page, '#problems .problem-pos'), ['14:22', '9:18']);
    assert.deepEqual(await texts(page, '#problems .problem-code'), ['unknown-variable', 'hardcoded-secret']);
    const selected = await page.locator('#sample-select').evaluate((el) => (el as unknown as { value: string }).value);
    assert.equal(selected, requestState.selectedSample);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a header value with a line break is one row, escaped and marked invalid-header', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(invalidHeaderState));
    assert.deepEqual(await texts(page, '#request-headers .kv-name .mono'), ['X-Last', 'Content-Type']);
    assert.deepEqual(await texts(page, '#request-headers .kv-value'), ['line1\\nline2\\rline3', 'application/json']);
    assert.deepEqual(await texts(page, '#request-headers .tag-invalid'), ['invalid-header']);
    assert.equal(await page.locator('#request-headers tr:has(.tag-invalid) .kv-value.invalid').count(), 1);
    const shown = await page.locator('#request-headers tbody').innerText();
    assert.ok(!/^line2/m.test(shown), `no line of its own: ${shown}`);
    await page.close();
  });

  test('a body that is not JSON is shown as sent, with the break marked and its message', async () => {
    const { page, errors } = await openPanel();
    await send(page, stateMessage(brokenBodyState));
    assert.equal(await page.locator('#request-body').textContent(), brokenBody, 'the text as sent, not pretty-printed');
    assert.equal(await page.locator('#body-break').textContent(), brokenBody[brokenAt]);
    assert.equal(brokenBody.slice(brokenAt, brokenAt + 5), 'Brien', 'the core places the break right after the quote that ended the string');
    assert.equal(await page.locator('#body-break-message').textContent(), ` ${brokenMessage}`);
    assert.match((await texts(page, '.banner-error')).join(' '), /cannot be sent/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a body a GET drops is announced instead of shown', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage({ ...requestState, method: 'GET', body: null, bodyDropped: true }));
    assert.equal(await page.locator('#request-body').count(), 0);
    assert.ok((await page.locator('#sec-body-title + p').textContent())?.includes('Dropped: GET sends no body'));
    await page.close();
  });

  test('clicking a problem, or Enter on it, posts openProblem with its line and column', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState));
    await clearPosted(page);
    await page.locator('#problems .problem').nth(1).click();
    assert.deepEqual((await posted(page)).at(-1), { method: 'openProblem', params: { line: 9, column: 18 } });
    await page.locator('#problems .problem').nth(0).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { method: 'openProblem', params: { line: 14, column: 22 } });
    await page.close();
  });

  test('the Send button posts send on click, and on Enter and Space after Tab focus', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState));
    await clearPosted(page);
    await page.locator('#send').click();
    assert.deepEqual(await posted(page), [{ method: 'send' }]);
    await clearPosted(page);
    const order = await tabTo(page, 'send');
    assert.ok(order.includes('sample-select'), `the sample picker comes before Send: ${order.join(', ')}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press(' ');
    assert.deepEqual(await posted(page), [{ method: 'send' }, { method: 'send' }]);
    const rest = await tabTo(page, 'reveal');
    assert.deepEqual(rest, ['send-inbox', 'copy-curl', 'reveal']);
    await page.close();
  });

  test('toolbar actions post their messages', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState));
    await clearPosted(page);
    await page.locator('#send-inbox').click();
    await page.locator('#copy-curl').click();
    await page.locator('#reveal').click();
    assert.deepEqual(await posted(page), [{ method: 'sendToInbox' }, { method: 'copyCurl' }, { method: 'setReveal', params: { revealed: true } }]);
    await page.close();
  });

  test('picking a sample by keyboard posts selectSample', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState));
    await clearPosted(page);
    await page.locator('#sample-select').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ method: 'selectSample', params: { id: 'samples/bob.sample.json' } }]);
    await page.close();
  });

  test('tabs switch with the arrow keys and report the active tab', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState));
    await clearPosted(page);
    await tabTo(page, 'reveal');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ method: 'showTab', params: { tab: 'response' } }]);
    assert.ok(await page.locator('#response-panel').isVisible());
    assert.ok(!(await page.locator('#request-panel').isVisible()));
    await page.close();
  });

  test('a send shows progress with Cancel until the result arrives on the Response tab', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), { method: 'sending', params: sending('send') });
    assert.ok(await page.locator('#progress').isVisible());
    assert.equal(await page.locator('#send').getAttribute('disabled'), '');
    await clearPosted(page);
    await page.locator('#cancel').click();
    assert.deepEqual(await posted(page), [{ method: 'cancel' }]);
    await send(page, resultMessage(ok200));
    assert.ok(!(await page.locator('#progress').isVisible()));
    assert.equal(await page.locator('#send').getAttribute('disabled'), null);
    assert.deepEqual((await posted(page)).at(-1), { method: 'showTab', params: { tab: 'response' } });
    const status = (await page.locator('#response-status').textContent()) ?? '';
    assert.match(status, /200.*OK.*Accepted/);
    assert.equal(await page.locator('#response-body').textContent(), prettyJson(ok200.record.bodyText));
    assert.deepEqual(
      await texts(page, '#response-headers .kv-value'),
      ok200.record.headers.map(([, v]) => v),
    );
    assert.equal(await page.locator('#response-meta').textContent(), 'First byte 84 ms · Total 131 ms · 92 B');
    await page.close();
  });

  test("another file's response is never shown under this file: a switch shows this file's own, or its request", async () => {
    const { page } = await openPanel();
    const otherUri = 'file:///home/dev/crm-hooks/actions/other.webhook.json';
    const other: StateParams = { ...requestState, fileUri: otherUri, file: 'actions/other.webhook.json', name: 'Other action' };
    const rec42: ResultParams = {
      owner: { fileUri: requestState.fileUri, sampleId: requestState.selectedSample },
      record: { ...ok200.record, id: 'rec_42', status: 201, statusText: 'Created', bodyText: '{"id":"rec_42"}' },
    };
    await send(page, stateMessage(requestState), { method: 'sending', params: sending('send') }, resultMessage(rec42));
    assert.ok(await page.locator('#response-panel').isVisible());
    assert.match((await page.locator('#response-status').textContent()) ?? '', /201/);

    await send(page, stateMessage(other));
    assert.equal(await page.locator('#action-name').textContent(), 'Other action');
    assert.ok(await page.locator('#request-panel').isVisible(), 'the Request tab of other.webhook.json is shown');
    assert.ok(!(await page.locator('#response-panel').isVisible()));
    assert.equal(await page.locator('#response-status').count(), 0, 'no status of lead is left in the Response tab');
    assert.ok(!((await page.locator('#response-panel').textContent()) ?? '').includes('rec_42'));
    assert.deepEqual((await posted(page)).at(-1), { method: 'showTab', params: { tab: 'request' } });

    // A reload of the page (the panel hidden and shown again) must not bring lead's response back either.
    await page.reload();
    await waitForPosted(page, 'ready');
    assert.equal(await page.locator('#action-name').textContent(), 'Other action');
    assert.equal(await page.locator('#response-status').count(), 0);

    // Back on lead, the host attaches lead's own last response: it is there on the Response tab.
    await send(page, stateMessage({ ...requestState, lastResult: rec42 }));
    assert.ok(await page.locator('#request-panel').isVisible(), 'the switch keeps the tab the user was on');
    await page.locator('vscode-tab-header[data-tab="response"]').click();
    assert.match((await page.locator('#response-status').textContent()) ?? '', /201/);
    assert.equal(await page.locator('#response-body').textContent(), prettyJson('{"id":"rec_42"}'));
    await page.close();
  });

  test('a 500 reads as a receiver error, with the truncation notice and the text body as sent', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), resultMessage(error500));
    assert.match((await page.locator('#response-status').textContent()) ?? '', /500.*Internal Server Error.*Receiver error/);
    const colour = await page
      .locator('#response-status')
      .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    assert.equal(colour, 'rgb(229, 20, 0)', 'receiver errors are red (errorForeground)');
    assert.ok((await page.locator('.banner-warning').allTextContents()).join().includes('Truncated at 5.0 MiB of 12.3 MiB'));
    assert.equal(await page.locator('#response-body').textContent(), error500.record.bodyText);
    await page.close();
  });

  test('a network error shows its message and hint and no response sections', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), resultMessage(networkError));
    const error = (await page.locator('#response-error').textContent()) ?? '';
    assert.ok(error.includes(networkError.record.error!.message));
    assert.ok(error.includes(networkError.record.error!.hint));
    assert.match((await page.locator('#response-status').textContent()) ?? '', /Network error/);
    assert.equal(await page.locator('#response-headers').count(), 0);
    await page.close();
  });

  test('an inbox send shows the intended request next to the raw capture', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), resultMessage(inboxResult));
    assert.equal(await page.locator('#intended-raw').textContent(), inboxResult.intended!.rawText);
    assert.equal(await page.locator('#capture-raw').textContent(), inboxResult.capture!.rawText);
    await page.close();
  });

  test('the samples tab shows a card per sample: unresolved, problems, differences and result, and sends to all', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), { method: 'samplesReport', params: samplesReport });
    await page.locator('vscode-tab-header[data-tab="samples"]').click();
    const cards = page.locator('#samples-cards .sample-card');
    assert.equal(await cards.count(), 3);
    const bob = cards.nth(1);
    assert.equal(await bob.locator('h3').textContent(), 'Bob (no email)');
    assert.deepEqual(await bob.locator('.chip').allTextContents(), ['{{contact.middle_name}}', '{{contact.email}}']);
    assert.deepEqual(await bob.locator('dt').allTextContents(), ['Unresolved', 'Problems']);
    assert.equal(await bob.locator('dd').nth(1).textContent(), '2');
    assert.equal(await bob.locator('pre.diff').textContent(), samplesReport.rows[1]!.bodyDiff.join('\n'));
    assert.equal(await bob.locator('.sample-result').textContent(), '401 Rejected');
    assert.match((await cards.nth(0).locator('.sample-diff').textContent()) ?? '', /reference/);
    await clearPosted(page);
    await page.locator('#send-all').click();
    assert.deepEqual(await posted(page), [{ method: 'sendToAll' }]);
    await clearPosted(page);
    await page.locator('#send-all-inbox').click();
    assert.deepEqual(await posted(page), [{ method: 'sendAllToInbox' }]);
    await send(page, { method: 'sending', params: sending('all') }, { method: 'samplesReport', params: { ...samplesReport, inProgress: true } });
    assert.ok(await page.locator('#progress').isVisible(), 'progress stays while sending to all');
    await send(page, { method: 'samplesReport', params: samplesReport });
    assert.ok(!(await page.locator('#progress').isVisible()), 'a final report ends the progress');
    await page.close();
  });

  test('an untrusted workspace cannot send or reveal, but can send to the inbox', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage({ ...requestState, trusted: false }));
    assert.equal(await page.locator('#send').getAttribute('disabled'), '');
    assert.equal(await page.locator('#reveal').getAttribute('disabled'), '');
    assert.equal(await page.locator('#send-inbox').getAttribute('disabled'), null);
    await clearPosted(page);
    await page.locator('#send').click({ force: true });
    assert.deepEqual(await posted(page), []);
    await page.close();
  });

  test('an error from the host is announced and ends the progress', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), { method: 'sending', params: sending('inbox') });
    await send(page, { method: 'error', params: { message: 'The local inbox could not start: port 8085 is in use.' } });
    assert.ok(!(await page.locator('#progress').isVisible()));
    assert.equal(await page.locator('#error-text').textContent(), 'The local inbox could not start: port 8085 is in use.');
    await page.close();
  });

  test('malformed host messages are ignored and the panel keeps working', async () => {
    const { page, errors } = await openPanel();
    await send(page, stateMessage(requestState));
    await page.evaluate(() => {
      const w = globalThis as unknown as HarnessWindow;
      for (const m of [
        null,
        'state',
        [],
        { method: 'state' },
        { method: 'state', params: null },
        { method: 'result', params: { record: 5 } },
        { method: 'state', params: { url: 5 } },
        { method: 'eval', params: {} },
      ]) {
        w.postMessage(m, '*');
      }
    });
    await send(page, { method: 'samplesReport', params: { rows: [] } });
    assert.equal(await page.locator('#request-url').textContent(), requestState.url);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a reload restores the last state and tab before the host answers', async () => {
    const { page } = await openPanel();
    await send(page, stateMessage(requestState), resultMessage(ok200));
    await page.reload();
    await waitForPosted(page, 'ready');
    assert.equal(await page.locator('#request-url').textContent(), requestState.url);
    assert.ok(await page.locator('#response-panel').isVisible(), 'the Response tab is still active');
    assert.equal(await page.locator('#response-body').textContent(), prettyJson(ok200.record.bodyText));
    await page.close();
  });
});

/** Hostile strings: each sets window.__pwned if it ever runs. */
const PAYLOADS = [
  '<script>window.__pwned=true</script>',
  '<img src=x onerror="window.__pwned=true">',
  '<svg onload="window.__pwned=true"></svg>',
  '<svg><script>window.__pwned=true</script></svg>',
  '</textarea><script>window.__pwned=true</script>',
  '</pre><script>window.__pwned=true</script><pre>',
  '<iframe srcdoc="<script>parent.__pwned=true</script>"></iframe>',
  '<a href="javascript:window.__pwned=true" id="clickme">click</a>',
  '<body onload="window.__pwned=true">',
  '<details open ontoggle="window.__pwned=true">',
  '<input autofocus onfocus="window.__pwned=true">',
  '"><img src=x onerror=window.__pwned=true>',
  "' onmouseover='window.__pwned=true' x='",
  '${(window.__pwned=true)}',
  "{{constructor.constructor('window.__pwned=true')()}}",
  '<object data="javascript:window.__pwned=true"></object>',
  '<embed src="data:text/html,<script>parent.__pwned=true</script>">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=true">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=true">',
  '<video><source onerror="window.__pwned=true"></video>',
  '<form><button formaction="javascript:window.__pwned=true">go</button></form>',
  '<!--<img src="--><img src=x onerror=window.__pwned=true//">',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=true>">',
  '<!DOCTYPE html><html><head><script>window.__pwned=true</script></head><body><h1>It works</h1></body></html>',
  'javascript:window.__pwned=true',
  '<style>@import "javascript:window.__pwned=true";</style><link rel=stylesheet href="javascript:window.__pwned=true">',
];

function hostileState(payload: string): StateParams {
  return {
    ...requestState,
    name: payload,
    file: payload,
    url: `https://x.test/?q=${payload}`,
    urlSegments: [
      { text: 'https://x.test/?q=', source: 'literal' },
      { text: payload, source: 'variable', path: payload },
    ],
    headers: [{ name: payload, value: payload, origin: 'user', secret: false }],
    query: [[payload, payload]],
    body: payload,
    problems: [{ ...requestState.problems[0]!, message: payload }],
    unresolved: [payload],
    samples: [{ id: 'evil', name: payload, builtin: false }],
    selectedSample: 'evil',
  };
}

function hostileResult(payload: string): ResultParams {
  return {
    owner: { fileUri: requestState.fileUri, sampleId: 'evil' },
    record: {
      ...ok200.record,
      statusText: payload,
      headers: [
        ['Content-Type', 'text/html; charset=utf-8'],
        ['X-Evil', payload],
      ],
      bodyText: payload,
      bodyIsJson: false,
      redirects: [{ status: 302, location: payload }],
    },
    intended: { ...inboxResult.intended!, rawText: payload },
    capture: { ...inboxResult.capture!, rawText: payload },
  };
}

const DANGEROUS =
  'img, iframe, svg:not(vscode-icon svg), object, embed, a[href], input, details, video, form, math, meta[http-equiv="refresh"], noscript, #app script, #app style, body[onload]';

for (const csp of [true, false]) {
  describe(`hostile text is shown literally and never runs (${csp ? 'with the CSP' : 'even without the CSP'})`, () => {
    let panel: Panel;
    let baseline = 0;
    before(async () => {
      panel = await openPanel('light', csp);
      await send(panel.page, stateMessage(requestState));
      baseline = await panel.page.locator(DANGEROUS).count();
    });
    after(async () => {
      await panel.page.close();
    });

    for (const [i, payload] of PAYLOADS.entries()) {
      test(`payload ${i + 1}: ${payload.slice(0, 60)}`, async () => {
        const { page } = panel;
        await send(
          page,
          stateMessage(hostileState(payload)),
          resultMessage(hostileResult(payload)),
          {
            method: 'samplesReport',
            params: {
              rows: [
                { sample: { id: 'evil', name: payload, builtin: false }, unresolved: [payload], problems: 1, bodyDiff: [payload] },
                { sample: { id: 'e2', name: 'b', builtin: false }, unresolved: [], problems: 0, bodyDiff: [payload] },
              ],
            },
          },
          { method: 'error', params: { message: payload } },
        );
        // send() returns once the messages are handled and painted; a handler firing later is caught by the last test.
        assert.equal(await page.evaluate(() => (globalThis as unknown as HarnessWindow).__pwned), undefined);
        assert.equal(await page.locator('#action-name').textContent(), payload);
        assert.equal(await page.locator('#request-url').textContent(), `https://x.test/?q=${payload}`);
        assert.deepEqual(await texts(page, '#request-headers .kv-value'), [payload]);
        assert.equal(await page.locator('#request-body').textContent(), payload);
        assert.equal(await page.locator('#problems .problem-message').textContent(), payload);
        assert.equal(await page.locator('#response-body').textContent(), payload);
        assert.deepEqual(await texts(page, '#response-headers .kv-value'), ['text/html; charset=utf-8', payload]);
        assert.equal(await page.locator('#intended-raw').textContent(), payload);
        assert.equal(await page.locator('#capture-raw').textContent(), payload);
        assert.equal(await page.locator('#error-text').textContent(), payload);
        assert.equal(await page.locator('#samples-cards .sample-card h3').first().textContent(), payload);
        assert.equal(await page.locator(DANGEROUS).count(), baseline, 'no element was made from the text');
      });
    }

    test('nothing ran later either (load and error events of injected elements)', async () => {
      // A sleep on purpose: an event that never fires cannot be waited for. An element made and dropped
      // again would still fire onload or onerror once its load ends; give that a moment to show itself.
      await panel.page.waitForTimeout(300);
      assert.equal(await panel.page.evaluate(() => (globalThis as unknown as HarnessWindow).__pwned), undefined);
      assert.deepEqual(panel.errors, []);
    });
  });
}

describe('a delivery compared with the preview', () => {
  test('lists each difference with its cause above the request, closes, and fits 400 px without scrolling sideways', async () => {
    const { page, errors } = await openPanel('light');
    await send(page, stateMessage(requestState), { method: 'deliveryDiff', params: deliveryDiff });
    assert.equal(await page.locator('#delivery-list li').count(), deliveryDiff.differences.length);
    assert.match((await page.locator('#delivery').textContent()) ?? '', /differs from the preview in 4 places/);
    assert.match((await page.locator('#delivery').textContent()) ?? '', /Likely cause: array separator/);
    for (const width of [400, 560]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction(noFiniteAnimation);
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.ok(overflow <= 0, `the panel scrolls sideways by ${overflow} px at ${width} px`);
      await page.screenshot({ path: `${SCREENSHOTS}/delivery-diff-${width}px.png`, fullPage: true });
    }
    await page.locator('#delivery-close').click();
    assert.equal(await page.locator('#delivery').count(), 0);
    assert.ok((await page.locator('#request-url').count()) > 0, 'the request stays');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('expectations under the response', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`lists each check with expected and actual, the failed one marked (${theme}, screenshot)`, async () => {
      const { page, errors } = await openPanel(theme);
      await send(page, stateMessage(requestState), resultMessage(checked201));
      assert.equal(await page.locator('#sec-checks-title').textContent(), 'Expectations: 1 of 4 failed');
      const rows = page.locator('#response-checks tbody tr');
      assert.equal(await rows.count(), 4);
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.className)), ['check-passed', 'check-passed', 'check-passed', 'check-failed']);
      assert.deepEqual(await rows.nth(3).locator('td').allTextContents(), ['failed: json $.email', '"maria.okafor@example.com"', '"jane@example.com"']);
      type Styled = { getComputedStyle(element: unknown): { color: string } };
      const colourOf = (e: unknown) => (globalThis as unknown as Styled).getComputedStyle(e).color;
      const passedColour = await rows.nth(0).locator('.check-icon').evaluate(colourOf);
      const failedColour = await rows.nth(3).locator('.check-icon').evaluate(colourOf);
      assert.notEqual(passedColour, failedColour);
      // Under the status line, before the headers and the body.
      type Doc = { document: { getElementById(id: string): { getBoundingClientRect(): { top: number } } | null } };
      const order = await page.evaluate(() =>
        ['response-status', 'response-checks', 'sec-response-headers-title'].map(
          (id) => (globalThis as unknown as Doc).document.getElementById(id)?.getBoundingClientRect().top ?? -1,
        ),
      );
      assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, JSON.stringify(order));
      await page.waitForFunction(noFiniteAnimation);
      await page.screenshot({ path: `${SCREENSHOTS}/expectations-${theme}.png`, fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});

/** A two-step run whose second step was rejected, as the Workflow tab shows it. */
const workflowRun: WorkflowRunParams = {
  name: 'Create and tag',
  file: 'flow/create-and-tag.workflow.json',
  sample: 'Jane Doe — VIP lead',
  total: 2,
  ok: false,
  steps: [
    {
      step: 1,
      file: 'flow/create.webhook.json',
      ok: true,
      method: 'POST',
      url: 'https://api.example.com/v1/records',
      requestBody: '{"email":"jane@example.com"}',
      status: 201,
      statusText: 'Created',
      outcome: 'accepted',
      responseBody: '{"id":"rec_42","status":"created"}',
      saved: '{"id":"rec_42","status":"created"}',
    },
    {
      step: 2,
      file: 'flow/tag.webhook.json',
      ok: false,
      method: 'PUT',
      url: 'https://api.example.com/v1/records/rec_42/tags',
      requestBody: '{"record":"rec_42","tags":"vip, newsletter"}',
      status: 409,
      statusText: 'Conflict',
      outcome: 'rejected',
      responseBody: '{"error":"already tagged"}',
    },
  ],
};

describe('screenshots of every state in every theme', () => {
  const states: Array<[string, () => HostToWebview[], string?]> = [
    ['request', () => [stateMessage(requestState)]],
    ['untrusted', () => [stateMessage({ ...requestState, trusted: false, sendable: false })]],
    ['invalid-header', () => [stateMessage(invalidHeaderState)]],
    ['sending', () => [stateMessage(requestState), { method: 'sending', params: sending('send') }]],
    ['response-200', () => [stateMessage(requestState), resultMessage(ok200)]],
    ['response-500', () => [stateMessage(requestState), resultMessage(error500)]],
    ['network-error', () => [stateMessage(requestState), resultMessage(networkError)]],
    ['inbox', () => [stateMessage(requestState), resultMessage(inboxResult)]],
    ['past-record', () => [stateMessage(requestState), { method: 'logRecord', params: ok200 }]],
    ['samples', () => [stateMessage(requestState), { method: 'samplesReport', params: samplesReport }], 'vscode-tab-header[data-tab="samples"]'],
    ['error', () => [stateMessage(requestState), { method: 'error', params: { message: 'Copy as cURL failed: the clipboard is not available.' } }]],
    ['body-not-json', () => [stateMessage(brokenBodyState)]],
    ['delivery-diff', () => [stateMessage(requestState), { method: 'deliveryDiff', params: deliveryDiff }]],
    [
      'workflow',
      () => [stateMessage({ ...requestState, workflow: { name: 'Create and tag', step: 2, steps: 2 } }), { method: 'workflowRun', params: workflowRun }],
    ],
  ];
  for (const theme of THEMES) {
    test(`${theme}: no CSP violation, no page error`, async () => {
      const { page, errors } = await openPanel(theme);
      for (const [name, messages, click] of states) {
        await page.evaluate(() => (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear());
        await page.reload();
        await waitForPosted(page, 'ready');
        await send(page, ...messages());
        if (click) await page.locator(click).click();
        // The tab switch and the panel's transitions end before the picture is taken.
        await page.waitForFunction(noFiniteAnimation);
        await page.screenshot({ path: `${SCREENSHOTS}/${name}-${theme}.png`, fullPage: true });
      }
      assert.deepEqual(await page.evaluate(() => (globalThis as unknown as HarnessWindow).__csp), []);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
