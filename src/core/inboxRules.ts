/**
 * How the local inbox answers (docs/architecture.md, "The local inbox"): rules checked in order, each
 * matching on method, path glob, headers and paths of the JSON body, each answering with a status,
 * headers, a body and a delay; a default answer for the rest. Rules are plain data (`InboxRulesSpec`), so
 * they come from a `*.inbox.json` file (`parseRulesText`, with positions) or from any caller as an object
 * (`compileRules`). Answer templates such as `{{request.body.email}}` are the project's templates
 * (`core/template.ts`), resolved with the same lookup and value-to-text rules as actions.
 */
import { findNodeAtLocation, getNodeValue } from 'jsonc-parser';
import type { Node } from 'jsonc-parser';
import { globMatcher, globProblem } from './glob';
import { parseJsonc } from './jsonc';
import { lookupPath, valueToText } from './sample';
// The inbox schema's validator alone: the others stay out of the editor's bundle.
import * as generated from './inboxSchemaValidator.generated';
import { tokenize, type PathSegment } from './template';
import { LineIndex } from './text';
import type { Diagnostic, JsonObject, JsonValue, OffsetRange } from './types';

/** The platform gives up on a receiver that has not answered after this long (research: 30 s timeout). */
export const PLATFORM_TIMEOUT_MS = 30_000;

/** The longest delay a rule may ask for. */
export const MAX_DELAY_MS = 300_000;

/** What must hold of one path of the JSON body. */
export type BodyCondition = { readonly exists: true } | { readonly missing: true } | { readonly equals: JsonValue };

/** The conditions of a rule; every one given must hold. */
export interface InboxMatchSpec {
  readonly method?: string | readonly string[];
  /** A glob against the request path without its query, starting with `/`. */
  readonly path?: string;
  /** Header name (any case) → exact value, `true` present, `false` absent. */
  readonly headers?: { readonly [name: string]: string | boolean };
  /** Body path (`contact.email`, `items[0].id`) → condition. */
  readonly body?: { readonly [path: string]: BodyCondition };
}

/** One answer: status (default 200), headers, body (a string as is, any other JSON value as JSON), delay. */
export interface InboxAnswerSpec {
  readonly status?: number;
  readonly headers?: { readonly [name: string]: string };
  readonly body?: JsonValue;
  readonly delayMs?: number;
}

/** One rule: a name shown beside the captures it answered, its conditions and its answer. */
export interface InboxRuleSpec {
  readonly name?: string;
  readonly match?: InboxMatchSpec;
  readonly respond: InboxAnswerSpec;
}

/** The content of a `*.inbox.json` file, or the same from any caller. */
export interface InboxRulesSpec {
  readonly rules?: readonly InboxRuleSpec[];
  readonly default?: InboxAnswerSpec;
}

/** A problem of a rules spec: what is wrong and where (a JSON path into the spec). */
export interface RulesProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly path: readonly (string | number)[];
}

/** What checking a spec gave: compiled rules (when no error) and every problem found. */
export type CompileResult =
  | { readonly ok: true; readonly rules: CompiledRules; readonly warnings: readonly RulesProblem[] }
  | { readonly ok: false; readonly problems: readonly RulesProblem[] };

/** The request as rules see it. */
export interface RuleRequest {
  /** The request's number in the inbox (`{{request.id}}`), from 1. */
  readonly id?: number;
  readonly method: string;
  /** Path and query as received. */
  readonly target: string;
  /** Raw header lines in received order. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array;
}

/** The answer chosen for a request: which rule gave it, and what to send. */
export interface ChosenAnswer {
  /** The rule's name, or `default`. */
  readonly rule: string;
  readonly status: number;
  /** Flat name, value list as `writeHead` takes it. */
  readonly headers: string[];
  readonly body: string | undefined;
  readonly delayMs: number;
}

/** Rules ready to answer requests. */
export interface CompiledRules {
  /** The rules in order (names as shown), for views. */
  readonly names: readonly string[];
  /** Chooses the answer of a request. */
  answer(request: RuleRequest): ChosenAnswer;
}

/** Headers no rule may set: they would let a web page read the inbox's answers, or they belong to the connection. */
const FORBIDDEN_ANSWER_HEADER = /^(access-control-.*|content-length|transfer-encoding|connection|keep-alive|upgrade|te|trailer)$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A template of an answer string: literal text and paths into the request data. */
type Piece = string | readonly Pick<PathSegment, 'name' | 'indexes'>[];

interface CompiledAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, readonly Piece[]])[];
  /** undefined: no body; a JSON body's strings are templates, serialised after rendering. */
  readonly body:
    | { readonly kind: 'text'; readonly pieces: readonly Piece[] }
    | { readonly kind: 'json'; readonly value: JsonValue; readonly templated: boolean }
    | undefined;
  readonly delayMs: number;
  readonly usesRequest: boolean;
  /** The answer when nothing in it depends on the request. */
  readonly fixed: Omit<ChosenAnswer, 'rule'> | undefined;
}

interface CompiledRule {
  readonly name: string;
  readonly methods: ReadonlySet<string> | undefined;
  readonly path: ((path: string) => boolean) | undefined;
  readonly headers: readonly (readonly [string, string | boolean])[];
  readonly body: readonly (readonly [readonly Pick<PathSegment, 'name' | 'indexes'>[], BodyCondition])[];
  readonly answer: CompiledAnswer;
}

/** The answer of an inbox without rules: status, body and content type as `startInbox` takes them. */
export function plainAnswer(status: number, body: string, contentType: string): InboxAnswerSpec {
  // 204 and 304 carry no body by definition, so no content type either.
  if (status === 204 || status === 304) return { status };
  return { status, body, headers: { 'Content-Type': contentType } };
}

/** Checks a spec given as a plain object (a parsed file, or built by a caller) and compiles it. */
export function compileRules(spec: unknown): CompileResult {
  const problems: RulesProblem[] = schemaProblems(spec);
  if (problems.length > 0) return { ok: false, problems };
  const value = spec as InboxRulesSpec;
  const rules: CompiledRule[] = [];
  (value.rules ?? []).forEach((rule, i) => {
    const compiled = compileRule(rule, i, problems);
    if (compiled) rules.push(compiled);
  });
  const fallback = compileAnswer(value.default ?? { body: { ok: true } }, ['default'], problems);
  if (problems.some((p) => p.severity === 'error') || !fallback) return { ok: false, problems };
  return { ok: true, rules: new Rules(rules, fallback), warnings: problems };
}

/** Rules whose default answer is `answer` and no rule besides. */
export function defaultOnly(answer: InboxAnswerSpec): CompiledRules {
  const result = compileRules({ default: answer });
  if (!result.ok) throw new RangeError(result.problems.map((p) => p.message).join('; '));
  return result.rules;
}

/** Replaces the default answer of a spec, keeping its rules. */
export function withDefault(spec: InboxRulesSpec, answer: InboxAnswerSpec): InboxRulesSpec {
  return { ...spec, default: answer };
}

/** A problem of a rules file as an editor or terminal shows it: a diagnostic with its line and column (one-based). */
export interface RulesFileProblem extends Diagnostic {
  readonly line: number;
  readonly column: number;
}

/** What reading a rules file gave: the spec and compiled rules when it has no error, and every problem with its place. */
export interface RulesFileResult {
  readonly spec: InboxRulesSpec | undefined;
  readonly rules: CompiledRules | undefined;
  readonly problems: readonly RulesFileProblem[];
}

/** Parses and checks the text of a `*.inbox.json` file (comments and trailing commas allowed). */
export function parseRulesText(text: string): RulesFileResult {
  const lines = new LineIndex(text);
  const located = (d: Diagnostic): RulesFileProblem => {
    const at = lines.positionAt(d.range.start);
    return { ...d, line: at.line + 1, column: at.character + 1 };
  };
  const { root, diagnostics } = parseJsonc(text);
  if (diagnostics.length > 0 || !root) return { spec: undefined, rules: undefined, problems: diagnostics.map(located) };
  const spec = getNodeValue(root) as InboxRulesSpec;
  const result = compileRules(spec);
  const problems = (result.ok ? result.warnings : result.problems).map((p) => located(toDiagnostic(p, root)));
  return result.ok ? { spec, rules: result.rules, problems } : { spec: undefined, rules: undefined, problems };
}

function toDiagnostic(problem: RulesProblem, root: Node): Diagnostic {
  // The deepest node that exists along the path: a problem of a key points at its value.
  let node: Node | undefined;
  for (let n = problem.path.length; n >= 0 && !node; n--) node = findNodeAtLocation(root, [...problem.path.slice(0, n)]);
  const range: OffsetRange = node ? { start: node.offset, end: node.offset + node.length } : { start: 0, end: 0 };
  return { code: 'schema', severity: problem.severity, message: problem.message, range };
}

function schemaProblems(spec: unknown): RulesProblem[] {
  type AjvError = { instancePath: string; keyword?: string; message?: string; params?: { additionalProperty?: string } };
  const validate = generated.inbox as unknown as ((data: unknown) => boolean) & { errors?: AjvError[] };
  if (validate(spec)) return [];
  return (validate.errors ?? []).slice(0, 20).map((e) => {
    const path: (string | number)[] = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const where = path.length ? path.join('.') : 'the rules';
    const extra = e.keyword === 'additionalProperties' ? e.params?.additionalProperty : undefined;
    // An unknown property is named, and the problem sits on it.
    if (extra !== undefined) return { severity: 'error' as const, message: `${where}: unknown property "${extra}"`, path: [...path, extra] };
    return { severity: 'error' as const, message: `${where} ${e.message ?? 'is invalid'}`, path };
  });
}

function compileRule(rule: InboxRuleSpec, index: number, problems: RulesProblem[]): CompiledRule | undefined {
  const at = ['rules', index] as const;
  const name = rule.name ?? `rule ${index + 1}`;
  const match = rule.match ?? {};
  const methods = match.method === undefined ? undefined : new Set(typeof match.method === 'string' ? [match.method] : match.method);
  for (const m of methods ?? [])
    if (!METHOD.test(m)) problems.push({ severity: 'error', message: `"${m}" is not an HTTP method`, path: [...at, 'match', 'method'] });
  let path: ((p: string) => boolean) | undefined;
  if (match.path !== undefined) {
    const problem = globProblem(match.path);
    if (problem) problems.push({ severity: 'error', message: problem, path: [...at, 'match', 'path'] });
    else path = pathMatcher(match.path);
  }
  const headers = Object.entries(match.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v] as const);
  const body: [Pick<PathSegment, 'name' | 'indexes'>[], BodyCondition][] = [];
  for (const [p, condition] of Object.entries(match.body ?? {})) {
    const segments = pathSegments(p);
    if (!segments)
      problems.push({
        severity: 'error',
        message: `"${p}" is not a body path: write names joined by dots, with [n] indexes, e.g. contact.email or items[0].id`,
        path: [...at, 'match', 'body', p],
      });
    else body.push([segments, condition]);
  }
  const answer = compileAnswer(rule.respond, [...at, 'respond'], problems);
  if (!answer) return undefined;
  return { name, methods, path, headers, body, answer };
}

function pathMatcher(glob: string): (path: string) => boolean {
  if (glob === '/') return (p) => p === '/';
  const inner = globMatcher(glob.slice(1));
  return (p) => p.startsWith('/') && inner(p.slice(1));
}

function pathSegments(path: string): Pick<PathSegment, 'name' | 'indexes'>[] | undefined {
  const tokens = tokenize(`{{${path}}}`);
  const token = tokens[0];
  if (tokens.length !== 1 || !token || token.kind !== 'variable' || token.raw.length !== path.length + 4 || token.path !== path) return undefined;
  return token.segments.map((s) => ({ name: s.name, indexes: s.indexes }));
}

const REQUEST_FIELDS = ['id', 'method', 'path', 'target', 'query', 'headers', 'body'];

/** Splits an answer string into literal text and request paths; names templates that are not about the request. */
function pieces(text: string, path: readonly (string | number)[], problems: RulesProblem[]): Piece[] {
  const out: Piece[] = [];
  let cursor = 0;
  for (const token of tokenize(text)) {
    if (token.kind !== 'variable') continue;
    const [first, second] = token.segments;
    if (first?.name !== 'request' || (second && !REQUEST_FIELDS.includes(second.name))) {
      problems.push({
        severity: 'error',
        message: `{{${token.path}}} is not part of the request: answers know request.id (its number in the inbox), request.method, request.path, request.target, request.query.NAME, request.headers.NAME (lower case) and request.body…`,
        path,
      });
      continue;
    }
    if (token.start > cursor) out.push(text.slice(cursor, token.start));
    out.push(token.segments.map((s) => ({ name: s.name, indexes: s.indexes })));
    cursor = token.end;
  }
  if (cursor < text.length) out.push(text.slice(cursor));
  return out;
}

function compileAnswer(spec: InboxAnswerSpec, at: readonly (string | number)[], problems: RulesProblem[]): CompiledAnswer | undefined {
  const before = problems.filter((p) => p.severity === 'error').length;
  const status = spec.status ?? 200;
  const delayMs = spec.delayMs ?? 0;
  if (delayMs > PLATFORM_TIMEOUT_MS) {
    problems.push({
      severity: 'warning',
      message: `a delay of ${delayMs / 1000} s is past the platform's 30 s timeout: the platform would give up and record a timeout`,
      path: [...at, 'delayMs'],
    });
  }
  let usesRequest = false;
  const note = (ps: Piece[]) => {
    if (ps.some((p) => typeof p !== 'string')) usesRequest = true;
    return ps;
  };
  const headers: (readonly [string, Piece[]])[] = [];
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (!HEADER_NAME.test(name)) problems.push({ severity: 'error', message: `"${name}" is not a valid header name`, path: [...at, 'headers', name] });
    else if (FORBIDDEN_ANSWER_HEADER.test(name)) {
      problems.push({
        severity: 'error',
        message: /^access-control-/i.test(name)
          ? `${name} is refused: no web page in the browser may read the inbox's answers`
          : `${name} is set by the connection and cannot be chosen`,
        path: [...at, 'headers', name],
      });
    } else if (HEADER_VALUE_FORBIDDEN.test(value))
      problems.push({ severity: 'error', message: `the value of ${name} holds a line break or NUL`, path: [...at, 'headers', name] });
    if (name.toLowerCase() === 'content-type') contentType = value;
    headers.push([name, note(pieces(value, [...at, 'headers', name], problems))]);
  }
  let body: CompiledAnswer['body'];
  const noBody = status === 204 || status === 304;
  if (noBody && spec.body !== undefined)
    problems.push({ severity: 'warning', message: `a ${status} answer carries no body: the body is not sent`, path: [...at, 'body'] });
  if (!noBody) {
    const given = spec.body;
    if (given === undefined) {
      body = { kind: 'text', pieces: [] };
    } else if (typeof given === 'string') {
      body = { kind: 'text', pieces: note(pieces(given, [...at, 'body'], problems)) };
      contentType ??= 'text/plain; charset=utf-8';
    } else {
      let templated = false;
      walkStrings(given, [...at, 'body'], (s, p) => {
        const ps = note(pieces(s, p, problems));
        if (ps.some((x) => typeof x !== 'string')) templated = true;
      });
      body = { kind: 'json', value: given, templated };
      contentType ??= 'application/json';
    }
    if (contentType !== undefined && !Object.keys(spec.headers ?? {}).some((n) => n.toLowerCase() === 'content-type'))
      headers.push(['Content-Type', [contentType]]);
  }
  if (problems.filter((p) => p.severity === 'error').length > before) return undefined;
  const answer: CompiledAnswer = { status, headers, body, delayMs, usesRequest, fixed: undefined };
  return usesRequest ? answer : { ...answer, fixed: renderAnswer(answer, () => ({})) };
}

function walkStrings(value: JsonValue, path: (string | number)[], visit: (s: string, path: (string | number)[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}

function renderPieces(ps: readonly Piece[], data: () => JsonObject): string {
  let out = '';
  for (const p of ps) {
    if (typeof p === 'string') out += p;
    else {
      const found = lookupPath(data(), p);
      out += found.found ? valueToText(found.value, ', ') : '';
    }
  }
  return out;
}

function renderJson(value: JsonValue, data: () => JsonObject): JsonValue {
  if (typeof value === 'string') return renderPieces(pieces(value, [], []), data);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, data));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: renderJson(v, data), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function renderAnswer(answer: CompiledAnswer, data: () => JsonObject): Omit<ChosenAnswer, 'rule'> {
  const headers: string[] = [];
  for (const [name, ps] of answer.headers) {
    const value = renderPieces(ps, data);
    // A value taken from the request could hold a line break; such a header is left out rather than let it split the answer.
    if (!HEADER_VALUE_FORBIDDEN.test(value)) headers.push(name, value);
  }
  const b = answer.body;
  const body =
    b === undefined ? undefined : b.kind === 'text' ? renderPieces(b.pieces, data) : JSON.stringify(b.templated ? renderJson(b.value, data) : b.value);
  if (body !== undefined) headers.push('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  return { status: answer.status, headers, body, delayMs: answer.delayMs };
}

/** The request data templates and body conditions read, and the body's JSON value (undefined when it is not JSON). */
interface RequestData {
  readonly data: JsonObject;
  readonly json: JsonValue | undefined;
}

/** Built once per request, and only when a rule needs it. */
function requestData(request: RuleRequest): RequestData {
  const q = request.target.indexOf('?');
  const path = q < 0 ? request.target : request.target.slice(0, q);
  const query: JsonObject = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(request.target.slice(q + 1)))
      if (!Object.hasOwn(query, k)) Object.defineProperty(query, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const joined = new Map<string, string>();
  for (const [n, v] of request.rawHeaders) {
    const name = n.toLowerCase();
    const before = joined.get(name);
    joined.set(name, before === undefined ? v : `${before}, ${v}`);
  }
  const headers: JsonObject = {};
  for (const [name, value] of joined) Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  const text = new TextDecoder().decode(request.body);
  // Not JSON: templates see the text, and body conditions see no value.
  const json = parseBody(request.body);
  return { data: { request: { id: request.id ?? 0, method: request.method, path, target: request.target, query, headers, body: json ?? text } }, json };
}

/** The JSON value of a body, undefined when it is not JSON. */
function parseBody(body: Uint8Array): JsonValue | undefined {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8')) as JsonValue;
  } catch {
    return undefined;
  }
}

function deepEqual(a: JsonValue | undefined, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as JsonObject)[k], (b as JsonObject)[k]!));
}

class Rules implements CompiledRules {
  readonly names: readonly string[];

  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly fallback: CompiledAnswer,
  ) {
    this.names = rules.map((r) => r.name);
  }

  answer(request: RuleRequest): ChosenAnswer {
    let data: RequestData | undefined;
    const read = (): RequestData => (data ??= requestData(request));
    // Body conditions need only the JSON value, which is parsed once, and only when a rule asks.
    let json: { value: JsonValue | undefined } | undefined;
    let path: string | undefined;
    for (const rule of this.rules) {
      if (rule.methods && !rule.methods.has(request.method)) continue;
      if (rule.path) {
        if (path === undefined) {
          const q = request.target.indexOf('?');
          path = q < 0 ? request.target : request.target.slice(0, q);
        }
        if (!rule.path(path)) continue;
      }
      if (!rule.headers.every(([name, want]) => headerHolds(request.rawHeaders, name, want))) continue;
      if (rule.body.length > 0) {
        json ??= { value: parseBody(request.body) };
        const value = json.value;
        if (!rule.body.every(([segments, condition]) => bodyHolds(value, segments, condition))) continue;
      }
      return this.chosen(rule.name, rule.answer, read);
    }
    return this.chosen('default', this.fallback, read);
  }

  private chosen(rule: string, answer: CompiledAnswer, read: () => RequestData): ChosenAnswer {
    return { rule, ...(answer.fixed ?? renderAnswer(answer, () => read().data)) };
  }
}

function headerHolds(raw: ReadonlyArray<readonly [string, string]>, name: string, want: string | boolean): boolean {
  const found = raw.find(([n]) => n.toLowerCase() === name);
  if (want === true) return found !== undefined;
  if (want === false) return found === undefined;
  return found !== undefined && found[1] === want;
}

function bodyHolds(body: JsonValue | undefined, segments: readonly Pick<PathSegment, 'name' | 'indexes'>[], condition: BodyCondition): boolean {
  const found =
    body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body) ? lookupPath(body, segments) : { found: false as const };
  if ('missing' in condition) return !found.found;
  if ('exists' in condition) return found.found;
  return found.found && deepEqual(found.value, condition.equals);
}
