import * as vscode from 'vscode';
import { startInbox, type Inbox } from '../core/inbox';
import { readSettings } from './config';
import type { StudioLog } from './log';

/** What the inbox commands return. */
export interface InboxState {
  readonly url: string | undefined;
}

/** The local inbox of the window: started on demand, on 127.0.0.1 only, stopped with the extension. */
export class InboxService implements vscode.Disposable {
  private running: Promise<Inbox> | undefined;
  private readonly changed = new vscode.EventEmitter<Inbox | undefined>();

  /** Fires with the inbox once it listens, and with undefined once it stopped. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: StudioLog) {}

  /** Starts the inbox unless it runs; resolves with the running inbox. */
  start(): Promise<Inbox> {
    this.running ??= (async () => {
      const settings = readSettings();
      const inbox = await startInbox({ port: settings.inboxPort, status: settings.inboxStatus, body: settings.inboxBody });
      this.log.info(`local inbox listening on ${inbox.url}`);
      this.changed.fire(inbox);
      return inbox;
    })();
    this.running.catch(() => (this.running = undefined));
    return this.running;
  }

  /** The inbox when it runs, without starting it. */
  async current(): Promise<Inbox | undefined> {
    return this.running?.catch(() => undefined);
  }

  /** Applies the answer settings to a running inbox. */
  async applySettings(): Promise<void> {
    const inbox = await this.current();
    if (!inbox) return;
    const settings = readSettings();
    const res = inbox.setResponse({ status: settings.inboxStatus, body: settings.inboxBody });
    if (!res.ok) this.log.warn(`inbox answer not changed: ${res.error}`);
  }

  /** Stops the inbox; resolves with the URL it had. */
  async stop(): Promise<InboxState> {
    const inbox = await this.current();
    this.running = undefined;
    if (!inbox) return { url: undefined };
    await inbox.close();
    this.log.info(`local inbox on ${inbox.url} stopped`);
    this.changed.fire(undefined);
    return { url: inbox.url };
  }

  dispose(): void {
    void this.stop().finally(() => this.changed.dispose());
  }
}
