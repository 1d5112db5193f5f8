import * as vscode from 'vscode';
import { startInbox, type Inbox } from '../core/inbox';
import { forwarder, forwardUrlProblem } from '../core/inboxForward';
import { readProxy, readSettings } from './config';
import type { InboxRulesWatcher, LoadedRules } from './inboxRules';
import type { StudioLog } from './log';
import { loadSendStack, type SendStack } from './sendStackLoader';

/** What the inbox commands return. */
export interface InboxState {
  readonly url: string | undefined;
}

type Sender = InstanceType<SendStack['HttpSender']>;

/**
 * The local inbox of the window: started on demand, on 127.0.0.1 only, stopped with the extension. It answers
 * by the workspace's rules file (`InboxRulesWatcher`), taken again whenever the file changes, and passes every
 * capture on to `webhookStudio.inbox.forwardUrl` when that user setting is set and the workspace is trusted.
 */
export class InboxService implements vscode.Disposable {
  private running: Promise<Inbox> | undefined;
  private readonly changed = new vscode.EventEmitter<Inbox | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private forwardSender: Sender | undefined;
  private rulesFile: vscode.Uri | undefined;

  /** Fires with the inbox once it listens, and with undefined once it stopped. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: StudioLog,
    private readonly rules?: InboxRulesWatcher,
  ) {
    if (rules) this.subscriptions.push(rules.onDidChange((loaded) => void this.applyRules(loaded)));
  }

  /** Starts the inbox unless it runs; resolves with the running inbox. */
  start(): Promise<Inbox> {
    this.running ??= (async () => {
      const settings = readSettings();
      const loaded = await this.rules?.current();
      this.rulesFile = loaded?.file;
      const inbox = await startInbox({ port: settings.inboxPort, status: settings.inboxStatus, body: settings.inboxBody, rules: loaded?.spec });
      this.log.info(`local inbox listening on ${inbox.url}`);
      this.applyForward(inbox);
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

  /** The rules file the inbox answers by, when there is one. */
  rulesFileOf(): vscode.Uri | undefined {
    return this.rulesFile;
  }

  /** The URL captures are forwarded to, when forwarding is on. */
  forwardUrl(): string | undefined {
    const url = readSettings().inboxForwardUrl;
    return url !== '' && vscode.workspace.isTrusted ? url : undefined;
  }

  /** Applies the answer and forward settings to a running inbox. */
  async applySettings(): Promise<void> {
    const inbox = await this.current();
    if (!inbox) return;
    const settings = readSettings();
    const res = inbox.setResponse({ status: settings.inboxStatus, body: settings.inboxBody });
    if (!res.ok) this.log.warn(`inbox answer not changed: ${res.error}`);
    if (this.rules) await this.applyRules(await this.rules.current());
    this.applyForward(inbox);
  }

  private async applyRules(loaded: LoadedRules): Promise<void> {
    this.rulesFile = loaded.file;
    const inbox = await this.current();
    if (!inbox) return;
    const set = inbox.setRules(loaded.spec);
    if (!set.ok) this.log.warn(`inbox rules not applied: ${set.error}`);
    this.changed.fire(inbox);
  }

  private applyForward(inbox: Inbox): void {
    const url = this.forwardUrl();
    void this.forwardSender?.close();
    this.forwardSender = undefined;
    if (url === undefined) {
      inbox.setForward(undefined);
      return;
    }
    const problem = forwardUrlProblem(url, inbox.url);
    if (problem) {
      this.log.warn(`webhookStudio.inbox.forwardUrl: ${problem}; captures are not forwarded`);
      inbox.setForward(undefined);
      return;
    }
    const settings = readSettings();
    // The forward goes out as sends do: the user's proxy, TLS and private-address settings.
    this.forwardSender = new (loadSendStack().HttpSender)({
      rejectUnauthorized: settings.rejectUnauthorized,
      proxy: readProxy(),
      privateAddresses: settings.privateAddresses,
    });
    inbox.setForward(forwarder({ url, transport: this.forwardSender, timeoutMs: settings.timeoutMs }));
    this.log.info(`local inbox forwards every capture to ${url}`);
  }

  /** Stops the inbox; resolves with the URL it had. */
  async stop(): Promise<InboxState> {
    const inbox = await this.current();
    this.running = undefined;
    if (!inbox) return { url: undefined };
    await inbox.close();
    void this.forwardSender?.close();
    this.forwardSender = undefined;
    this.log.info(`local inbox on ${inbox.url} stopped`);
    this.changed.fire(undefined);
    return { url: inbox.url };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    void this.stop().finally(() => this.changed.dispose());
  }
}
