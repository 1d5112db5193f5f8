// Shared by the preview panel's e2e tests: a loopback receiver, webhook files that target it, the expected
// rendering computed with the pure core, and ways to read the real panel.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { parseActionDocument } from '../../src/core/document';
import { toPlainRequest } from '../../src/core/redact';
import { render } from '../../src/core/render';
import { parseSample } from '../../src/core/sample';
import { emptySecrets, noTokens } from '../../src/core/secretSources';
import type { PlainRequest, Sample } from '../../src/core/types';
import { fixtureWorkspace } from './workbench';
import type { Workbench } from './workbench';

/** Hostile strings that set `__pwned` on a window if they ever run. */
export const HOSTILE = [
  '<img src=x onerror="window.__pwned=true;parent.__pwned=true">',
  '<script>window.__pwned=true;parent.__pwned=true</script>',
  '<svg onload="window.__pwned=true;parent.__pwned=true"><circle r="4"/></svg>',
  '</pre><iframe srcdoc="<script>parent.__pwned=true</script>"></iframe><pre>',
] as const;

/** Bytes announced and streamed by `/huge`: 200 MiB. */
export const HUGE_BYTES = 200 * 1024 * 1024;

/**
 * A loopback receiver: `/ok/…` answers 201 JSON, `/xss` hostile HTML, `/huge` 200 MiB announced, held back until
 * `releaseHuge()` and then streamed.
 */
export interface Receiver {
  readonly port: number;
  readonly hits: string[];
  /** Bytes `/huge` has written so far. */
  hugeWritten(): number;
  /**
   * Lets `/huge` stream its body. Until then it sends 16 bytes every 40 ms (far below any cap, and often
   * enough for no idle timeout), so a test can look at the panel while the response is certainly still loading.
   */
  releaseHuge(): void;
  close(): Promise<void>;
}

function streamHuge(res: ServerResponse, released: () => boolean, progress: (n: number) => void): void {
  // Nothing is allocated per byte: one 64 KiB chunk is written again and again once released.
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const trickle = chunk.subarray(0, 16);
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(HUGE_BYTES) });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= HUGE_BYTES) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    const piece = released() ? chunk.subarray(0, Math.min(chunk.length, HUGE_BYTES - sent)) : trickle;
    res.write(piece);
    sent += piece.length;
    progress(piece.length);
  }, 40);
  res.on('close', () => clearInterval(timer));
}

/** Starts the receiver on 127.0.0.1. */
export async function startReceiver(): Promise<Receiver> {
  const hits: string[] = [];
  let huge = 0;
  let released = false;
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/xss')) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'x-hostile-img': HOSTILE[0],
          'x-hostile-script': HOSTILE[1],
        });
        res.end(`<!DOCTYPE html><html><body>\n${HOSTILE.join('\n')}\n</body></html>`);
      } else if (req.url?.startsWith('/huge')) {
        streamHuge(
          res,
          () => released,
          (n) => (huge += n),
        );
      } else {
        res.writeHead(201, { 'content-type': 'application/json', 'x-receiver': 'e2e' });
        res.end(JSON.stringify({ stored: true, path: req.url }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    hugeWritten: () => huge,
    releaseHuge: () => {
      released = true;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a file into the open workspace copy. */
export function writeWorkspaceFile(workbench: Workbench, relPath: string, text: string): void {
  const file = join(workbench.folder, relPath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A webhook action that posts the contact to `path` on the receiver. */
export function receiverAction(name: string, port: number, path: string): string {
  return `${JSON.stringify(
    {
      name,
      method: 'POST',
      url: `http://127.0.0.1:${port}${path}/{{contact.id}}`,
      headers: { 'X-Source': 'e2e' },
      body: { first_name: '{{contact.first_name}}', email: '{{contact.email}}' },
    },
    null,
    2,
  )}\n`;
}

/** A sample of the fixture workspace, parsed by the core. */
export function fixtureSample(relPath: string): Sample {
  const file = join(fixtureWorkspace, relPath);
  const parsed = parseSample(readFileSync(file, 'utf8'), file);
  if (!parsed.sample) throw new Error(`${relPath} is not a valid sample`);
  return parsed.sample;
}

/** What the panel must show for a file and a sample, computed by the pure core (no secrets stored). */
export function expectedRequest(text: string, sample: Sample): PlainRequest {
  // The panel renders with the setting's default, the platform's own rendering.
  const result = render(parseActionDocument(text), sample, { escaping: 'text', arraySeparator: ', ', secrets: emptySecrets, tokens: noTokens });
  return toPlainRequest(result.request, false);
}

/** The request as the panel's Request tab shows it. */
export async function shownRequest(frame: FrameLocator): Promise<{ url: string; headers: Array<[string, string]>; body: string | null }> {
  const url = await frame.locator('#request-url').innerText();
  const rows = frame.locator('#request-headers tbody tr');
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    headers.push([(await row.locator('td.kv-name .mono').innerText()).trim(), (await row.locator('td.kv-value').innerText()).trim()]);
  }
  const body = (await frame.locator('#request-body').count()) > 0 ? await frame.locator('#request-body').innerText() : null;
  return { url, headers, body };
}

/**
 * Moves the keyboard focus to the first editor group (Ctrl+1), so keys go to the editor and Quick Open opens
 * there, not in the panel's group. A click would not do: while the panel has focus the workbench covers it.
 */
export async function focusEditor(page: Page): Promise<void> {
  const focused = page.locator('.part.editor .editor-group-container.active .monaco-editor.focused').first();
  // A notification appearing at that moment (a send's progress) can take the keystroke: try again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+1');
    try {
      await focused.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** Moves the cursor with Go to Line/Column (one-based). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The `__pwned` flag of the panel's page, of the frame around it and of the workbench. */
export async function pwnedFlags(page: Page, frame: FrameLocator): Promise<unknown[]> {
  type Flagged = { __pwned?: unknown };
  return [
    await frame.locator('body').evaluate(() => (globalThis as unknown as Flagged).__pwned),
    await page
      .frameLocator('iframe.webview.ready')
      .last()
      .locator('body')
      .evaluate(() => (globalThis as unknown as Flagged).__pwned),
    await page.evaluate(() => (globalThis as unknown as Flagged).__pwned),
  ];
}
