import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { Analyzer } from './analysis';
import { registerBodyEditor } from './bodyEditor';
import { ActionCodeLensProvider } from './codeLens';
import { CONTRACT_COMPLETION_TRIGGERS, ContractCompletionProvider, ContractHoverProvider } from './contractAuthoring';
import { registerContractCommands } from './contractCommands';
import { ContractService } from './contracts';
import { QuickFixProvider } from './codeActions';
import { registerCommands } from './commands';
import { COMPLETION_TRIGGERS, TemplateCompletionProvider } from './completion';
import { affectsStudio, readSettings } from './config';
import { WEBHOOK_SELECTOR } from './convert';
import { TemplateDefinitionProvider } from './definition';
import { DiagnosticsController } from './diagnostics';
import { WorkspaceFileSearch } from './fileSearch';
import { TemplateHoverProvider } from './hover';
import { InboxService } from './inbox';
import { InboxRulesCompletionProvider, INBOX_RULES_SELECTOR } from './inboxCompletion';
import { InboxRulesWatcher } from './inboxRules';
import { StudioLog } from './log';
import { OAuthService } from './oauth';
import { WebviewPreviewController } from './panel/previewPanel';
import { SampleStore } from './samples';
import { ActionTests } from './testing';
import { SecretStore } from './secrets';
import { ExecutionRecords } from './executionRecords';
import { SendService } from './send';
import { SampleStatusBar } from './statusBar';
import { registerViews, type StudioViews } from './views/registerViews';
import { registerWalkthroughCommands } from './walkthrough';
import { StepCodeLensProvider, WorkflowCodeLensProvider, WorkflowStepCompletionProvider } from './workflowLens';
import { WORKFLOW_SELECTOR, WorkflowIndex } from './workflows';

/** What `activate()` returns: the extension's API, read by the integration tests. */
export interface StudioApi {
  /** How long `activate()` took, in milliseconds. */
  readonly activationMs: number;
  /** The providers, for measuring them without the command round trip. */
  readonly providers: {
    readonly completion: TemplateCompletionProvider;
    readonly hover: TemplateHoverProvider;
  };
  /** The sample status bar item's text. */
  statusText(): string;
  /** The preview panel: what it last showed, and its message handler (malformed messages are ignored). */
  readonly preview: Pick<WebviewPreviewController, 'state' | 'receive' | 'allowSendToAll'>;
  /** The Execution Logs and Local Inbox views. */
  readonly views: StudioViews;
  /** The Testing view's controller: one test per action × sample. */
  readonly tests: ActionTests;
}

/** Composition root: wires services and providers; does no work up front (samples load on first need). */
export function activate(context: vscode.ExtensionContext): StudioApi {
  const started = performance.now();
  const subs = context.subscriptions;
  const secrets = new SecretStore(context.secrets);
  const oauth = new OAuthService(context.secrets);
  const log = new StudioLog(() => [...secrets.knownValues(), ...oauth.knownValues()]);
  const lintCollection = vscode.languages.createDiagnosticCollection('webhook-studio');
  const sampleCollection = vscode.languages.createDiagnosticCollection('webhook-studio-samples');
  const search = new WorkspaceFileSearch({ log });
  const samples = new SampleStore(
    context.workspaceState,
    sampleCollection,
    () => vscode.workspace.getConfiguration('webhookStudio').get<string>('samples.glob') || '**/*.sample.json',
    search,
    log,
  );
  const storageDir = context.storageUri ?? context.globalStorageUri;
  const contracts = new ContractService(storageDir, log);
  const records = new ExecutionRecords(storageDir);
  const workflows = new WorkflowIndex(samples, records, search, () => readSettings().workflowsGlob);
  const analyzer = new Analyzer(workflows, secrets, oauth, contracts);
  const diagnostics = new DiagnosticsController(analyzer, lintCollection, (m) => log.warn(m), search);
  const inboxCollection = vscode.languages.createDiagnosticCollection('webhook-studio-inbox');
  const inboxRules = new InboxRulesWatcher(inboxCollection, search, log);
  const inbox = new InboxService(log, inboxRules);
  // The preview is built below; a send asks it only once it runs.
  const sends = new SendService(analyzer, secrets, oauth, inbox, log, records, (uri): boolean => preview.showsResultOf(uri));
  const knownSecrets = (): string[] => [...secrets.knownValues(), ...oauth.knownValues()];
  const preview = new WebviewPreviewController({
    analyzer,
    samples,
    secrets,
    log,
    extensionUri: context.extensionUri,
    workspaceState: context.workspaceState,
    send: (uri, request) => sends.send(uri, request),
  });
  const views = registerViews({
    records,
    inbox,
    log,
    knownSecrets,
    showRecord: (record, file) => preview.showRecord(record, file),
    replay: (record, toInbox) => sends.replay(record, { toInbox }),
    sendCaptured: (capture, base) => sends.sendCaptured(capture, base),
    secretPairs: async () => {
      await secrets.loadValues();
      const source = secrets.source();
      return secrets.list().flatMap((name) => {
        const value = source.get(name);
        return value === undefined ? [] : [[name, value] as const];
      });
    },
  });
  const completion = new TemplateCompletionProvider(workflows, secrets);
  const hover = new TemplateHoverProvider(workflows, secrets);
  const definition = new TemplateDefinitionProvider(samples, workflows);
  const statusBar = new SampleStatusBar(samples);
  const tests = new ActionTests({ search, samples, sends, log });
  subs.push(
    secrets,
    oauth,
    log,
    lintCollection,
    sampleCollection,
    inboxCollection,
    inboxRules,
    samples,
    diagnostics,
    inbox,
    records,
    sends,
    preview,
    statusBar,
    tests,
    workflows,
    contracts,
  );

  subs.push(
    vscode.languages.registerCompletionItemProvider(WEBHOOK_SELECTOR, completion, ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(WEBHOOK_SELECTOR, hover),
    vscode.languages.registerCompletionItemProvider(INBOX_RULES_SELECTOR, new InboxRulesCompletionProvider(), '{', '.'),
    vscode.languages.registerDefinitionProvider(WEBHOOK_SELECTOR, definition),
    vscode.languages.registerCodeActionsProvider(WEBHOOK_SELECTOR, new QuickFixProvider(analyzer), {
      providedCodeActionKinds: QuickFixProvider.providedCodeActionKinds,
    }),
    vscode.languages.registerCodeLensProvider(WEBHOOK_SELECTOR, new ActionCodeLensProvider()),
    vscode.languages.registerCodeLensProvider(WEBHOOK_SELECTOR, new StepCodeLensProvider(workflows)),
    vscode.languages.registerCodeLensProvider(WORKFLOW_SELECTOR, new WorkflowCodeLensProvider()),
    vscode.languages.registerCompletionItemProvider(WORKFLOW_SELECTOR, new WorkflowStepCompletionProvider(() => search.find('**/*.webhook.json')), '"', '/'),
    ...registerCommands({ analyzer, samples, secrets, oauth, sends, inbox, diagnostics, preview, log, storage: context.secrets, workflows }),
    ...registerWalkthroughCommands(log),
    ...registerBodyEditor({ completion, hover, definition, triggers: COMPLETION_TRIGGERS }),
    vscode.languages.registerCompletionItemProvider(WEBHOOK_SELECTOR, new ContractCompletionProvider(analyzer, contracts), ...CONTRACT_COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(WEBHOOK_SELECTOR, new ContractHoverProvider(analyzer, contracts)),
    ...registerContractCommands({ analyzer, contracts, diagnostics, log }),
    ...views.disposables,
  );
  void vscode.commands.executeCommand('setContext', 'webhookStudio.active', true);

  const relint = (): void => {
    analyzer.invalidate();
    diagnostics.refreshOpen();
  };
  subs.push(
    samples.onDidChange(relint),
    workflows.onDidChange(relint),
    // A contract loaded, fetched or edited on disk: every open action is checked again.
    contracts.onDidChange(relint),
    secrets.onDidChange(relint),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: sending and secrets enabled');
      relint();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsStudio(e)) return;
      if (e.affectsConfiguration('webhookStudio.samples.glob')) samples.reset();
      if (e.affectsConfiguration('webhookStudio.workflows.glob')) workflows.reset();
      // Token requests go through VS Code's proxy, which the token store takes when it is built.
      if (['webhookStudio.oauth.connections', 'http.proxy', 'http.noProxy', 'http.proxyStrictSSL'].some((s) => e.affectsConfiguration(s))) oauth.reset();
      if (e.affectsConfiguration('webhookStudio.inbox')) void inbox.applySettings();
      relint();
    }),
  );
  // Lint the files already open once the host is idle, not during activation.
  const first = setTimeout(() => diagnostics.refreshOpen(), 0);
  subs.push({ dispose: () => clearTimeout(first) });

  const activationMs = performance.now() - started;
  log.debug(`activated in ${activationMs.toFixed(2)} ms`);
  return { activationMs, providers: { completion, hover }, statusText: () => statusBar.text, preview, views: views.views, tests };
}

/** Nothing to release beyond `context.subscriptions`. */
export function deactivate(): void {}
