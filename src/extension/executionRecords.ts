import * as vscode from 'vscode';
import { JsonLinesLog } from '../core/executionLog';
import type { RecordSink } from '../core/sendAction';
import type { ExecutionRecord } from '../core/types';

/** How many execution records the workspace log keeps. */
export const LOG_KEEP = 500;

/** The file execution records are kept in, in the workspace's storage folder. */
export function executionLogUri(storageDir: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(storageDir, 'executions.jsonl');
}

/**
 * The one owner of the workspace's execution log: sends append to it, the Execution Logs view reads and
 * clears it, so every access goes through one write queue and a Clear cannot race a trim.
 */
export class ExecutionRecords implements RecordSink, vscode.Disposable {
  private opened: Promise<JsonLinesLog> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();

  /** Fires after records were added or removed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly storageDir: vscode.Uri) {}

  /** The file the records live in. */
  get location(): vscode.Uri {
    return executionLogUri(this.storageDir);
  }

  /** Appends a record (already redacted). */
  async append(record: ExecutionRecord): Promise<void> {
    await (await this.open()).append(record);
    this.changed.fire();
  }

  /** The newest records, newest first. */
  async list(): Promise<ExecutionRecord[]> {
    return (await this.open()).list();
  }

  /** Removes every record; resolves with how many there were. */
  async clear(): Promise<number> {
    const log = await this.open();
    const count = (await log.list()).length;
    await log.clear();
    this.changed.fire();
    return count;
  }

  private open(): Promise<JsonLinesLog> {
    this.opened ??= (async () => {
      await vscode.workspace.fs.createDirectory(this.storageDir);
      return new JsonLinesLog(this.location.fsPath, LOG_KEEP);
    })();
    // A folder that could not be made is tried again next time.
    this.opened.catch(() => (this.opened = undefined));
    return this.opened;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
