import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activeExtension } from './helpers';

interface Manifest {
  displayName: string;
  description: string;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
  };
}

// The same checks hold whether the extension was loaded from the development folder or installed from its
// VSIX; run against the VSIX they catch a file left out of the package or a manifest string left untranslated.
describe('the extension as installed', () => {
  it('runs from the folder the launcher installed it into', async () => {
    const extension = await activeExtension();
    const expected = process.env['WEBHOOK_STUDIO_TEST_EXTENSION_PATH'];
    if (expected) assert.equal(extension.extensionPath, expected);
    else assert.ok(existsSync(join(extension.extensionPath, 'package.json')), `no package.json in ${extension.extensionPath}`);
  });

  const files = [
    'dist/extension.js',
    'dist/sendStack.js',
    'dist/webview.js',
    'dist/webview.css',
    'dist/codicon.css',
    'dist/codicon.ttf',
    'schemas/webhook-action.schema.json',
    'schemas/webhook-sample.schema.json',
    'package.nls.json',
    'media/icon.png',
  ];
  for (const file of files) {
    it(`has ${file}`, async () => {
      const extension = await activeExtension();
      assert.ok(existsSync(join(extension.extensionPath, file)), `${file} is missing from ${extension.extensionPath}`);
    });
  }

  it('shows its manifest strings translated from package.nls.json, none as a %key%', async () => {
    const manifest = (await activeExtension()).packageJSON as Manifest;
    const placeholder = /^%[^%]+%$/;
    assert.equal(manifest.displayName, 'Webhook Action Studio');
    const strings = [
      manifest.description,
      ...manifest.contributes.commands.flatMap((c) => [c.title, c.category]),
      ...Object.values(manifest.contributes.configuration.properties).map((p) => p.description ?? p.markdownDescription ?? ''),
    ];
    assert.deepEqual(
      strings.filter((s) => placeholder.test(s)),
      [],
    );
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'Webhook Studio'));
  });

  it('registers every command it contributes', async () => {
    const manifest = (await activeExtension()).packageJSON as Manifest;
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id)),
      [],
    );
  });
});
