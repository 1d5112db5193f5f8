import * as vscode from 'vscode';
import { captureToRawText } from '../core/inbox';
import type { Analyzer, RenderedView } from './analysis';
import { isWebhookUri } from './convert';
import type { SampleStore } from './samples';
import type { SecretStore } from './secrets';
import type { SendOutcome } from './send';

/** What opening a preview gives back to the command. */
export interface PreviewOpened {
  /** The webhook file shown. */
  readonly source: string;
  /** The Uri of the view that shows it. */
  readonly view: string;
}

/**
 * The seam between the commands and whatever shows the preview. `webhookStudio.openPreview` calls `open`;
 * every send calls `showResult` so the preview of that file can show the response.
 */
export interface PreviewController extends vscode.Disposable {
  /** Shows the rendered request of `source` beside its editor, and keeps it current. */
  open(source: vscode.Uri): Promise<PreviewOpened>;
  /** A send of `source` finished. */
  showResult(source: vscode.Uri, outcome: SendOutcome): void;
}

/** The services a preview implementation is built from. */
export interface PreviewServices {
  readonly analyzer: Analyzer;
  readonly samples: SampleStore;
  readonly secrets: SecretStore;
}

/** The scheme of the read-only preview documents. */
export const PREVIEW_SCHEME = 'webhook-studio-preview';

/** The preview document's Uri for a webhook file. */
export function previewUriFor(source: vscode.Uri): vscode.Uri {
  const name = source.path.split('/').pop()!.replace(/\.webhook\.json$/i, '');
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}.http`, query: source.toString() });
}

/** The rendered, masked request as HTTP/1.1 text, with its unresolved variables and problems as comments. */
export function httpText(view: RenderedView): string {
  const lines: string[] = [`# ${view.sample ? `Sample: ${view.sample}` : ''} · secrets shown as ••••••${view.sendable ? '' : ' · NOT SENDABLE'}`];
  let target = view.url;
  try {
    const u = new URL(view.url);
    target = `${u.pathname}${u.search}`;
    lines.push(`${view.method} ${target} HTTP/1.1`, `Host: ${u.host}`);
  } catch {
    lines.push(`${view.method} ${view.url || '(no valid URL)'} HTTP/1.1`);
  }
  for (const [name, value] of view.headers) lines.push(`${name}: ${value}`);
  lines.push('');
  if (view.body !== null) lines.push(view.body, '');
  if (view.unresolved.length > 0) lines.push(`# Unresolved (sent empty): ${[...new Set(view.unresolved.map((u) => u.path))].join(', ')}`);
  for (const d of view.diagnostics) lines.push(`# ${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
  return `${lines.join('\n')}\n`;
}

/** The last send's outcome as text. */
function outcomeText(outcome: SendOutcome): string {
  const r = outcome.record;
  const lines = ['', `### Last ${r.inbox ? 'send to the local inbox' : 'test request'} · ${r.time} · ${r.outcome} · ${Math.round(r.timings.totalMs)} ms`];
  if (r.error) lines.push(`# ${r.error.message} — ${r.error.hint}`);
  if (r.response) {
    lines.push(`HTTP ${r.response.status} ${r.response.statusText}`);
    for (const [n, v] of r.response.headers) lines.push(`${n}: ${v}`);
    lines.push('', r.response.bodyPreview);
    if (r.response.truncated) lines.push(`# (truncated: ${r.response.fullSize ?? 'unknown'} bytes in total)`);
  }
  if (outcome.capture) lines.push('', '### Raw capture in the local inbox', captureToRawText(outcome.capture));
  return lines.join('\n');
}

/**
 * The preview as a read-only virtual document beside the editor: the rendered, masked request as HTTP
 * text, re-rendered as the file, the samples or the secrets change, and the last response of the file.
 */
export class TextPreviewController implements PreviewController, vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly results = new Map<string, SendOutcome>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when a preview document must be read again. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: PreviewServices) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isWebhookUri(e.document.uri)) this.refresh(e.document.uri, 200);
      }),
      services.samples.onDidChange(() => this.refreshAll()),
      services.secrets.onDidChange(() => this.refreshAll()),
    );
  }

  private openPreviews(): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === PREVIEW_SCHEME);
  }

  private refresh(source: vscode.Uri, delayMs: number): void {
    const preview = previewUriFor(source);
    if (!this.openPreviews().some((d) => d.uri.toString() === preview.toString())) return;
    const key = preview.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(preview);
      }, delayMs),
    );
  }

  private refreshAll(): void {
    for (const d of this.openPreviews()) this.changed.fire(d.uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(uri.query);
    try {
      const view = await this.services.analyzer.renderView(source);
      const result = this.results.get(source.toString());
      return httpText(view) + (result ? outcomeText(result) : '');
    } catch (error) {
      return `# ${vscode.workspace.asRelativePath(source)} could not be rendered: ${(error as Error).message}\n`;
    }
  }

  async open(source: vscode.Uri): Promise<PreviewOpened> {
    const uri = previewUriFor(source);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    return { source: source.toString(), view: uri.toString() };
  }

  showResult(source: vscode.Uri, outcome: SendOutcome): void {
    this.results.set(source.toString(), outcome);
    this.refresh(source, 0);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/** The preview the extension uses. */
export function createPreviewController(services: PreviewServices): PreviewController {
  return new TextPreviewController(services);
}
