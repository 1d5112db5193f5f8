import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, closeAllEditors, extensionId, fixtureRoot, openFixture, waitFor } from './helpers';

describe('extension in a trusted workspace', () => {
  afterEach(closeAllEditors);

  it('opens the fixture workspace, trusted', () => {
    assert.match(fixtureRoot().path, /\/test\/fixtures\/workspace$/);
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('activates on its own because the workspace contains a *.webhook.json file', async () => {
    const active = await waitFor(() => vscode.extensions.getExtension(extensionId)?.isActive, `${extensionId} to activate`, 10_000);
    assert.equal(active, true);
  });

  it('is loaded and exposes its id', async () => {
    const extension = await activeExtension();
    assert.equal(extension.id, extensionId);
    assert.equal(extension.isActive, true);
  });

  const languages: Array<[string, string]> = [
    ['lead.webhook.json', 'jsonc'],
    ['jane.sample.json', 'jsonc'],
  ];
  for (const [file, languageId] of languages) {
    it(`opens ${file} as ${languageId}`, async () => {
      const editor = await openFixture(file);
      assert.equal(editor.document.languageId, languageId);
      assert.ok(editor.document.getText().includes('"name"'));
    });
  }
});
