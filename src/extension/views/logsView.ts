import * as vscode from 'vscode';
import { formatBytes } from '../../core/executionLog';
import { redactRecord } from '../../core/redact';
import type { ExecutionRecord, OutcomeClass } from '../../core/types';
import { formatRecordTime, OUTCOME_NAMES } from '../../protocol/recordText';
import type { ExecutionRecords } from '../executionRecords';

/** The id of the Execution Logs view. */
export const LOGS_VIEW_ID = 'webhookStudio.executionLogs';

const OUTCOME_ICONS: Record<OutcomeClass, vscode.ThemeIcon> = {
  accepted: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  redirect: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  rejected: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  'receiver-error': new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  'network-error': new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
};

/** The action's name as a record knows it: its file name without `.webhook.json`. */
function actionName(record: ExecutionRecord): string {
  const base = record.file.split(/[\\/]/).pop() ?? record.file;
  return base.replace(/\.webhook\.json$/i, '');
}

/**
 * The label of a record in the view: `status outcome · name · sample`, so the rows of a send to all (one file,
 * several samples) can be told apart without opening them.
 */
export function recordLabel(record: ExecutionRecord): string {
  const status = record.response ? String(record.response.status) : 'ERR';
  return `${status} ${OUTCOME_NAMES[record.outcome] ?? record.outcome} · ${actionName(record)} · ${record.sample}`;
}

/** How the record's `expect` checks went, as a suffix of its description; empty without checks. */
function checksText(record: ExecutionRecord): string {
  const checks = record.checks ?? [];
  if (checks.length === 0) return '';
  const failed = checks.filter((c) => !c.passed).length;
  return failed === 0 ? ` · ${checks.length} checks passed` : ` · ${failed} of ${checks.length} checks failed`;
}

/** The description after the label: method, time (as the panel shows the record) and the inbox when it went there. */
export function recordDescription(record: ExecutionRecord): string {
  return `${record.request.method} · ${formatRecordTime(record.time)}${record.inbox ? ' · local inbox' : ''}${checksText(record)}`;
}

/** A record as a tree item: outcome icon, label, method and time; selecting it shows it in the preview panel. */
export function recordItem(record: ExecutionRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(recordLabel(record), vscode.TreeItemCollapsibleState.None);
  item.id = record.id;
  item.iconPath = OUTCOME_ICONS[record.outcome] ?? OUTCOME_ICONS['network-error'];
  item.description = recordDescription(record);
  item.contextValue = 'executionRecord';
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.appendText(`${record.request.method} ${record.request.url}\n\n`);
  tooltip.appendText(
    `${record.outcome}${record.response ? ` · ${record.response.status} ${record.response.statusText} · ${formatBytes(record.response.size)}` : ''} · ${Math.round(record.timings.totalMs)} ms\n\n`,
  );
  if (record.error) tooltip.appendText(`${record.error.message}\n\n`);
  tooltip.appendText(`${formatRecordTime(record.time)}\n\n`);
  for (const check of record.checks ?? []) {
    tooltip.appendText(check.passed ? `✓ ${check.name}\n\n` : `✗ ${check.name}: expected ${check.expected}, got ${check.actual}\n\n`);
  }
  tooltip.appendText(`${record.file} · sample ${record.sample}${record.inbox ? ' · local inbox' : ''}`);
  item.tooltip = tooltip;
  item.command = { command: 'webhookStudio.showLogRecord', title: 'Show in Preview', arguments: [record.id] };
  return item;
}

/**
 * The Execution Logs view: the records of the workspace's execution log, newest first, redrawn whenever
 * its owner (`ExecutionRecords`) changes. Records hold only redacted data.
 */
export class ExecutionLogsProvider implements vscode.TreeDataProvider<ExecutionRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  private records: ExecutionRecord[] = [];

  /** Fires when the records must be read again. */
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly log: ExecutionRecords,
    private readonly knownSecrets: () => Iterable<string>,
  ) {
    this.subscription = log.onDidChange(() => this.refresh());
  }

  /** Reads the log again and redraws the view. */
  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(record: ExecutionRecord): vscode.TreeItem {
    return recordItem(record);
  }

  async getChildren(parent?: ExecutionRecord): Promise<ExecutionRecord[]> {
    if (parent) return [];
    this.records = await this.log.list();
    return this.records;
  }

  /** A record shown in the view, by id (read again when not among them). */
  async find(id: string): Promise<ExecutionRecord | undefined> {
    return this.records.find((r) => r.id === id) ?? (await this.log.list()).find((r) => r.id === id);
  }

  /** Every record, newest first. */
  list(): Promise<ExecutionRecord[]> {
    return this.log.list();
  }

  /** Removes every record. */
  clear(): Promise<number> {
    return this.log.clear();
  }

  /** Writes every record as JSON lines (oldest first, like the log) to `target`, masked once more; returns the count. */
  async export(target: vscode.Uri): Promise<number> {
    const records = (await this.log.list()).reverse();
    const secrets = [...this.knownSecrets()];
    const text = records.map((r) => JSON.stringify(redactRecord(r, secrets)) + '\n').join('');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    return records.length;
  }

  /** The file the records live in. */
  get location(): vscode.Uri {
    return this.log.location;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
