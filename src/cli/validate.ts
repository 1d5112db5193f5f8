/**
 * `webhook-studio validate [globs|folders…]`: schema + lint of every matched action file and every sample file. A
 * folder stands for the actions and samples under it, as eslint and tsc take a folder.
 */
import { parseActionDocument } from '../core/document';
import { parseSample } from '../core/sample';
import { validateSchemaOfText } from '../core/schemaValidation';
import { noTokens } from '../core/secretSources';
import { escapeGlob, globProblem, isGlob, unescapeGlob } from '../core/glob';
import { escapeForTerminal } from '../core/text';
import { DEFAULT_ACTION_GLOB, DEFAULT_SAMPLE_GLOB, isDirectory, readTextFile, searchFiles, type FoundFiles } from '../core/workspace';
import type { Diagnostic } from '../core/types';
import { relative, resolve } from 'node:path';
import { parseCommandArgs } from './args';
import { colorsFor, type CliIo } from './io';
import { USAGE } from './usage';
import { CliContracts, contractCacheDir } from './contracts';
import {
  analyse,
  COMMON_OPTIONS,
  diagnosticLine,
  diagnosticsJson,
  mergeDiagnostics,
  openSession,
  renderOptions,
  shownPath,
  type DiagnosticJson,
  UsageError,
} from './session';

interface FileReport {
  readonly file: string;
  readonly kind: 'action' | 'sample' | 'folder';
  readonly error?: string;
  readonly diagnostics: DiagnosticJson[];
}

/** Runs `validate`; resolves with the exit code. */
export async function runValidate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_OPTIONS, json: { type: 'boolean' }, 'fetch-contracts': { type: 'boolean' }, 'contract-cache': { type: 'string' } },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['validate']}\n`);
    return 0;
  }
  for (const pattern of positionals) {
    const problem = globProblem(pattern);
    if (problem !== undefined) throw new UsageError(`${escapeForTerminal(pattern)}: ${escapeForTerminal(problem)}`);
  }
  const { patterns, sampleGlobs } = await selection(positionals, io.cwd);
  const session = await openSession(values, io, { warnOfBrokenSamples: false, sampleGlobs });
  const options = renderOptions(session, noTokens);
  const contracts = new CliContracts(contractCacheDir(values['contract-cache'], io.env, io.cwd), values['fetch-contracts'] === true);
  const reports: FileReport[] = [];
  const notices: string[] = [];

  const actionFiles = new Set<string>();
  // A folder the search had to enter but could not list is an error of the run, as an unreadable file is: what
  // is in it was not checked.
  const unlisted = new Map<string, string>();
  const noteUnlisted = (found: FoundFiles) => {
    for (const dir of found.unreadable) unlisted.set(dir.path, dir.error);
  };
  for (const pattern of patterns) {
    const found = await searchFiles([pattern], io.cwd);
    noteUnlisted(found);
    if (found.files.length === 0) notices.push(`no files match ${escapeForTerminal(pattern)}`);
    for (const f of found.files) actionFiles.add(f);
  }
  for (const path of [...actionFiles].sort()) {
    const shown = shownPath(path, io.cwd);
    const read = await readTextFile(path);
    if (!read.ok) {
      reports.push({ file: shown, kind: 'action', error: read.error, diagnostics: [] });
      continue;
    }
    const doc = parseActionDocument(read.text);
    const schema = doc.syntax.some((d) => d.severity === 'error') ? [] : validateSchemaOfText('action', doc.text, () => doc.root);
    // Every sample's request against the receiver's OpenAPI operation, when the action names one.
    const contract = await contracts.diagnostics(doc, path, session.samples, options);
    const { diagnostics } = analyse(doc, session, options, [...schema, ...contract]);
    reports.push({ file: shown, kind: 'action', diagnostics: diagnosticsJson(read.text, diagnostics) });
  }

  const samplesFound = await searchFiles(sampleGlobs, io.cwd);
  noteUnlisted(samplesFound);
  for (const [path, error] of [...unlisted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    reports.push({
      file: `${shownPath(path, io.cwd)}/`,
      kind: 'folder',
      error: `folder cannot be read (${error}): the files in it were not checked`,
      diagnostics: [],
    });
  }
  for (const path of samplesFound.files) {
    const read = await readTextFile(path);
    const shown = shownPath(path, io.cwd);
    if (!read.ok) {
      reports.push({ file: shown, kind: 'sample', error: read.error, diagnostics: [] });
      continue;
    }
    const parsed = parseSample(read.text, path);
    const syntaxErrors = parsed.diagnostics.some((d) => d.code === 'invalid-json');
    const schema: Diagnostic[] = syntaxErrors ? [] : validateSchemaOfText('sample', read.text, () => parsed.root);
    const merged = mergeDiagnostics(parsed.diagnostics, schema);
    reports.push({ file: shown, kind: 'sample', diagnostics: diagnosticsJson(read.text, merged) });
  }

  const count = (severity: string) => reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === severity).length, 0);
  const unreadable = reports.filter((r) => r.error !== undefined).length;
  const errors = count('error') + unreadable;
  const warnings = count('warning');
  const files = reports.filter((r) => r.kind !== 'folder').length;
  const checkedActions = reports.filter((r) => r.kind === 'action').length;

  if (values.json) {
    io.out(`${JSON.stringify({ files: reports.map(({ kind: _kind, ...r }) => r), errors, warnings, notices })}\n`);
  } else {
    const c = colorsFor(io.stdoutIsTTY, io.env);
    for (const notice of notices) io.err(`webhook-studio: ${notice}\n`);
    for (const r of reports) {
      if (r.error !== undefined) io.out(`${c.bold(r.file)}: ${c.red('error')} ${r.error}\n`);
      for (const d of r.diagnostics) io.out(`${diagnosticLine(r.file, d, c)}\n`);
    }
    const checked = reports.filter((r) => r.kind !== 'folder').map((r) => r.file);
    if (checked.length > 0) io.out(`${c.dim(`checked: ${checked.join(', ')}`)}\n`);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const summary = `${plural(files, 'file')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    io.out(`${errors > 0 ? c.red(summary) : warnings > 0 ? c.yellow(summary) : c.green(summary)}\n`);
  }
  if (unreadable > 0 || checkedActions === 0) {
    if (checkedActions === 0 && !values.json) io.err('webhook-studio: nothing to validate: no *.webhook.json file found\n');
    return 2;
  }
  return errors > 0 ? 1 : 0;
}

/** The action globs and the sample globs a run's arguments stand for. */
interface Selection {
  readonly patterns: readonly string[];
  readonly sampleGlobs: readonly string[];
}

/**
 * What the arguments select. A plain path of an existing folder stands for the actions and the samples under it;
 * the samples of the whole working folder are used only when some argument is not a folder (or there is none),
 * so `validate examples` checks and lints against `examples/` alone.
 */
async function selection(positionals: readonly string[], cwd: string): Promise<Selection> {
  if (positionals.length === 0) return { patterns: [DEFAULT_ACTION_GLOB], sampleGlobs: [DEFAULT_SAMPLE_GLOB] };
  const patterns: string[] = [];
  const sampleGlobs = new Set<string>();
  let allFolders = true;
  for (const raw of positionals) {
    const path = isGlob(raw) ? undefined : resolve(cwd, unescapeGlob(raw));
    if (path !== undefined && (await isDirectory(path))) {
      const rel = relative(cwd, path).split('\\').join('/');
      const base = rel === '' ? '' : `${escapeGlob(rel)}/`;
      patterns.push(`${base}${DEFAULT_ACTION_GLOB}`);
      sampleGlobs.add(`${base}${DEFAULT_SAMPLE_GLOB}`);
    } else {
      patterns.push(raw);
      allFolders = false;
    }
  }
  if (!allFolders) sampleGlobs.add(DEFAULT_SAMPLE_GLOB);
  return { patterns, sampleGlobs: [...sampleGlobs] };
}
