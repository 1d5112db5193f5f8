/**
 * What validate, render and send share: the options they have in common, the samples, the secret
 * and token sources, reading the action file, and turning diagnostics into terminal lines.
 */
import { relative, resolve } from 'node:path';
import { parseActionDocument, type ActionDocument } from '../core/document';
import { readExpect, type SchemaCompiler } from '../core/expect';
import { lint } from '../core/lint';
import { proxyFromEnv } from '../core/http/proxy';
import { OAuthTokens, type OAuthConnection } from '../core/oauth';
import { MIN_SEARCHED_SECRET_LENGTH, secretValuesOf } from '../core/redact';
import { findSample, parseSample } from '../core/sample';
import { cliSecretSource } from '../core/secretSources';
import { EMPTY_FILE } from '../core/jsonc';
import { escapeForTerminal, LineIndex } from '../core/text';
import { BUILTIN_SAMPLE } from '../core/builtinSample';
import { fixedClock, isTimeZone, parseIsoTime, SYSTEM_CLOCK, type Clock } from '../core/clock';
import type { Diagnostic, EscapingMode, RenderOptions, RenderResult, Sample, SecretSource, TokenSource, UnknownTagMode } from '../core/types';
import { loadSamples, readTextFile, type SampleFileProblems } from '../core/workspace';
import type { CliIo, Colors } from './io';
import { UsageError } from './usageError';

export { UsageError } from './usageError';

/** The options validate, render and send have in common, as parsed. */
export interface CommonValues {
  readonly sample?: string;
  readonly secret?: string[];
  readonly 'env-file'?: string;
  readonly escaping?: string;
  readonly 'array-separator'?: string;
  readonly now?: string;
  readonly 'time-zone'?: string;
  readonly 'unknown-tag'?: string;
}

/** The parseArgs configuration of the common options. */
export const COMMON_OPTIONS = {
  sample: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'env-file': { type: 'string' },
  escaping: { type: 'string' },
  'array-separator': { type: 'string' },
  now: { type: 'string' },
  'time-zone': { type: 'string' },
  'unknown-tag': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Everything needed to render and lint one action. */
export interface Session {
  readonly samples: readonly Sample[];
  readonly sampleProblems: readonly SampleFileProblems[];
  readonly selected: Sample;
  readonly secrets: SecretSource;
  readonly escaping: EscapingMode;
  readonly arraySeparator: string;
  /** Secret and credential values met so far: output never shows them. */
  readonly seen: Set<string>;
  /** What "now" is for `{{right_now.*}}`: `--now`, else the real clock. */
  readonly clock: Clock;
  /** The zone of `right_now` when the sample's `location.timezone` is not set: `--time-zone`, else UTC. */
  readonly timeZone: string;
  /** What a tag the platform does not know renders as: `--unknown-tag`, else empty. */
  readonly unknownTag: UnknownTagMode;
}

/** The secret source of `--secret`, the environment and `--env-file`; every value read is added to `io.seen`. */
function secretsOf(values: Pick<CommonValues, 'secret'>, envFileText: string | undefined, io: CliIo): SecretSource {
  const built = cliSecretSource({ secrets: values.secret ?? [], env: io.env, envFileText });
  if (!built.ok) throw new UsageError(built.error);
  return recording(built.source, io.seen, (name) =>
    io.err(
      `webhook-studio: warning: secret ${name} is shorter than ${MIN_SEARCHED_SECRET_LENGTH} characters: it is masked where it is used and in records, but printed text is not searched for it\n`,
    ),
  );
}

/** Reads `--secret`, the environment and `--env-file` alone, for commands that render nothing (replay). */
export async function openSecrets(values: Pick<CommonValues, 'secret' | 'env-file'>, io: CliIo): Promise<SecretSource> {
  let envFileText: string | undefined;
  if (values['env-file'] !== undefined) {
    const read = await readTextFile(resolve(io.cwd, values['env-file']));
    if (!read.ok) throw new UsageError(`--env-file ${escapeForTerminal(values['env-file'])}: ${read.error}`);
    envFileText = read.text;
  }
  return secretsOf(values, envFileText, io);
}

/** Reads the common options: secrets, escaping, samples and the selected sample. */
export async function openSession(
  values: CommonValues,
  io: CliIo,
  options: { readonly warnOfBrokenSamples?: boolean; readonly sampleGlobs?: readonly string[] } = {},
): Promise<Session> {
  const escaping = values.escaping ?? 'text';
  if (escaping !== 'json' && escaping !== 'text') throw new UsageError(`--escaping must be json or text, not "${escaping}"`, true);
  const unknownTag = values['unknown-tag'] ?? 'empty';
  if (unknownTag !== 'empty' && unknownTag !== 'marker')
    throw new UsageError(`--unknown-tag must be empty or marker, not "${escapeForTerminal(unknownTag)}"`, true);
  const now = values.now !== undefined ? parseIsoTime(values.now) : undefined;
  if (values.now !== undefined && !now)
    throw new UsageError(`--now must be an ISO 8601 time with a zone such as 2026-12-01T15:07:05Z, not "${escapeForTerminal(values.now)}"`);
  const timeZone = values['time-zone'] ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new UsageError(`--time-zone must be an IANA time zone such as America/Chicago, not "${escapeForTerminal(timeZone)}"`);
  let envFileText: string | undefined;
  if (values['env-file'] !== undefined) {
    const read = await readTextFile(resolve(io.cwd, values['env-file']));
    if (!read.ok) throw new UsageError(`--env-file ${escapeForTerminal(values['env-file'])}: ${read.error}`);
    envFileText = read.text;
  }
  const secrets = secretsOf(values, envFileText, io);

  const loaded = await loadSamples(io.cwd, options.sampleGlobs);
  // A sample file that is not valid JSON is never used in part: named with --sample it is refused, found by the
  // search it is left out with a warning (validate reports it as an error of its own).
  const broken = new Map<string, string>();
  for (const p of loaded.diagnostics) {
    const problem = samplesProblem(
      p,
      loaded.samples.some((s) => s.file === p.file),
    );
    if (problem !== undefined) broken.set(p.file, problem);
  }
  const found = loaded.samples.filter((s) => s.file === undefined || !broken.has(s.file));
  const samples = found.length > 0 ? found : [BUILTIN_SAMPLE];
  if (options.warnOfBrokenSamples !== false) {
    for (const dir of loaded.unreadable)
      io.err(`webhook-studio: warning: folder ${shownPath(dir.path, io.cwd)}/ cannot be read (${dir.error}): samples in it are not used\n`);
    for (const [file, problem] of broken) {
      if (values.sample === undefined || resolve(io.cwd, values.sample) !== file)
        io.err(`webhook-studio: warning: sample ${shownPath(file, io.cwd)}${problem}; it is not used\n`);
    }
  }
  let selected = samples[0]!;
  if (values.sample !== undefined) {
    const chosen = await chooseSample(values.sample, samples, broken, io);
    selected = chosen;
    if (!samples.includes(chosen)) samples.push(chosen);
  }
  return {
    samples,
    sampleProblems: loaded.diagnostics,
    selected,
    secrets,
    escaping,
    arraySeparator: values['array-separator'] ?? ', ',
    seen: io.seen,
    clock: now ? fixedClock(now) : SYSTEM_CLOCK,
    timeZone,
    unknownTag,
  };
}

/** What keeps a sample file from being used, as `:line:col: message` or `: message`; undefined when it is usable. */
function samplesProblem(problems: SampleFileProblems, usable: boolean): string | undefined {
  const first = problems.diagnostics.find((d) => d.severity === 'error' && (d.code === 'invalid-json' || !usable));
  if (!first) return undefined;
  if (problems.text === '' && first.range.start === 0 && first.message !== EMPTY_FILE.message) return `: ${first.message}`;
  const p = new LineIndex(problems.text).positionAt(first.range.start);
  const cut = first.code === 'invalid-json' && problems.text.slice(first.range.start).trim() === '' && problems.text.trim() !== '';
  const message = cut ? 'the file ends before its JSON is complete (is it cut short?)' : first.message.replace(/\.$/, '');
  return `:${p.line + 1}:${p.character + 1}: ${message}`;
}

async function chooseSample(wanted: string, samples: Sample[], broken: ReadonlyMap<string, string>, io: CliIo): Promise<Sample> {
  const path = resolve(io.cwd, wanted);
  const brokenProblem = broken.get(path);
  if (brokenProblem !== undefined) throw new UsageError(`--sample ${shownPath(path, io.cwd)}${brokenProblem}`);
  const byPathOrName = findSample(samples, wanted, (p) => resolve(io.cwd, p));
  if (byPathOrName) return byPathOrName;
  if (/\.json$/i.test(wanted) || wanted.includes('/')) {
    const read = await readTextFile(path);
    if (!read.ok) throw new UsageError(`--sample ${shownPath(path, io.cwd)}: ${read.error}`);
    const parsed = parseSample(read.text, path);
    const problem = samplesProblem({ file: path, text: read.text, diagnostics: parsed.diagnostics }, parsed.sample !== undefined);
    if (problem !== undefined || !parsed.sample) throw new UsageError(`--sample ${shownPath(path, io.cwd)}${problem ?? ': not a usable sample'}`);
    return parsed.sample;
  }
  const names = samples.map((s) => `"${s.name}"`).join(', ');
  throw new UsageError(`--sample ${escapeForTerminal(wanted)}: no sample with that name or path (samples: ${escapeForTerminal(names)})`);
}

/** A secret source that remembers every value it hands out, so output can never show one; warns once of a short one. */
function recording(source: SecretSource, seen: Set<string>, tooShort: (name: string) => void): SecretSource {
  const warned = new Set<string>();
  return {
    get(name) {
      const value = source.get(name);
      if (value) seen.add(value);
      if (value && value.length < MIN_SEARCHED_SECRET_LENGTH && !warned.has(name)) {
        warned.add(name);
        tooShort(name);
      }
      return value;
    },
  };
}

/** The environment-variable form of an OAuth connection name: upper case, anything else `_`. */
export function connectionKey(connection: string): string {
  return connection.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * The OAuth connections an action uses, configured from the CLI's inputs: a token URL in the
 * environment makes it a client-credentials connection, otherwise it takes a stored token. Token requests
 * go through the proxy the environment sets for sends.
 */
export function cliTokens(
  doc: ActionDocument,
  secrets: SecretSource,
  env: NodeJS.ProcessEnv,
  seen: Set<string>,
): { tokens: OAuthTokens; source: TokenSource; connections: string[] } {
  return cliTokensFor(doc.model.auth.type === 'oauth2' ? [doc.model.auth.connection?.value ?? ''] : [], secrets, env, seen);
}

/** The same for connections named directly (a replayed record's). */
export function cliTokensFor(
  names: string[],
  secrets: SecretSource,
  env: NodeJS.ProcessEnv,
  seen: Set<string>,
): { tokens: OAuthTokens; source: TokenSource; connections: string[] } {
  const connections: OAuthConnection[] = names.map((name) => {
    const key = connectionKey(name);
    const tokenUrl = env[`WEBHOOK_STUDIO_OAUTH_${key}_TOKEN_URL`];
    if (tokenUrl) {
      const scopes = (env[`WEBHOOK_STUDIO_OAUTH_${key}_SCOPES`] ?? '').split(/[\s,]+/).filter((s) => s !== '');
      return { name, tokenUrl, clientId: env[`WEBHOOK_STUDIO_OAUTH_${key}_CLIENT_ID`] ?? '', scopes, clientSecretKey: `OAUTH_${key}_CLIENT_SECRET` };
    }
    return { name, accessToken: secrets.get(`OAUTH_${key}_TOKEN`) ?? env[`WEBHOOK_STUDIO_OAUTH_${key}_TOKEN`] };
  });
  const proxy = proxyFromEnv(env);
  const tokens = new OAuthTokens({ connections, secrets, ...(proxy !== undefined ? { proxy } : {}) });
  const source: TokenSource = {
    token(connection) {
      const value = tokens.token(connection);
      if (value) seen.add(value);
      return value;
    },
  };
  return { tokens, source, connections: names };
}

/** The render options of a session with a token source. */
export function renderOptions(session: Session, tokens: TokenSource): RenderOptions {
  return {
    escaping: session.escaping,
    arraySeparator: session.arraySeparator,
    secrets: session.secrets,
    tokens,
    clock: session.clock,
    timeZone: session.timeZone,
    unknownTag: session.unknownTag,
  };
}

/** Reads the action file named on the command line; a missing or unreadable file is a usage error. */
export async function readAction(file: string | undefined, io: CliIo): Promise<{ path: string; shown: string; doc: ActionDocument }> {
  if (file === undefined) throw new UsageError('a webhook file is required', true);
  const path = resolve(io.cwd, file);
  const read = await readTextFile(path);
  if (!read.ok) throw new UsageError(`${shownPath(path, io.cwd)}: ${read.error}`);
  return { path, shown: shownPath(path, io.cwd), doc: parseActionDocument(read.text) };
}

/** A path as printed: relative to the working directory, with forward slashes. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return escapeForTerminal((rel === '' ? path : rel).split('\\').join('/'));
}

/** Lints an action against the session's samples; schema diagnostics are merged in when given. */
export function analyse(
  doc: ActionDocument,
  session: Session,
  options: RenderOptions,
  schema: readonly Diagnostic[] = [],
): { diagnostics: Diagnostic[]; render: RenderResult } {
  const result = lint(doc, { samples: session.samples, selected: session.selected, options });
  // Credentials derived from secrets (Basic's base64 of user:password) are not secrets themselves: remember them too.
  for (const value of secretValuesOf(result.render.request)) session.seen.add(value);
  return { diagnostics: mergeDiagnostics(result.diagnostics, schema), render: result.render };
}

/**
 * Lint and schema diagnostics in file order; a shape problem both report at the same place
 * (a wrong method, an unknown auth type) is shown once, in the schema's more precise words.
 */
export function mergeDiagnostics(lintDiagnostics: readonly Diagnostic[], schema: readonly Diagnostic[]): Diagnostic[] {
  const within = (inner: Diagnostic, outer: Diagnostic) => inner.range.start >= outer.range.start && inner.range.end <= outer.range.end;
  const kept = lintDiagnostics.filter((d) => !(d.code === 'schema' && schema.some((s) => within(s, d))));
  const all = [...kept, ...schema];
  const seen = new Set<string>();
  return all
    .filter((d) => {
      const key = `${d.code}|${d.range.start}|${d.range.end}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/** A diagnostic as JSON output shows it: 1-based line and column. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Converts diagnostics to their JSON form against the file's text. */
export function diagnosticsJson(text: string, diagnostics: readonly Diagnostic[]): DiagnosticJson[] {
  const lines = new LineIndex(text);
  return diagnostics.map((d) => {
    const p = lines.positionAt(d.range.start);
    return { code: d.code, severity: d.severity, message: d.message, line: p.line + 1, column: p.character + 1 };
  });
}

/** `file:line:col severity code message`, severity coloured on a terminal. */
export function diagnosticLine(file: string, d: DiagnosticJson, c: Colors): string {
  const severity = d.severity === 'error' ? c.red(d.severity) : d.severity === 'warning' ? c.yellow(d.severity) : c.blue(d.severity);
  return `${c.bold(`${file}:${d.line}:${d.column}`)} ${severity} ${c.dim(d.code)} ${d.message}`;
}

/**
 * The compiler of `expect.schema` (ajv; `dist/cli-response-schema.js` in the bundle), loaded only when one of
 * the actions has such a schema, so commands start without it.
 */
export async function schemaCompilerFor(docs: readonly ActionDocument[]): Promise<SchemaCompiler | undefined> {
  const needed = docs.some((doc) => readExpect(doc)?.expectations.some((e) => e.kind === 'schema') === true);
  return needed ? (await import('../core/responseSchema.js')).compileResponseSchema : undefined;
}
