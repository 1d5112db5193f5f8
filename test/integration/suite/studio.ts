// Helpers of the extension's own integration suites: generated files, the extension API, diagnostics.
import * as assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { StudioApi } from '../../../src/extension/extension';
import { activeExtension, fixtureUri, waitFor } from './helpers';

/** Folder of files the tests write (gitignored, removed after each suite). */
export const GENERATED = 'generated';

/** The extension's API, after activation. */
export async function studioApi(): Promise<StudioApi> {
  const extension = await activeExtension();
  return extension.exports as StudioApi;
}

/** Writes a file under `generated/` and returns its Uri. */
export async function writeGenerated(name: string, text: string): Promise<vscode.Uri> {
  const uri = fixtureUri(`${GENERATED}/${name}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Removes `generated/` and everything in it. */
export async function removeGenerated(): Promise<void> {
  await vscode.workspace.fs.delete(fixtureUri(GENERATED), { recursive: true, useTrash: false }).then(undefined, () => undefined);
}

/** Opens a file in an editor. */
export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The position just after the first occurrence of `marker` (or at its start with `atStart`), plus `delta`. */
export function positionOf(document: vscode.TextDocument, marker: string, options: { atStart?: boolean; delta?: number; nth?: number } = {}): vscode.Position {
  let index = -1;
  for (let n = 0; n <= (options.nth ?? 0); n++) index = document.getText().indexOf(marker, index + 1);
  assert.ok(index >= 0, `"${marker}" not found in ${document.uri.path}`);
  return document.positionAt(index + (options.atStart ? 0 : marker.length) + (options.delta ?? 0));
}

/** The extension's diagnostics of a file. */
export function studioDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'webhook-studio');
}

/** Waits until the extension's diagnostics of `uri` satisfy `predicate`; returns them. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (d: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 8000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    () => {
      const d = studioDiagnostics(uri);
      return predicate(d) ? d : undefined;
    },
    what,
    timeoutMs,
  );
}

/** The codes of diagnostics, sorted and unique. */
export function codesOf(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code)))].sort();
}

/** All Markdown text of hovers. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** The median of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Writes a JSON file next to the results file the launcher reads (test-results/), for figures. */
export function writeFigures(name: string, figures: unknown): string | undefined {
  const results = process.env['TEST_RESULTS'];
  if (!results) return undefined;
  const file = join(dirname(results), name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

/** Selects a sample by name through the command, without UI. */
export async function selectSample(name: string): Promise<void> {
  const selected = await vscode.commands.executeCommand<{ name?: string }>('webhookStudio.selectSample', name);
  assert.equal(selected.name, name);
}

/** The sample names of the fixture workspace. */
export const JANE = 'Jane Doe — VIP lead';
/** The second sample: values with quotes and a nested object. */
export const ZOE = 'Zoë — hostile data';
