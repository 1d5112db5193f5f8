import * as vscode from 'vscode';
import { captureToRawText, type Inbox } from '../../core/inbox';
import { PLATFORM_TIMEOUT_MS } from '../../core/inboxRules';
import { redactText } from '../../core/redact';
import type { Capture } from '../../core/types';
import type { InboxService } from '../inbox';

/** The id of the Local Inbox view. */
export const INBOX_VIEW_ID = 'webhookStudio.inbox';

/** The scheme of the read-only documents that show a capture. */
export const CAPTURE_SCHEME = 'webhook-studio-capture';

/** The context key that tells the view title whether the inbox runs. */
export const INBOX_RUNNING_KEY = 'webhookStudio.inboxRunning';

/** The statuses offered by *Respond with Status…*. */
export const RESPONSE_STATUSES: readonly { readonly status: number; readonly label: string }[] = [
  { status: 200, label: 'OK' },
  { status: 201, label: 'Created' },
  { status: 204, label: 'No Content' },
  { status: 400, label: 'Bad Request' },
  { status: 401, label: 'Unauthorized' },
  { status: 404, label: 'Not Found' },
  { status: 500, label: 'Internal Server Error' },
  { status: 503, label: 'Service Unavailable' },
];

/** The Uri of the document that shows a capture. */
export function captureUri(capture: Capture): vscode.Uri {
  return vscode.Uri.from({ scheme: CAPTURE_SCHEME, path: `/capture-${capture.id}.http`, query: String(capture.id) });
}

/** The Uri of the document that shows what the real receiver answered to a forwarded capture. */
export function receiverUri(capture: Capture): vscode.Uri {
  return vscode.Uri.from({ scheme: CAPTURE_SCHEME, path: `/capture-${capture.id}-receiver.http`, query: `${capture.id}:receiver` });
}

/** Which rule answered a capture, with what and after how long: `201 · lead created · 2 s`. */
export function answerText(capture: Capture): string {
  if (!capture.answer) return '';
  const rule = capture.rule === undefined || capture.rule === 'default' ? 'default answer' : capture.rule;
  const delay = capture.answer.delayMs > 0 ? ` · ${capture.answer.delayMs / 1000} s` : '';
  return `${capture.answer.status} · ${rule}${delay}`;
}

/** What the receiver said to a forward, in a few words: `→ 200`, `→ refused`. */
function forwardText(capture: Capture): string {
  const f = capture.forward;
  if (!f) return '';
  return f.ok ? ` → ${f.status}` : ` → ${f.error.code}`;
}

/** A capture as a tree item: method and target; the rule that answered, what the receiver said, time; selecting it opens its raw text. */
export function captureItem(capture: Capture): vscode.TreeItem {
  const item = new vscode.TreeItem(`${capture.method} ${capture.target}`, vscode.TreeItemCollapsibleState.None);
  item.id = `capture-${capture.id}`;
  const late = (capture.answer?.delayMs ?? 0) > PLATFORM_TIMEOUT_MS;
  item.iconPath = new vscode.ThemeIcon(late ? 'warning' : 'mail');
  const answer = answerText(capture);
  item.description = `${answer}${forwardText(capture)}${answer ? ' · ' : ''}${new Date(capture.time).toLocaleTimeString()}`;
  const lines = [
    `${capture.method} ${capture.target}`,
    `${capture.rawHeaders.length} header(s) · ${capture.bodySize} body byte(s)${capture.bodyTruncated ? ' (truncated)' : ''}`,
  ];
  if (capture.answer) {
    lines.push(
      `Answered ${capture.answer.status} by ${capture.rule === 'default' || !capture.rule ? 'the default answer' : `rule "${capture.rule}"`}${capture.answer.delayMs > 0 ? ` after ${capture.answer.delayMs / 1000} s` : ''}`,
    );
    if (late) lines.push('Past 30 s: the platform would give up waiting and record a timeout.');
    if (capture.answer.note) lines.push(capture.answer.note);
  }
  if (capture.forward)
    lines.push(
      capture.forward.ok
        ? `Receiver ${capture.forward.url} answered ${capture.forward.status} ${capture.forward.statusText}`
        : `Receiver ${capture.forward.url || ''}: ${capture.forward.error.message}`,
    );
  lines.push(capture.time);
  item.tooltip = lines.join('\n');
  item.contextValue = 'inboxCapture';
  item.command = { command: 'webhookStudio.openCapture', title: 'Open Capture', arguments: [capture.id] };
  return item;
}

/**
 * The Local Inbox view: the captures of the running inbox, newest first, as they arrive. A capture opens
 * as a read-only document of its raw text, with every known secret value masked.
 */
export class InboxViewProvider implements vscode.TreeDataProvider<Capture>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private inbox: Inbox | undefined;
  private captureListener: { dispose(): void } | undefined;
  private view: vscode.TreeView<Capture> | undefined;

  /** Fires when the captures must be listed again. */
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly service: InboxService,
    private readonly knownSecrets: () => Iterable<string>,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(CAPTURE_SCHEME, this),
      service.onDidChange((inbox) => this.attach(inbox)),
    );
    void service.current().then((inbox) => this.attach(inbox));
  }

  /** Connects the tree view, so its message can say whether the inbox listens. */
  bind(view: vscode.TreeView<Capture>): void {
    this.view = view;
    this.describe();
  }

  private attach(inbox: Inbox | undefined): void {
    this.captureListener?.dispose();
    this.captureListener = undefined;
    this.inbox = inbox;
    if (inbox) {
      const captured = inbox.onCapture(() => this.changed.fire());
      const updated = inbox.onUpdate(() => this.changed.fire());
      this.captureListener = { dispose: () => (captured.dispose(), updated.dispose()) };
    }
    void vscode.commands.executeCommand('setContext', INBOX_RUNNING_KEY, inbox !== undefined);
    this.describe();
    this.changed.fire();
  }

  private describe(): void {
    if (!this.view) return;
    if (!this.inbox) {
      this.view.message = undefined;
      return;
    }
    const rules = this.service.rulesFileOf();
    const named = this.inbox.ruleNames().length;
    const forward = this.service.forwardUrl();
    this.view.message = [
      `Listening on ${this.inbox.url}`,
      rules ? `answering by ${named} rule(s) of ${vscode.workspace.asRelativePath(rules)}` : undefined,
      forward ? `forwarding to ${forward}` : undefined,
    ]
      .filter((p) => p !== undefined)
      .join(' · ');
  }

  /** The kept capture with `id`. */
  find(id: number): Capture | undefined {
    return this.inbox?.captures().find((c) => c.id === id);
  }

  getTreeItem(capture: Capture): vscode.TreeItem {
    return captureItem(capture);
  }

  getChildren(parent?: Capture): Capture[] {
    if (parent || !this.inbox) return [];
    return [...this.inbox.captures()].reverse();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [idText, part] = uri.query.split(':');
    const capture = this.find(Number(idText));
    if (!capture) return '# This capture is no longer kept by the local inbox.\n';
    if (part === 'receiver') return redactText(receiverText(capture), this.knownSecrets());
    return redactText(captureToRawText(capture), this.knownSecrets());
  }

  /** Forgets every capture. */
  clear(): void {
    this.inbox?.clear();
    this.changed.fire();
  }

  dispose(): void {
    this.captureListener?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** What the receiver answered to a forwarded capture, as HTTP text. */
function receiverText(capture: Capture): string {
  const f = capture.forward;
  if (!f) return '# This capture was not forwarded.\n';
  if (!f.ok) return `# Forward to ${f.url}\n# ${f.error.message}\n# ${f.error.hint}\n`;
  let text = `# Forward to ${f.url}: ${Math.round(f.timings.totalMs)} ms\nHTTP/1.1 ${f.status} ${f.statusText}\r\n`;
  for (const [name, value] of f.headers) text += `${name}: ${value}\r\n`;
  return `${text}\r\n${f.bodyPreview}${f.truncated ? `\n# … cut at the cap (${f.size} bytes)` : ''}`;
}
