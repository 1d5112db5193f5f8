import * as vscode from 'vscode';
import { BUILTIN_SAMPLE } from '../core/builtinSample';
import { inSkippedDirectory } from '../core/glob';
import { parseSample, type ParsedSample } from '../core/sample';
import type { Sample } from '../core/types';
import { positionsOf, toVsDiagnostic } from './convert';
import type { FileFinder } from './fileSearch';

/** The workspaceState key of the selected sample. */
export const SELECTED_SAMPLE_KEY = 'webhookStudio.selectedSample';

/** The workspaceState key of the samples selected for single action files (Uri string → sample id). */
export const FILE_SAMPLES_KEY = 'webhookStudio.selectedSampleByFile';

/** The id a sample is remembered by: its file's Uri, or `builtin`. */
export function sampleId(sample: Sample): string {
  return sample.builtin || !sample.file ? 'builtin' : vscode.Uri.file(sample.file).toString();
}

/**
 * The samples of the workspace, found by the `webhookStudio.samples.glob` setting on first need and kept
 * current by a file watcher (and by edits to open sample files). The built-in sample is always selectable
 * and is the one in play when the workspace has none, or when its sample files cannot be found at all.
 */
export class SampleStore implements vscode.Disposable {
  private readonly parsed = new Map<string, ParsedSample>();
  private loading: Promise<void> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();

  /** Fires when a sample file changes or another sample is selected. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly glob: () => string,
    private readonly search: FileFinder,
    private readonly log: { warn(message: string): void; info?(message: string): void },
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.loading && this.parsed.has(e.document.uri.toString())) this.update(e.document.uri, e.document.getText());
      }),
    );
  }

  /**
   * Loads every sample file once; later calls return at once. Never rejects: a load that fails leaves the
   * workspace without samples (the built-in one stays) and is not kept, so the next need tries again.
   */
  private load(): Promise<void> {
    if (this.loading) return this.loading;
    const loading: Promise<void> = (async () => {
      const glob = this.glob();
      this.watch(glob);
      const uris = await this.search.find(glob);
      await Promise.all(uris.map((uri) => this.read(uri)));
    })().catch((error: unknown) => {
      if (this.loading === loading) this.loading = undefined;
      this.log.warn(`Sample files could not be loaded (${error instanceof Error ? error.message : String(error)}); the built-in sample is in play.`);
    });
    this.loading = loading;
    return loading;
  }

  private watch(glob: string): void {
    this.watcher?.dispose();
    const skipped = inSkippedDirectory(glob);
    const ours = (uri: vscode.Uri) => !skipped(vscode.workspace.asRelativePath(uri, false));
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    watcher.onDidCreate((uri) => void (ours(uri) && this.read(uri).then(() => this.changed.fire())));
    watcher.onDidChange((uri) => void (ours(uri) && this.read(uri).then(() => this.changed.fire())));
    watcher.onDidDelete((uri) => {
      const gone = this.parsed.get(uri.toString())?.sample;
      this.parsed.delete(uri.toString());
      this.diagnostics.delete(uri);
      this.changed.fire();
      if (gone && this.state.get<string>(SELECTED_SAMPLE_KEY) === uri.toString()) void this.sayFallback(gone);
    });
    this.watcher = watcher;
  }

  /** Says which sample takes over when the selected one's file was deleted, rather than switching silently. */
  private async sayFallback(gone: Sample): Promise<void> {
    const now = await this.selected();
    const message = `The selected sample "${gone.name}" was deleted: previews, lint and sends now use "${now.name}"${now.builtin ? ' (built in)' : ''}.`;
    this.log.info?.(message);
    const pick = await vscode.window.showInformationMessage(`Webhook Studio: ${message}`, 'Select Sample…');
    if (pick) await vscode.commands.executeCommand('webhookStudio.selectSample');
  }

  /** Forgets everything, e.g. after the glob setting changed; the next need loads again. */
  reset(): void {
    this.loading = undefined;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.parsed.clear();
    this.diagnostics.clear();
    this.changed.fire();
  }

  private async read(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    if (open) text = open.getText();
    else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        this.parsed.delete(uri.toString());
        return;
      }
    }
    this.update(uri, text, false);
  }

  private update(uri: vscode.Uri, text: string, notify = true): void {
    const parsed = parseSample(text, uri.fsPath);
    this.parsed.set(uri.toString(), parsed);
    const problems = parsed.diagnostics.filter((d) => d.code !== 'invalid-json');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const at = document ? (o: number) => document.positionAt(o) : positionsOf(text);
    this.diagnostics.set(
      uri,
      problems.map((d) => toVsDiagnostic(d, at)),
    );
    if (notify) this.changed.fire();
  }

  /** The workspace's samples, sorted by path (parse failures left out). */
  async workspaceSamples(): Promise<Sample[]> {
    await this.load();
    return [...this.parsed.values()].flatMap((p) => (p.sample ? [p.sample] : [])).sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
  }

  /** Every sample the user can pick: the workspace's, then the built-in one. */
  async selectable(): Promise<Sample[]> {
    return [...(await this.workspaceSamples()), BUILTIN_SAMPLE];
  }

  /**
   * The selected sample of an action file: the one remembered for that file if it still exists, else the
   * workspace's choice, else the first of the workspace, else built-in.
   */
  async selected(file?: vscode.Uri): Promise<Sample> {
    const all = await this.workspaceSamples();
    const byFile = file ? this.state.get<Record<string, string>>(FILE_SAMPLES_KEY)?.[file.toString()] : undefined;
    const own = byFile === 'builtin' ? BUILTIN_SAMPLE : all.find((s) => sampleId(s) === byFile);
    if (own) return own;
    const id = this.state.get<string>(SELECTED_SAMPLE_KEY);
    if (id === 'builtin') return BUILTIN_SAMPLE;
    return all.find((s) => sampleId(s) === id) ?? all[0] ?? BUILTIN_SAMPLE;
  }

  /** The samples lint checks against: the workspace's (or none), plus the built-in one when it is selected or alone. */
  async inPlay(file?: vscode.Uri): Promise<{ samples: Sample[]; selected: Sample }> {
    const samples = await this.workspaceSamples();
    const selected = await this.selected(file);
    return { samples: selected.builtin ? [...samples, selected] : samples, selected };
  }

  /**
   * Selects a sample by id, file path, Uri string or name; returns it, or undefined when none matches. It
   * becomes the workspace's choice and, when an action file is given, that file's own.
   */
  async select(ref: string, file?: vscode.Uri): Promise<Sample | undefined> {
    const all = await this.selectable();
    const asUri = (() => {
      try {
        return (ref.includes('://') ? vscode.Uri.parse(ref) : vscode.Uri.file(ref)).toString();
      } catch {
        return undefined;
      }
    })();
    const sample =
      all.find((s) => sampleId(s) === ref) ??
      all.find((s) => sampleId(s) === asUri) ??
      all.find((s) => s.name === ref) ??
      all.find((s) => s.name.toLowerCase() === ref.toLowerCase()) ??
      all.find((s) => s.file !== undefined && vscode.workspace.asRelativePath(s.file) === ref);
    if (!sample) return undefined;
    await this.state.update(SELECTED_SAMPLE_KEY, sampleId(sample));
    if (file) {
      const byFile = { ...this.state.get<Record<string, string>>(FILE_SAMPLES_KEY), [file.toString()]: sampleId(sample) };
      await this.state.update(FILE_SAMPLES_KEY, byFile);
    }
    this.changed.fire();
    return sample;
  }

  /** The current text of a sample's file (the open editor's when open). */
  async textOf(sample: Sample): Promise<{ uri: vscode.Uri; text: string } | undefined> {
    if (!sample.file) return undefined;
    const uri = vscode.Uri.file(sample.file);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return { uri, text: open.getText() };
    try {
      return { uri, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) };
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
