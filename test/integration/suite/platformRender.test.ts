// The platform's rendering in the editor: body-not-json where a sample breaks the body, and the
// unquoted-template error with its two quick fixes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor } from './helpers';
import { codesOf, JANE, open, removeGenerated, selectSample, studioApi, studioDiagnostics, waitForDiagnostics, writeGenerated, ZOE } from './studio';

const action = (body: string) => `{
  "name": "Platform rendering",
  "method": "POST",
  "url": "https://api.example.com/leads",
  "body": ${body}
}
`;

/** The quick fixes at a diagnostic; asked again until there are some, as the document may still be syncing to the host. */
async function quickFixes(uri: vscode.Uri, code: string): Promise<vscode.CodeAction[]> {
  const diagnostic = studioDiagnostics(uri).find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} diagnostic`);
  return waitFor(async () => {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fixes = actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value);
    return fixes.length > 0 ? fixes : undefined;
  }, `quick fixes of ${code}`);
}

describe('the platform’s rendering in the editor', () => {
  before(studioApi);
  afterEach(closeAllEditors);
  after(async () => {
    await selectSample(JANE);
    await removeGenerated();
  });

  it('puts body-not-json on the template whose value breaks the body for the selected sample', async () => {
    await selectSample(ZOE);
    const uri = await writeGenerated('broken-by-zoe.webhook.json', action('{ "first": "{{contact.first_name}}", "last": "{{contact.last_name}}" }'));
    const editor = await open(uri);
    const diagnostics = await waitForDiagnostics(uri, (d) => codesOf(d).includes('body-not-json'), 'body-not-json', 10_000);
    const broken = diagnostics.find((d) => d.code === 'body-not-json')!;
    assert.equal(broken.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(broken.range), '{{contact.last_name}}');
    assert.match(broken.message, /For sample "Zoë — hostile data", \{\{contact\.last_name\}\} = `"Zed" O'Hara` holds a quote/);
    // The send is refused with the same reason, and nothing is asked or sent.
    const sent = await vscode.commands.executeCommand<{ refused?: boolean; reason?: string }>('webhookStudio.sendToInbox', uri);
    assert.equal(sent.refused, true);
    assert.match(sent.reason ?? '', /"Zed" O'Hara/);
    // Another sample that does not break it: the error goes away.
    await selectSample(JANE);
    await waitForDiagnostics(uri, (d) => !codesOf(d).includes('body-not-json'), 'body-not-json gone for Jane', 10_000);
  });

  it('shows a bare tag as unquoted-template; "quote it" makes a text value', async () => {
    const uri = await writeGenerated('bare-quote.webhook.json', action('{ "score": {{contact.lead_score}}, "email": "{{contact.email}}" }'));
    const editor = await open(uri);
    const diagnostics = await waitForDiagnostics(uri, (d) => codesOf(d).includes('unquoted-template'), 'unquoted-template', 10_000);
    const bare = diagnostics.find((d) => d.code === 'unquoted-template')!;
    assert.equal(editor.document.getText(bare.range), '{{contact.lead_score}}');
    const fixes = await quickFixes(uri, 'unquoted-template');
    assert.deepEqual(
      fixes.map((f) => f.title),
      ['Quote {{contact.lead_score}} (sends text)', "Move the body to the platform's text form (keeps the tag unquoted)"],
    );
    assert.ok(await vscode.workspace.applyEdit(fixes[0]!.edit!));
    assert.match(editor.document.getText(), /"score": "\{\{contact\.lead_score\}\}"/);
    await waitForDiagnostics(uri, (d) => !codesOf(d).includes('unquoted-template'), 'unquoted-template gone', 10_000);
    const view = await vscode.commands.executeCommand<{ body: string | null }>('webhookStudio.renderRequest', uri);
    assert.deepEqual(JSON.parse(view.body!), { score: '87', email: 'jane@example.com' });
  });

  it('"move the body to the platform’s text form" keeps the tag unquoted: the number goes out as a number', async () => {
    const uri = await writeGenerated('bare-move.webhook.json', action('{ "score": {{contact.lead_score}}, "email": "{{contact.email}}" }'));
    const editor = await open(uri);
    await waitForDiagnostics(uri, (d) => codesOf(d).includes('unquoted-template'), 'unquoted-template', 10_000);
    const fixes = await quickFixes(uri, 'unquoted-template');
    assert.ok(await vscode.workspace.applyEdit(fixes[1]!.edit!));
    assert.match(editor.document.getText(), /"body": "\{ \\"score\\": \{\{contact\.lead_score\}\}, \\"email\\": \\"\{\{contact\.email\}\}\\" \}"/);
    await waitForDiagnostics(uri, (d) => !codesOf(d).includes('unquoted-template'), 'unquoted-template gone', 10_000);
    const view = await vscode.commands.executeCommand<{ body: string | null }>('webhookStudio.renderRequest', uri);
    assert.deepEqual(JSON.parse(view.body!), { score: 87, email: 'jane@example.com' });
  });
});

describe('Edit Body as Platform Text', () => {
  before(async () => {
    await studioApi();
    await selectSample(JANE);
  });
  afterEach(closeAllEditors);
  after(removeGenerated);

  it('opens the string body as its own text, writes edits through into the action, and saves the action', async () => {
    const uri = await writeGenerated('body-editor.webhook.json', action('"{\\"score\\": {{contact.lead_score}}, \\"email\\": \\"{{contact.email}}\\"}"'));
    await open(uri);
    const opened = await vscode.commands.executeCommand<{ body: string }>('webhookStudio.editBodyAsPlatformText', uri);
    const body = vscode.window.activeTextEditor!;
    assert.equal(body.document.uri.toString(), opened.body);
    assert.equal(body.document.getText(), '{"score": {{contact.lead_score}}, "email": "{{contact.email}}"}');

    // Completion and hover work on the raw text, at the same columns.
    const at = body.document.positionAt(body.document.getText().indexOf('email}}') + 2);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', body.document.uri, at);
    assert.ok(
      list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'email'),
      'completion offers contact fields',
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', body.document.uri, at);
    const hover = hovers.find((h) => h.range && body.document.getText(h.range) === '{{contact.email}}');
    assert.ok(hover, `a hover over the whole template: ${JSON.stringify(hovers.map((h) => h.range))}`);

    // An edit goes into the action at once: an empty unquoted field is body-not-json, shown in the body document.
    const tag = body.document.getText().indexOf('{{contact.lead_score}}');
    await body.edit((e) =>
      e.replace(new vscode.Range(body.document.positionAt(tag), body.document.positionAt(tag + '{{contact.lead_score}}'.length)), '{{contact.nothing}}'),
    );
    const actionDoc = await vscode.workspace.openTextDocument(uri);
    await waitFor(() => actionDoc.getText().includes('"{\\"score\\": {{contact.nothing}}, '), 'the edit written through into the action');
    const mapped = await waitFor(
      () => vscode.languages.getDiagnostics(body.document.uri).find((d) => d.code === 'body-not-json'),
      'body-not-json in the body document',
      10_000,
    );
    assert.equal(body.document.getText(mapped.range), '{{contact.nothing}}');

    // Saving the body saves the action on disk.
    assert.ok(await body.document.save());
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.match(onDisk, /"body": "\{\\"score\\": \{\{contact\.nothing\}\}, \\"email\\": \\"\{\{contact\.email\}\}\\"\}"/);
    assert.equal(actionDoc.isDirty, false);
  });

  it('moves an object body to the platform text form first', async () => {
    const uri = await writeGenerated('body-editor-object.webhook.json', action('{ "first": "{{contact.first_name}}" }'));
    await open(uri);
    await vscode.commands.executeCommand('webhookStudio.editBodyAsPlatformText', uri);
    assert.equal(vscode.window.activeTextEditor!.document.getText(), '{ "first": "{{contact.first_name}}" }');
    const actionDoc = await vscode.workspace.openTextDocument(uri);
    assert.match(actionDoc.getText(), /"body": "\{ \\"first\\": \\"\{\{contact\.first_name\}\}\\" \}"/);
  });
});
