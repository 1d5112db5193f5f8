// The platform's rendering in the editor: body-not-json where a sample breaks the body, and the
// unquoted-template error with its two quick fixes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors } from './helpers';
import { codesOf, JANE, open, removeGenerated, selectSample, studioApi, studioDiagnostics, waitForDiagnostics, writeGenerated, ZOE } from './studio';

const action = (body: string) => `{
  "name": "Platform rendering",
  "method": "POST",
  "url": "https://api.example.com/leads",
  "body": ${body}
}
`;

async function quickFixes(uri: vscode.Uri, code: string): Promise<vscode.CodeAction[]> {
  const diagnostic = studioDiagnostics(uri).find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} diagnostic`);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value);
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
