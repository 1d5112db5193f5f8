import * as vscode from 'vscode';
import { parseRulesText, type InboxRulesSpec } from '../core/inboxRules';
import type { FileFinder } from './fileSearch';
import type { StudioLog } from './log';

/** The rules the inbox answers by, and the file they came from. */
export interface LoadedRules {
  readonly file: vscode.Uri | undefined;
  /** undefined when there is no rules file, or it has errors (the inbox then gives its default answer). */
  readonly spec: InboxRulesSpec | undefined;
}

/**
 * The workspace's inbox rules (docs/architecture.md, "The local inbox"): the file the setting
 * `webhookStudio.inbox.rulesFile` names (relative to the first workspace folder), else the first
 * `**\/*.inbox.json` the file search finds. It is read again whenever an `*.inbox.json` file is created,
 * changed on disk or deleted, or the setting changes; its problems are shown in the Problems view with
 * their ranges, and a file with errors leaves the inbox on its default answer.
 */
export class InboxRulesWatcher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LoadedRules>();
  private readonly disposables: vscode.Disposable[] = [];
  private loading: Promise<LoadedRules> | undefined;
  private shownOn: vscode.Uri | undefined;

  /** Fires with the rules each time they were read again. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly collection: vscode.DiagnosticCollection,
    private readonly search: FileFinder,
    private readonly log: StudioLog,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.inbox.json');
    const reload = () => void this.reload();
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidChange(reload),
      watcher.onDidCreate(reload),
      watcher.onDidDelete(reload),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('webhookStudio.inbox.rulesFile') && reload()),
    );
  }

  /** The rules as last read (read now on first use). */
  current(): Promise<LoadedRules> {
    this.loading ??= this.read();
    return this.loading;
  }

  /** Reads the rules file again and tells the listeners. */
  async reload(): Promise<LoadedRules> {
    this.loading = this.read();
    const loaded = await this.loading;
    this.changed.fire(loaded);
    return loaded;
  }

  private async locate(): Promise<vscode.Uri | undefined> {
    const named = vscode.workspace.getConfiguration('webhookStudio').get<string>('inbox.rulesFile', '').trim();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (named !== '') return folder ? vscode.Uri.joinPath(folder.uri, named) : undefined;
    const found = await this.search.find('**/*.inbox.json');
    return found.sort((a, b) => a.path.localeCompare(b.path))[0];
  }

  private async read(): Promise<LoadedRules> {
    const file = await this.locate();
    if (this.shownOn && this.shownOn.toString() !== file?.toString()) this.collection.delete(this.shownOn);
    this.shownOn = file;
    if (!file) return { file: undefined, spec: undefined };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await vscode.workspace.fs.readFile(file));
    } catch (error) {
      const message = `inbox rules ${vscode.workspace.asRelativePath(file)} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      this.log.warn(message);
      this.collection.set(file, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error)]);
      return { file, spec: undefined };
    }
    const parsed = parseRulesText(text);
    this.collection.set(
      file,
      parsed.problems.map((p) => {
        const start = new vscode.Position(p.line - 1, p.column - 1);
        const endAt = positionAfter(text, p.range.end);
        const d = new vscode.Diagnostic(
          new vscode.Range(start, endAt),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Webhook Studio';
        d.code = 'inbox-rules';
        return d;
      }),
    );
    const shown = vscode.workspace.asRelativePath(file);
    if (parsed.spec) this.log.info(`local inbox rules: ${shown} (${parsed.spec.rules?.length ?? 0} rule(s))`);
    else this.log.warn(`local inbox rules: ${shown} has errors; the inbox gives its default answer`);
    return { file, spec: parsed.spec };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function positionAfter(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length - 1;
  const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  return new vscode.Position(line, offset - lastBreak - 1);
}
