import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RenderedView } from '../../../src/extension/analysis';
import type { StudioApi } from '../../../src/extension/extension';
import type { Refusal } from '../../../src/extension/send';
import { activeExtension, closeAllEditors, fixtureUri, openFixture } from '../suite/helpers';
import { codesOf, hoverText, positionOf, waitForDiagnostics } from '../suite/studio';

describe('Webhook Studio in Restricted Mode', () => {
  before(async () => {
    await activeExtension();
  });
  afterEach(closeAllEditors);

  const refusedCommands: Array<[string, unknown[]]> = [
    ['webhookStudio.sendTestRequest', [fixtureUri('clean.webhook.json')]],
    ['webhookStudio.sendToInbox', [fixtureUri('clean.webhook.json')]],
    ['webhookStudio.copyAsCurl', [fixtureUri('lead.webhook.json'), { withSecrets: true }]],
  ];
  for (const [command, args] of refusedCommands) {
    it(`${command} is refused with a reason, not thrown`, async () => {
      const result = await vscode.commands.executeCommand<Refusal>(command, ...args);
      assert.equal(result.refused, true);
      assert.match(result.reason, /trusted workspace/);
    });
  }

  it('the Testing view lists the tests but Run sends nothing: each test errors with the trust reason', async () => {
    const api = (await activeExtension()).exports as StudioApi;
    await api.tests.refresh();
    const item = api.tests.controller.items.get(fixtureUri('clean.webhook.json').toString());
    assert.ok(item && item.children.size > 0);
    const outcomes = await api.tests.run(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
    assert.ok(outcomes.length > 0);
    for (const o of outcomes) {
      assert.equal(o.state, 'errored');
      assert.match(o.messages[0]!.text, /trusted workspace/);
    }
  });

  it('still completes templates', async () => {
    const editor = await openFixture('lead.webhook.json');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      positionOf(editor.document, '{{contact.'),
      '.',
    );
    assert.ok(list.items.some((i) => i.label === 'first_name' && i.detail === 'Jane'));
  });

  it('still hovers, with secrets shown only as set or not set', async () => {
    const editor = await openFixture('lead.webhook.json');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      positionOf(editor.document, '{{contact.first_', { delta: -2 }),
    );
    assert.match(hoverText(hovers), /Jane/);
    const secret = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      positionOf(editor.document, '{{secrets.CRM', { delta: -2 }),
    );
    assert.match(hoverText(secret), /not set/);
  });

  it('still lints', async () => {
    const editor = await openFixture('problems/local-url.webhook.json');
    const diagnostics = await waitForDiagnostics(editor.document.uri, (d) => d.length >= 2, 'diagnostics');
    assert.deepEqual(codesOf(diagnostics), ['plain-http', 'private-address']);
  });

  it('still renders the masked request and copies masked cURL', async () => {
    const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', fixtureUri('lead.webhook.json'));
    assert.equal(view.url, 'https://api.example.com/v1/leads/c_81f2?source=hoop&tag=vip&tag=new');
    const curl = await vscode.commands.executeCommand<string>('webhookStudio.copyAsCurl', fixtureUri('lead.webhook.json'));
    assert.match(curl, /^curl /);
  });

  it('still runs the local inbox', async () => {
    const started = await vscode.commands.executeCommand<{ url: string }>('webhookStudio.startInbox');
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${started.url}/probe`, { method: 'POST', body: 'x' });
    assert.equal(response.status, 200);
    assert.deepEqual(await vscode.commands.executeCommand('webhookStudio.stopInbox'), { url: started.url });
  });
});
