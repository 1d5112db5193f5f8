import * as vscode from 'vscode';
import { parseActionDocument, type ActionDocument } from '../core/document';
import { lint, type LintResult } from '../core/lint';
import { render } from '../core/render';
import { toPlainRequest } from '../core/redact';
import type { PlainRequest, RenderOptions, RenderResult, Sample, SecretSource, TokenSource, UnresolvedVariable } from '../core/types';
import { checkAllSamples } from '../core/contract/samples';
import { clockOf, readSettings } from './config';
import type { ContractService } from './contracts';
import { editorDiagnostics } from './editorDiagnostics';
import type { SecretStore } from './secrets';
import type { ActionInWorkflow, PlayContext } from './workflows';

/** A lint of one version of a document, with what it was computed against. */
export interface Analysis {
  readonly uri: string;
  readonly version: number;
  readonly doc: ActionDocument;
  readonly lint: LintResult;
  readonly samples: readonly Sample[];
  readonly selected: Sample;
  /** The action's place in a workflow, when it is a step of one. */
  readonly workflow?: ActionInWorkflow;
}

/** The rendered, masked request as `webhookStudio.renderRequest` returns it. */
export interface RenderedView extends PlainRequest {
  readonly file: string;
  readonly sample: string;
  readonly sendable: boolean;
  readonly unresolved: readonly UnresolvedVariable[];
  readonly diagnostics: ReadonlyArray<{
    readonly code: string;
    readonly severity: string;
    readonly message: string;
    readonly line: number;
    readonly column: number;
  }>;
}

/** The text of a file: from its open editor when open, else from disk. */
export async function readDocumentText(uri: vscode.Uri): Promise<{ text: string; version: number }> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { text: open.getText(), version: open.version };
  return { text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), version: -1 };
}

/** Where renders get OAuth access tokens synchronously (a cache filled before sends). */
export interface TokenCache extends TokenSource {
  /** Every token value known, for redaction. */
  knownValues(): string[];
}

/**
 * Parses, lints and renders webhook files against the samples in play. Results are cached per document
 * version, so diagnostics, quick fixes and commands on an unchanged file share one lint.
 */
export class Analyzer {
  private readonly cache = new Map<string, Analysis>();

  /** Files whose contract is checked for every sample, with the version that was asked for (*Check Contract for All Samples*). */
  private readonly allSamples = new Map<string, number>();

  constructor(
    private readonly samples: { inPlay(uri: vscode.Uri): Promise<PlayContext> },
    private readonly secrets: SecretStore,
    private readonly tokens: TokenCache,
    private readonly contracts?: ContractService,
  ) {}

  /** Checks the contract of a file version against every sample rather than the selected one, until it is edited. */
  checkAllSamples(uri: vscode.Uri, version: number): void {
    this.allSamples.set(uri.toString(), version);
    this.cache.delete(uri.toString());
  }

  /** Render options for a file; real secret values only when `reveal` sources are allowed (trusted workspace). */
  options(uri: vscode.Uri, secrets: SecretSource): RenderOptions {
    const settings = readSettings(uri);
    return {
      escaping: settings.escaping,
      arraySeparator: settings.arraySeparator,
      secrets,
      tokens: this.tokens,
      clock: clockOf(settings),
      timeZone: settings.timeZone,
      unknownTag: settings.unknownTag,
    };
  }

  /** The secret source renders use: real values in a trusted workspace, a mask for stored names otherwise. */
  secretSource(): SecretSource {
    return vscode.workspace.isTrusted ? this.secrets.source() : this.secrets.maskedSource();
  }

  /** Makes the secret names (and, when trusted, values) available to synchronous renders. */
  async prepareSecrets(): Promise<void> {
    await this.secrets.ready();
    if (vscode.workspace.isTrusted) await this.secrets.loadValues();
  }

  /** Lints a file's text; served from the cache when the version has not changed. */
  async analyze(uri: vscode.Uri, text: string, version: number): Promise<Analysis> {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached && version >= 0 && cached.version === version && cached.doc.text === text) return cached;
    await this.prepareSecrets();
    const { samples, selected, workflow } = await this.samples.inPlay(uri);
    const doc = parseActionDocument(text);
    const options = this.options(uri, this.secretSource());
    // The receiver's contract: for the selected sample as you type, for every sample when asked for this version.
    const check = this.contracts?.checkFor(uri, doc);
    const all = this.allSamples.get(key);
    if (all !== undefined && all !== version) this.allSamples.delete(key);
    const contract = check && all === version ? (d: ActionDocument) => checkAllSamples(d, samples, options, check) : check;
    const result = lint(doc, {
      samples,
      selected,
      options,
      secretExists: (name) => this.secrets.has(name),
      ...(workflow ? { workflow: workflow.position } : {}),
      contract,
    });
    const analysis: Analysis = { uri: key, version, doc, lint: result, samples, selected, ...(workflow ? { workflow } : {}) };
    if (version >= 0) this.cache.set(key, analysis);
    return analysis;
  }

  /** Lints the current text of a file (open editor or disk). */
  async analyzeUri(uri: vscode.Uri): Promise<Analysis> {
    const { text, version } = await readDocumentText(uri);
    return this.analyze(uri, text, version);
  }

  /** The cached analysis of a document version, if any. */
  cached(uri: vscode.Uri, version: number): Analysis | undefined {
    const a = this.cache.get(uri.toString());
    return a && a.version === version ? a : undefined;
  }

  /** Drops cached lints: after samples, secrets or settings changed, or a document closed. */
  invalidate(uri?: vscode.Uri): void {
    if (uri) this.cache.delete(uri.toString());
    else this.cache.clear();
  }

  /** Renders a parsed document against a sample with the given secrets. */
  render(uri: vscode.Uri, doc: ActionDocument, sample: Sample, secrets: SecretSource): RenderResult {
    return render(doc, sample, this.options(uri, secrets));
  }

  /** The rendered, masked request of a file with its unresolved variables and diagnostics. */
  async renderView(uri: vscode.Uri): Promise<RenderedView> {
    const a = await this.analyzeUri(uri);
    return viewOf(uri, a);
  }
}

/** Builds the masked view of an analysis. */
export function viewOf(uri: vscode.Uri, a: Analysis): RenderedView {
  const plain = toPlainRequest(a.lint.render.request, false);
  return {
    file: uri.toString(),
    sample: a.selected.name,
    ...plain,
    headers: plain.headers.map(([n, v]) => [n, v] as const),
    sendable: a.lint.render.sendable,
    unresolved: a.lint.render.unresolved,
    diagnostics: editorDiagnostics(a.lint.diagnostics).map((d) => {
      const p = a.doc.lines.positionAt(d.range.start);
      return { code: d.code, severity: d.severity, message: d.message, line: p.line + 1, column: p.character + 1 };
    }),
  };
}

export { editorDiagnostics };
