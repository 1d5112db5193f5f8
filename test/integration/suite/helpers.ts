// Shared by the integration suites: the fixture workspace and ways to wait on the extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Id of the extension under test, `publisher.name` from package.json. */
export const extensionId = 'webhook-studio.webhook-action-studio';

/** Root of the fixture workspace opened for the tests. */
export function fixtureRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests expect the fixture workspace to be open');
  return folder.uri;
}

/** Uri of a file in the fixture workspace, by its path relative to the workspace root. */
export function fixtureUri(relPath: string): vscode.Uri {
  return vscode.Uri.joinPath(fixtureRoot(), ...relPath.split('/'));
}

/** Opens a fixture file in an editor and returns that editor. */
export async function openFixture(relPath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(relPath));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Polls `predicate` until it returns a truthy value, which is returned; rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(predicate: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `extension ${extensionId} is not loaded`);
  await extension.activate();
  return extension;
}

/** Closes every editor, so each test starts from the same workbench. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
