import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExecutionRecord, OutcomeClass, Sample } from '../../core/types';
import {
  createMessage,
  DeliveryDiffMessage,
  ErrorMessage,
  LogRecordMessage,
  parsePanelState,
  parseWebviewMessage,
  ResultMessage,
  SamplesReportMessage,
  SendingMessage,
  StateMessage,
  WorkflowRunMessage,
} from '../../protocol/messages';
import type {
  DeliveryDiffParams,
  HostToWebview,
  ResultOwner,
  SampleOption,
  SendKind,
  StateParams,
  Tab,
  WebviewToHost,
  WorkflowRunParams,
} from '../../protocol/messages';
import { panelHtml } from '../../protocol/panelHtml';
import { readDocumentText } from '../analysis';
import { affectsStudio, readSettings } from '../config';
import { isWebhookUri } from '../convert';
import type { StudioLog } from '../log';
import type { PreviewController, PreviewOpened, PreviewServices } from '../preview';
import { sampleId } from '../samples';
import { isRefusal, type Refusal, type SendOutcome, type SendRequest, type WorkflowRunOutcome } from '../send';
import { buildSamplesReport, buildState } from './panelState';
import { pastResultOf, ResultStore, resultOf } from './results';

/** How long a visible page may take to say `ready` before it is loaded again, and how many times. */
const LOAD_TIMEOUT_MS = 8000;
const MAX_RELOADS = 2;

/** The view type of the preview panel (and of its serializer). */
export const PREVIEW_VIEW_TYPE = 'webhookStudio.preview';

/** How long typing must pause before the preview renders again. */
export const RENDER_DEBOUNCE_MS = 150;

/** What the panel needs besides the preview services. */
export interface PanelServices extends PreviewServices {
  /** The send flow: sends the file for a sample (default the selected one), to the inbox when asked. */
  readonly send: (uri: vscode.Uri, request: SendRequest) => Promise<SendOutcome | Refusal>;
  readonly log: StudioLog;
  /** The extension's folder: the page may load only from its `dist/`. */
  readonly extensionUri: vscode.Uri;
  /** Where the hosts a send to all was confirmed for are remembered, per workspace. */
  readonly workspaceState: vscode.Memento;
}

/** The workspaceState key of the hosts the user agreed to send to all samples to. */
export const SEND_TO_ALL_CONFIRMED_KEY = 'webhookStudio.sendToAll.confirmedHosts';

/** What `webhookStudio.openPreview` returns with the panel. */
export interface PanelOpened extends PreviewOpened {
  readonly view: 'webview';
  readonly visible: boolean;
}

/** How a message from the webview was taken: handled, or ignored as malformed. */
export type Received = 'handled' | 'ignored';

/** The host of a rendered URL (the URL itself when it does not parse). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url === '' ? '(no URL)' : url;
  }
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

/**
 * The preview panel: one webview beside the editor that follows the active `*.webhook.json`, renders it
 * as you type and when samples, secrets or settings change, and sends from its buttons. Every message
 * from the page is validated by the protocol before use; secret values leave the host only when revealed.
 */
export class WebviewPreviewController implements PreviewController, vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private source: vscode.Uri | undefined;
  private revealed = false;
  private tab: Tab = 'request';
  /** The page posted `ready` since its HTML was last set: messages can be delivered. */
  private ready = false;
  private pending: HostToWebview[] = [];
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renders = 0;
  private inFlight: { readonly kind: SendKind; readonly cancel: vscode.CancellationTokenSource } | undefined;
  private lastState: StateParams | undefined;
  /** The last workflow run shown, posted again when the page loads again. */
  private lastRun: WorkflowRunParams | undefined;
  /** The last result of each file and sample, shown again when the panel comes back to that pair. */
  private readonly results = new ResultStore();
  /** The file and sample of the state last posted since the page last loaded; a state for another pair carries that pair's result. */
  private shownKey: string | undefined;
  /** Results of the last send to all of the current file, kept for the Samples tab until the file changes. */
  private allResults = new Map<string, { status?: number; outcome: OutcomeClass }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: PanelServices) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, this),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const uri = editor?.document.uri;
        if (!this.panel || !uri || !isWebhookUri(uri) || uri.toString() === this.source?.toString()) return;
        this.setSource(uri);
        this.schedule(0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && e.document.uri.toString() === this.source?.toString()) this.schedule(RENDER_DEBOUNCE_MS);
      }),
      // A short delay lets the composition root drop its cached lints first.
      services.samples.onDidChange(() => this.schedule(20)),
      services.secrets.onDidChange(() => this.schedule(20)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsStudio(e)) this.schedule(20);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule(20)),
    );
  }

  /** Shows the preview of `source` beside its editor (reusing the panel), and keeps it current. */
  async open(source: vscode.Uri): Promise<PanelOpened> {
    if (this.panel) this.panel.reveal(undefined, true);
    else {
      const place = await this.placeBeside(source);
      this.adopt(this.createPanel(place.column));
      // The new group below took the focus: give it back to the editor, as a panel opened beside it does.
      if (place.refocus) {
        // Groups were renumbered by the new one: find the editor's group again by its tab.
        const uri = place.refocus.document.uri.toString();
        const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri));
        if (group) await vscode.window.showTextDocument(place.refocus.document, { viewColumn: group.viewColumn, preserveFocus: false });
      }
    }
    this.setSource(source);
    await this.refresh();
    return { source: source.toString(), view: 'webview', visible: this.panel?.visible ?? false };
  }

  /**
   * A send of `source` with the selected sample finished (from a command): it is kept as that file's and
   * sample's last result, and the panel shows it when it shows that file with that sample.
   */
  showResult(source: vscode.Uri, outcome: SendOutcome): void {
    const result = this.keep(source, sampleId(outcome.sample), outcome);
    if (this.panel && source.toString() === this.source?.toString()) this.post(createMessage(ResultMessage, result));
  }

  /** Opens the preview of `source` (showing its state first) and shows the delivery compared with it. */
  async showDeliveryDiff(source: vscode.Uri, diff: DeliveryDiffParams): Promise<void> {
    await this.open(source);
    this.post(createMessage(DeliveryDiffMessage, diff));
  }

  /**
   * Shows a workflow run in the Workflow tab, step by step as it goes; the panel opens on the run's first step
   * when it is not open yet.
   */
  showWorkflowRun(run: WorkflowRunOutcome, inProgress = false): void {
    if (!this.panel) {
      const first = run.steps[0]?.uri;
      if (first) void this.open(vscode.Uri.parse(first));
    }
    const params: WorkflowRunParams = { ...workflowRunView(run), ...(inProgress ? { inProgress: true } : {}) };
    this.lastRun = params;
    this.post(createMessage(WorkflowRunMessage, params));
  }

  /** Keeps the result of a send of `source` with the sample `sample` (an id) as that pair's last one. */
  private keep(source: vscode.Uri, sample: string, outcome: SendOutcome) {
    const result = resultOf(outcome, readSettings(source).maxResponseBytes, { fileUri: source.toString(), sampleId: sample });
    this.results.set(result);
    return result;
  }

  /** Keeps a result of a send from the panel and posts it; the page shows it only under its own file and sample. */
  private deliver(source: vscode.Uri, sample: string, outcome: SendOutcome): void {
    this.post(createMessage(ResultMessage, this.keep(source, sample, outcome)));
  }

  /** Shows a past execution record, opening the panel on its file when that file still exists. */
  async showRecord(record: ExecutionRecord, file: vscode.Uri | undefined): Promise<void> {
    if (file) await this.open(file);
    else if (!this.panel) this.adopt(this.createPanel());
    else this.panel.reveal(undefined, true);
    // The record is shown under the file it was opened on (its banner names its own sample and file).
    const owner: ResultOwner = this.lastState ? { fileUri: this.lastState.fileUri, sampleId: this.lastState.selectedSample } : { fileUri: '', sampleId: '' };
    this.post(createMessage(LogRecordMessage, pastResultOf(record, readSettings(file).maxResponseBytes, owner)));
  }

  /** Restores the panel after a reload from the state the page persisted. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.panel) {
      // Only one preview panel exists; a second restored one would show the same thing.
      panel.dispose();
      return;
    }
    const restored = parsePanelState(state);
    this.adopt(panel);
    if (restored) {
      this.tab = restored.tab;
      try {
        this.setSource(vscode.Uri.parse(restored.fileUri, true));
      } catch {
        this.services.log.debug('preview: the restored panel state named no valid file');
      }
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    if (!this.source && active && isWebhookUri(active)) this.setSource(active);
    await this.refresh();
  }

  /** True when the panel is visible and shows `uri`: a result of that file is seen there. */
  showsResultOf(uri: vscode.Uri): boolean {
    return this.panel?.visible === true && this.source?.toString() === uri.toString();
  }

  /** The state last posted to the page (for tests). */
  state(): StateParams | undefined {
    return this.lastState;
  }

  /** Takes a raw message as if the page had posted it; malformed ones are ignored. */
  async receive(raw: unknown): Promise<Received> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.services.log.debug(`preview: ignored a malformed message from the webview (${typeof raw})`);
      return 'ignored';
    }
    await this.handle(message);
    return 'handled';
  }

  /**
   * Where a new panel opens: beside the source's editor, in the group to its right (a new one when there is none).
   * When the editor is the rightmost of two or more columns, a third column would leave it a sliver (the
   * walkthrough's layout: walkthrough, example); the panel then opens in a new group below the column to the
   * editor's left, so it covers nothing and the editor keeps its width. Returns the column to open in, and the
   * editor to focus again afterwards.
   */
  private async placeBeside(source: vscode.Uri): Promise<{ column: vscode.ViewColumn; refocus?: vscode.TextEditor }> {
    const beside = { column: vscode.ViewColumn.Beside };
    const editor = vscode.window.activeTextEditor;
    const column = editor?.viewColumn;
    if (!editor || editor.document.uri.toString() !== source.toString() || column === undefined) return beside;
    const columns = new Set(vscode.window.tabGroups.all.map((g) => g.viewColumn));
    if (columns.has(column + 1) || !columns.has(column - 1)) return beside;
    await vscode.commands.executeCommand('workbench.action.focusLeftGroup');
    await vscode.commands.executeCommand('workbench.action.newGroupBelow');
    return { column: vscode.ViewColumn.Active, refocus: editor };
  }

  private createPanel(viewColumn: vscode.ViewColumn = vscode.ViewColumn.Beside): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      'Webhook Preview',
      { viewColumn, preserveFocus: true },
      // Kept alive while hidden (docs/architecture.md, The editor: why the preview is retained).
      { enableScripts: true, localResourceRoots: [this.dist()], retainContextWhenHidden: true, enableFindWidget: true },
    );
    return panel;
  }

  private dist(): vscode.Uri {
    return vscode.Uri.joinPath(this.services.extensionUri, 'dist');
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.dist()] };
    this.ready = false;
    this.panelSubscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.forgetPanel()),
    );
    this.load(panel, 0);
  }

  /**
   * Sets the page, and sets it again when a visible page has not said `ready` within a few seconds: a
   * webview that failed to load (seen on busy machines) would otherwise stay blank until the user closed it.
   */
  private load(panel: vscode.WebviewPanel, attempt: number): void {
    panel.webview.html = this.html(panel.webview);
    clearTimeout(this.loadTimer);
    if (attempt >= MAX_RELOADS) return;
    this.loadTimer = setTimeout(() => {
      if (this.panel !== panel || this.ready || !panel.visible) return;
      this.services.log.warn(`preview: the panel's page did not load within ${LOAD_TIMEOUT_MS / 1000} s; loading it again`);
      this.load(panel, attempt + 1);
    }, LOAD_TIMEOUT_MS);
  }

  private html(webview: vscode.Webview): string {
    const at = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.dist(), name)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: at('webview.js'),
      styleUris: [at('webview.css')],
      codiconUri: at('codicon.css'),
    });
  }

  private forgetPanel(): void {
    clearTimeout(this.loadTimer);
    for (const d of this.panelSubscriptions) d.dispose();
    this.panelSubscriptions = [];
    this.panel = undefined;
    this.ready = false;
    this.pending = [];
    this.lastState = undefined;
    this.shownKey = undefined;
    this.inFlight?.cancel.cancel();
    clearTimeout(this.timer);
  }

  private setSource(source: vscode.Uri): void {
    if (source.toString() !== this.source?.toString()) {
      this.revealed = false;
      this.allResults = new Map();
    }
    this.source = source;
    if (this.panel) this.panel.title = `Preview ${fileName(source)}`;
  }

  private schedule(delayMs: number): void {
    if (!this.panel || !this.source) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  private post(message: HostToWebview): void {
    if (!this.panel) return;
    if (!this.ready) {
      // Only the newest state matters; everything else is delivered in order once the page listens.
      if (message.method === 'state') this.pending = this.pending.filter((m) => m.method !== 'state');
      this.pending.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private fail(message: string): void {
    this.post(createMessage(ErrorMessage, { message }));
  }

  /** Renders the current file and posts its state; a newer render started meanwhile wins. */
  private async refresh(): Promise<void> {
    const source = this.source;
    if (!this.panel || !source) return;
    const run = ++this.renders;
    try {
      const state = await this.stateOf(source);
      if (run !== this.renders || source !== this.source) return;
      this.lastState = state;
      const owner = { fileUri: state.fileUri, sampleId: state.selectedSample };
      const key = ResultStore.key(owner);
      const last = key !== this.shownKey ? this.results.get(owner) : undefined;
      this.shownKey = key;
      this.post(createMessage(StateMessage, last ? { ...state, lastResult: last } : state));
      if (this.tab === 'samples' && this.inFlight?.kind !== 'all') await this.postReport();
    } catch (error) {
      if (run === this.renders) this.fail(`${vscode.workspace.asRelativePath(source)} could not be rendered: ${(error as Error).message}`);
    }
  }

  private async sampleOptions(): Promise<{ options: SampleOption[]; selected: string }> {
    const { samples } = this.services;
    const all = await samples.selectable();
    const selected = sampleId(await samples.selected(this.source));
    return { options: all.map((s) => ({ id: sampleId(s), name: s.name, builtin: s.builtin })), selected };
  }

  private async stateOf(source: vscode.Uri): Promise<StateParams> {
    const { analyzer, secrets } = this.services;
    const analysis = await analyzer.analyzeUri(source);
    const trusted = vscode.workspace.isTrusted;
    const revealed = this.revealed && trusted;
    let request = analysis.lint.render.request;
    let bodyBreak = analysis.lint.render.bodyBreak;
    if (revealed) {
      await analyzer.prepareSecrets();
      const shown = analyzer.render(source, analysis.doc, analysis.selected, secrets.source());
      request = shown.request;
      bodyBreak = shown.bodyBreak;
    }
    const { options, selected } = await this.sampleOptions();
    const workflow = analysis.workflow;
    const extra: Partial<StateParams> = {
      ...(workflow ? { workflow: { name: workflow.workflow.name, step: workflow.position.step, steps: workflow.position.steps.length } } : {}),
      ...(analysis.lint.render.usesClock ? { usesClock: true } : {}),
    };
    return withExtra(
      extra,
      buildState(analysis, {
        fileUri: source.toString(),
        file: vscode.workspace.asRelativePath(source),
        request,
        ...(bodyBreak ? { bodyBreak } : {}),
        revealed,
        trusted,
        samples: options,
        selectedSample: selected,
        escaping: readSettings(source).escaping,
      }),
    );
  }

  private async postReport(results: ReadonlyMap<string, { status?: number; outcome: OutcomeClass }> = this.allResults, inProgress = false): Promise<void> {
    const source = this.source;
    if (!source) return;
    const { analyzer, samples, secrets } = this.services;
    const analysis = await analyzer.analyzeUri(source);
    const { samples: inPlay } = await samples.inPlay(source);
    const rows = buildSamplesReport({
      doc: analysis.doc,
      samples: (await this.reportSamples()).map((sample) => ({ option: { id: sampleId(sample), name: sample.name, builtin: sample.builtin }, sample })),
      inPlay,
      options: analyzer.options(source, analyzer.secretSource()),
      secretExists: (name) => secrets.has(name),
      results,
    });
    this.post(createMessage(SamplesReportMessage, inProgress ? { rows, inProgress: true } : { rows }));
  }

  /** The samples the Samples tab compares: the workspace's, or the built-in one when there are none. */
  private async reportSamples() {
    const workspace = await this.services.samples.workspaceSamples();
    return workspace.length > 0 ? workspace : (await this.services.samples.selectable()).filter((s) => s.builtin);
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.method) {
      case 'ready':
        this.ready = true;
        // A page that loaded again may hold a persisted result of the pair or none: the next state carries the pair's own.
        this.shownKey = undefined;
        await this.refresh();
        this.flush();
        if (this.lastRun) this.post(createMessage(WorkflowRunMessage, this.lastRun));
        return;
      case 'send':
        return this.send(false);
      case 'sendToInbox':
        return this.send(true);
      case 'sendToAll':
        return this.sendToAll(false);
      case 'sendAllToInbox':
        return this.sendToAll(true);
      case 'runWorkflow':
        if (this.source) await vscode.commands.executeCommand('webhookStudio.runWorkflow', this.source);
        return;
      case 'cancel':
        this.inFlight?.cancel.cancel();
        return;
      case 'copyCurl':
        if (this.source)
          await vscode.commands.executeCommand('webhookStudio.copyAsCurl', this.source, { withSecrets: this.revealed && vscode.workspace.isTrusted });
        return;
      case 'selectSample': {
        const sample = await this.services.samples.select(message.params.id, this.source);
        if (!sample) this.fail('That sample no longer exists.');
        return;
      }
      case 'setReveal':
        this.revealed = message.params.revealed && vscode.workspace.isTrusted;
        return this.refresh();
      case 'openProblem':
        return this.openProblem(message.params.line, message.params.column);
      case 'showTab':
        this.tab = message.params.tab;
        if (this.tab === 'samples' && this.inFlight?.kind !== 'all') await this.postReport();
        return;
    }
  }

  private flush(): void {
    const queued = this.pending.filter((m) => m.method !== 'state');
    this.pending = [];
    for (const m of queued) this.post(m);
  }

  private async openProblem(line: number, column: number): Promise<void> {
    const source = this.source;
    if (!source) return;
    const { text } = await readDocumentText(source);
    const lines = text.split(/\r\n|\r|\n/);
    const row = Math.min(line - 1, Math.max(0, lines.length - 1));
    const position = new vscode.Position(row, Math.min(column - 1, lines[row]?.length ?? 0));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === source.toString());
    const editor = await vscode.window.showTextDocument(source, {
      viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
      preserveFocus: false,
    });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async send(toInbox: boolean): Promise<void> {
    const source = this.source;
    if (!source || this.inFlight) return;
    const cancel = new vscode.CancellationTokenSource();
    const kind: SendKind = toInbox ? 'inbox' : 'send';
    this.inFlight = { kind, cancel };
    this.post(createMessage(SendingMessage, { kind, startedAt: Date.now() }));
    try {
      const outcome = await this.services.send(source, { toInbox, cancel: cancel.token });
      if (isRefusal(outcome)) this.fail(outcome.reason);
      else this.deliver(source, sampleId(outcome.sample), outcome);
    } catch (error) {
      this.fail(`Not sent: ${(error as Error).message}`);
    } finally {
      cancel.dispose();
      this.inFlight = undefined;
    }
  }

  /**
   * Sends the request once per sample, each rendered for its own sample: the selected sample is never
   * changed, so a cancelled or failed run leaves the user's selection as it was. Real requests go out only
   * once the user has agreed to that host (asked once per workspace); the local inbox needs no asking.
   */
  private async sendToAll(toInbox: boolean): Promise<void> {
    const source = this.source;
    if (!source || this.inFlight) return;
    const samples = await this.reportSamples();
    if (!toInbox) {
      const answer = await this.confirmSendToAll(source, samples);
      if (answer === 'cancel' || this.inFlight || source !== this.source) return;
      toInbox = answer === 'inbox';
    }
    const cancel = new vscode.CancellationTokenSource();
    this.inFlight = { kind: 'all', cancel };
    const results = new Map<string, { status?: number; outcome: OutcomeClass }>();
    this.allResults = results;
    this.post(createMessage(SendingMessage, { kind: 'all' as const, startedAt: Date.now() }));
    try {
      await this.postReport(results, true);
      for (const sample of samples) {
        if (cancel.token.isCancellationRequested) break;
        const outcome = await this.services.send(source, { sample, cancel: cancel.token, notify: false, toInbox });
        if (isRefusal(outcome)) {
          this.fail(outcome.reason);
          break;
        }
        const response = outcome.record.response;
        const id = sampleId(sample);
        results.set(id, { ...(response ? { status: response.status } : {}), outcome: outcome.record.outcome });
        this.deliver(source, id, outcome);
        await this.postReport(results, true);
      }
    } catch (error) {
      this.fail(`Send to all stopped: ${(error as Error).message}`);
    } finally {
      cancel.dispose();
      this.inFlight = undefined;
      await this.postReport(results).catch((error: unknown) => this.fail(String(error)));
    }
  }

  /**
   * Asks before a send to all fires real requests, naming how many and to which hosts; a yes is remembered for
   * those hosts in this workspace. The answer may also be to send them all to the local inbox instead.
   */
  private async confirmSendToAll(source: vscode.Uri, samples: readonly Sample[]): Promise<'send' | 'inbox' | 'cancel'> {
    const { analyzer, workspaceState } = this.services;
    const analysis = await analyzer.analyzeUri(source);
    const hosts = [...new Set(samples.map((sample) => hostOf(analyzer.render(source, analysis.doc, sample, analyzer.secretSource()).request.url)))].sort();
    const confirmed = workspaceState.get<string[]>(SEND_TO_ALL_CONFIRMED_KEY, []);
    if (hosts.every((host) => confirmed.includes(host))) return 'send';
    const count = samples.length;
    const send = `Send ${count} Request${count === 1 ? '' : 's'}`;
    const inbox = 'Send All to Local Inbox';
    const picked = await vscode.window.showWarningMessage(
      `Send ${count} real request${count === 1 ? '' : 's'} to ${hosts.join(', ')}?`,
      {
        modal: true,
        detail: `One request per sample of the workspace goes to the action's receiver. If you send, Webhook Studio will not ask again for ${hosts.length === 1 ? 'this host' : 'these hosts'} in this workspace.`,
      },
      send,
      inbox,
    );
    if (picked === send) {
      await this.allowSendToAll(hosts);
      return 'send';
    }
    return picked === inbox ? 'inbox' : 'cancel';
  }

  /** Remembers for this workspace that a send to all may go to these hosts (`host:port`) without asking. */
  async allowSendToAll(hosts: readonly string[]): Promise<void> {
    const { workspaceState } = this.services;
    const confirmed = workspaceState.get<string[]>(SEND_TO_ALL_CONFIRMED_KEY, []);
    await workspaceState.update(SEND_TO_ALL_CONFIRMED_KEY, [...new Set([...confirmed, ...hosts])].sort());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    this.forgetPanel();
    for (const d of this.disposables) d.dispose();
  }
}

function withExtra(extra: Partial<StateParams>, state: StateParams): StateParams {
  return { ...state, ...extra };
}

/** A workflow run as the Workflow tab shows it: records are redacted already; bodies are cut for the page. */
export function workflowRunView(run: WorkflowRunOutcome): WorkflowRunParams {
  const cut = (text: string) => (text.length > 4000 ? `${text.slice(0, 4000)}…` : text);
  return {
    name: run.workflow,
    file: run.file,
    sample: run.sample,
    total: run.steps.length,
    ok: run.ok,
    steps: run.steps.map((s) => {
      const record = s.record;
      const response = record?.response;
      return {
        step: s.step,
        file: s.file,
        ok: s.ok,
        ...(record
          ? {
              method: record.request.method,
              url: record.request.url,
              requestBody: record.request.body === null ? null : cut(record.request.body),
              outcome: record.outcome,
            }
          : {}),
        ...(response ? { status: response.status, statusText: response.statusText, responseBody: cut(response.bodyPreview) } : {}),
        ...(s.refused !== undefined ? { error: s.refused } : record?.error ? { error: `${record.error.message} ${record.error.hint}`.trim() } : {}),
        ...(s.saved !== undefined ? { saved: cut(JSON.stringify(s.saved)) } : {}),
      };
    }),
  };
}
