import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { ActionDocument } from '../core/document';
import { isContractUrl, readContractLink, type ContractLink } from '../core/contract/link';
import type { ContractDocument } from '../core/contract/model';
import type { ContractCheck } from '../core/contract/check';
import type { Diagnostic } from '../core/types';
import { loadContractStack } from './contractStackLoader';
import type { StudioLog } from './log';

/** A document as loaded: its check, or why there is none. */
type Entry =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly doc: ContractDocument; readonly check: ContractCheck }
  | { readonly state: 'failed'; readonly message: string; readonly severity: 'error' | 'warning' };

/**
 * The receivers' OpenAPI documents of open actions (docs/architecture.md, "Contracts"). Local documents are read on
 * first need and watched (with every file their `$ref`s reach); a URL is read from the workspace storage's cache and
 * fetched only by *Fetch OpenAPI Contracts*. The parser and validator are required on first use. `onDidChange` fires
 * when a document finished loading or changed, so diagnostics are computed again.
 */
export class ContractService implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly watchers = new Map<string, vscode.Disposable[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storageDir: vscode.Uri,
    private readonly log: StudioLog,
  ) {}

  private readonly mentions = new Map<string, { readonly version: number; readonly has: boolean }>();

  /**
   * Whether a document's text names a contract at all, once per version: completion and hover ask on every
   * request, and most files (some of them very large) have none.
   */
  mentionsContract(document: vscode.TextDocument): boolean {
    const key = document.uri.toString();
    const known = this.mentions.get(key);
    if (known && known.version === document.version) return known.has;
    const has = document.getText().includes('"contract"');
    this.mentions.set(key, { version: document.version, has });
    return has;
  }

  /** Where a contract location is read from: the file next to the action, or the cache file of a URL. */
  fileOf(action: vscode.Uri, location: string): string {
    if (isContractUrl(location)) return loadContractStack().contractCacheFile(vscode.Uri.joinPath(this.storageDir, 'contracts').fsPath, location);
    if (isAbsolute(location)) return location;
    return vscode.Uri.joinPath(action, '..', location).fsPath;
  }

  /**
   * The check lint runs for an action, synchronously: the document's check once loaded, a diagnostic on the block when
   * it cannot be read, nothing while it loads (loading starts here and `onDidChange` fires when it is done).
   */
  checkFor(action: vscode.Uri, doc: ActionDocument): ContractCheck | undefined {
    const link = readContractLink(doc);
    if (!link?.openapi) return undefined;
    const entry = this.entry(action, link);
    if (entry.state === 'ready') return entry.check;
    if (entry.state === 'failed') {
      const problem: Diagnostic = { code: 'contract-violation', severity: entry.severity, message: entry.message, range: link.openapi.range };
      return () => [problem];
    }
    return undefined;
  }

  /** The loaded document of an action's contract (waits for it), for completion, hover and the scaffold. */
  async documentFor(action: vscode.Uri, doc: ActionDocument): Promise<ContractDocument | undefined> {
    const link = readContractLink(doc);
    if (!link?.openapi) return undefined;
    return this.load(action, link.openapi.value);
  }

  /** Loads a document by location (relative to `action`, or a URL from the cache). */
  async load(action: vscode.Uri, location: string): Promise<ContractDocument | undefined> {
    const file = this.fileOf(action, location);
    let entry = this.entries.get(file);
    if (!entry) {
      this.start(file, location);
      entry = this.entries.get(file);
    }
    while (entry?.state === 'loading') {
      await new Promise<void>((resolve) => {
        const sub = this.onDidChange(() => {
          sub.dispose();
          resolve();
        });
      });
      entry = this.entries.get(file);
    }
    return entry?.state === 'ready' ? entry.doc : undefined;
  }

  private entry(action: vscode.Uri, link: ContractLink): Entry {
    const location = link.openapi!.value;
    const file = this.fileOf(action, location);
    const entry = this.entries.get(file);
    if (entry) return entry;
    this.start(file, location);
    return this.entries.get(file)!;
  }

  private start(file: string, location: string): void {
    this.entries.set(file, { state: 'loading' });
    void (async () => {
      const stack = loadContractStack();
      const r = await stack.loadContractFile(file);
      let entry: Entry;
      if (r.ok) {
        entry = { state: 'ready', doc: r.doc, check: stack.contractCheck(r.doc) };
        this.log.info(`contract ${location}: ${r.doc.title}, ${r.doc.operations.length} operations`);
        if (!isContractUrl(location)) this.watch(file, r.files);
      } else if (isContractUrl(location) && /file not found/.test(r.error)) {
        entry = { state: 'failed', severity: 'warning', message: `${location} is not fetched yet: run "Webhook Studio: Fetch OpenAPI Contracts" to fetch it.` };
      } else {
        entry = { state: 'failed', severity: 'error', message: `the OpenAPI document cannot be read: ${r.error}` };
        // A missing or broken local file is watched too: creating or fixing it checks again.
        if (!isContractUrl(location)) this.watch(file, [file]);
      }
      if (this.entries.get(file)?.state === 'loading') this.entries.set(file, entry);
      this.changed.fire();
    })();
  }

  /** Watches the files a document was read from; any change drops it, so the next lint reads it again. */
  private watch(file: string, files: readonly string[]): void {
    this.unwatch(file);
    const subs: vscode.Disposable[] = [];
    const drop = () => this.forget(file);
    const watched = new Set([file, ...files]);
    for (const f of watched) {
      const uri = vscode.Uri.file(f);
      // Inside the workspace, through the workspace's own watcher; outside it, a watcher of that folder.
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const pattern = folder
        ? new vscode.RelativePattern(folder, vscode.workspace.asRelativePath(uri, false))
        : new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop()!);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      subs.push(watcher, watcher.onDidChange(drop), watcher.onDidCreate(drop), watcher.onDidDelete(drop));
    }
    // A save in an editor is seen at once, whatever the watcher's delay.
    subs.push(vscode.workspace.onDidSaveTextDocument((d) => watched.has(d.uri.fsPath) && drop()));
    this.watchers.set(file, subs);
  }

  private unwatch(file: string): void {
    for (const d of this.watchers.get(file) ?? []) d.dispose();
    this.watchers.delete(file);
  }

  /** Drops a document so it is read again. */
  forget(file: string): void {
    if (!this.entries.has(file)) return;
    this.entries.delete(file);
    this.unwatch(file);
    this.changed.fire();
  }

  /** Fetches the URL contracts of the given actions into the cache (only on the user's request). */
  async fetch(locations: ReadonlyArray<{ action: vscode.Uri; location: string }>): Promise<Array<{ url: string; ok: boolean; error?: string }>> {
    const stack = loadContractStack();
    const out: Array<{ url: string; ok: boolean; error?: string }> = [];
    for (const url of new Set(locations.filter((l) => isContractUrl(l.location)).map((l) => l.location))) {
      const file = this.fileOf(locations[0]!.action, url);
      const r = await stack.fetchContract(url, file);
      if (r.ok) {
        this.log.info(`fetched contract ${url}`);
        this.forget(file);
        this.entries.delete(file);
        this.changed.fire();
        out.push({ url, ok: true });
      } else {
        this.log.warn(`fetching contract ${url} failed: ${r.error}`);
        out.push({ url, ok: false, error: r.error });
      }
    }
    return out;
  }

  dispose(): void {
    for (const file of [...this.watchers.keys()]) this.unwatch(file);
    this.changed.dispose();
  }
}
