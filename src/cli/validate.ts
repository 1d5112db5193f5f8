/** `webhook-studio validate [globs…]`: schema + lint of every matched action file and every sample file. */
import { parseActionDocument } from '../core/document';
import { parseSample } from '../core/sample';
import { validateSchemaOfText } from '../core/schemaValidation';
import { noTokens } from '../core/secretSources';
import { globProblem } from '../core/glob';
import { escapeForTerminal } from '../core/text';
import { DEFAULT_SAMPLE_GLOB, readTextFile, searchFiles, type FoundFiles } from '../core/workspace';
import type { Diagnostic } from '../core/types';
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
  const session = await openSession(values, io, { warnOfBrokenSamples: false });
  const options = renderOptions(session, noTokens);
  const contracts = new CliContracts(contractCacheDir(values['contract-cache'], io.env, io.cwd), values['fetch-contracts'] === true);
  const reports: FileReport[] = [];
  const notices: string[] = [];

  const patterns = positionals.length > 0 ? positionals : ['**/*.webhook.json'];
  for (const pattern of patterns) {
    const problem = globProblem(pattern);
    if (problem !== undefined) throw new UsageError(`${escapeForTerminal(pattern)}: ${escapeForTerminal(problem)}`);
  }
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

  const samplesFound = await searchFiles([DEFAULT_SAMPLE_GLOB], io.cwd);
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
