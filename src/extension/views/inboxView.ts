import * as vscode from 'vscode';
import { captureToRawText, type Inbox } from '../../core/inbox';
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

/** A capture as a tree item: method and target, time; selecting it opens its raw text. */
export function captureItem(capture: Capture): vscode.TreeItem {
  const item = new vscode.TreeItem(`${capture.method} ${capture.target}`, vscode.TreeItemCollapsibleState.None);
  item.id = `capture-${capture.id}`;
  item.iconPath = new vscode.ThemeIcon('mail');
  item.description = new Date(capture.time).toLocaleTimeString();
  item.tooltip = `${capture.method} ${capture.target}\n${capture.rawHeaders.length} header(s) · ${capture.bodySize} body byte(s)${capture.bodyTruncated ? ' (truncated)' : ''}\n${capture.time}`;
  item.contextValue = 'inboxCapture';
  item.command = { command: 'vscode.open', title: 'Open Capture', arguments: [captureUri(capture), { preview: true }] };
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
    service: InboxService,
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
    if (inbox) this.captureListener = inbox.onCapture(() => this.changed.fire());
    void vscode.commands.executeCommand('setContext', INBOX_RUNNING_KEY, inbox !== undefined);
    this.describe();
    this.changed.fire();
  }

  private describe(): void {
    if (!this.view) return;
    this.view.message = this.inbox ? `Listening on ${this.inbox.url}` : undefined;
  }

  getTreeItem(capture: Capture): vscode.TreeItem {
    return captureItem(capture);
  }

  getChildren(parent?: Capture): Capture[] {
    if (parent || !this.inbox) return [];
    return [...this.inbox.captures()].reverse();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = Number(uri.query);
    const capture = this.inbox?.captures().find((c) => c.id === id);
    if (!capture) return '# This capture is no longer kept by the local inbox.\n';
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
