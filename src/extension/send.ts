import * as vscode from 'vscode';
import { parseActionDocument } from '../core/document';
import { render } from '../core/render';
import { replayPlan } from '../core/replay';
import { sendAction, type InboxTarget, type SendActionInput, type SendActionResult, type SendRefusal, type TokenProvider } from '../core/sendAction';
import { forwarder } from '../core/inboxForward';
import type { Capture, ExecutionRecord, ForwardOutcome, JsonValue, OutcomeClass, PlainRequest, Sample, SendResult } from '../core/types';
import { runWorkflow, type WorkflowStepInput } from '../core/workflow';
import { readDocumentText, type Analyzer } from './analysis';
import { clockOf, readProxy, readSettings, type StudioSettings } from './config';
import type { ExecutionRecords } from './executionRecords';
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
  /** The sample it was rendered for. */
  readonly sample: Sample;
}

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

/** True when a value is a refusal rather than a result. */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as Refusal).refused === true;
}

/** One step of a workflow run, as the command returns it and the panel shows it. */
export interface WorkflowStepOutcome {
  readonly step: number;
  /** The action's file, workspace-relative. */
  readonly file: string;
  readonly uri: string;
  /** True when the step was sent and accepted (2xx). */
  readonly ok: boolean;
  readonly record?: ExecutionRecord;
  readonly capture?: Capture;
  /** Why nothing was sent for the step. */
  readonly refused?: string;
  /** The response it saved for the later steps. */
  readonly saved?: JsonValue;
}

/** What a workflow run produced, step by step. */
export interface WorkflowRunOutcome {
  readonly workflow: string;
  readonly file: string;
  readonly sample: string;
  readonly ok: boolean;
  readonly steps: readonly WorkflowStepOutcome[];
}

/** A workflow as a run takes it. */
export interface WorkflowToRun {
  readonly uri: vscode.Uri;
  readonly name: string;
  readonly steps: readonly vscode.Uri[];
}

/** Options of one send from the editor. */
export interface SendRequest {
  /** Send to the local inbox instead of the action's receiver. */
  readonly toInbox?: boolean;
  /** The sample to render for; default the selected one. */
  readonly sample?: Sample;
  readonly cancel?: vscode.CancellationToken;
  /**
   * Notify of the outcome; default true. Even then a success is notified only when the preview panel does not
   * show it (`ResultView`); send-to-all passes false and reports in the panel instead.
   */
  readonly notify?: boolean;
  /** Show a progress notification with Cancel; default true (the Testing view shows its own progress). */
  readonly progress?: boolean;
}

/** True when the preview panel is visible on `uri`: its result shows there, with its own progress and Cancel. */
export type ResultView = (uri: vscode.Uri) => boolean;

/** What an outcome counts as for notifications: a failure is an error, a 4xx or a 5xx. */
function failed(record: ExecutionRecord): boolean {
  return record.error !== undefined || record.outcome === 'rejected' || record.outcome === 'receiver-error' || record.outcome === 'network-error';
}

/**
 * The editor's face of the send pipeline (`core/sendAction.ts`): it asks for missing secrets, shows
 * progress with Cancel, and reports the outcome in the status bar, with a notification for a failure or when the
 * preview panel does not show the result (VS Code's guidance: no notification that repeats what is on screen). It
 * feeds the pipeline the editor's secret
 * storage, OAuth connections, settings, inbox and execution log. Secrets never reach a message, the log
 * channel or a record.
 */
export class SendService implements vscode.Disposable {
  private sender: { key: string; sender: Sender } | undefined;
  private statusMessage: vscode.Disposable | undefined;
  private readonly recorded = new vscode.EventEmitter<{ source: vscode.Uri; outcome: SendOutcome }>();

  /** Fires after each send with its outcome. */
  readonly onDidSend = this.recorded.event;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly secrets: SecretStore,
    private readonly oauth: OAuthService,
    private readonly inbox: InboxService,
    private readonly log: StudioLog,
    private readonly records: ExecutionRecords,
    private readonly resultView: ResultView = () => false,
  ) {}

  private refuse(reason: string, level: 'warning' | 'error' = 'warning'): Refusal {
    this.log.warn(reason);
    if (level === 'error') void vscode.window.showErrorMessage(reason);
    else void vscode.window.showWarningMessage(reason);
    return { refused: true, reason };
  }

  /** Sends the action in `uri` for one sample, to its receiver or to the local inbox. */
  async send(uri: vscode.Uri, request: SendRequest = {}): Promise<SendOutcome | Refusal> {
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_REASON);
    const settings = readSettings(uri);
    await this.analyzer.prepareSecrets();
    const analysis = await this.analyzer.analyzeUri(uri);
    const sample = request.sample ?? analysis.selected;
    const shown = vscode.workspace.asRelativePath(uri);
    const box = request.toInbox ? await this.inbox.start() : undefined;
    const tokens = this.tokensFor(settings);
    const cancelled = new AbortController();
    const onCancel = request.cancel?.onCancellationRequested(() => cancelled.abort());
    if (request.cancel?.isCancellationRequested) cancelled.abort();
    const run = () =>
      sendAction({
        doc: analysis.doc,
        sample,
        file: shown,
        ...this.pipelineInputs(settings, tokens, box, cancelled.signal),
        ...(request.progress !== false
          ? {
              around: (masked: PlainRequest, exchange: (signal?: AbortSignal) => Promise<SendResult>) =>
                this.withProgress(uri, shown, masked, settings, exchange),
            }
          : {}),
        onRefresh: (connection) => this.log.info(`401 with OAuth connection "${connection}": refreshing its token and sending once more`),
      });

    try {
      return await this.sendWith(run, uri, shown, sample, request.notify !== false);
    } finally {
      onCancel?.dispose();
    }
  }

  /**
   * Sends a recorded request again (docs/architecture.md, "Replay"), byte for byte, to its receiver or the local
   * inbox, with the secrets read again from secret storage (missing ones are asked for, as for sends).
   */
  async replay(record: ExecutionRecord, request: Pick<SendRequest, 'toInbox' | 'notify'> = {}): Promise<SendOutcome | Refusal> {
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_REASON);
    const settings = readSettings();
    await this.secrets.ready();
    await this.secrets.loadValues();
    const planned = replayPlan(record, this.secrets.source());
    if (!planned.ok) return this.refuse(`Not sent: ${planned.error}.`, 'error');
    const box = request.toInbox ? await this.inbox.start() : undefined;
    const tokens = this.tokensFor(settings);
    const source = vscode.Uri.from({ scheme: 'webhook-studio-record', path: `/${record.id}` });
    const run = () => {
      // Secrets asked for after a first refusal are in the store's source by the second run.
      const again = replayPlan(record, this.secrets.source());
      const plan = again.ok ? again.plan : planned.plan;
      return sendAction({
        ...plan,
        ...this.pipelineInputs(settings, tokens, box),
        around: (masked, exchange) => this.withProgress(source, `replay of ${record.file}`, masked, settings, exchange),
      });
    };
    return this.sendWith(run, source, record.file, planned.plan.sample, request.notify !== false);
  }

  /** Sends a captured request again, exactly as it arrived (transport headers aside), to `base`; what the receiver said. */
  async sendCaptured(capture: Capture, base: string): Promise<ForwardOutcome | Refusal> {
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_REASON);
    const settings = readSettings();
    const box = await this.inbox.current();
    const outcome = await forwarder({ url: base, transport: this.senderFor(settings, box?.url), timeoutMs: settings.timeoutMs })(capture);
    const line = outcome.ok ? `${outcome.status} ${outcome.statusText} from ${outcome.url}` : `${outcome.error.message} (${outcome.url})`;
    this.log.info(`capture #${capture.id} sent again: ${line}`);
    void (outcome.ok && outcome.status < 400 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(
      `Webhook Studio: capture #${capture.id} sent again: ${line}`,
    );
    return outcome;
  }

  private async sendWith(
    run: () => Promise<SendActionResult>,
    uri: vscode.Uri,
    shown: string,
    sample: Sample,
    notify: boolean,
  ): Promise<SendOutcome | Refusal> {
    let result = await run();
    // Refuse what cannot be sent whatever the secrets are before asking for any of them: the pipeline
    // checks the file and the request first, and names the missing secrets only when all else is fine.
    if (!result.sent && result.code === 'missing-secret') {
      const asked = await this.askMissingSecrets(result.missingSecrets);
      if (asked) return asked;
      result = await run();
    }
    if (!result.sent) return this.unsendable(shown, result);
    if (result.logError !== undefined) this.log.warn(`execution log not written: ${result.logError}`);
    const outcome: SendOutcome = { record: result.record, sample, ...(result.capture ? { capture: result.capture } : {}) };
    this.report(uri, outcome.record, notify);
    this.recorded.fire({ source: uri, outcome });
    return outcome;
  }

  /**
   * Runs a workflow's steps in order for one sample through the core runner (docs/architecture.md,
   * "Workflows"): asks once for every secret the steps miss, then sends each step with the responses saved so
   * far, goes on after a failed step, records every send, and tells `onStep` of each step as it ends.
   */
  async runWorkflow(
    workflow: WorkflowToRun,
    sample: Sample,
    request: { readonly toInbox?: boolean; readonly cancel?: vscode.CancellationToken; readonly onStep?: (step: WorkflowStepOutcome) => void } = {},
  ): Promise<WorkflowRunOutcome | Refusal> {
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_REASON);
    const settings = readSettings(workflow.uri);
    await this.analyzer.prepareSecrets();
    const steps: Array<WorkflowStepInput & { uri: vscode.Uri }> = await Promise.all(
      workflow.steps.map(async (uri) => {
        const file = vscode.workspace.asRelativePath(uri);
        try {
          return { uri, file, doc: parseActionDocument((await readDocumentText(uri)).text) };
        } catch (error) {
          return { uri, file, error: `${file} cannot be read: ${(error as Error).message}` };
        }
      }),
    );
    const missing = new Set<string>();
    for (const step of steps) {
      if (!step.doc) continue;
      const rendered = render(step.doc, sample, this.analyzer.options(step.uri, this.secrets.source()));
      for (const u of rendered.unresolved) if (u.path.startsWith('secrets.')) missing.add(u.path.slice('secrets.'.length));
    }
    const asked = await this.askMissingSecrets([...missing]);
    if (asked) return asked;
    const box = request.toInbox ? await this.inbox.start() : undefined;
    const tokens = this.tokensFor(settings);
    const cancelled = new AbortController();
    const onCancel = request.cancel?.onCancellationRequested(() => cancelled.abort());
    const outcomes: WorkflowStepOutcome[] = [];
    try {
      const run = await runWorkflow({
        name: workflow.name,
        steps,
        sample,
        send: {
          ...this.pipelineInputs(settings, tokens, box, cancelled.signal),
          around: (masked, exchange) => this.withProgress(workflow.uri, workflow.name, masked, settings, exchange),
        },
        onStep: (result) => {
          const uri = steps[result.step - 1]!.uri;
          const sent = result.result?.sent ? result.result : undefined;
          const outcome: WorkflowStepOutcome = {
            step: result.step,
            file: result.file,
            uri: uri.toString(),
            ok: result.ok,
            ...(sent ? { record: sent.record } : {}),
            ...(sent?.capture ? { capture: sent.capture } : {}),
            ...(result.error !== undefined ? { refused: result.error } : result.result && !result.result.sent ? { refused: result.result.reason } : {}),
            ...(result.saved !== undefined ? { saved: result.saved } : {}),
          };
          outcomes.push(outcome);
          if (sent) {
            this.report(uri, sent.record, false);
            this.recorded.fire({ source: uri, outcome: { record: sent.record, sample, ...(sent.capture ? { capture: sent.capture } : {}) } });
          }
          request.onStep?.(outcome);
        },
      });
      const failed = outcomes.filter((o) => !o.ok).length;
      const line = `workflow "${workflow.name}" for sample "${sample.name}": ${failed === 0 ? `${outcomes.length} step(s) accepted` : `${failed} of ${outcomes.length} step(s) failed`}`;
      this.log.info(line);
      if (failed === 0) void vscode.window.showInformationMessage(`Webhook Studio: ${line}.`);
      else void vscode.window.showWarningMessage(`Webhook Studio: ${line}. See the preview and Execution Logs.`);
      return { workflow: workflow.name, file: vscode.workspace.asRelativePath(workflow.uri), sample: sample.name, ok: run.ok, steps: outcomes };
    } finally {
      onCancel?.dispose();
    }
  }

  /** What every send of the editor gives the pipeline: the settings, the secrets, the transport, the log. */
  private pipelineInputs(settings: StudioSettings, tokens: TokenProvider, box: InboxTarget | undefined, signal?: AbortSignal) {
    return {
      escaping: settings.escaping,
      arraySeparator: settings.arraySeparator,
      unknownTag: settings.unknownTag,
      clock: clockOf(settings),
      timeZone: settings.timeZone,
      secrets: this.secrets.source(),
      tokens,
      transport: this.senderFor(settings, box?.url),
      inbox: box,
      timeoutMs: settings.timeoutMs,
      ...(signal ? { signal } : {}),
      maxResponseBytes: settings.maxResponseBytes,
      followRedirects: settings.followRedirects,
      log: this.records,
      knownSecrets: () => [...this.secrets.knownValues(), ...this.oauth.knownValues()],
      compileSchema: (schema: unknown) => loadSendStack().compileResponseSchema(schema),
    } satisfies Partial<SendActionInput>;
  }

  private unsendable(shown: string, refusal: SendRefusal): Refusal {
    if (refusal.code === 'cancelled') return this.refuse('Not sent: cancelled.');
    return this.refuse(`"${shown}" cannot be sent: ${refusal.reason}`, 'error');
  }

  private tokensFor(settings: StudioSettings): TokenProvider {
    const oauth = this.oauth;
    return {
      token: (connection) => oauth.token(connection),
      ensureToken: (connection) => oauth.ensureToken(connection, settings),
      canRefresh: (connection) => oauth.canRefresh(connection),
      invalidate: (connection) => oauth.invalidate(connection),
    };
  }

  private async askMissingSecrets(names: readonly string[]): Promise<Refusal | undefined> {
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
    await this.secrets.loadValues();
    return undefined;
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

  private withProgress<T>(
    uri: vscode.Uri,
    shown: string,
    masked: PlainRequest,
    settings: StudioSettings,
    exchange: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.log.info(`→ ${masked.method} ${masked.url} (${shown}, timeout ${settings.timeoutMs} ms)`);
    // The panel shows its own progress with Cancel: then only the status bar says a send is running.
    const location = this.resultView(uri) ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    return Promise.resolve(
      vscode.window.withProgress({ location, title: `Sending ${masked.method} ${hostOf(masked.url)}`, cancellable: true }, async (_progress, token) => {
        const pressed = new AbortController();
        const subscription = token.onCancellationRequested(() => pressed.abort());
        try {
          return await exchange(pressed.signal);
        } finally {
          subscription.dispose();
        }
      }),
    );
  }

  private report(uri: vscode.Uri, record: ExecutionRecord, notify: boolean): void {
    const where = record.inbox ? ' (local inbox)' : '';
    const inPanel = this.resultView(uri);
    if (record.error) {
      this.log.error(`✗ ${record.error.message} — ${record.error.hint}`);
      this.status('error', record.error.message);
      if (notify) void vscode.window.showErrorMessage(`Webhook Studio: ${record.error.message}. ${record.error.hint}`);
    } else if (record.response) {
      const line = `${record.response.status} ${record.response.statusText} — ${OUTCOME_LABELS[record.outcome]} in ${Math.round(record.timings.totalMs)} ms${where}`;
      this.log.info(`← ${line}`);
      this.status(failed(record) ? 'warning' : 'pass', line);
      if (!notify) return;
      if (failed(record)) void vscode.window.showWarningMessage(`Webhook Studio: ${line}`);
      else if (!inPanel) void vscode.window.showInformationMessage(`Webhook Studio: ${line}`);
    }
  }

  /** The outcome of the last send in the status bar, until the next one or for a minute. */
  private status(codicon: string, text: string): void {
    this.statusMessage?.dispose();
    this.statusMessage = vscode.window.setStatusBarMessage(`$(${codicon}) Webhook Studio: ${text}`, 60_000);
  }

  dispose(): void {
    this.statusMessage?.dispose();
    void this.sender?.sender.close();
    this.sender = undefined;
    this.recorded.dispose();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
