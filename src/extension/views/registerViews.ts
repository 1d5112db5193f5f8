import * as vscode from 'vscode';
import { validateInboxStatus } from '../../core/inbox';
import { forwardUrlProblem } from '../../core/inboxForward';
import { captureAction, editableAction } from '../../core/replay';
import type { Capture, ExecutionRecord, ForwardOutcome } from '../../core/types';
import type { InboxService } from '../inbox';
import type { StudioLog } from '../log';
import type { ExecutionRecords } from '../executionRecords';
import type { Refusal, SendOutcome } from '../send';
import { captureUri, INBOX_VIEW_ID, InboxViewProvider, receiverUri, RESPONSE_STATUSES } from './inboxView';
import { ExecutionLogsProvider, LOGS_VIEW_ID } from './logsView';
import { fileExists } from '../convert';

/** What the views are built from. */
export interface ViewServices {
  /** The owner of the workspace's execution log. */
  readonly records: ExecutionRecords;
  readonly inbox: InboxService;
  readonly log: StudioLog;
  readonly knownSecrets: () => Iterable<string>;
  /** Shows a past record in the preview panel. */
  readonly showRecord: (record: ExecutionRecord, file: vscode.Uri | undefined) => Promise<void>;
  /** Sends a record again (to the local inbox with `toInbox`). */
  readonly replay: (record: ExecutionRecord, toInbox: boolean) => Promise<SendOutcome | Refusal>;
  /** Sends a capture again, as it arrived, to an origin. */
  readonly sendCaptured: (capture: Capture, base: string) => Promise<ForwardOutcome | Refusal>;
  /** The stored secrets by name, for writing them as templates. */
  readonly secretPairs: () => Promise<ReadonlyArray<readonly [string, string]>>;
}

/** The id a command argument names: the item's own id, or the element a menu passes. */
function idOf(arg: unknown): unknown {
  return typeof arg === 'object' && arg !== null ? (arg as { id?: unknown }).id : arg;
}

/** Opens `text` as a new untitled action (`*.webhook.json`) to edit and send. */
async function openUntitledAction(name: string, text: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let n = 1;
  let uri: vscode.Uri;
  do {
    const file = `${name}${n > 1 ? `-${n}` : ''}.webhook.json`;
    uri = folder ? vscode.Uri.joinPath(folder, file).with({ scheme: 'untitled' }) : vscode.Uri.from({ scheme: 'untitled', path: file });
    n++;
  } while (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()) || (await fileExists(uri.with({ scheme: 'file' }))));
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(doc, { preview: false });
  return uri;
}

/** The views and their providers, for the composition root and tests. */
export interface StudioViews {
  readonly logs: ExecutionLogsProvider;
  readonly inbox: InboxViewProvider;
}

/** The workspace file a record names (a workspace-relative path), when it still exists. */
export async function recordFile(record: ExecutionRecord): Promise<vscode.Uri | undefined> {
  const parts = record.file.split(/[\\/]/).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    // In a multi-root workspace the relative path starts with the folder's name.
    const candidates = [parts, ...(parts[0] === folder.name ? [parts.slice(1)] : [])];
    for (const candidate of candidates) {
      if (candidate.length === 0) continue;
      const uri = vscode.Uri.joinPath(folder.uri, ...candidate);
      if (await fileExists(uri)) return uri;
    }
  }
  return undefined;
}

function refused(reason: string): Refusal {
  return { refused: true, reason };
}

/** Registers the Execution Logs and Local Inbox views and their commands. */
export function registerViews(s: ViewServices): { views: StudioViews; disposables: vscode.Disposable[] } {
  const logs = new ExecutionLogsProvider(s.records, s.knownSecrets);
  const inbox = new InboxViewProvider(s.inbox, s.knownSecrets);
  const logsView = vscode.window.createTreeView(LOGS_VIEW_ID, { treeDataProvider: logs, showCollapseAll: false });
  const inboxView = vscode.window.createTreeView(INBOX_VIEW_ID, { treeDataProvider: inbox, showCollapseAll: false });
  inbox.bind(inboxView);

  const commands: Record<string, (...args: never[]) => unknown> = {
    'webhookStudio.showLogRecord': async (arg?: unknown): Promise<{ id: string; file?: string } | Refusal> => {
      // The item's own command passes the id; its inline action passes the record itself.
      const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? (arg as { id?: unknown }).id : undefined;
      if (typeof id !== 'string') return refused('Pick a record in the Execution Logs view.');
      const record = await logs.find(id);
      if (!record) return refused(`No execution record ${id}.`);
      const file = await recordFile(record);
      await s.showRecord(record, file);
      return { id, ...(file ? { file: file.toString() } : {}) };
    },
    'webhookStudio.refreshLogs': (): void => logs.refresh(),
    'webhookStudio.clearLogs': async (options?: { confirm?: boolean }): Promise<{ cleared: number } | Refusal> => {
      if (options?.confirm !== false) {
        const answer = await vscode.window.showWarningMessage('Clear every execution record of this workspace?', { modal: true }, 'Clear');
        if (answer !== 'Clear') return refused('cancelled');
      }
      const cleared = await logs.clear();
      s.log.info(`execution log cleared (${cleared} record(s))`);
      return { cleared };
    },
    'webhookStudio.exportLogs': async (target?: unknown): Promise<{ uri: string; count: number } | Refusal> => {
      const uri =
        target instanceof vscode.Uri
          ? target
          : await vscode.window.showSaveDialog({
              title: 'Export execution records',
              saveLabel: 'Export',
              filters: { 'JSON lines': ['jsonl'] },
              ...(vscode.workspace.workspaceFolders?.[0]
                ? { defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'webhook-executions.jsonl') }
                : {}),
            });
      if (!uri) return refused('cancelled');
      const count = await logs.export(uri);
      s.log.info(`${count} execution record(s) exported to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`Webhook Studio: ${count} execution record(s) exported (secrets masked).`);
      return { uri: uri.toString(), count };
    },
    'webhookStudio.setInboxResponse': async (statusArg?: unknown): Promise<{ status: number; url: string } | Refusal> => {
      let status: number | undefined = typeof statusArg === 'number' ? statusArg : undefined;
      if (status === undefined) {
        const custom = { label: 'Custom…', description: 'any status from 200 to 599', status: -1 };
        const pick = await vscode.window.showQuickPick(
          [...RESPONSE_STATUSES.map((r) => ({ label: String(r.status), description: r.label, status: r.status })), custom],
          { title: 'Webhook Studio: status the local inbox answers with', placeHolder: 'Pick a status' },
        );
        if (!pick) return refused('cancelled');
        if (pick.status === custom.status) {
          const typed = await vscode.window.showInputBox({
            title: 'Status the local inbox answers with',
            prompt: 'A status from 200 to 599',
            validateInput: (v) => validateInboxStatus(Number(v)),
          });
          if (typed === undefined) return refused('cancelled');
          status = Number(typed);
        } else status = pick.status;
      }
      const error = validateInboxStatus(status);
      if (error) return refused(error);
      const box = await s.inbox.start();
      const set = box.setResponse({ status });
      if (!set.ok) return refused(set.error);
      s.log.info(`local inbox answers ${status} until it stops`);
      void vscode.window.showInformationMessage(`Webhook Studio: the local inbox now answers ${status}.`);
      return { status, url: box.url };
    },
    'webhookStudio.clearInbox': (): { cleared: true } => {
      inbox.clear();
      return { cleared: true };
    },
    'webhookStudio.openCapture': async (arg?: unknown): Promise<{ uri: string; receiver?: string } | Refusal> => {
      const capture = inbox.find(Number(idOf(arg)));
      if (!capture) return refused('Pick a capture in the Local Inbox view.');
      await vscode.window.showTextDocument(captureUri(capture), { preview: true });
      if (!capture.forward) return { uri: captureUri(capture).toString() };
      // What arrived and what the real receiver said, side by side.
      await vscode.window.showTextDocument(receiverUri(capture), { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      return { uri: captureUri(capture).toString(), receiver: receiverUri(capture).toString() };
    },
    'webhookStudio.replayRecord': async (arg?: unknown, options?: { toInbox?: boolean }): Promise<SendOutcome | Refusal> => {
      const id = idOf(arg);
      const record = typeof id === 'string' ? await logs.find(id) : undefined;
      if (!record) return refused('Pick a record in the Execution Logs view.');
      let toInbox = options?.toInbox;
      if (toInbox === undefined) {
        const receiver = record.replay ? hostOf(record.replay.url) : 'its receiver';
        const pick = await vscode.window.showQuickPick(
          [
            { label: `Send to ${receiver}`, description: 'the recorded receiver', toInbox: false },
            { label: 'Send to the local inbox', description: 'see it as received', toInbox: true },
          ],
          { title: 'Webhook Studio: replay the recorded request, byte for byte, with the secrets read again' },
        );
        if (!pick) return refused('cancelled');
        toInbox = pick.toInbox;
      }
      return s.replay(record, toInbox);
    },
    'webhookStudio.replayRecordWithEdits': async (arg?: unknown): Promise<{ uri: string } | Refusal> => {
      const id = idOf(arg);
      const record = typeof id === 'string' ? await logs.find(id) : undefined;
      if (!record) return refused('Pick a record in the Execution Logs view.');
      const uri = await openUntitledAction(`replay-${record.id.slice(0, 8)}`, editableAction(record));
      return { uri: uri.toString() };
    },
    'webhookStudio.replayCapture': async (arg?: unknown, target?: string): Promise<ForwardOutcome | Refusal> => {
      const capture = inbox.find(Number(idOf(arg)));
      if (!capture) return refused('Pick a capture in the Local Inbox view.');
      let base = target;
      if (base === undefined) {
        const box = await s.inbox.current();
        const forward = s.inbox.forwardUrl();
        const picks = [
          ...(forward ? [{ label: `Send to ${forward}`, description: 'the forward URL', base: forward }] : []),
          ...(box ? [{ label: 'Send to the local inbox again', description: box.url, base: box.url }] : []),
          { label: 'Send to another URL…', description: 'an origin, e.g. http://localhost:3000', base: '' },
        ];
        const pick = await vscode.window.showQuickPick(picks, { title: `Webhook Studio: send capture #${capture.id} again, as it arrived` });
        if (!pick) return refused('cancelled');
        base = pick.base;
        if (base === '') {
          const typed = await vscode.window.showInputBox({
            title: 'Send the capture to',
            prompt: "An http(s) URL: the capture's path and query go after it",
            validateInput: (v) => forwardUrlProblem(v),
          });
          if (typed === undefined) return refused('cancelled');
          base = typed;
        }
      }
      const problem = forwardUrlProblem(base);
      if (problem) return refused(problem);
      return s.sendCaptured(capture, base);
    },
    'webhookStudio.replayCaptureWithEdits': async (arg?: unknown): Promise<{ uri: string } | Refusal> => {
      const capture = inbox.find(Number(idOf(arg)));
      if (!capture) return refused('Pick a capture in the Local Inbox view.');
      const origin = s.inbox.forwardUrl() ?? (await s.inbox.current())?.url ?? 'http://127.0.0.1';
      const uri = await openUntitledAction(`capture-${capture.id}`, captureAction(capture, await s.secretPairs(), origin));
      return { uri: uri.toString() };
    },
  };

  const disposables: vscode.Disposable[] = [
    logs,
    inbox,
    logsView,
    inboxView,
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
  return { views: { logs, inbox }, disposables };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
