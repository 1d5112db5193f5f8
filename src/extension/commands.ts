import * as vscode from 'vscode';
import { catalogueSampleFileText } from '../core/builtinSample';
import { importSamplesFromCsv, type ImportOptions as CsvImportOptions } from './importCsv';
import { fromCurl, toCurl } from '../core/curl';
import { parseJsonc } from '../core/jsonc';
import { platformForm, platformFormText } from '../core/platformForm';
import { diffDelivery } from '../core/capture';
import { readCapture } from '../core/captureFile';
import { literalSecretFixes, moveLiteralSecrets } from '../core/literalSecrets';
import { redactText, secretValuesOf, toPlainRequest } from '../core/redact';
import type { DeliveryDiffParams } from '../protocol/messages';
import { readSettings } from './config';
import type { QuickFix } from '../core/types';
import type { Analyzer, RenderedView } from './analysis';
import { openBodyEditor } from './bodyEditor';
import { workspaceEditOf } from './codeActions';
import { fileExists, isWebhookUri } from './convert';
import type { DiagnosticsController, WorkspaceValidation } from './diagnostics';
import type { InboxService, InboxState } from './inbox';
import type { StudioLog } from './log';
import { oauthClientSecretKey, oauthTokenKey, type OAuthService } from './oauth';
import type { PreviewController, PreviewOpened } from './preview';
import { sampleId, type SampleStore } from './samples';
import { SECRET_NAME, type SecretStore } from './secrets';
import { isRefusal, UNTRUSTED_REASON, type Refusal, type SendOutcome, type SendService, type WorkflowRunOutcome, type WorkflowStepOutcome } from './send';
import { isWorkflowUri, type WorkflowIndex } from './workflows';
import { CREATE_EXAMPLE_COMMAND } from './walkthrough';
import { refusal, targetOf } from './commandTarget';

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
  readonly workflows: WorkflowIndex;
}

/** What `selectSample` returns. */
export interface SelectedSample {
  readonly id: string;
  readonly name: string;
  readonly file?: string;
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

/** Options of the curl import commands when called programmatically. */
interface ImportOptions {
  /** Move literal secrets into secret storage at once, instead of offering it. */
  readonly moveSecrets?: boolean;
}

/** `POST api.example.com/v1/leads`: what an import would create, without the query (which may hold a key). */
function describeImport(text: string): string {
  const name: unknown = parseJsonc(text).root?.children?.find((p) => p.children?.[0]?.value === 'name')?.children?.[1]?.value;
  return typeof name === 'string' ? name : '';
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

  /** Moves every literal secret of `uri` into secret storage with the hardcoded-secret fixes, and saves it. */
  const moveSecretsOf = async (uri: vscode.Uri): Promise<string[]> => {
    const document = await vscode.workspace.openTextDocument(uri);
    const moved = moveLiteralSecrets(document.getText());
    for (const secret of moved.secrets) await s.secrets.set(secret.name, secret.value);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), moved.text);
    await vscode.workspace.applyEdit(edit);
    await document.save();
    const names = moved.secrets.map((x) => x.name);
    if (names.length > 0) s.log.info(`moved ${names.length} literal(s) into secret storage: ${names.join(', ')}`);
    return names;
  };

  const importCurl = async (input: string, options?: ImportOptions): Promise<vscode.Uri | Refusal> => {
    const imported = fromCurl(input);
    if (!imported.ok) return refusal(imported.error, s.log);
    const folder = rootFolder();
    if (!folder) return refusal('Open a folder first: the new webhook file is written into it.', s.log);
    const uri = await freeUri(folder, imported.fileStem || 'from-curl', '.webhook.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(imported.text));
    if (options?.moveSecrets === true) await moveSecretsOf(uri);
    await vscode.window.showTextDocument(uri, { preview: false });
    await s.preview.open(uri);
    for (const w of imported.warnings) s.log.warn(`newFromCurl: ${w}`);
    if (imported.warnings.length > 0)
      void vscode.window.showWarningMessage(`Webhook Studio: imported with ${imported.warnings.length} note(s): ${imported.warnings.join(' ')}`);
    const fixes = options?.moveSecrets === true ? [] : literalSecretFixes(imported.text);
    if (fixes.length > 0) {
      const names = fixes.map((f) => f.storeSecret!.name).join(', ');
      void vscode.window
        .showWarningMessage(
          `Webhook Studio: the command holds ${fixes.length} literal secret(s) (${names}), now written in the file. Move them into secret storage and use {{secrets.…}}?`,
          'Move to Secret Storage',
        )
        .then((pick) => (pick ? moveSecretsOf(uri) : undefined));
    }
    return uri;
  };

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
    'webhookStudio.runWorkflow': guarded(
      'runWorkflow',
      async (arg?: unknown, options?: { toInbox?: boolean; sample?: string }): Promise<WorkflowRunOutcome | Refusal> => {
        const given = arg instanceof vscode.Uri ? arg : typeof arg === 'string' && arg !== '' ? vscode.Uri.parse(arg) : undefined;
        const active = vscode.window.activeTextEditor?.document.uri;
        const target = given ?? (active && (isWorkflowUri(active) || isWebhookUri(active)) ? active : undefined);
        if (!target) return refusal('Open a *.workflow.json file, or a step of one, to run its workflow.', s.log);
        const entry = isWorkflowUri(target) ? await s.workflows.entry(target) : (await s.workflows.find(target))?.workflow;
        if (!entry) return refusal(`${vscode.workspace.asRelativePath(target)} is not a step of any workflow (*.workflow.json).`, s.log);
        const broken = entry.file.diagnostics.find((d) => d.severity === 'error');
        if (broken) return refusal(`${vscode.workspace.asRelativePath(entry.uri)} is not valid JSON: ${broken.message}`, s.log);
        if (entry.steps.length === 0) return refusal(`${vscode.workspace.asRelativePath(entry.uri)} has no steps.`, s.log);
        const chosen = options?.sample;
        const sample = chosen
          ? (await s.samples.selectable()).find((x) => sampleId(x) === chosen || x.name === chosen)
          : await s.samples.selected(entry.steps[0]);
        if (!sample) return refusal(`No sample "${chosen}".`, s.log);
        const file = vscode.workspace.asRelativePath(entry.uri);
        const done: WorkflowStepOutcome[] = [];
        const outcome = await s.sends.runWorkflow(entry, sample, {
          toInbox: options?.toInbox === true,
          onStep: (step) => {
            done.push(step);
            s.preview.showWorkflowRun({ workflow: entry.name, file, sample: sample.name, ok: false, steps: done }, done.length < entry.steps.length);
          },
        });
        if (!isRefusal(outcome)) s.preview.showWorkflowRun(outcome);
        return outcome;
      },
    ),
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
    'webhookStudio.copyForPlatform': withFile('copyForPlatform', async (uri): Promise<string | Refusal> => {
      const analysis = await s.analyzer.analyzeUri(uri);
      const text = platformFormText(platformForm(analysis.doc));
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage("Webhook Studio: copied what to type into the platform's form (templates intact).");
      return text;
    }),
    'webhookStudio.editBodyAsPlatformText': withFile('editBodyAsPlatformText', async (uri): Promise<{ body: string }> => {
      const editor = await openBodyEditor(uri);
      return { body: editor.document.uri.toString() };
    }),
    'webhookStudio.newFromCurl': guarded('newFromCurl', async (command?: unknown, options?: ImportOptions): Promise<vscode.Uri | Refusal> => {
      let input = typeof command === 'string' ? command : undefined;
      if (input === undefined) {
        // An input box joins pasted lines; a command in the clipboard is offered whole.
        const clip = await vscode.env.clipboard.readText();
        const fromClip = fromCurl(clip);
        if (fromClip.ok) {
          const pick = await vscode.window.showQuickPick(
            [
              {
                label: '$(clippy) From the clipboard',
                description: describeImport(fromClip.text),
                detail: `${clip.trim().split('\n').length} line(s)`,
                from: 'clipboard',
              },
              { label: '$(edit) Paste or type the command…', from: 'box' },
            ],
            { title: 'New webhook from cURL', placeHolder: 'Where is the curl command?' },
          );
          if (!pick) return { refused: true, reason: 'cancelled' };
          if (pick.from === 'clipboard') input = clip;
        }
      }
      if (input === undefined) {
        input = await vscode.window.showInputBox({
          title: 'New webhook from cURL',
          prompt: 'Paste a curl command (a multi-line one keeps its "\\" continuations)',
          placeHolder: "curl -X POST https://api.example.com/v1/leads -H 'Content-Type: application/json' -d '{…}'",
          ignoreFocusOut: true,
        });
      }
      if (input === undefined) return { refused: true, reason: 'cancelled' };
      return importCurl(input, options);
    }),
    'webhookStudio.newFromCurlSelection': guarded('newFromCurlSelection', async (options?: ImportOptions): Promise<vscode.Uri | Refusal> => {
      const editor = vscode.window.activeTextEditor;
      const text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
      if (text.trim() === '') return refusal('Select a curl command in an editor first (all of its lines).', s.log);
      return importCurl(text, options);
    }),
    'webhookStudio.newFromCurlClipboard': guarded('newFromCurlClipboard', async (options?: ImportOptions): Promise<vscode.Uri | Refusal> => {
      const text = await vscode.env.clipboard.readText();
      if (text.trim() === '') return refusal('The clipboard is empty: copy a curl command first.', s.log);
      return importCurl(text, options);
    }),
    'webhookStudio.diffCapture': withFile('diffCapture', async (uri, captureArg?: unknown): Promise<DeliveryDiffParams | Refusal> => {
      let capture =
        captureArg instanceof vscode.Uri ? captureArg : typeof captureArg === 'string' && captureArg !== '' ? vscode.Uri.file(captureArg) : undefined;
      if (!capture) {
        const picked = await vscode.window.showOpenDialog({
          title: 'A capture of a real delivery (HAR, raw HTTP or a webhook.site request)',
          openLabel: 'Compare with the preview',
          canSelectMany: false,
          filters: { 'Captures (HAR, HTTP, JSON)': ['har', 'http', 'txt', 'json'], 'All files': ['*'] },
        });
        if (!picked?.[0]) return { refused: true, reason: 'cancelled' };
        capture = picked[0];
      }
      const name = vscode.workspace.asRelativePath(capture);
      let text: string;
      try {
        text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(capture));
      } catch {
        return refusal(`${name} cannot be read.`, s.log);
      }
      const parsed = readCapture(text);
      if (!parsed.ok) return refusal(`${name}${parsed.line !== undefined ? `:${parsed.line}:${parsed.column ?? 1}` : ''}: ${parsed.error}`, s.log);
      const analysis = await s.analyzer.analyzeUri(uri);
      if (analysis.doc.syntax.some((d) => d.severity === 'error'))
        return refusal('The webhook file is not valid JSON: fix it before comparing a delivery with it.', s.log);
      // Secrets take part in the comparison (a capture holds the real ones) but never in what is shown.
      const trusted = vscode.workspace.isTrusted;
      const request = trusted ? s.analyzer.render(uri, analysis.doc, analysis.selected, s.secrets.source()).request : analysis.lint.render.request;
      const secrets = secretValuesOf(request);
      const result = diffDelivery(toPlainRequest(request, trusted), parsed.request, { arraySeparator: readSettings(uri).arraySeparator, secrets });
      const params: DeliveryDiffParams = {
        owner: { fileUri: uri.toString(), sampleId: sampleId(analysis.selected) },
        capture: name,
        format: parsed.request.format,
        request: redactText(`${parsed.request.method} ${parsed.request.target}`, secrets),
        sample: analysis.selected.name,
        match: result.differences.length === 0,
        differences: result.differences,
        notes: result.notes,
      };
      s.log.info(`diffCapture: ${name} against ${vscode.workspace.asRelativePath(uri)}: ${result.differences.length} difference(s)`);
      await s.preview.showDeliveryDiff(uri, params);
      return params;
    }),
    'webhookStudio.selectSample': guarded('selectSample', async (ref?: unknown, forFile?: unknown): Promise<SelectedSample | Refusal> => {
      let id: string | undefined = ref instanceof vscode.Uri ? ref.toString() : typeof ref === 'string' ? ref : undefined;
      // The action file the choice is remembered for: the one given, else, when picked by hand, the one in sight.
      // A sample named by a caller without a file is the workspace's choice only.
      const file = forFile instanceof vscode.Uri ? forFile : id === undefined ? targetOf(undefined) : undefined;
      if (id === undefined) {
        const current = sampleId(await s.samples.selected(file));
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
      const sample = await s.samples.select(id, file);
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
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(catalogueSampleFileText('Sample with every platform field')));
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
    'webhookStudio.importSamplesFromCsv': guarded('importSamplesFromCsv', (csv?: unknown, options?: CsvImportOptions) =>
      importSamplesFromCsv(s.log, csv, options),
    ),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
