import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import {
  codesOf,
  hoverText,
  JANE,
  open,
  positionOf,
  removeGenerated,
  selectSample,
  studioApi,
  studioDiagnostics,
  waitForDiagnostics,
  writeGenerated,
  ZOE,
} from './studio';

type Completions = vscode.CompletionList;

async function completionsAt(uri: vscode.Uri, position: vscode.Position, trigger?: string): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<Completions>('vscode.executeCompletionItemProvider', uri, position, trigger);
  return list.items;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function insertOf(item: vscode.CompletionItem): string {
  return typeof item.insertText === 'string' ? item.insertText : (item.insertText?.value ?? labelOf(item));
}

async function hoversAt(uri: vscode.Uri, position: vscode.Position): Promise<vscode.Hover[]> {
  return await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
}

const EVERY_CODE = [
  'auth-conflict',
  'body-on-get',
  'hardcoded-secret',
  'invalid-header',
  'invalid-url',
  'json-unsafe-value',
  'missing-secret',
  'string-coercion',
  'unclosed-template',
  'unknown-namespace',
  'unknown-variable',
  'unsupported-expression',
];

describe('authoring a webhook file', () => {
  before(async () => {
    await studioApi();
    await selectSample(JANE);
  });
  afterEach(closeAllEditors);
  after(removeGenerated);

  describe('completion', () => {
    it('offers every namespace and secrets right after {{', async () => {
      const uri = await writeGenerated(
        'complete-namespaces.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/{{",\n}\n',
      );
      const editor = await open(uri);
      const items = await completionsAt(uri, positionOf(editor.document, '/{{'), '{');
      const labels = items.map(labelOf);
      for (const ns of ['contact', 'opportunity', 'workflow', 'custom_values', 'secrets'])
        assert.ok(labels.includes(ns), `${ns} missing from ${labels.join(', ')}`);
      const contact = items.find((i) => labelOf(i) === 'contact')!;
      assert.equal(insertOf(contact), 'contact.', 'a namespace inserts its dot so fields follow');
    });

    it('offers the fields of every sample and the standard contact fields after {{contact., with the selected sample value as detail', async () => {
      const uri = await writeGenerated(
        'complete-fields.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/",\n  "body": { "a": "{{contact." }\n}\n',
      );
      const editor = await open(uri);
      const items = await completionsAt(uri, positionOf(editor.document, '{{contact.'), '.');
      const byLabel = new Map(items.map((i) => [labelOf(i), i]));
      assert.equal(byLabel.get('first_name')?.detail, 'Jane');
      assert.equal(byLabel.get('lead_score')?.detail, '87');
      assert.ok(byLabel.has('address'), 'a field only the second sample has is offered');
      assert.ok(byLabel.has('company_name'), 'a standard contact field absent from the samples is offered');
      assert.equal(insertOf(byLabel.get('first_name')!), 'first_name}}', 'the closing braces are added to an unclosed template');
      assert.equal(insertOf(byLabel.get('address')!), 'address.', 'an object drills down');
    });

    it('sends the list without documentation and resolves the table of every sample for the item the editor focuses', async () => {
      const uri = await writeGenerated(
        'complete-docs.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/",\n  "body": { "a": "{{contact." }\n}\n',
      );
      const editor = await open(uri);
      const at = positionOf(editor.document, '{{contact.');
      const list = await vscode.commands.executeCommand<Completions>('vscode.executeCompletionItemProvider', uri, at, '.');
      assert.equal(list.isIncomplete, false, 'the list is complete: typing filters it without asking again');
      const ours = list.items.filter((i) => i.detail !== undefined && i.sortText !== undefined);
      assert.ok(ours.length > 10, `the template fields are offered (${ours.length})`);
      assert.ok(
        ours.every((i) => i.documentation === undefined),
        'no item carries its documentation in the list',
      );
      // The fourth argument resolves that many items, as the editor does for the focused one.
      const resolved = await vscode.commands.executeCommand<Completions>('vscode.executeCompletionItemProvider', uri, at, '.', list.items.length);
      const firstName = resolved.items.find((i) => labelOf(i) === 'first_name');
      const docs = firstName?.documentation;
      const text = typeof docs === 'string' ? docs : (docs?.value ?? '');
      assert.match(text, /\| Sample \| Value \|/, 'the resolved item has the table');
      assert.match(text, /Jane/);
      assert.match(text, /Zoë/, 'every sample is in the table');
      const company = resolved.items.find((i) => labelOf(i) === 'company_name')?.documentation;
      assert.ok((typeof company === 'string' ? company : (company?.value ?? '')).length > 0, 'a standard contact field is documented too');
    });

    it('drills into nested objects and does not add braces that are already there', async () => {
      const uri = await writeGenerated(
        'complete-nested.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/",\n  "body": { "a": "{{contact.address.}}" }\n}\n',
      );
      const editor = await open(uri);
      const items = await completionsAt(uri, positionOf(editor.document, '{{contact.address.'), '.');
      const city = items.find((i) => labelOf(i) === 'city');
      assert.ok(city, 'city from the nested object is offered');
      assert.equal(insertOf(city), 'city');
      assert.equal(city.detail, 'not in "Jane Doe — VIP lead"');
    });

    it('lists stored secret names after {{secrets.', async () => {
      await vscode.commands.executeCommand('webhookStudio.setSecret', 'COMPLETION_KEY', 'completion-secret-value');
      const uri = await writeGenerated(
        'complete-secrets.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/",\n  "headers": { "X-Key": "{{secrets." }\n}\n',
      );
      const editor = await open(uri);
      const items = await completionsAt(uri, positionOf(editor.document, '{{secrets.'), '.');
      const item = items.find((i) => labelOf(i) === 'COMPLETION_KEY');
      assert.ok(item, 'the stored secret is offered');
      assert.ok(!JSON.stringify(items.map((i) => [i.detail, i.documentation])).includes('completion-secret-value'), 'no value in completion');
      const resolved = await vscode.commands.executeCommand<Completions>(
        'vscode.executeCompletionItemProvider',
        uri,
        positionOf(editor.document, '{{secrets.'),
        '.',
        50,
      );
      const docs = resolved.items.find((i) => labelOf(i) === 'COMPLETION_KEY')?.documentation;
      const text = typeof docs === 'string' ? docs : (docs?.value ?? '');
      assert.match(text, /never shown/, 'the resolved secret says its value is never shown');
      assert.ok(
        !JSON.stringify(resolved.items.map((i) => [i.detail, i.documentation])).includes('completion-secret-value'),
        'no value in the resolved items either',
      );
    });
  });

  describe('hover', () => {
    it('shows the selected sample value and a table of every sample', async () => {
      const uri = fixtureUri('lead.webhook.json');
      const editor = await open(uri);
      const text = hoverText(await hoversAt(uri, positionOf(editor.document, '{{contact.first_name', { delta: -3 })));
      assert.match(text, /Jane/);
      assert.match(text, /Zoë/, 'the other sample is in the table');
      assert.match(text, /\| Sample \| Value \|/);
    });

    it('shows a secret as set and never its value', async () => {
      const secret = 'tok-HOVER-9f8e7d6c5b4a';
      await vscode.commands.executeCommand('webhookStudio.setSecret', 'CRM_TOKEN', secret);
      const uri = fixtureUri('lead.webhook.json');
      const editor = await open(uri);
      const text = hoverText(await hoversAt(uri, positionOf(editor.document, '{{secrets.CRM_TOKEN', { delta: -2 })));
      assert.match(text, /\*set\*/);
      const everything: string[] = [];
      for (let line = 0; line < editor.document.lineCount; line++) {
        const length = editor.document.lineAt(line).text.length;
        for (let character = 0; character < length; character += 3) everything.push(hoverText(await hoversAt(uri, new vscode.Position(line, character))));
      }
      assert.ok(
        everything.some((t) => t.includes('Secret')),
        'the scan met the secret hover',
      );
      assert.ok(!everything.join('\n').includes(secret), 'the secret value appears in no hover');
    });

    it('explains an unsupported expression', async () => {
      const uri = fixtureUri('problems/every-code.webhook.json');
      const editor = await open(uri);
      const text = hoverText(await hoversAt(uri, positionOf(editor.document, '| upcase', { atStart: true })));
      assert.match(text, /Unsupported expression/);
    });

    it('follows the selected sample', async () => {
      const uri = fixtureUri('lead.webhook.json');
      const editor = await open(uri);
      const at = positionOf(editor.document, '{{contact.email', { delta: -2 });
      try {
        await selectSample(ZOE);
        const text = hoverText(await hoversAt(uri, at));
        assert.match(text, /in sample \*Zo/);
        assert.match(text, /zoe@example\.org/);
      } finally {
        await selectSample(JANE);
      }
      assert.match(hoverText(await hoversAt(uri, at)), /in sample \*Jane/);
    });
  });

  describe('go to definition', () => {
    it('lands on the field in the selected sample file', async () => {
      const uri = fixtureUri('lead.webhook.json');
      const editor = await open(uri);
      const locations = await vscode.commands.executeCommand<vscode.Location[]>(
        'vscode.executeDefinitionProvider',
        uri,
        positionOf(editor.document, '{{contact.first_', { delta: -2 }),
      );
      const ours = locations.find((l) => l.uri.path.endsWith('/jane.sample.json'));
      assert.ok(ours, `no location in jane.sample.json: ${JSON.stringify(locations.map((l) => l.uri.path))}`);
      const sample = await vscode.workspace.openTextDocument(ours.uri);
      assert.equal(sample.getText(ours.range), '"first_name"');
    });
  });

  describe('diagnostics', () => {
    it('reports every §5 code of the fixture built for them, with source webhook-studio', async () => {
      const uri = fixtureUri('problems/every-code.webhook.json');
      await open(uri);
      const diagnostics = await waitForDiagnostics(uri, (d) => EVERY_CODE.every((c) => codesOf(d).includes(c)), 'every code', 10_000);
      assert.deepEqual(codesOf(diagnostics), EVERY_CODE);
      const info = diagnostics.find((d) => d.code === 'string-coercion')!;
      assert.equal(info.severity, vscode.DiagnosticSeverity.Information);
      assert.equal(diagnostics.find((d) => d.code === 'invalid-url')!.severity, vscode.DiagnosticSeverity.Error);
    });

    it('reports private-address and plain-http for a loopback http URL', async () => {
      const uri = fixtureUri('problems/local-url.webhook.json');
      await open(uri);
      const diagnostics = await waitForDiagnostics(uri, (d) => d.length >= 2, 'two diagnostics');
      assert.deepEqual(codesOf(diagnostics), ['plain-http', 'private-address']);
    });

    it('reports nothing on a clean file, and updates after an edit', async () => {
      const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(fixtureUri('clean.webhook.json')));
      const uri = await writeGenerated('clean-copy.webhook.json', source);
      const editor = await open(uri);
      const api = await studioApi();
      assert.ok(api.statusText().includes(JANE), `status bar shows the sample: ${api.statusText()}`);
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(codesOf(studioDiagnostics(uri)), []);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, positionOf(editor.document, '"stage": "', {}), '{{contact.frist_name}} ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const after = await waitForDiagnostics(uri, (d) => d.length > 0, 'a diagnostic after the edit');
      assert.deepEqual(codesOf(after), ['unknown-variable']);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('reports a sample file that is not an object on the sample file itself', async () => {
      const uri = await writeGenerated('broken.sample.json', '["not", "an", "object"]\n');
      const diagnostics = await waitForDiagnostics(uri, (d) => d.length > 0, 'a diagnostic on the broken sample', 10_000);
      assert.deepEqual(codesOf(diagnostics), ['schema']);
      assert.match(diagnostics[0]!.message, /JSON object/);
      await vscode.workspace.fs.delete(uri);
      await waitForDiagnostics(uri, (d) => d.length === 0, 'the diagnostic to go with the file');
    });

    it('reports problems of files that are not open after a workspace scan', async () => {
      const uri = fixtureUri('problems/local-url.webhook.json');
      const result = await vscode.commands.executeCommand<{ files: number; errors: number }>('webhookStudio.validateWorkspace');
      assert.ok(result.files >= 4, `files scanned: ${result.files}`);
      assert.ok(result.errors > 0);
      assert.deepEqual(codesOf(studioDiagnostics(uri)), ['plain-http', 'private-address']);
    });
  });

  describe('quick fixes', () => {
    const EVERY = new TextDecoder();
    async function fixture(name: string): Promise<{ uri: vscode.Uri; editor: vscode.TextEditor }> {
      const text = EVERY.decode(await vscode.workspace.fs.readFile(fixtureUri('problems/every-code.webhook.json')));
      const uri = await writeGenerated(name, text);
      const editor = await open(uri);
      await waitForDiagnostics(uri, (d) => d.length > 0, 'diagnostics of the copy');
      return { uri, editor };
    }
    async function actionsFor(uri: vscode.Uri, code: string): Promise<vscode.CodeAction[]> {
      const diagnostic = studioDiagnostics(uri).find((d) => d.code === code);
      assert.ok(diagnostic, `no ${code} diagnostic`);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      // The command's result carries no diagnostics, so actions are told apart by their titles.
      const mine = actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value);
      assert.ok(mine.length > 0, `no quick fix for ${code} at ${JSON.stringify(diagnostic.range)}`);
      return mine;
    }
    async function applyFirst(uri: vscode.Uri, code: string, title: RegExp): Promise<void> {
      const action = (await actionsFor(uri, code)).find((a) => title.test(a.title));
      assert.ok(action, `no quick fix ${title} for ${code}`);
      if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit));
      if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    }

    it('changes an unknown variable to its near match', async () => {
      const { uri, editor } = await fixture('fix-variable.webhook.json');
      await applyFirst(uri, 'unknown-variable', /first_name/);
      assert.ok(editor.document.getText().includes('"first": "{{contact.first_name}}"'));
      await waitForDiagnostics(uri, (d) => !codesOf(d).includes('unknown-variable'), 'unknown-variable gone');
    });

    it('changes an unknown namespace to its near match', async () => {
      const { uri, editor } = await fixture('fix-namespace.webhook.json');
      await applyFirst(uri, 'unknown-namespace', /contact/);
      assert.ok(editor.document.getText().includes('"ref": "{{contact.id}}"'));
    });

    it('removes the body of a DELETE', async () => {
      const { uri, editor } = await fixture('fix-body.webhook.json');
      await applyFirst(uri, 'body-on-get', /Remove the body/);
      assert.ok(!editor.document.getText().includes('"body"'));
      assert.ok(editor.document.getText().includes('"query"'), 'the rest of the file stays');
      await waitForDiagnostics(uri, (d) => !codesOf(d).includes('body-on-get'), 'body-on-get gone');
    });

    it('moves a hard-coded token into secret storage and writes {{secrets.NAME}}', async () => {
      const { uri, editor } = await fixture('fix-secret.webhook.json');
      const action = (await actionsFor(uri, 'hardcoded-secret')).find((a) => /^Move to secret storage as /.test(a.title));
      assert.ok(action?.command, 'the secret fix runs a command');
      assert.ok(!action.edit, 'the edit waits until the secret is stored');
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      assert.ok(editor.document.getText().includes('"token": "{{secrets.WEBHOOK_TOKEN}}"'), editor.document.getText());
      assert.ok(!editor.document.getText().includes('sk_live_51HardCodedTokenValue'));
      const names = await vscode.commands.executeCommand<{ names: string[] }>('webhookStudio.listSecrets');
      assert.ok(names.names.includes('WEBHOOK_TOKEN'));
    });

    it('offers to set a missing secret, and the warning goes once it is set', async () => {
      const uri = await writeGenerated(
        'fix-missing.webhook.json',
        '{\n  "name": "x",\n  "method": "POST",\n  "url": "https://api.example.com/",\n  "headers": { "X-Key": "{{secrets.FIX_ME_TOKEN}}" }\n}\n',
      );
      await open(uri);
      await waitForDiagnostics(uri, (d) => codesOf(d).includes('missing-secret'), 'missing-secret');
      const action = (await actionsFor(uri, 'missing-secret')).find((a) => a.title === 'Set secret FIX_ME_TOKEN…');
      assert.ok(action?.command);
      assert.equal(action.command.command, 'webhookStudio.setSecret');
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []), 'fixed-value');
      await waitForDiagnostics(uri, (d) => !codesOf(d).includes('missing-secret'), 'missing-secret gone');
    });
  });

  describe('CodeLens', () => {
    it('offers send, preview, inbox and cURL at the top of the file', async () => {
      const uri = fixtureUri('lead.webhook.json');
      await open(uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const ours = lenses.filter((l) => l.command?.command.startsWith('webhookStudio.'));
      assert.deepEqual(
        ours.map((l) => [l.command!.title, l.command!.command, l.range.start.line]),
        [
          ['▶ Send test request', 'webhookStudio.sendTestRequest', 0],
          ['Preview', 'webhookStudio.openPreview', 0],
          ['Send to local inbox', 'webhookStudio.sendToInbox', 0],
          ['Copy as cURL', 'webhookStudio.copyAsCurl', 0],
        ],
      );
      assert.equal((ours[0]!.command!.arguments![0] as vscode.Uri).toString(), uri.toString());
    });
  });

  it('keeps the sample status bar item to webhook files', async () => {
    const api = await studioApi();
    await open(fixtureUri('lead.webhook.json'));
    await waitFor(() => api.statusText().includes(JANE), 'status bar text');
  });
});
