/**
 * `webhook-studio test [globs…]`: every matched action × every sample (or every row of a CSV), sent through
 * the one send path with bounded concurrency and checked against the action's `expect`; lint errors fail
 * the action. Reporters write JUnit, JSON, TAP or GitHub annotations; the exit code is 0, 1, 2 or 3
 * (exitCodes.ts) whatever reporters are asked for.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseActionDocument, type ActionDocument } from '../core/document';
import { csvSamples, CsvSampleError, mappingProblem, type CsvMapping } from '../core/csvSamples';
import { globProblem } from '../core/glob';
import { HttpSender, proxyFromEnv } from '../core/http';
import { startInbox, validateInboxStatus, type Inbox } from '../core/inbox';
import { plainAnswer, withDefault } from '../core/inboxRules';
import { validateSchemaOfText } from '../core/schemaValidation';
import { redactText } from '../core/redact';
import { sendAction, type SendActionResult } from '../core/sendAction';
import { escapeForTerminal, LineIndex } from '../core/text';
import type { ExecutionRecord, Sample } from '../core/types';
import { readTextFile, searchFiles } from '../core/workspace';
import { integerOption, parseCommandArgs } from './args';
import { EXIT, exitCodeOfRecord, isNetworkFailure } from './exitCodes';
import { colorsFor, type CliIo, type Colors } from './io';
import {
  analyse,
  cliTokens,
  COMMON_OPTIONS,
  diagnosticLine,
  diagnosticsJson,
  openSession,
  renderOptions,
  schemaCompilerFor,
  shownPath,
  UsageError,
  type DiagnosticJson,
  type Session,
} from './session';
import { REPORTERS, reportText, type ActionReport, type CaseFailure, type CaseResult, type ReporterName, type TestReport } from './testReport';
import { DEFAULT_CONCURRENCY, USAGE } from './usage';
import { CliContracts, contractCacheDir } from './contracts';
import { readRulesOption } from './inbox';

const OPTIONS = {
  ...COMMON_OPTIONS,
  data: { type: 'string' },
  map: { type: 'string' },
  inbox: { type: 'boolean' },
  'inbox-status': { type: 'string' },
  'inbox-body': { type: 'string' },
  rules: { type: 'string' },
  'fetch-contracts': { type: 'boolean' },
  'contract-cache': { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  bail: { type: 'boolean' },
  'fail-on': { type: 'string' },
  reporter: { type: 'string', multiple: true },
} as const;

/** Bytes of a request or response body kept in a report's `system-out`. */
const OUTPUT_BODY_BYTES = 4096;

/** One reporter as asked for: a name and a file, or stdout. */
interface Reporter {
  readonly name: ReporterName;
  readonly path?: string;
}

/** An action ready to run: its document, its report and what its cases need. */
interface ActionRun {
  readonly path: string;
  readonly doc: ActionDocument;
  readonly lines: LineIndex;
  readonly report: ActionReport;
  readonly tokens: ReturnType<typeof cliTokens>['tokens'];
  /** Every error and warning, printed whether or not it fails the action. */
  readonly shown: readonly DiagnosticJson[];
}

/** Runs `test`; resolves with the exit code. */
export async function runTest(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, true);
  if (values.help) {
    io.out(`${USAGE['test']}\n`);
    return 0;
  }
  const concurrency = integerOption(values.concurrency, '--concurrency', 1, 256) ?? DEFAULT_CONCURRENCY;
  const timeoutMs = integerOption(values.timeout, '--timeout', 1, 3_600_000);
  const gapMs = rateGap(values.rate);
  const failOn = values['fail-on'] ?? 'error';
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on must be error or warning, not "${escapeForTerminal(failOn)}"`, true);
  const reporters = parseReporters(values.reporter ?? []);
  const inboxStatus = integerOption(values['inbox-status'], '--inbox-status', 200, 599);
  if ((inboxStatus !== undefined || values['inbox-body'] !== undefined || values.rules !== undefined) && !values.inbox)
    throw new UsageError('--inbox-status, --inbox-body and --rules need --inbox', true);
  if (inboxStatus !== undefined && validateInboxStatus(inboxStatus) !== undefined) throw new UsageError(validateInboxStatus(inboxStatus)!);
  if (values.map !== undefined && values.data === undefined) throw new UsageError('--map needs --data', true);
  if (values.sample !== undefined && values.data !== undefined)
    throw new UsageError('--sample and --data cannot be combined: --data replaces the samples', true);

  const patterns = positionals.length > 0 ? positionals : ['**/*.webhook.json'];
  for (const pattern of patterns) {
    const problem = globProblem(pattern);
    if (problem !== undefined) throw new UsageError(`${escapeForTerminal(pattern)}: ${escapeForTerminal(problem)}`);
  }
  const session = await openSession(values, io);
  const mapping = values.map !== undefined ? await readMapping(values.map, io) : undefined;
  const dataPath = values.data !== undefined ? await checkedDataPath(values.data, io) : undefined;
  let rules = values.rules !== undefined ? await readRulesOption(values.rules, io) : undefined;
  if (values.rules !== undefined && !rules) {
    io.err(`webhook-studio: ${escapeForTerminal(values.rules)} has errors: nothing was sent\n`);
    return EXIT.usage;
  }
  if (rules && (inboxStatus !== undefined || values['inbox-body'] !== undefined))
    rules = withDefault(rules, plainAnswer(inboxStatus ?? rules.default?.status ?? 200, values['inbox-body'] ?? '{"ok":true}', 'application/json'));
  const contracts = new CliContracts(contractCacheDir(values['contract-cache'], io.env, io.cwd), values['fetch-contracts'] === true);
  const actions = await loadActions(patterns, session, failOn, contracts, io);
  const compileSchema = await schemaCompilerFor(actions.map((a) => a.doc));
  const c = colorsFor(io.stdoutIsTTY, io.env);
  const toStdout = reporters.some((r) => r.path === undefined);
  // With a report on stdout the human lines go to stderr, so the report stays parseable.
  const say = toStdout ? (text: string) => io.err(text) : (text: string) => io.out(text);
  for (const a of actions) for (const d of a.shown) say(`${diagnosticLine(a.report.file, d, c)}\n`);

  const keepCases = reporters.length > 0;
  const counts = { tests: 0, passed: 0, failed: 0, errors: 0 };
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  let stop = false;
  let dataError: string | undefined;
  let inbox: Inbox | undefined;
  let http: HttpSender | undefined;
  const cancel = new AbortController();
  void io.interrupted().then(() => {
    stop = true;
    cancel.abort();
  });
  const progress = progressLine(io);
  try {
    if (values.inbox)
      inbox = await startInbox({
        ...(inboxStatus !== undefined ? { status: inboxStatus } : {}),
        ...(values['inbox-body'] !== undefined ? { body: values['inbox-body'] } : {}),
        ...(rules ? { rules } : {}),
      });
    http = new HttpSender({ proxy: proxyFromEnv(io.env), alwaysAllowedOrigins: inbox ? [inbox.url] : [] });
    const transport = http;
    const samples: AsyncIterable<Sample> | Iterable<Sample> =
      dataPath !== undefined
        ? csvSamples(createReadStream(dataPath), { source: values.data, ...(mapping ? { mapping } : {}) })
        : values.sample !== undefined
          ? [session.selected]
          : session.samples;
    if (actions.some((a) => a.report.lintFailed) && values.bail) stop = true;

    const runCase = async (action: ActionRun, sample: Sample) => {
      const t0 = performance.now();
      const result = await sendAction({
        doc: action.doc,
        sample,
        file: action.report.file,
        escaping: session.escaping,
        arraySeparator: session.arraySeparator,
        unknownTag: session.unknownTag,
        secrets: session.secrets,
        tokens: action.tokens,
        transport,
        inbox,
        timeoutMs,
        signal: cancel.signal,
        knownSecrets: () => io.seen,
        ...(compileSchema ? { compileSchema } : {}),
      });
      const outcome = caseOf(result, sample, action, performance.now() - t0);
      counts.tests++;
      counts[outcome.status === 'passed' ? 'passed' : outcome.status === 'failed' ? 'failed' : 'errors']++;
      if (outcome.status !== 'passed') {
        progress.clear();
        say(caseLines(action.report.file, outcome, c));
        if (values.bail) stop = true;
      }
      if (keepCases) action.report.cases.push(outcome);
      progress.show(counts);
    };
    try {
      await pool(
        casesOf(samples, actions),
        concurrency,
        gapMs,
        () => stop,
        ([action, sample]) => runCase(action, sample),
      );
    } catch (error) {
      if (!(error instanceof CsvSampleError)) throw error;
      dataError = `--data ${escapeForTerminal(values.data ?? '')}${error.line !== undefined ? `:${error.line}` : ''}: ${error.message}`;
    }
  } finally {
    progress.clear();
    await http?.close();
    await inbox?.close();
  }

  const lintFailures = actions.filter((a) => a.report.lintFailed).length;
  const totals = {
    tests: counts.tests + actions.length,
    passed: counts.passed + actions.length - lintFailures,
    failed: counts.failed + lintFailures,
    errors: counts.errors,
  };
  const report: TestReport = { actions: actions.map((a) => a.report), totals, durationMs: Date.now() - started, startedAt };
  say(`${summary(totals, report.durationMs, c)}\n`);
  const written = await writeReports(reporters, report, io);
  if (dataError !== undefined) {
    io.err(`webhook-studio: ${dataError}\n`);
    return EXIT.usage;
  }
  if (dataPath !== undefined && counts.tests === 0 && !stop) {
    io.err(`webhook-studio: --data ${escapeForTerminal(values.data ?? '')}: no rows below the header\n`);
    return EXIT.usage;
  }
  if (!written) return EXIT.usage;
  if (totals.failed > 0) return EXIT.failed;
  return totals.errors > 0 ? EXIT.network : EXIT.ok;
}

/** `--rate N`: at most N sends started per second; the gap between starts in milliseconds (0: no limit). */
function rateGap(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 10_000)
    throw new UsageError(`--rate must be a number of sends per second above 0, not "${escapeForTerminal(value)}"`);
  return 1000 / n;
}

/** `--reporter name[:path]`, repeatable; at most one of them without a path (stdout). */
function parseReporters(values: readonly string[]): Reporter[] {
  const reporters = values.map((value): Reporter => {
    const colon = value.indexOf(':');
    const name = colon < 0 ? value : value.slice(0, colon);
    const path = colon < 0 ? undefined : value.slice(colon + 1);
    if (!(REPORTERS as readonly string[]).includes(name))
      throw new UsageError(`--reporter ${escapeForTerminal(name)}: not a reporter (${REPORTERS.join(', ')})`, true);
    if (path === '') throw new UsageError(`--reporter ${name}: needs a path after ":"`);
    return { name: name as ReporterName, ...(path !== undefined ? { path } : {}) };
  });
  if (reporters.filter((r) => r.path === undefined).length > 1)
    throw new UsageError('only one --reporter can write to stdout: give the others a path (junit:report.xml)', true);
  return reporters;
}

async function readMapping(file: string, io: CliIo): Promise<CsvMapping> {
  const read = await readTextFile(resolve(io.cwd, file));
  if (!read.ok) throw new UsageError(`--map ${shownPath(resolve(io.cwd, file), io.cwd)}: ${read.error}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch (error) {
    throw new UsageError(`--map ${shownPath(resolve(io.cwd, file), io.cwd)}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const problem = mappingProblem(parsed);
  if (problem !== undefined) throw new UsageError(`--map ${shownPath(resolve(io.cwd, file), io.cwd)}: ${escapeForTerminal(problem)}`);
  return parsed as CsvMapping;
}

/** The --data file, checked to be a readable regular file before anything is sent. */
async function checkedDataPath(file: string, io: CliIo): Promise<string> {
  const path = resolve(io.cwd, file);
  try {
    const handle = await open(path, 'r');
    const stat = await handle.stat();
    await handle.close();
    if (!stat.isFile()) throw new UsageError(`--data ${shownPath(path, io.cwd)}: not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: string }).code;
    throw new UsageError(
      `--data ${shownPath(path, io.cwd)}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? error)}`,
    );
  }
  return path;
}

/** Reads, checks and lints every matched action; an unreadable one or none at all is a usage error. */
async function loadActions(
  patterns: readonly string[],
  session: Session,
  failOn: 'error' | 'warning',
  contracts: CliContracts,
  io: CliIo,
): Promise<ActionRun[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    const found = await searchFiles([pattern], io.cwd);
    for (const dir of found.unreadable) throw new UsageError(`${shownPath(dir.path, io.cwd)}/: folder cannot be read (${dir.error})`);
    if (found.files.length === 0) throw new UsageError(`no files match ${escapeForTerminal(pattern)}`);
    for (const f of found.files) files.add(f);
  }
  const actions: ActionRun[] = [];
  for (const path of [...files].sort()) {
    const file = shownPath(path, io.cwd);
    const read = await readTextFile(path);
    if (!read.ok) throw new UsageError(`${file}: ${read.error}`);
    const doc = parseActionDocument(read.text);
    const oauth = cliTokens(doc, session.secrets, io.env, io.seen);
    const schema = doc.syntax.some((d) => d.severity === 'error') ? [] : validateSchemaOfText('action', doc.text, () => doc.root);
    const options = renderOptions(session, oauth.source);
    // The receiver's OpenAPI operation, checked as validate checks it: against every sample of the workspace.
    const contract = await contracts.diagnostics(doc, path, session.samples, options);
    const { diagnostics } = analyse(doc, session, options, [...schema, ...contract]);
    const shown = diagnosticsJson(doc.text, diagnostics).filter((d) => d.severity !== 'info');
    const counted = shown.filter((d) => d.severity === 'error' || failOn === 'warning');
    actions.push({
      path,
      doc,
      lines: doc.lines,
      tokens: oauth.tokens,
      shown,
      report: { file, name: doc.model.name ?? file, lint: counted, lintFailed: counted.length > 0, cases: [] },
    });
  }
  return actions;
}

/** Every action × every sample, samples outermost, so a CSV is read once and in step with the sends. */
async function* casesOf(samples: AsyncIterable<Sample> | Iterable<Sample>, actions: readonly ActionRun[]): AsyncGenerator<[ActionRun, Sample]> {
  for await (const sample of samples) for (const action of actions) yield [action, sample];
}

/** Runs `work` for each item, at most `concurrency` at once and starts at least `gapMs` apart, until `stop()`. */
async function pool<T>(items: AsyncIterable<T>, concurrency: number, gapMs: number, stop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>();
  let nextStart = 0;
  try {
    for await (const item of items) {
      while (inflight.size >= concurrency) await Promise.race(inflight);
      if (stop()) break;
      if (gapMs > 0) {
        const wait = nextStart - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        nextStart = Math.max(Date.now(), nextStart) + gapMs;
      }
      const running: Promise<void> = work(item).finally(() => inflight.delete(running));
      inflight.add(running);
    }
  } finally {
    await Promise.all(inflight);
  }
}

/** The result of one case from what the send path gave. */
function caseOf(result: SendActionResult, sample: Sample, action: ActionRun, durationMs: number): CaseResult {
  const at = (offset: number) => {
    const p = action.lines.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
  if (!result.sent) {
    const where = at(result.problems[0]?.range.start ?? 0);
    return { sample: sample.name, status: 'failed', durationMs, checks: 0, failures: [{ name: 'send', message: `not sent: ${result.reason}`, ...where }] };
  }
  const record = result.record;
  const checks = record.checks ?? [];
  if (record.error) {
    const text = `${record.error.code}: ${record.error.message}`;
    if (isNetworkFailure(record.error.code))
      return { sample: sample.name, status: 'error', durationMs, checks: 0, failures: [], error: text, output: outputOf(record) };
    return {
      sample: sample.name,
      status: 'failed',
      durationMs,
      checks: 0,
      failures: [{ name: 'send', message: text, line: 1, column: 1 }],
      output: outputOf(record),
    };
  }
  const failures: CaseFailure[] = checks
    .filter((ch) => !ch.passed)
    .map((ch) => ({
      name: ch.name,
      message: `${ch.name}: expected ${ch.expected}, got ${ch.actual}`,
      expected: ch.expected,
      actual: ch.actual,
      ...at(ch.range.start),
    }));
  if (exitCodeOfRecord(record) !== EXIT.ok && failures.length === 0) {
    const status = record.response?.status ?? 0;
    failures.push({ name: 'status', message: `status: expected 2xx, got ${status}`, expected: '2xx', actual: String(status), line: 1, column: 1 });
  }
  const passed = failures.length === 0;
  return {
    sample: sample.name,
    status: passed ? 'passed' : 'failed',
    durationMs,
    checks: checks.length,
    failures,
    ...(passed ? {} : { output: outputOf(record) }),
  };
}

/** The request and response of a record (already redacted) as `system-out` text, bodies cut to a few KiB. */
function outputOf(record: ExecutionRecord): string {
  const cut = (text: string) => (text.length > OUTPUT_BODY_BYTES ? `${text.slice(0, OUTPUT_BODY_BYTES)}… (cut)` : text);
  const r = record.request;
  const lines = [`${r.method} ${r.url}`, ...r.headers.map(([n, v]) => `${n}: ${v}`), '', cut(r.body ?? '')];
  if (record.response) {
    const res = record.response;
    lines.push('', `→ ${res.status} ${res.statusText}`.trimEnd(), ...res.headers.map(([n, v]) => `${n}: ${v}`), '', cut(res.bodyPreview));
  } else if (record.error) {
    lines.push('', `→ ${record.error.code}: ${record.error.message}`);
  }
  return lines.join('\n');
}

function caseLines(file: string, c: CaseResult, colors: Colors): string {
  const mark = c.status === 'error' ? colors.yellow('!') : colors.red('✗');
  const lines = [`${mark} ${colors.bold(file)} › ${escapeForTerminal(c.sample)}`];
  if (c.error !== undefined) lines.push(`    no response: ${escapeForTerminal(c.error)}`);
  for (const f of c.failures) lines.push(`    ${escapeForTerminal(f.message)} ${colors.dim(`(${file}:${f.line}:${f.column})`)}`);
  return `${lines.join('\n')}\n`;
}

function summary(t: TestReport['totals'], ms: number, c: Colors): string {
  const text = `${t.tests} test${t.tests === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed, ${t.errors} without a response · ${(ms / 1000).toFixed(1)} s`;
  return t.failed > 0 ? c.red(text) : t.errors > 0 ? c.yellow(text) : c.green(text);
}

/** A live line of counts on stderr, only on a terminal, redrawn at most every 100 ms. */
function progressLine(io: CliIo): { show(counts: { tests: number; failed: number; errors: number }): void; clear(): void } {
  let last = 0;
  let shown = false;
  const started = Date.now();
  return {
    show(counts) {
      if (!io.stderrIsTTY) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const rate = counts.tests / Math.max(0.001, (now - started) / 1000);
      io.err(`\r\x1b[K${counts.tests} done · ${counts.failed} failed · ${counts.errors} without a response · ${rate.toFixed(0)}/s`);
    },
    clear() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}

/** Writes every report; false when one could not be written (said on stderr). */
async function writeReports(reporters: readonly Reporter[], report: TestReport, io: CliIo): Promise<boolean> {
  let ok = true;
  for (const r of reporters) {
    // Records are redacted already; this is the last resort, as for everything the CLI prints.
    const text = redactText(reportText(r.name, report), io.seen);
    if (r.path === undefined) {
      io.out(text);
      continue;
    }
    const path = resolve(io.cwd, r.path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, 'utf8');
    } catch (error) {
      ok = false;
      io.err(`webhook-studio: --reporter ${r.name}:${escapeForTerminal(r.path)}: cannot be written (${(error as { code?: string }).code ?? String(error)})\n`);
    }
  }
  return ok;
}
