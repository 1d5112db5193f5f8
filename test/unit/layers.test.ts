// The layer rules of docs/architecture.md live in eslint.config.mjs; these tests run that configuration on
// deliberately bad snippets placed in each folder, so a rule that stops firing (a wrong glob, a regex that
// no longer matches the way imports are written) fails here, and on good snippets, so it does not over-fire.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const LAYER_RULES = new Set([
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-syntax',
  '@typescript-eslint/triple-slash-reference',
  '@typescript-eslint/no-require-imports',
]);

// The project's own config, with only the layer rules and without type information: those rules need none,
// and building the TypeScript program for every snippet would only slow the test down.
const eslint = new ESLint({
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => LAYER_RULES.has(ruleId),
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, `no result for ${filePath}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${filePath} did not parse`);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

async function assertRefused(filePath: string, code: string, message: RegExp): Promise<void> {
  const found = await problems(filePath, code);
  assert.equal(found.length, 1, `${filePath}: ${code}\nexpected one problem, got ${JSON.stringify(found)}`);
  assert.match(found[0]!, message, `${filePath}: ${code}`);
}

async function assertAllowed(filePath: string, code: string): Promise<void> {
  assert.deepEqual(await problems(filePath, code), [], `${filePath}: ${code}`);
}

describe('layer rules', () => {
  test('src/core imports neither vscode, the adapters, src/protocol nor the webview, at any depth', async () => {
    await assertRefused('src/core/probe.ts', "import * as vscode from 'vscode';\n", /src\/core is pure/);
    await assertRefused('src/core/http/probe.ts', "import type { Uri } from 'vscode';\n", /src\/core is pure/);
    await assertRefused('src/core/probe.ts', "import { x } from '../extension/config';\n", /must not import the adapters/);
    await assertRefused('src/core/http/probe.ts', "export { x } from '../../extension/panel/panelState';\n", /must not import the adapters/);
    await assertRefused('src/core/probe.ts', "import { runSend } from '../cli/send';\n", /must not import the adapters/);
    await assertRefused('src/core/probe.ts', "import type { PanelState } from '../protocol/messages';\n", /must not import the adapters/);
    await assertRefused('src/core/probe.ts', "import '../../webview/panel';\n", /webview\/ is the browser bundle/);
    await assertRefused('src/core/http/probe.ts', "export const load = () => import('vscode');\n", /src\/core is pure/);
    await assertRefused('src/core/http/probe.ts', "export const load = () => import('../../cli/send');\n", /must not import the adapters/);
    const importEquals = await problems('src/core/probe.ts', "import vscode = require('vscode');\n");
    assert.ok(
      importEquals.some((p) => /no-restricted-imports: .*src\/core is pure/.test(p)),
      JSON.stringify(importEquals),
    );
    await assertRefused('src/core/probe.ts', "export const vscode: unknown = require('vscode');\n", /no-require-imports/);
  });

  test('src/core may import itself, node builtins and its libraries, but no DOM types', async () => {
    await assertAllowed(
      'src/core/probe.ts',
      "import type { Diagnostic } from './types';\nimport { request } from 'undici';\nimport { join } from 'node:path';\n",
    );
    await assertAllowed(
      'src/core/http/probe.ts',
      "import type { Diagnostic } from '../types';\nimport schema from '../../../schemas/webhook-action.schema.json';\n",
    );
    await assertRefused('src/core/probe.ts', '/// <reference lib="dom" />\nexport const x = 1;\n', /triple-slash-reference/);
  });

  test('src/cli imports neither vscode nor src/extension', async () => {
    await assertRefused('src/cli/probe.ts', "import * as vscode from 'vscode';\n", /Only src\/extension may import the VS Code API/);
    await assertRefused('src/cli/probe.ts', "import { activate } from '../extension/extension';\n", /src\/cli must not import src\/extension/);
    await assertRefused('src/cli/probe.ts', "export const load = () => import('../extension/send');\n", /src\/cli must not import src\/extension/);
    await assertAllowed(
      'src/cli/probe.ts',
      "import { parseDocument } from '../core/document';\nimport { CliIo } from './io';\nexport const load = () => import('./validate.js');\n",
    );
  });

  test('src/protocol imports neither vscode, src/extension nor src/cli', async () => {
    await assertRefused('src/protocol/probe.ts', "import type { Webview } from 'vscode';\n", /Only src\/extension may import the VS Code API/);
    await assertRefused('src/protocol/probe.ts', "import { x } from '../extension/send';\n", /src\/protocol is shared with the webview/);
    await assertRefused('src/protocol/probe.ts', "import { x } from '../cli/io';\n", /src\/protocol is shared with the webview/);
    await assertAllowed('src/protocol/probe.ts', "import type { Diagnostic } from '../core/types';\n");
  });

  test('src/extension does not import src/cli', async () => {
    await assertRefused('src/extension/views/probe.ts', "import { runSend } from '../../cli/send';\n", /src\/extension must not import src\/cli/);
    await assertAllowed(
      'src/extension/views/probe.ts',
      "import * as vscode from 'vscode';\nimport type { PanelState } from '../../protocol/messages';\nimport { parseDocument } from '../../core/document';\n",
    );
  });

  test('webview imports only itself, src/protocol and its UI libraries', async () => {
    await assertRefused('webview/probe.ts', "import * as vscode from 'vscode';\n", /The webview runs in a browser/);
    await assertRefused('webview/probe.ts', "import { render } from '../src/core/render';\n", /may import only src\/protocol from the source tree/);
    await assertRefused('webview/probe.ts', "import type { Diagnostic } from '../src/core/types';\n", /may import only src\/protocol from the source tree/);
    await assertRefused('webview/probe.ts', "import { x } from '../src/extension/send';\n", /may import only src\/protocol from the source tree/);
    await assertRefused('webview/probe.ts', "import { x } from '../src/cli/io';\n", /may import only src\/protocol from the source tree/);
    await assertRefused('webview/probe.ts', "import { join } from 'node:path';\n", /its own files, src\/protocol and its UI libraries/);
    await assertRefused('webview/probe.ts', "import x from '../bench/run';\n", /its own files, src\/protocol and its UI libraries/);
    await assertRefused('webview/probe.ts', "export const load = () => import('../src/core/render');\n", /may import only src\/protocol from the source tree/);
    await assertAllowed(
      'webview/probe.ts',
      "import type { PanelState } from '../src/protocol/messages';\nimport { el } from './dom';\nimport '@vscode-elements/elements/dist/vscode-button/index.js';\nimport './panel.css';\n",
    );
  });

  test('the source tree itself keeps to the layers', async () => {
    const results = await eslint.lintFiles(['src', 'webview']);
    assert.ok(results.length > 50, `linted only ${results.length} files`);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
    assert.deepEqual(found, []);
  });
});
