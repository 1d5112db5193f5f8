/**
 * Expectations (docs/architecture.md, "Expectations"): the optional `expect` object of an action, read from
 * the file with the range of every entry, and the checker that compares a response with it. Expected
 * values may hold templates; they render with the sample the request was sent for. Results name the
 * check, the expected and the actual value; the send path redacts them with the record.
 */
import { findNodeAtLocation, getNodeValue, type Node } from 'jsonc-parser';
import type { ActionDocument } from './document';
import { lookupPath, valueToText } from './sample';
import { tokenize } from './template';
import type { CheckResult, JsonValue, OffsetRange, ResponseData, Sample, SecretSource } from './types';

export type { CheckResult } from './types';

/** The kinds of value a `type` matcher names. */
export const JSON_TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null'] as const;

/** A matcher of a header or a JSON value. */
export type Matcher =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'matches'; readonly pattern: string }
  | { readonly kind: 'type'; readonly type: (typeof JSON_TYPES)[number] }
  | { readonly kind: 'equals'; readonly value: JsonValue };

/** One expectation as written, with where it is. */
export type Expectation =
  | { readonly kind: 'status'; readonly allowed: ReadonlyArray<number | string>; readonly range: OffsetRange }
  | { readonly kind: 'header'; readonly name: string; readonly matcher: Matcher; readonly range: OffsetRange }
  | { readonly kind: 'json'; readonly path: string; readonly segments: readonly PathStep[]; readonly matcher: Matcher; readonly range: OffsetRange }
  | { readonly kind: 'maxMs'; readonly maxMs: number; readonly range: OffsetRange }
  | { readonly kind: 'schema'; readonly schema: JsonValue; readonly range: OffsetRange };

/** A problem in an `expect` entry that the JSON schema cannot see (a bad regex or path), with its range. */
export interface ExpectProblem {
  readonly message: string;
  readonly range: OffsetRange;
}

/** The `expect` object of an action: its expectations and what is wrong in it. */
export interface ExpectModel {
  readonly expectations: readonly Expectation[];
  readonly problems: readonly ExpectProblem[];
  /** The `"expect"` key. */
  readonly range: OffsetRange;
}

/** A step of a JSON path: a property name or an array index. */
export type PathStep = string | number;

const MATCHER_KEYS = new Set(['exists', 'matches', 'type', 'equals']);
const STATUS_CLASS = /^[1-5]xx$/;

/**
 * Parses a JSON path of the supported subset: `$`, then `.name`, `[n]` or `['name']`/`["name"]` steps.
 * Wildcards, filters, slices and recursive descent are refused with a message saying so.
 */
export function parseJsonPath(path: string): { ok: true; steps: PathStep[] } | { ok: false; error: string } {
  if (!path.startsWith('$')) return { ok: false, error: `JSON path "${path}" must start with "$" (e.g. $.id, $.items[0].email)` };
  const steps: PathStep[] = [];
  let i = 1;
  const unsupported = (what: string) => ({
    ok: false as const,
    error: `JSON path "${path}": ${what} at character ${i + 1} is not supported; use $.name, [n] and ['name'] steps`,
  });
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') return unsupported('recursive descent ".."');
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(path.slice(i + 1));
      if (!m)
        return path[i + 1] === '*'
          ? unsupported('the wildcard "*"')
          : { ok: false, error: `JSON path "${path}": a name is expected after "." at character ${i + 2}` };
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d{1,9})\]/.exec(rest);
      const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        steps.push((quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else if (/^\[\s*\*/.test(rest)) return unsupported('the wildcard "[*]"');
      else if (/^\[\s*\?/.test(rest)) return unsupported('a filter "[?…]"');
      else if (/^\[\s*-?\d*:/.test(rest)) return unsupported('a slice "[a:b]"');
      else if (/^\[\s*-\d/.test(rest)) return unsupported('a negative index');
      else return { ok: false, error: `JSON path "${path}": "[" at character ${i + 1} must hold an index such as [0] or a quoted name such as ['first name']` };
    } else {
      return { ok: false, error: `JSON path "${path}": unexpected "${c}" at character ${i + 1}; steps are .name, [n] or ['name']` };
    }
  }
  return { ok: true, steps };
}

/** The value at a parsed path, or undefined when any step is missing. */
export function valueAtPath(value: unknown, steps: readonly PathStep[]): { found: true; value: unknown } | { found: false } {
  let cur = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return { found: false };
      cur = cur[step];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, step)) return { found: false };
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: cur };
}

// A document is immutable: a run that sends one action for many samples reads its expect once.
const models = new WeakMap<ActionDocument, ExpectModel | null>();

/** Reads the `expect` object of an action; undefined when it has none. Never throws. */
export function readExpect(doc: ActionDocument): ExpectModel | undefined {
  const known = models.get(doc);
  if (known !== undefined) return known ?? undefined;
  const model = readExpectOf(doc);
  models.set(doc, model ?? null);
  return model;
}

function readExpectOf(doc: ActionDocument): ExpectModel | undefined {
  if (!doc.text.includes('"expect"')) return undefined;
  const root = doc.root;
  if (!root || root.type !== 'object') return undefined;
  const prop = lastProperty(root, 'expect');
  if (!prop) return undefined;
  const range = rangeOf(prop.children![0]!);
  const node = prop.children![1];
  const expectations: Expectation[] = [];
  const problems: ExpectProblem[] = [];
  if (!node || node.type !== 'object') return { expectations, problems, range };
  for (const entry of node.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (!key || !value) continue;
    const at = rangeOf(key);
    const name = String(key.value);
    const data = getNodeValue(value) as JsonValue;
    switch (name) {
      case 'status': {
        const allowed = (Array.isArray(data) ? data : [data]).filter(
          (s): s is number | string => (typeof s === 'number' && Number.isInteger(s)) || (typeof s === 'string' && STATUS_CLASS.test(s)),
        );
        if (allowed.length > 0) expectations.push({ kind: 'status', allowed, range: at });
        break;
      }
      case 'headers':
        for (const h of value.type === 'object' ? (value.children ?? []) : []) {
          const [hk, hv] = h.children ?? [];
          if (!hk || !hv) continue;
          const matcher = matcherOf(getNodeValue(hv) as JsonValue, rangeOf(hk), problems, true);
          if (matcher) expectations.push({ kind: 'header', name: String(hk.value), matcher, range: rangeOf(hk) });
        }
        break;
      case 'json':
        for (const j of value.type === 'object' ? (value.children ?? []) : []) {
          const [jk, jv] = j.children ?? [];
          if (!jk || !jv) continue;
          const path = String(jk.value);
          const parsed = parseJsonPath(path);
          if (!parsed.ok) {
            problems.push({ message: parsed.error, range: rangeOf(jk) });
            continue;
          }
          const matcher = matcherOf(getNodeValue(jv) as JsonValue, rangeOf(jk), problems, false);
          if (matcher) expectations.push({ kind: 'json', path, segments: parsed.steps, matcher, range: rangeOf(jk) });
        }
        break;
      case 'maxMs':
        if (typeof data === 'number' && data > 0) expectations.push({ kind: 'maxMs', maxMs: data, range: at });
        break;
      case 'schema': {
        const error = schemaError(data);
        if (error !== undefined) problems.push({ message: `expect.schema is not a usable JSON Schema: ${error}`, range: at });
        else expectations.push({ kind: 'schema', schema: data, range: at });
        break;
      }
      default:
        // Unknown keys are the schema's to report.
        break;
    }
  }
  return { expectations, problems, range };
}

/** The last property named `key` of an object node (the one JSON.parse keeps). */
function lastProperty(object: Node, key: string): Node | undefined {
  let found: Node | undefined;
  for (const p of object.children ?? []) if (p.children?.[0]?.value === key) found = p;
  return found ?? findNodeAtLocation(object, [key])?.parent ?? undefined;
}

function rangeOf(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

/** A value as a matcher: an object whose one key is a matcher's is that matcher; anything else is an exact value. */
function matcherOf(value: JsonValue, range: OffsetRange, problems: ExpectProblem[], header: boolean): Matcher | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && MATCHER_KEYS.has(keys[0]!)) {
      const key = keys[0]!;
      const v = value[key]!;
      // The schema already names a wrong shape under `headers`; under `json` any value is allowed, so only this says it.
      const bad = (what: string, schemaCannotSee = false) => {
        if (!header || schemaCannotSee) problems.push({ message: `"${key}" ${what}`, range });
        return undefined;
      };
      if (key === 'exists') return typeof v === 'boolean' ? { kind: 'exists', exists: v } : bad('takes true or false');
      if (key === 'matches') {
        if (typeof v !== 'string' || v === '') return bad('takes a regular expression as a non-empty string');
        const error = regexError(v);
        return error !== undefined ? bad(`is not a valid regular expression: ${error}`, true) : { kind: 'matches', pattern: v };
      }
      if (key === 'type') {
        return typeof v === 'string' && (JSON_TYPES as readonly string[]).includes(v)
          ? { kind: 'type', type: v as (typeof JSON_TYPES)[number] }
          : bad(`takes one of ${JSON_TYPES.join(', ')}`);
      }
      return { kind: 'equals', value: v };
    }
  }
  if (header && typeof value !== 'string') return undefined;
  return { kind: 'equals', value };
}

function regexError(pattern: string): string | undefined {
  try {
    // Templates are filled in (escaped) before matching: check the pattern with a plain stand-in for each.
    new RegExp(pattern.includes('{{') ? substitute(pattern, STAND_IN, () => 'x') : pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}

/** A compiled `expect.schema`: `check` gives why a body breaks it (undefined when it satisfies it), or `error` why it cannot be used. */
export interface CompiledSchema {
  readonly check?: (data: unknown) => string | undefined;
  readonly error?: string;
}

/** Compiles an `expect.schema` (the port `core/responseSchema.ts` fills with ajv). */
export type SchemaCompiler = (schema: JsonValue) => CompiledSchema;

function schemaError(schema: JsonValue): string | undefined {
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) return 'it must be an object or a boolean';
  return undefined;
}

/** What the checker needs besides the response. */
export interface CheckContext {
  readonly sample: Sample;
  readonly secrets: SecretSource;
  readonly arraySeparator: string;
  /** Duration of the whole exchange, in milliseconds. */
  readonly totalMs: number;
  /** Compiles `expect.schema`; without it a schema check fails saying so. */
  readonly compileSchema?: SchemaCompiler;
  /** Told of every secret value an expected value used, so the caller can redact it. */
  readonly onSecret?: (value: string) => void;
}

/** Checks a response against every expectation, in file order; a problem in `expect` is a failed check of its own. */
export function checkResponse(model: ExpectModel, response: ResponseData, ctx: CheckContext): CheckResult[] {
  const results: CheckResult[] = model.problems.map((p) => ({
    name: 'expect',
    expected: 'a valid expectation',
    actual: p.message,
    passed: false,
    range: p.range,
  }));
  const bodyText = new TextDecoder('utf-8', { fatal: false }).decode(response.body);
  let json: { ok: true; value: unknown } | { ok: false; error: string } | undefined;
  const parsedBody = () => (json ??= parseBody(bodyText, response.truncated));
  for (const e of model.expectations) {
    switch (e.kind) {
      case 'status': {
        const passed = e.allowed.some((s) => (typeof s === 'number' ? s === response.status : Math.floor(response.status / 100) === Number(s[0])));
        results.push({ name: 'status', expected: e.allowed.map(String).join(' or '), actual: String(response.status), passed, range: e.range });
        break;
      }
      case 'header': {
        const values = response.headers.filter(([n]) => n.toLowerCase() === e.name.toLowerCase()).map(([, v]) => v);
        const actual = values.length > 0 ? values.join(', ') : undefined;
        results.push({ name: `header ${e.name.toLowerCase()}`, ...matchValue(e.matcher, actual !== undefined, actual, ctx), range: e.range });
        break;
      }
      case 'json': {
        const body = parsedBody();
        if (!body.ok) {
          results.push({ name: `json ${e.path}`, expected: describeMatcher(e.matcher, ctx), actual: body.error, passed: false, range: e.range });
          break;
        }
        const at = valueAtPath(body.value, e.segments);
        results.push({ name: `json ${e.path}`, ...matchValue(e.matcher, at.found, at.found ? at.value : undefined, ctx), range: e.range });
        break;
      }
      case 'maxMs':
        results.push({
          name: 'maxMs',
          expected: `at most ${e.maxMs} ms`,
          actual: `${Math.round(ctx.totalMs)} ms`,
          passed: ctx.totalMs <= e.maxMs,
          range: e.range,
        });
        break;
      case 'schema': {
        const body = parsedBody();
        const expected = 'a body that satisfies the schema';
        const { check, error } = ctx.compileSchema?.(e.schema) ?? { error: 'JSON Schema checks are not available here' };
        if (!check)
          results.push({ name: 'schema', expected, actual: `expect.schema is not a usable JSON Schema: ${error ?? ''}`, passed: false, range: e.range });
        else if (!body.ok) results.push({ name: 'schema', expected, actual: body.error, passed: false, range: e.range });
        else {
          const problem = check(body.value);
          results.push({ name: 'schema', expected, actual: problem ?? 'the body satisfies it', passed: problem === undefined, range: e.range });
        }
        break;
      }
    }
  }
  return results;
}

function parseBody(text: string, truncated: boolean): { ok: true; value: unknown } | { ok: false; error: string } {
  if (truncated) return { ok: false, error: 'the body was cut at the response cap, so it cannot be read as JSON' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: text.trim() === '' ? 'an empty body (not JSON)' : `a body that is not JSON: ${shorten(text)}` };
  }
}

/** The expected and actual text of one matcher against a value, and whether it passed. */
function matchValue(m: Matcher, found: boolean, value: unknown, ctx: CheckContext): { expected: string; actual: string; passed: boolean } {
  const actual = found ? shownValue(value) : '(missing)';
  const expected = describeMatcher(m, ctx);
  switch (m.kind) {
    case 'exists':
      return { expected, actual: found ? (m.exists ? actual : `present: ${actual}`) : '(missing)', passed: found === m.exists };
    case 'matches':
      return {
        expected,
        actual,
        passed: found && new RegExp(renderPattern(m.pattern, ctx), 'u').test(typeof value === 'string' ? value : JSON.stringify(value)),
      };
    case 'type':
      return { expected, actual: found ? `${typeOf(value)}: ${actual}` : actual, passed: found && typeOf(value) === m.type };
    case 'equals': {
      const want = renderValue(m.value, ctx);
      return { expected: shownValue(want), actual, passed: found && deepEqual(want, value) };
    }
  }
}

function describeMatcher(m: Matcher, ctx: CheckContext): string {
  switch (m.kind) {
    case 'exists':
      return m.exists ? 'present' : 'absent';
    case 'matches':
      return `matches /${renderPattern(m.pattern, ctx)}/`;
    case 'type':
      return `a ${m.type}`;
    case 'equals':
      return shownValue(renderValue(m.value, ctx));
  }
}

/** The JSON type name of a value as the `type` matcher names it. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shownValue(value: unknown): string {
  return shorten(typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value)));
}

function shorten(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * Renders templates in an expected value with the sample: a string that is one template alone takes the
 * sample's value with its type (`"{{contact.lead_score}}"` expects the number 87); templates inside text
 * become text, as in the request.
 */
export function renderValue(value: JsonValue, ctx: CheckContext): JsonValue {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const tokens = tokenize(value);
    const only = tokens.length === 1 ? tokens[0]! : undefined;
    if (only?.kind === 'variable' && only.start === 0 && only.end === value.length && only.segments[0]?.name !== 'secrets') {
      const found = lookupPath(ctx.sample.data, only.segments);
      return found.found ? found.value : '';
    }
    return substitute(value, ctx, (s) => s);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, ctx));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, ctx)]));
  return value;
}

/** A `matches` pattern with its templates filled in, each value escaped so it matches itself literally. */
function renderPattern(pattern: string, ctx: CheckContext): string {
  return pattern.includes('{{') ? substitute(pattern, ctx, (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) : pattern;
}

function substitute(text: string, ctx: CheckContext, escape: (s: string) => string): string {
  let out = '';
  let at = 0;
  for (const token of tokenize(text)) {
    if (token.kind !== 'variable') continue;
    out += text.slice(at, token.start);
    const [first, ...rest] = token.segments;
    const valueText =
      first?.name === 'secrets' && rest.length === 1 && rest[0]!.indexes.length === 0
        ? secretValue(rest[0]!.name, ctx)
        : (() => {
            const found = lookupPath(ctx.sample.data, token.segments);
            return found.found ? valueToText(found.value, ctx.arraySeparator) : '';
          })();
    out += escape(valueText);
    at = token.end;
  }
  return out + text.slice(at);
}

const STAND_IN: CheckContext = { sample: { name: '', builtin: true, data: {} }, secrets: { get: () => undefined }, arraySeparator: '', totalMs: 0 };

function secretValue(name: string, ctx: CheckContext): string {
  const value = ctx.secrets.get(name) ?? '';
  if (value) ctx.onSecret?.(value);
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}
