import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RenderedView } from '../../../src/extension/analysis';
import type { ExampleOpened } from '../../../src/extension/walkthrough';
import { EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE, EXAMPLE_VARIABLE } from '../../../src/core/exampleFiles';
import { activeExtension, closeAllEditors, fixtureUri, waitFor } from './helpers';

const WALKTHROUGH = 'webhook-studio.webhook-action-studio#gettingStarted';

async function removeExample(): Promise<void> {
  for (const name of [EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE]) {
    await vscode.workspace.fs.delete(fixtureUri(name), { useTrash: false }).then(undefined, () => undefined);
  }
}

const read = async (uri: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));

describe('the getting-started walkthrough', () => {
  before(async () => {
    await activeExtension();
    await removeExample();
  });
  afterEach(closeAllEditors);
  after(removeExample);

  it('creates the example action and its sample and opens the action; files already there are kept', async () => {
    const first = await vscode.commands.executeCommand<ExampleOpened>('webhookStudio.createExample');
    assert.deepEqual([...first.created].sort(), [EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE].sort());
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), fixtureUri(EXAMPLE_ACTION_FILE).toString());
    assert.match(await read(first.sample), /"first_name": "Ada"/);

    // The sample was never opened in an editor, so the file on disk is all there is to compare.
    const edited = `${JSON.stringify({ name: 'Mine', contact: { id: 'c_1', first_name: 'Mo' } }, null, 2)}\n`;
    await vscode.workspace.fs.writeFile(first.sample, new TextEncoder().encode(edited));
    await closeAllEditors();
    const again = await vscode.commands.executeCommand<ExampleOpened>('webhookStudio.createExample');
    assert.deepEqual(again.created, []);
    assert.equal(await read(again.sample), edited);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), first.uri.toString());
  });

  it('with reveal, puts the cursor on that variable of the example', async () => {
    await vscode.commands.executeCommand('webhookStudio.createExample', { reveal: EXAMPLE_VARIABLE });
    const editor = await waitFor(() => vscode.window.activeTextEditor, 'the example to open');
    const at = editor.document.offsetAt(editor.selection.active);
    assert.equal(editor.document.getText().slice(at, at + EXAMPLE_VARIABLE.length), EXAMPLE_VARIABLE);
    assert.equal(editor.document.getText().slice(at - 2, at), '{{');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.selection.active);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    // The table of every sample includes the fixture's Jane.
    assert.match(text, /Jane/);
  });

  it('runs a step by its name and returns what its command returns; an unknown step is refused', async () => {
    const opened = await vscode.commands.executeCommand<ExampleOpened>('webhookStudio.runWalkthroughStep', 'createExample');
    assert.equal(opened.uri.toString(), fixtureUri(EXAMPLE_ACTION_FILE).toString());
    const selected = await vscode.commands.executeCommand<{ name: string }>('webhookStudio.runWalkthroughStep', 'selectSample', 'Jane Doe — VIP lead');
    assert.equal(selected.name, 'Jane Doe — VIP lead');
    assert.deepEqual(await vscode.commands.executeCommand('webhookStudio.runWalkthroughStep', 'deleteEverything'), {
      refused: true,
      reason: 'no walkthrough step "deleteEverything"',
    });
  });

  it('a command run from the walkthrough acts on the webhook file in sight', async () => {
    await vscode.commands.executeCommand('webhookStudio.createExample');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, true);
    await waitFor(() => vscode.window.activeTextEditor === undefined, 'the walkthrough to take the focus from the text editor');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith(`/${EXAMPLE_ACTION_FILE}`)));
    const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest');
    assert.match(view.file, new RegExp(`${EXAMPLE_ACTION_FILE.replace(/\./g, '\\.')}$`));
    assert.equal(view.method, 'POST');
  });
});
