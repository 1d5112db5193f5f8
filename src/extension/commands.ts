import * as vscode from 'vscode';
import { importSamplesFromCsv, type ImportOptions } from './importCsv';
import { builtinSampleFileText } from '../core/builtinSample';
import { fromCurl, toCurl } from '../core/curl';
import { parseJsonc } from '../core/jsonc';
import { toPlainRequest } from '../core/redact';
import type { QuickFix } from '../core/types';
import type { Analyzer, RenderedView } from './analysis';
import { workspaceEditOf } from './codeActions';
import { fileExists, isWebhookUri } from './convert';
import type { DiagnosticsController, WorkspaceValidation } from './diagnostics';
import type { InboxService, InboxState } from './inbox';
import type { StudioLog } from './log';
import { oauthClientSecretKey, oauthTokenKey, type OAuthService } from './oauth';
import type { PreviewController, PreviewOpened } from './preview';
import { sampleId, type SampleStore } from './samples';
import { SECRET_NAME, type SecretStore } from './secrets';
import { isRefusal, UNTRUSTED_REASON, type Refusal, type SendOutcome, type SendService } from './send';
import { CREATE_EXAMPLE_COMMAND } from './walkthrough';

/** The services the commands act through. */
export interface CommandServices {
  readonly analyzer: Analyzer;
  readonly samples: SampleStore;
  readonly secrets: SecretStore;
  readonly oauth: OAuthService;
  readonly sends: SendService;
  readonly inbox: InboxService;
  readonly diagnostics: DiagnosticsController;
  readonly preview: PreviewController;
  readonly log: StudioLog;
  readonly storage: vscode.SecretStorage;
}

/** What `selectSample` returns. */
export interface SelectedSample {
  readonly id: string;
  readonly name: string;
  readonly file?: string;
}

function refusal(reason: string, log: StudioLog): Refusal {
  log.warn(reason);
  void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`);
  return { refused: true, reason };
}

/** The webhook file a command acts on: its Uri argument, else the active editor's file. */
function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isWebhookUri(active)) return active;
  // Run from the walkthrough or a view, no text editor has focus: the webhook file in sight is meant.
  return vscode.window.visibleTextEditors.map((e) => e.document.uri).find(isWebhookUri);
}

/** A file name in `folder` that does not exist yet: `base.ext`, then `base-2.ext`, … */
async function freeUri(folder: vscode.Uri, base: string, ext: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const uri = vscode.Uri.joinPath(folder, `${base}${i === 1 ? '' : `-${i}`}${ext}`);
    if (!(await fileExists(uri))) return uri;
  }
}

function rootFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'from-curl'
  );
}

/** Registers every `webhookStudio.*` command; each returns its result when called programmatically. */
export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const guarded =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | Refusal> => {
      try {
        return await run(...args);
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        s.log.error(`${name} failed: ${message}`);
        void vscode.window.showErrorMessage(`Webhook Studio: ${message}`);
        return { refused: true, reason: message };
      }
    };
  const withFile = <A extends unknown[], R>(name: string, run: (uri: vscode.Uri, ...rest: A) => Promise<R>) =>
    guarded(name, async (arg?: unknown, ...rest: A): Promise<R | Refusal> => {
      const uri = targetOf(arg);
      if (!uri) {
        const reason = 'Open a *.webhook.json file first (or pass its Uri).';
        s.log.warn(reason);
        void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`, 'Create Example').then((pick) => {
          if (pick) void vscode.commands.executeCommand(CREATE_EXAMPLE_COMMAND);
        });
        return { refused: true, reason };
      }
      return run(uri, ...rest);
    });

  const handlers: Record<string, (...args: never[]) => unknown> = {
    'webhookStudio.sendTestRequest': withFile('sendTestRequest', async (uri): Promise<SendOutcome['record'] | Refusal> => {
      const outcome = await s.sends.send(uri);
      if (isRefusal(outcome)) return outcome;
      s.preview.showResult(uri, outcome);
      return outcome.record;
    }),
    'webhookStudio.sendToInbox': withFile('sendToInbox', async (uri): Promise<SendOutcome | Refusal> => {
      const outcome = await s.sends.send(uri, { toInbox: true });
      if (!isRefusal(outcome)) s.preview.showResult(uri, outcome);
      return outcome;
    }),
    'webhookStudio.openPreview': withFile('openPreview', (uri): Promise<PreviewOpened> => s.preview.open(uri)),
    'webhookStudio.renderRequest': withFile('renderRequest', async (uri): Promise<RenderedView> => {
      const view = await s.analyzer.renderView(uri);
      s.log.debug(`rendered ${vscode.workspace.asRelativePath(uri)} with sample "${view.sample}": ${view.method} ${view.url}`);
      return view;
    }),
    'webhookStudio.copyAsCurl': withFile('copyAsCurl', async (uri, options?: { withSecrets?: boolean }): Promise<string | Refusal> => {
      const reveal = options?.withSecrets === true;
      if (reveal && !vscode.workspace.isTrusted) return refusal(UNTRUSTED_REASON, s.log);
      const analysis = await s.analyzer.analyzeUri(uri);
      const request = reveal ? s.analyzer.render(uri, analysis.doc, analysis.selected, s.secrets.source()).request : analysis.lint.render.request;
      const text = toCurl(toPlainRequest(request, reveal));
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(`Webhook Studio: cURL command copied${reveal ? ' with secrets' : ' (secrets masked)'}.`);
      return text;
    }),
    'webhookStudio.newFromCurl': guarded('newFromCurl', async (command?: unknown): Promise<vscode.Uri | Refusal> => {
      const input =
        typeof command === 'string'
          ? command
          : await vscode.window.showInputBox({
              title: 'New webhook from cURL',
              prompt: 'Paste a curl command',
              placeHolder: "curl -X POST https://api.example.com/v1/leads -H 'Content-Type: application/json' -d '{…}'",
              ignoreFocusOut: true,
            });
      if (input === undefined) return { refused: true, reason: 'cancelled' };
      const imported = fromCurl(input);
      if (!imported.ok) return refusal(imported.error, s.log);
      const folder = rootFolder();
      if (!folder) return refusal('Open a folder first: the new webhook file is written into it.', s.log);
      const name: unknown = parseJsonc(imported.text).root?.children?.find((p) => p.children?.[0]?.value === 'name')?.children?.[1]?.value;
      const uri = await freeUri(folder, slug(typeof name === 'string' ? name : 'from-curl'), '.webhook.json');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(imported.text));
      await vscode.window.showTextDocument(uri, { preview: false });
      await s.preview.open(uri);
      for (const w of imported.warnings) s.log.warn(`newFromCurl: ${w}`);
      if (imported.warnings.length > 0)
        void vscode.window.showWarningMessage(`Webhook Studio: imported with ${imported.warnings.length} note(s): ${imported.warnings.join(' ')}`);
      return uri;
    }),
    'webhookStudio.selectSample': guarded('selectSample', async (ref?: unknown): Promise<SelectedSample | Refusal> => {
      let id: string | undefined = ref instanceof vscode.Uri ? ref.toString() : typeof ref === 'string' ? ref : undefined;
      if (id === undefined) {
        const current = sampleId(await s.samples.selected());
        const items = (await s.samples.selectable()).map((sample) => ({
          label: sample.name,
          description: sample.file ? vscode.workspace.asRelativePath(sample.file) : 'built in',
          picked: sampleId(sample) === current,
          id: sampleId(sample),
        }));
        const pick = await vscode.window.showQuickPick(items, {
          title: 'Webhook Studio: sample used for completion, hover, lint and sends',
          placeHolder: 'Pick a sample',
        });
        if (!pick) return { refused: true, reason: 'cancelled' };
        id = pick.id;
      }
      const sample = await s.samples.select(id);
      if (!sample) return refusal(`No sample "${id}": pass a sample's name, path or id.`, s.log);
      s.log.info(`sample "${sample.name}" selected`);
      return { id: sampleId(sample), name: sample.name, ...(sample.file ? { file: sample.file } : {}) };
    }),
    'webhookStudio.createSample': guarded('createSample', async (): Promise<vscode.Uri | Refusal> => {
      const folder = rootFolder();
      if (!folder) return refusal('Open a folder first: the sample file is written into it.', s.log);
      const dir = vscode.Uri.joinPath(folder, 'samples');
      await vscode.workspace.fs.createDirectory(dir);
      const uri = await freeUri(dir, 'contact', '.sample.json');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(builtinSampleFileText()));
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri;
    }),
    'webhookStudio.validateWorkspace': guarded('validateWorkspace', async (): Promise<WorkspaceValidation> => {
      const result = await s.diagnostics.validateWorkspace();
      const line = `${result.files} webhook file(s): ${result.errors} error(s), ${result.warnings} warning(s), ${result.infos} info(s)`;
      s.log.info(line);
      void vscode.window.showInformationMessage(`Webhook Studio: ${line}. See the Problems view.`);
      return result;
    }),
    'webhookStudio.setSecret': guarded('setSecret', async (nameArg?: unknown, valueArg?: unknown): Promise<{ name: string; set: true } | Refusal> => {
      const name =
        typeof nameArg === 'string'
          ? nameArg
          : await vscode.window.showInputBox({
              title: 'Set secret',
              prompt: 'Secret name, as in {{secrets.NAME}}',
              ignoreFocusOut: true,
              validateInput: (v) => (SECRET_NAME.test(v) ? undefined : 'Letters, digits, _ and -; not starting with a digit.'),
            });
      if (name === undefined) return { refused: true, reason: 'cancelled' };
      if (!SECRET_NAME.test(name)) return refusal(`"${name}" is not a valid secret name: use letters, digits, _ and -, not starting with a digit.`, s.log);
      const value =
        typeof valueArg === 'string'
          ? valueArg
          : await vscode.window.showInputBox({
              title: `Secret ${name}`,
              prompt: `Value of {{secrets.${name}}}; kept in VS Code secret storage`,
              password: true,
              ignoreFocusOut: true,
            });
      if (value === undefined) return { refused: true, reason: 'cancelled' };
      await s.secrets.set(name, value);
      s.log.info(`secret "${name}" stored`);
      return { name, set: true };
    }),
    'webhookStudio.deleteSecret': guarded('deleteSecret', async (nameArg?: unknown): Promise<{ name: string; deleted: boolean } | Refusal> => {
      await s.secrets.ready();
      const name =
        typeof nameArg === 'string'
          ? nameArg
          : await vscode.window.showQuickPick(s.secrets.list(), {
              title: 'Delete secret',
              placeHolder: s.secrets.list().length ? 'Pick the secret to delete' : 'No secrets stored',
            });
      if (name === undefined) return { refused: true, reason: 'cancelled' };
      const deleted = await s.secrets.delete(name);
      s.log.info(deleted ? `secret "${name}" deleted` : `no secret "${name}" to delete`);
      return { name, deleted };
    }),
    'webhookStudio.listSecrets': guarded('listSecrets', async (): Promise<{ names: string[] }> => {
      await s.secrets.ready();
      const names = s.secrets.list();
      const line = names.length ? `Stored secrets: ${names.join(', ')}` : 'No secrets stored.';
      s.log.info(line);
      void vscode.window.showInformationMessage(`Webhook Studio: ${line}`);
      return { names };
    }),
    'webhookStudio.setOAuthToken': guarded(
      'setOAuthToken',
      async (nameArg?: unknown, tokenArg?: unknown): Promise<{ connection: string; set: true } | Refusal> => {
        const name =
          typeof nameArg === 'string'
            ? nameArg
            : await vscode.window.showInputBox({
                title: 'OAuth connection',
                prompt: 'Connection name, as in "auth": { "type": "oauth2", "connection": "NAME" }',
                ignoreFocusOut: true,
              });
        if (!name) return { refused: true, reason: 'cancelled' };
        const token =
          typeof tokenArg === 'string'
            ? tokenArg
            : await vscode.window.showInputBox({ title: `Access token of ${name}`, password: true, ignoreFocusOut: true });
        if (token === undefined) return { refused: true, reason: 'cancelled' };
        await s.storage.store(oauthTokenKey(name), token);
        s.oauth.reset();
        s.log.info(`access token of OAuth connection "${name}" stored`);
        return { connection: name, set: true };
      },
    ),
    'webhookStudio.setOAuthClientSecret': guarded(
      'setOAuthClientSecret',
      async (nameArg?: unknown, secretArg?: unknown): Promise<{ connection: string; set: true } | Refusal> => {
        const name =
          typeof nameArg === 'string'
            ? nameArg
            : await vscode.window.showInputBox({
                title: 'OAuth connection',
                prompt: 'Connection name from the webhookStudio.oauth.connections setting',
                ignoreFocusOut: true,
              });
        if (!name) return { refused: true, reason: 'cancelled' };
        const secret =
          typeof secretArg === 'string'
            ? secretArg
            : await vscode.window.showInputBox({ title: `Client secret of ${name}`, password: true, ignoreFocusOut: true });
        if (secret === undefined) return { refused: true, reason: 'cancelled' };
        await s.storage.store(oauthClientSecretKey(name), secret);
        s.oauth.reset();
        s.log.info(`client secret of OAuth connection "${name}" stored`);
        return { connection: name, set: true };
      },
    ),
    'webhookStudio.startInbox': guarded('startInbox', async (): Promise<InboxState> => {
      const inbox = await s.inbox.start();
      void vscode.window.showInformationMessage(`Webhook Studio: local inbox listening on ${inbox.url}`);
      return { url: inbox.url };
    }),
    'webhookStudio.stopInbox': guarded('stopInbox', (): Promise<InboxState> => s.inbox.stop()),
    'webhookStudio.applySecretFix': guarded('applySecretFix', async (uri: vscode.Uri, version: number, fix: QuickFix): Promise<{ applied: boolean }> => {
      if (fix.storeSecret) await s.secrets.set(fix.storeSecret.name, fix.storeSecret.value);
      const document = await vscode.workspace.openTextDocument(uri);
      let edits = fix;
      if (document.version !== version) {
        // The file changed since the fix was offered: take the same fix from a fresh lint.
        const fresh = await s.analyzer.analyze(uri, document.getText(), document.version);
        const again = fresh.lint.diagnostics.flatMap((d) => d.fixes ?? []).find((f) => f.title === fix.title);
        if (!again) return { applied: false };
        edits = again;
      }
      const applied = await vscode.workspace.applyEdit(workspaceEditOf(uri, edits, (o) => document.positionAt(o)));
      if (fix.storeSecret) s.log.info(`moved a literal into secret storage as "${fix.storeSecret.name}"`);
      return { applied };
    }),
    'webhookStudio.importSamplesFromCsv': guarded('importSamplesFromCsv', (csv?: unknown, options?: ImportOptions) =>
      importSamplesFromCsv(s.log, csv, options),
    ),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
