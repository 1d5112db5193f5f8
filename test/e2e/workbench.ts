// Drives the real VS Code workbench in headless Chromium for the e2e tests: a server with the extension
// loaded in development mode, a private copy of the fixture workspace, and the UI actions tests need.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { exitOnSignals, launchBrowser, logTail, registerCleanup, repoRoot, startServer, workbenchUrl } from '../../scripts/vscodeServer';
import type { RunningServer } from '../../scripts/vscodeServer';

/** Fixture workspace each workbench gets a fresh copy of. */
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/** Where screenshots go. */
export const screenshotDir = join(repoRoot, 'test-results', 'e2e');

/** The two built-in themes screenshots are taken in, by their label in the theme picker (settings call them "Default Light Modern" and "Default Dark Modern"). */
export const themes = { light: 'Light Modern', dark: 'Dark Modern' } as const;

/** A theme key of `themes`. */
export type ThemeName = keyof typeof themes;

/** How to open a workbench. */
export interface WorkbenchOptions {
  /** Names the server log and prefixes screenshots. */
  name: string;
  /** false opens the workspace in Restricted Mode; default true. */
  trusted?: boolean;
  /** Workspace settings merged over the fixture's `.vscode/settings.json`. */
  settings?: Record<string, unknown>;
}

/** An open workbench and the actions tests take on it. */
export interface Workbench {
  page: Page;
  /** The private copy of the fixture workspace that is open. */
  folder: string;
  server: RunningServer;
  /** Opens a workspace file through Quick Open and waits until its editor is active. */
  openFile(relPath: string): Promise<void>;
  /** Runs a command by its title through the command palette. */
  runCommand(title: string): Promise<void>;
  /** The content frame of the most recent webview panel. */
  webviewFrame(): FrameLocator;
  /** Switches the colour theme through the command palette and waits until the workbench shows it. */
  setTheme(theme: ThemeName): Promise<void>;
  /** Saves a screenshot of the whole workbench as `test-results/e2e/<name>.png`; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser and ends the server's process group; safe to call twice. */
  close(): Promise<void>;
}

const settingsPath = (folder: string): string => join(folder, '.vscode', 'settings.json');

function writeSettings(folder: string, overrides: Record<string, unknown>): void {
  const current = JSON.parse(readFileSync(settingsPath(folder), 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsPath(folder), `${JSON.stringify({ ...current, ...overrides }, null, 2)}\n`);
}

/** Starts a server and Chromium, and opens the workbench on a fresh copy of the fixture workspace. */
export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  exitOnSignals();
  const scratch = mkdtempSync(join(tmpdir(), 'webhook-studio-e2e-'));
  const folder = join(scratch, 'workspace');
  cpSync(fixtureWorkspace, folder, { recursive: true });
  writeSettings(folder, options.settings ?? {});
  const logFile = join(screenshotDir, `${options.name}-server.log`);
  const started = await startServer({ trusted: options.trusted ?? true, logFile, stopGraceMs: 1000 });
  if (!started.ok) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(started.error);
  }
  const server = started.value;
  let browser: Browser | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await browser?.close().catch(() => undefined);
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    })();
    return closed;
  };
  registerCleanup(close);
  try {
    const launched = await launchBrowser();
    if (!launched.ok) throw new Error(launched.error);
    browser = launched.value;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer lists the folder once the remote file system is connected.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return {
      page,
      folder,
      server,
      openFile: (relPath) => openFile(page, relPath),
      runCommand: (title) => runCommand(page, title),
      webviewFrame: () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame'),
      setTheme: (theme) => setTheme(page, theme),
      screenshot: (name) => screenshot(page, name),
      close,
    };
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\n${logTail(logFile)}`, { cause: error });
  }
}

/** Saves a screenshot of the page as `test-results/e2e/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits until its editor is active. */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const base = relPath.split('/').pop() ?? relPath;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).first();
  // Ctrl+P pressed while the workbench is still placing its focus can go nowhere: press it again until
  // Quick Open shows. A search typed before the workspace's file search is ready finds nothing and is not
  // repeated: retype. A welcome page that takes the focus while it loads closes Quick Open: open it again.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if (!(await input.isVisible())) {
        await page.keyboard.press('Control+P');
        await input.waitFor({ timeout: 3000 });
      }
      // Short waits: Quick Open may close between the check and the fill, and the loop must get to open it again.
      await input.fill(relPath, { timeout: 3000 });
      await row.waitFor({ timeout: 5000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (await input.isVisible()) await input.fill('', { timeout: 3000 }).catch(() => undefined);
    }
  }
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[data-resource-name="${base}"]`).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Types `text` into the open quick input and picks the entry whose label is exactly `text`. */
export async function pickQuickInput(page: Page, text: string, prefix = ''): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`${prefix}${text}`);
  const exact = new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  await row.waitFor();
  await row.click();
}

/** Runs a command by its title through the command palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await pickQuickInput(page, title, '>');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function setTheme(page: Page, theme: ThemeName): Promise<void> {
  await page.keyboard.press('F1');
  await pickQuickInput(page, 'Preferences: Color Theme', '>');
  await pickQuickInput(page, themes[theme]);
  // Light themes put `vs` on the workbench element, dark ones `vs-dark`.
  await page.locator(`.monaco-workbench.${theme === 'light' ? 'vs' : 'vs-dark'}`).waitFor({ timeout: 15_000 });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Fails with the text of the active editor when it does not contain `expected`. */
export async function assertEditorContains(page: Page, expected: string): Promise<void> {
  const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
  assert.ok(text.replace(/\u00a0/g, ' ').includes(expected), `the editor shows:\n${text}`);
}

/** Polls `check` until it holds; fails after `timeoutMs` with what `describe` says (the state seen last). */
export async function waitUntil(check: () => Promise<boolean>, describe: string | (() => Promise<string> | string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${typeof describe === 'string' ? describe : await describe()}`);
    // The interval of the poll, not a wait for something to happen.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Animation = { playState: string; effect: { getComputedTiming(): { iterations?: number | null } } | null };

/** True when no finite animation or transition runs in the document (endless ones, like a cursor blink or a progress bar, never end). */
export const noFiniteAnimation = (): boolean =>
  (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document
    .getAnimations()
    .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity);

/**
 * Waits until the workbench, and the panel's frame when given, have no animation or transition halfway,
 * so a screenshot shows the state itself rather than a fade.
 */
export async function settled(page: Page, frame?: FrameLocator): Promise<void> {
  await page.waitForFunction(noFiniteAnimation, undefined, { timeout: 15_000 });
  if (frame) await waitUntil(() => frame.locator('body').evaluate(noFiniteAnimation), 'the panel is still animating');
}

/** Waits until the panel's frame has taken on the workbench's theme (webviews mark their body `vscode-light` or `vscode-dark`). */
export async function panelThemed(frame: FrameLocator, theme: ThemeName): Promise<void> {
  await frame.locator(`body.${theme === 'light' ? 'vscode-light' : 'vscode-dark'}`).waitFor({ state: 'attached', timeout: 15_000 });
}
