/**
 * *Import Samples from CSV…* (docs/architecture.md, "Samples from CSV"): each row of a contacts export becomes
 * a `*.sample.json` file under `samples/<csv name>/`. The columns are mapped as `webhook-studio test --data`
 * maps them; a picker shows the guess for each column and leaves out the ones unticked, and a mapping passed
 * by a caller overrides it. Existing files are never overwritten.
 */
import { createReadStream } from 'node:fs';
import * as vscode from 'vscode';
import type { CsvMapping } from '../core/csvSamples';
import type { StudioLog } from './log';
import { loadSendStack } from './sendStackLoader';

/** At most this many rows become files: past it, `webhook-studio test --data` is the tool. */
export const MAX_IMPORTED_ROWS = 500;

/** Options of an import called from code (tests, other extensions): no picker is shown. */
export interface ImportOptions {
  readonly mapping?: CsvMapping;
  /** Where the files go; default `samples/<csv name>/` in the first workspace folder. */
  readonly folder?: vscode.Uri;
}

/** What an import wrote. */
export interface ImportResult {
  readonly folder: vscode.Uri;
  readonly written: readonly vscode.Uri[];
  /** Rows whose file name was taken by an existing file, left alone. */
  readonly kept: number;
  /** Rows past `MAX_IMPORTED_ROWS`, not imported. */
  readonly left: number;
}

/** Asks for a CSV when none is given, maps its columns, and writes one sample file per row. */
export async function importSamplesFromCsv(
  log: StudioLog,
  csvArg?: unknown,
  options?: ImportOptions,
): Promise<ImportResult | { refused: true; reason: string }> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) return refused('Open a folder first: the sample files are written into it.', log);
  let csv = csvArg instanceof vscode.Uri ? csvArg : undefined;
  if (!csv) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'CSV files': ['csv'] },
      openLabel: 'Import Samples',
      defaultUri: root,
    });
    csv = picked?.[0];
    if (!csv) return refused('No CSV file chosen.', log);
  }
  // csv-parse is in the lazily loaded stack, as undici is: nothing of it is loaded until an import runs.
  const { columnTarget, csvHeader, csvSamples, CsvSampleError, mappingProblem } = loadSendStack();
  let mapping: CsvMapping = options?.mapping ?? {};
  const problem = mappingProblem(mapping);
  if (problem !== undefined) return refused(`The mapping is not usable: ${problem}`, log);
  try {
    if (options === undefined) {
      const headers = await csvHeader(chunksOf(csv));
      if (headers.length === 0) return refused(`${vscode.workspace.asRelativePath(csv)} is empty.`, log);
      const items = headers.map((header) => ({ label: header, description: `→ ${columnTarget(header) ?? '(left out)'}`, picked: true }));
      const chosen = await vscode.window.showQuickPick(items, {
        canPickMany: true,
        title: 'Columns to import (each row becomes a sample file)',
        placeHolder: 'Untick the columns to leave out',
      });
      if (!chosen) return refused('Import cancelled.', log);
      const kept = new Set(chosen.map((c) => c.label));
      mapping = Object.fromEntries(headers.filter((h) => !kept.has(h)).map((h) => [h, null]));
    }
    const name = csv.path
      .split('/')
      .pop()!
      .replace(/\.csv$/i, '');
    const folder = options?.folder ?? vscode.Uri.joinPath(root, 'samples', slug(name) || 'contacts');
    await vscode.workspace.fs.createDirectory(folder);
    const written: vscode.Uri[] = [];
    let kept = 0;
    let rows = 0;
    for await (const sample of csvSamples(chunksOf(csv), { mapping })) {
      rows++;
      if (rows > MAX_IMPORTED_ROWS) continue;
      const file = vscode.Uri.joinPath(folder, `row-${rows}${sampleSlug(sample.data)}.sample.json`);
      if (await exists(file)) {
        kept++;
        continue;
      }
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(`${JSON.stringify({ name: sample.name, ...sample.data }, null, 2)}\n`));
      written.push(file);
    }
    const left = Math.max(0, rows - MAX_IMPORTED_ROWS);
    const note = left > 0 ? ` ${left} more rows were not imported: run \`webhook-studio test --data\` on the whole file.` : '';
    log.info(`imported ${written.length} samples from ${vscode.workspace.asRelativePath(csv)} into ${vscode.workspace.asRelativePath(folder)}`);
    void vscode.window.showInformationMessage(`Webhook Studio: ${written.length} samples written to ${vscode.workspace.asRelativePath(folder)}.${note}`);
    return { folder, written, kept, left };
  } catch (error) {
    if (error instanceof CsvSampleError)
      return refused(`${vscode.workspace.asRelativePath(csv)}${error.line !== undefined ? `:${error.line}` : ''}: ${error.message}`, log);
    throw error;
  }
}

function refused(reason: string, log: StudioLog): { refused: true; reason: string } {
  log.warn(reason);
  void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`);
  return { refused: true, reason };
}

/** The CSV's bytes, streamed from disk for local files, else read through the workspace file system. */
async function* chunksOf(uri: vscode.Uri): AsyncGenerator<Uint8Array> {
  if (uri.scheme === 'file') {
    for await (const chunk of createReadStream(uri.fsPath)) yield chunk as Buffer;
    return;
  }
  yield await vscode.workspace.fs.readFile(uri);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function sampleSlug(data: Record<string, unknown>): string {
  const contact = (data['contact'] ?? {}) as Record<string, unknown>;
  const who =
    [contact['first_name'], contact['last_name']].filter((v) => typeof v === 'string' && v !== '').join(' ') ||
    (typeof contact['email'] === 'string' ? contact['email'] : '');
  const s = slug(who);
  return s ? `-${s}` : '';
}
