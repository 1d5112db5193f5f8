import * as vscode from 'vscode';
import { DEFAULT_ACTION_GLOB } from '../core/workspace';
import { editorDiagnostics, readDocumentText, type Analysis, type Analyzer } from './analysis';
import { isWebhookUri, positionsOf, toVsDiagnostic, type PositionAt } from './convert';
import type { FileFinder } from './fileSearch';

/** How long typing must pause before a file is linted again. */
export const LINT_DEBOUNCE_MS = 200;

/** What `webhookStudio.validateWorkspace` returns. */
export interface WorkspaceValidation {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

/**
 * Publishes the §5 diagnostics of `*.webhook.json` files: open files are linted as they are edited
 * (debounced), and a workspace scan covers files that are not open.
 */
export class DiagnosticsController implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly scanned = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly linted = new vscode.EventEmitter<Analysis>();

  /** Fires after a file's diagnostics were published. */
  readonly onDidLint = this.linted.event;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly collection: vscode.DiagnosticCollection,
    private readonly onError: (message: string) => void,
    private readonly search: FileFinder,
  ) {
    this.disposables.push(
      this.linted,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, LINT_DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
    );
  }

  /** Lints every open webhook file; called at start and after samples, secrets or settings changed. */
  refreshOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    for (const key of this.scanned) {
      const uri = vscode.Uri.parse(key);
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) void this.lintUri(uri);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isWebhookUri(document.uri) || document.uri.scheme === 'git') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lintDocument(document);
      }, delayMs),
    );
  }

  /** Lints an open document now and publishes the result. */
  async lintDocument(document: vscode.TextDocument): Promise<Analysis | undefined> {
    try {
      const version = document.version;
      const analysis = await this.analyzer.analyze(document.uri, document.getText(), version);
      // A newer edit has its own lint on the way; do not publish ranges of an older text.
      if (document.isClosed || document.version !== version) return analysis;
      this.publish(document.uri, analysis, (o) => document.positionAt(o));
      return analysis;
    } catch (error) {
      this.onError(`Linting ${document.uri.fsPath} failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async lintUri(uri: vscode.Uri): Promise<Analysis | undefined> {
    try {
      const { text, version } = await readDocumentText(uri);
      const analysis = await this.analyzer.analyze(uri, text, version);
      this.publish(uri, analysis, positionsOf(text));
      return analysis;
    } catch {
      this.collection.delete(uri);
      return undefined;
    }
  }

  private publish(uri: vscode.Uri, analysis: Analysis, at: PositionAt): void {
    this.collection.set(
      uri,
      editorDiagnostics(analysis.lint.diagnostics).map((d) => toVsDiagnostic(d, at)),
    );
    this.linted.fire(analysis);
  }

  private closed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.analyzer.invalidate(document.uri);
    // A scanned file keeps diagnostics of its saved text; others disappear with their editor.
    if (this.scanned.has(key)) void this.lintUri(document.uri);
    else this.collection.delete(document.uri);
  }

  /** Lints every `*.webhook.json` of the workspace, open or not. */
  async validateWorkspace(): Promise<WorkspaceValidation> {
    const uris = await this.search.find(DEFAULT_ACTION_GLOB);
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    for (const uri of uris) {
      this.scanned.add(uri.toString());
      const analysis = await this.lintUri(uri);
      for (const d of editorDiagnostics(analysis?.lint.diagnostics ?? [])) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
        else infos++;
      }
    }
    return { files: uris.length, errors, warnings, infos };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
