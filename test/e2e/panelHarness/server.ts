/**
 * A standalone page for developing and testing the preview panel outside VS Code: it serves `dist/`
 * and the page `panelHtml` builds, with a fake `acquireVsCodeApi` that records what the panel posts
 * (`window.__posted`), keeps `setState` in sessionStorage (so a reload restores) and collects CSP
 * violations (`window.__csp`). Host messages are dispatched with `window.postMessage`.
 *
 * Run alone: `node --import tsx test/e2e/panelHarness/server.ts` and open the printed URL.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { panelHtml } from '../../../src/protocol/panelHtml';
import { THEMES, themeCss } from './themes';

/** A running harness server. */
export interface Harness {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; the page is `/panel?theme=light|dark|hc`, `&csp=off` drops the CSP. */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

const FAKE_API = `
window.__posted = [];
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
document.body.classList.add(BODY_CLASS);
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may be called only once');
  acquired = true;
  return {
    postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
    getState: () => {
      const saved = sessionStorage.getItem('harness-state');
      return saved === null ? undefined : JSON.parse(saved);
    },
    setState: (state) => { sessionStorage.setItem('harness-state', JSON.stringify(state)); },
  };
};
`;

function page(base: string, themeName: string, csp: boolean): string {
  const theme = THEMES[themeName as keyof typeof THEMES] ?? THEMES.light;
  const nonce = randomBytes(16).toString('base64');
  let html = panelHtml({
    cspSource: base,
    nonce,
    scriptUri: `${base}/dist/webview.js`,
    styleUris: [`${base}/dist/webview.css`],
    codiconUri: `${base}/dist/codicon.css`,
  });
  // The workbench injects the theme variables before the page's own styles; the fake API must exist before the bundle.
  html = html.replace('<link ', `<style nonce="${nonce}">${themeCss(theme)}</style>\n    <link `);
  html = html.replace('<script ', `<script nonce="${nonce}">${FAKE_API.replace('BODY_CLASS', JSON.stringify(theme.bodyClass))}</script>\n    <script `);
  if (!csp) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  return html;
}

/** Starts the harness on 127.0.0.1 (a free port unless given), serving files from `distDir`. */
export async function startHarness(distDir: string, port = 0): Promise<Harness> {
  const root = resolve(distDir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/' || url.pathname === '/panel') {
      const body = page(base, url.searchParams.get('theme') ?? 'light', url.searchParams.get('csp') !== 'off');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    const match = /^\/dist\/([\w.-]+)$/.exec(url.pathname);
    const name = match?.[1];
    const ext = name ? name.slice(name.lastIndexOf('.')) : '';
    if (!name || basename(name) !== name || !(ext in TYPES)) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(root, name)).then(
      (data) => {
        res.writeHead(200, { 'content-type': TYPES[ext]!, 'cache-control': 'no-store' });
        res.end(data);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

if (require.main === module) {
  void startHarness('dist', Number(process.env.PORT ?? 0)).then((harness) => {
    console.log(`${harness.url}/panel?theme=light  (also theme=dark, theme=hc; &csp=off)`);
  });
}
