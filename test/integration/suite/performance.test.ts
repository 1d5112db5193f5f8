import { existsSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri } from './helpers';
import { median, open, positionOf, removeGenerated, studioApi, waitForDiagnostics, writeFigures, writeGenerated } from './studio';

const CALLS = 50;

/** A ~1 MiB action with 10,000 templates in its body, one of them misspelt so its lint can be awaited. */
function bigAction(): string {
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const key = `field_${String(i).padStart(5, '0')}`;
    const path = i === 9_999 ? 'contact.frist_name' : i % 2 ? 'contact.email' : 'contact.first_name';
    lines.push(`    "${key}": "Reference ${i} for {{${path}}} with words to make the line about 100 bytes"`);
  }
  return `{\n  "name": "Big",\n  "method": "POST",\n  "url": "https://api.example.com/v1/big",\n  "body": {\n${lines.join(',\n')}\n  }\n}\n`;
}

async function timeMedian(run: () => Promise<unknown>): Promise<{ median: number; min: number; max: number }> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

describe('performance', () => {
  after(async () => {
    await closeAllEditors();
    await removeGenerated();
  });

  it('reports how long activate() took', async () => {
    const api = await studioApi();
    console.log(`activate(): ${api.activationMs.toFixed(2)} ms`);
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs is ${api.activationMs}`);
  });

  // Figures for `npm run bench` (DESIGN §15); the budgets are compared there, not asserted here.
  it('measures completion and hover on a 1 MiB file with 10,000 templates', async function () {
    this.timeout(120_000);
    const api = await studioApi();
    const text = bigAction();
    const uri = await writeGenerated('big.webhook.json', text);
    const lintStart = performance.now();
    const editor = await open(uri);
    await waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-variable'), 'the lint of the big file', 60_000);
    const lintMs = performance.now() - lintStart;
    const line = 5_002;
    const lineText = editor.document.lineAt(line).text;
    const completionAt = new vscode.Position(line, lineText.indexOf('{{contact.') + '{{contact.'.length);
    const hoverAt = new vscode.Position(line, lineText.indexOf('{{contact.') + 4);
    const items = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, completionAt);
    assert.ok(items.items.some((i) => i.label === 'first_name'), 'completion works on the big file');
    const direct = {
      completion: await timeMedian(() => Promise.resolve(api.providers.completion.provideCompletionItems(editor.document, completionAt))),
      hover: await timeMedian(() => Promise.resolve(api.providers.hover.provideHover(editor.document, hoverAt))),
    };
    const viaCommands = {
      completion: await timeMedian(() => Promise.resolve(vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, completionAt))),
      hover: await timeMedian(() => Promise.resolve(vscode.commands.executeCommand('vscode.executeHoverProvider', uri, hoverAt))),
    };
    // The same commands on a small file: what the round trip through the workbench costs by itself.
    const small = await open(fixtureUri('clean.webhook.json'));
    const smallAt = positionOf(small.document, '{{contact.');
    const smallFile = {
      completion: await timeMedian(() => Promise.resolve(vscode.commands.executeCommand('vscode.executeCompletionItemProvider', small.document.uri, smallAt))),
      hover: await timeMedian(() => Promise.resolve(vscode.commands.executeCommand('vscode.executeHoverProvider', small.document.uri, smallAt))),
    };
    const figures = {
      file: { bytes: Buffer.byteLength(text), templates: 10_000 },
      activationMs: round(api.activationMs),
      openAndLintOfBigFileMs: round(lintMs),
      calls: CALLS,
      providerMs: { completion: direct.completion, hover: direct.hover },
      providerCommandMs: { completion: viaCommands.completion, hover: viaCommands.hover },
      providerCommandOnSmallFileMs: smallFile,
      budgetMs: 5,
    };
    const file = writeFigures('extension-perf.json', figures);
    console.log(`extension figures${file ? ` (${file})` : ''}: ${JSON.stringify(figures)}`);
    assert.ok(file === undefined || existsSync(file), 'the figures file is written');
  });
});
