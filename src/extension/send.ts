import * as vscode from 'vscode';
import { inboxUrlFor } from '../core/inbox';
import { isSecretSpan, secretValuesOf, toPlainRequest } from '../core/redact';
import { redactText } from '../core/secretSources';
import type { Capture, ExecutionRecord, OutcomeClass, PlainRequest, RenderResult, SendError, SendResult } from '../core/types';
import type { Analysis, Analyzer } from './analysis';
import { readProxy, readSettings, type StudioSettings } from './config';
import type { InboxService } from './inbox';
import type { StudioLog } from './log';
import type { OAuthService } from './oauth';
import type { SecretStore } from './secrets';
import { loadSendStack, type SendStack } from './sendStackLoader';

/** Returned instead of a result when something was not done: untrusted workspace, cancelled, unsendable. */
export interface Refusal {
  readonly refused: true;
  readonly reason: string;
}

/** What a send produced: its log record, and for inbox sends the capture (secrets redacted). */
export interface SendOutcome {
  readonly record: ExecutionRecord;
  readonly capture?: Capture;
}

/** How many execution records the workspace log keeps. */
export const LOG_KEEP = 500;

const OUTCOME_LABELS: Record<OutcomeClass, string> = {
  accepted: 'accepted',
  redirect: 'redirect',
  rejected: 'rejected — usually authentication or payload format',
  'receiver-error': 'receiver error',
  'network-error': 'network error',
};

/** The message shown when the workspace is not trusted. */
export const UNTRUSTED_REASON = 'Sending test requests and reading secrets need a trusted workspace. Trust this folder (Manage Workspace Trust) to send.';

type Sender = InstanceType<SendStack['HttpSender']>;
type Log = InstanceType<SendStack['JsonLinesLog']>;

/** True when a value is a refusal rather than a result. */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as Refusal).refused === true;
}

/**
 * Sends rendered requests (to their target or to the local inbox) with progress and Cancel, OAuth tokens
 * ensured and refreshed once on a 401, secrets asked for when missing, and every send recorded in the
 * workspace's execution log. Secrets never reach a message, the log channel or a record.
 */
export class SendService implements vscode.Disposable {
  private sender: { key: string; sender: Sender } | undefined;
  private records: Log | undefined;
  private readonly recorded = new vscode.EventEmitter<{ source: vscode.Uri; outcome: SendOutcome }>();

  /** Fires after each send with its outcome. */
  readonly onDidSend = this.recorded.event;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly secrets: SecretStore,
    private readonly oauth: OAuthService,
    private readonly inbox: InboxService,
    private readonly log: StudioLog,
    private readonly storageDir: vscode.Uri,
  ) {}

  private refuse(reason: string, level: 'warning' | 'error' = 'warning'): Refusal {
    this.log.warn(reason);
    if (level === 'error') void vscode.window.showErrorMessage(reason);
    else void vscode.window.showWarningMessage(reason);
    return { refused: true, reason };
  }

  /** Sends the action in `uri`; to the local inbox when `toInbox`. */
  async send(uri: vscode.Uri, toInbox: boolean, cancel?: vscode.CancellationToken): Promise<SendOutcome | Refusal> {
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_REASON);
    const settings = readSettings(uri);
    await this.analyzer.prepareSecrets();
    const analysis = await this.analyzer.analyzeUri(uri);
    // Refuse what cannot be sent whatever the secrets are before asking for any of them.
    if (!analysis.lint.render.sendable) return this.unsendable(uri, analysis.lint.render);
    const asked = await this.askMissingSecrets(analysis.lint.render.secretsUsed);
    if (isRefusal(asked)) return asked;

    const connections = analysis.lint.render.connectionsUsed;
    for (const connection of connections) {
      const ensured = await this.oauth.ensureToken(connection, settings);
      if (!ensured.ok) return this.finish(uri, analysis, toPlainRequest(analysis.lint.render.request, false), failed(ensured.error), toInbox, []);
    }

    let rendered = this.analyzer.render(uri, analysis.doc, analysis.selected, this.secrets.source());
    if (!rendered.sendable) return this.unsendable(uri, rendered);
    const box = toInbox ? await this.inbox.start() : undefined;
    const lastCapture = box ? Math.max(0, ...box.captures().map((c) => c.id)) : 0;
    const target = (r: RenderResult): { plain: PlainRequest; masked: PlainRequest } => {
      const plain = toPlainRequest(r.request, true);
      const masked = toPlainRequest(r.request, false);
      return box ? { plain: { ...plain, url: inboxUrlFor(plain.url, box.url) }, masked: { ...masked, url: inboxUrlFor(masked.url, box.url) } } : { plain, masked };
    };
    const sender = this.senderFor(settings, box?.url);
    let request = target(rendered);
    let result = await this.withProgress(uri, request.masked, settings, (signal) => sender.send(request.plain, this.sendOptions(rendered, settings, signal)), cancel);
    const refreshable = connections.find((c) => this.oauth.canRefresh(c));
    if (result.ok && result.response.status === 401 && refreshable !== undefined) {
      this.log.info(`401 with OAuth connection "${refreshable}": refreshing its token and sending once more`);
      this.oauth.invalidate(refreshable);
      const ensured = await this.oauth.ensureToken(refreshable, settings);
      if (!ensured.ok) return this.finish(uri, analysis, request.masked, failed(ensured.error), toInbox, secretValuesOf(rendered.request));
      rendered = this.analyzer.render(uri, analysis.doc, analysis.selected, this.secrets.source());
      request = target(rendered);
      result = await this.withProgress(uri, request.masked, settings, (signal) => sender.send(request.plain, this.sendOptions(rendered, settings, signal)), cancel);
    }
    const secretValues = [...secretValuesOf(rendered.request), ...this.secrets.knownValues(), ...this.oauth.knownValues()];
    const outcome = await this.finish(uri, analysis, request.masked, result, toInbox, secretValues);
    if (!box) return outcome;
    const capture = await box.waitForCapture(2000, (c) => c.id > lastCapture);
    return { record: outcome.record, capture: capture && redactCapture(capture, secretValues) };
  }

  private unsendable(uri: vscode.Uri, rendered: RenderResult): Refusal {
    const problems = rendered.problems.map((p) => p.message).join(' ');
    return this.refuse(`"${vscode.workspace.asRelativePath(uri)}" cannot be sent: ${problems}`, 'error');
  }

  private sendOptions(rendered: RenderResult, settings: StudioSettings, signal: AbortSignal) {
    return {
      timeoutMs: settings.timeoutMs,
      signal,
      maxBodyBytes: settings.maxResponseBytes,
      followRedirects: settings.followRedirects,
      sensitiveHeaders: rendered.request.headers.filter((h) => h.spans.some(isSecretSpan)).map((h) => h.name),
    };
  }

  private async askMissingSecrets(names: readonly string[]): Promise<void | Refusal> {
    for (const name of names) {
      if (this.secrets.has(name)) continue;
      const value = await vscode.window.showInputBox({
        title: `Secret ${name}`,
        prompt: `{{secrets.${name}}} is not set. Enter its value: it is kept in VS Code secret storage.`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return this.refuse(`Not sent: secret "${name}" was not entered.`);
      await this.secrets.set(name, value);
    }
  }

  private senderFor(settings: StudioSettings, inboxOrigin: string | undefined): Sender {
    const config = {
      rejectUnauthorized: settings.rejectUnauthorized,
      proxy: readProxy(),
      privateAddresses: settings.privateAddresses,
      alwaysAllowedOrigins: inboxOrigin ? [inboxOrigin] : [],
    };
    const key = JSON.stringify(config);
    if (this.sender?.key !== key) {
      void this.sender?.sender.close();
      this.sender = { key, sender: new (loadSendStack().HttpSender)(config) };
    }
    return this.sender.sender;
  }

  private withProgress(uri: vscode.Uri, masked: PlainRequest, settings: StudioSettings, run: (signal: AbortSignal) => Promise<SendResult>, cancel?: vscode.CancellationToken): Promise<SendResult> {
    this.log.info(`→ ${masked.method} ${masked.url} (${vscode.workspace.asRelativePath(uri)}, timeout ${settings.timeoutMs} ms)`);
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending ${masked.method} ${hostOf(masked.url)}`, cancellable: true },
        async (_progress, token) => {
          const controller = new AbortController();
          const subs = [token.onCancellationRequested(() => controller.abort()), cancel?.onCancellationRequested(() => controller.abort())];
          try {
            return await run(controller.signal);
          } finally {
            for (const s of subs) s?.dispose();
          }
        },
      ),
    );
  }

  private async finish(uri: vscode.Uri, analysis: Analysis, masked: PlainRequest, result: SendResult, toInbox: boolean, secretValues: string[]): Promise<SendOutcome> {
    const stack = loadSendStack();
    const record = redactRecord(
      stack.buildRecord({ file: vscode.workspace.asRelativePath(uri), sample: analysis.selected.name, request: masked, result, inbox: toInbox }),
      secretValues,
    );
    if (record.error) {
      this.log.error(`✗ ${record.error.message} — ${record.error.hint}`);
      void vscode.window.showErrorMessage(`Webhook Studio: ${record.error.message}. ${record.error.hint}`);
    } else if (record.response) {
      const line = `${record.response.status} ${record.response.statusText} — ${OUTCOME_LABELS[record.outcome]} in ${Math.round(record.timings.totalMs)} ms${toInbox ? ' (local inbox)' : ''}`;
      this.log.info(`← ${line}`);
      const show = record.outcome === 'accepted' || record.outcome === 'redirect' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`Webhook Studio: ${line}`);
    }
    await this.append(record);
    const outcome = { record };
    this.recorded.fire({ source: uri, outcome });
    return outcome;
  }

  private async append(record: ExecutionRecord): Promise<void> {
    try {
      if (!this.records) {
        await vscode.workspace.fs.createDirectory(this.storageDir);
        this.records = new (loadSendStack().JsonLinesLog)(vscode.Uri.joinPath(this.storageDir, 'executions.jsonl').fsPath, LOG_KEEP);
      }
      await this.records.append(record);
    } catch (error) {
      this.log.warn(`execution log not written: ${(error as Error).message}`);
    }
  }

  /** The newest execution records, newest first. */
  async history(): Promise<ExecutionRecord[]> {
    if (!this.records) {
      await vscode.workspace.fs.createDirectory(this.storageDir);
      this.records = new (loadSendStack().JsonLinesLog)(vscode.Uri.joinPath(this.storageDir, 'executions.jsonl').fsPath, LOG_KEEP);
    }
    return this.records.list();
  }

  dispose(): void {
    void this.sender?.sender.close();
    this.sender = undefined;
    this.recorded.dispose();
  }
}

function failed(error: SendError): SendResult {
  return { ok: false, error, timings: { totalMs: 0 }, outcome: 'network-error' };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Redacts every known secret value from the parts of a record that come from the outside world. */
export function redactRecord(record: ExecutionRecord, secrets: readonly string[]): ExecutionRecord {
  if (secrets.length === 0) return record;
  const r = (text: string) => redactText(text, secrets);
  return {
    ...record,
    request: { ...record.request, url: r(record.request.url), headers: record.request.headers.map(([n, v]) => [n, r(v)] as const), body: record.request.body === null ? null : r(record.request.body) },
    response: record.response && {
      ...record.response,
      headers: record.response.headers.map(([n, v]) => [n, r(v)] as const),
      bodyPreview: r(record.response.bodyPreview),
      redirects: record.response.redirects.map((h) => ({ ...h, location: r(h.location) })),
    },
    error: record.error && { ...record.error, message: r(record.error.message), hint: r(record.error.hint) },
  };
}

/** A capture with every known secret value masked in its target, headers and body. */
export function redactCapture(capture: Capture, secrets: readonly string[]): Capture {
  if (secrets.length === 0) return capture;
  const body = new TextDecoder().decode(capture.body);
  const cleanBody = redactText(body, secrets);
  return {
    ...capture,
    target: redactText(capture.target, secrets),
    rawHeaders: capture.rawHeaders.map(([n, v]) => [n, redactText(v, secrets)] as const),
    body: cleanBody === body ? capture.body : new TextEncoder().encode(cleanBody),
  };
}
