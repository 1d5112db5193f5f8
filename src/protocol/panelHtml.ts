/** The preview panel's HTML page, shared by the extension host and the test harness. */

/** Where the page's resources live and the nonce of this load. */
export interface PanelHtmlOptions {
  /** The webview's `cspSource`. */
  readonly cspSource: string;
  /** A fresh random nonce (letters and digits) for this page. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  readonly codiconUri: string;
}

/** Escapes text for a double-quoted HTML attribute value or element text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds the page: a strict CSP (`default-src 'none'`, nonce'd script), the stylesheets and the bundle. */
export function panelHtml(opts: PanelHtmlOptions): string {
  // Only base64 characters can be in a nonce source; anything else is dropped, so no quote can escape it.
  const nonce = opts.nonce.replace(/[^A-Za-z0-9+/=_-]/g, '');
  // `cspSource` is a space-separated source list (the web workbench gives `'self' https://*.vscode-cdn.net`):
  // keep `'self'` and host or scheme sources, drop anything else, so no keyword, nonce or directive gets in.
  const source = opts.cspSource
    .split(/\s+/)
    .filter((s) => s === "'self'" || (s !== '*' && /^(?:[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/)?)?[A-Za-z0-9*.+-]*(?::\d+)?$/.test(s) && s !== ''))
    .join(' ');
  const csp = [
    "default-src 'none'",
    `style-src ${source} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${source}`,
    `img-src ${source} data:`,
  ].join('; ');
  const styles = opts.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}" nonce="${nonce}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeHtml(opts.codiconUri)}" nonce="${nonce}">
    ${styles}
    <title>Webhook preview</title>
  </head>
  <body>
    <div id="app"></div>
    <script nonce="${nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
  </body>
</html>
`;
}
