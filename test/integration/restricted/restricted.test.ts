import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, fixtureRoot, openFixture } from '../suite/helpers';

describe('extension in Restricted Mode', () => {
  it('runs with the fixture workspace untrusted', () => {
    assert.match(fixtureRoot().path, /\/test\/fixtures\/workspace$/);
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('is still loaded, so authoring keeps working', () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `extension ${extensionId} is not loaded`);
  });

  it('opens a *.webhook.json file as jsonc', async () => {
    const editor = await openFixture('lead.webhook.json');
    assert.equal(editor.document.languageId, 'jsonc');
  });
});
