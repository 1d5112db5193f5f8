import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeliveryDiffParams } from '../../../src/protocol/messages';
import type { RenderedView } from '../../../src/extension/analysis';
import { closeAllEditors, waitFor } from './helpers';
import { open, removeGenerated, studioApi, studioDiagnostics, waitForDiagnostics, writeGenerated } from './studio';

const KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
const STRIPE = `# Create a customer
curl https://api.stripe.com/v1/customers \\
  -u "${KEY}:" \\
  -H 'Content-Type: application/json' \\
  -d '{"name":"Jenny Rosen"}'
`;

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const secretNames = async () => (await vscode.commands.executeCommand<{ names: string[] }>('webhookStudio.listSecrets')).names;

describe('curl import, secrets in URLs and delivery diffs', () => {
  const made: vscode.Uri[] = [];
  afterEach(async () => {
    await closeAllEditors();
    for (const uri of made.splice(0)) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    for (const name of ['STRIPE_API_KEY', 'ACME_CRM_API_KEY']) await vscode.commands.executeCommand('webhookStudio.deleteSecret', name);
    await removeGenerated();
  });

  it('imports a multi-line command from the selection, names the file from method and URL, and moves the key to secret storage', async () => {
    const document = await vscode.workspace.openTextDocument({ content: `echo before\n${STRIPE}echo after\n`, language: 'shellscript' });
    const editor = await vscode.window.showTextDocument(document);
    const start = document.getText().indexOf('curl');
    const end = document.getText().indexOf('echo after');
    editor.selection = new vscode.Selection(document.positionAt(start), document.positionAt(end));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.newFromCurlSelection', { moveSecrets: true });
    assert.ok(uri instanceof vscode.Uri, JSON.stringify(uri));
    made.push(uri);
    assert.match(uri.path, /\/post-v1-customers\.webhook\.json$/);
    const text = decode(await vscode.workspace.fs.readFile(uri));
    assert.ok(!text.includes(KEY), 'the key is not in the file');
    const action = JSON.parse(text) as { name: string; auth: { type: string; username: string } };
    assert.equal(action.name, 'POST api.stripe.com/v1/customers');
    assert.deepEqual(action.auth, { type: 'basic', username: '{{secrets.STRIPE_API_KEY}}', password: '' });
    assert.ok((await secretNames()).includes('STRIPE_API_KEY'));
    const revealed = await vscode.commands.executeCommand<string>('webhookStudio.copyAsCurl', uri, { withSecrets: true });
    assert.ok(revealed.includes(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`), 'the stored key renders back into the request');
  });

  it('imports the command from the clipboard, all its lines', async () => {
    await vscode.env.clipboard.writeText(`curl -X DELETE "https://api.example.com/v1/leads/7" \\\n  -H 'X-Team: blue'\n`);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.newFromCurlClipboard');
    assert.ok(uri instanceof vscode.Uri, JSON.stringify(uri));
    made.push(uri);
    assert.match(uri.path, /\/delete-v1-leads-7\.webhook\.json$/);
    const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', uri);
    assert.equal(view.method, 'DELETE');
    assert.ok(
      view.headers.some(([n, v]) => n === 'X-Team' && v === 'blue'),
      'the header of the second line was kept',
    );
  });

  it('flags an API key in the URL, masks it in the preview, and moves it to secret storage with the quick fix', async () => {
    const secret = 'abcd1234efgh5678';
    const uri = await writeGenerated(
      'url-key.webhook.json',
      JSON.stringify({ name: 'Key in URL', method: 'GET', url: `https://api.acme-crm.com/v1/leads?api_key=${secret}&page=2` }, null, 2),
    );
    await open(uri);
    const diagnostics = await waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hardcoded-secret'), 'hardcoded-secret on the URL');
    const diagnostic = diagnostics.find((d) => d.code === 'hardcoded-secret')!;
    assert.match(diagnostic.message, /"api_key" query value/);
    const api = await studioApi();
    await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
    const state = await waitFor(() => (api.preview.state()?.fileUri === uri.toString() ? api.preview.state() : undefined), 'the preview');
    assert.ok(!JSON.stringify(state).includes(secret), 'neither the URL nor the Query table shows the key');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const move = actions.find((a) => /Move to secret storage as ACME_CRM_API_KEY/.test(a.title));
    assert.ok(move?.command, `actions: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(move.command.command, ...(move.command.arguments ?? []));
    const document = await vscode.workspace.openTextDocument(uri);
    await waitFor(() => (document.getText().includes('api_key={{secrets.ACME_CRM_API_KEY}}') ? true : undefined), 'the template in the URL');
    assert.ok((await secretNames()).includes('ACME_CRM_API_KEY'));
    await waitFor(() => (studioDiagnostics(uri).some((d) => d.code === 'hardcoded-secret') ? undefined : true), 'the warning gone');
  });

  it('compares a captured delivery with the preview and shows the differences in the panel', async () => {
    const action = await writeGenerated(
      'diffed.webhook.json',
      JSON.stringify(
        { name: 'Diffed', method: 'POST', url: 'https://api.example.com/v1/leads', headers: { 'X-Team': 'blue' }, body: { tags: 'vip, new', n: '42' } },
        null,
        2,
      ),
    );
    const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', action);
    const raw = (body: string) =>
      `POST /v1/leads HTTP/1.1\r\nHost: capture.example.test\r\n${view.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}User-Agent: Platform/1\r\n\r\n${body}`;
    const same = await writeGenerated('same.http', raw(view.body!).replace('User-Agent: Platform/1\r\n', ''));
    const matched = await vscode.commands.executeCommand<DeliveryDiffParams>('webhookStudio.diffCapture', action, same);
    assert.equal(matched.match, true, JSON.stringify(matched.differences));
    const other = await writeGenerated('other.http', raw('{"tags":"vip,new","n":42}'));
    const diff = await vscode.commands.executeCommand<DeliveryDiffParams>('webhookStudio.diffCapture', action, other);
    assert.equal(diff.match, false);
    assert.deepEqual(
      diff.differences.map((d) => d.where),
      ['User-Agent', '$.tags', '$.n'],
    );
    assert.match(diff.differences.find((d) => d.where === '$.tags')!.cause, /array separator/);
    const api = await studioApi();
    await waitFor(() => (api.preview.state()?.fileUri === action.toString() ? true : undefined), 'the preview of the compared file');
    const broken = await writeGenerated('broken.har', '{ "log": ');
    const refused = await vscode.commands.executeCommand<{ refused: true; reason: string }>('webhookStudio.diffCapture', action, broken);
    assert.match(refused.reason, /broken\.har:1:\d+: The capture is not valid JSON/);
  });
});
