/**
 * Lint (docs/architecture.md, "Lint codes"): diagnostics with stable codes, exact ranges and quick fixes, computed from the
 * parsed document, the samples and one render against the selected sample.
 */
import { modify } from 'jsonc-parser';
import { fileRange, type ActionDocument, type TemplatedString } from './document';
import { isPrivateHost } from './http/privateNetwork';
import { render } from './render';
import { lookupPath, namespacesOf, SECRETS_NAMESPACE, valueToText, type Lookup } from './sample';
import { formatPath, type VariableToken } from './template';
import { editDistance } from './text';
import type { Diagnostic, JsonValue, OffsetRange, QuickFix, RenderOptions, RenderResult, Sample } from './types';

/** What lint needs besides the document. */
export interface LintContext {
  /** Every sample in play (the workspace's, or the built-in one alone). */
  readonly samples: readonly Sample[];
  /** The sample the user selected; unknown variables are checked against it. */
  readonly selected: Sample;
  readonly options: RenderOptions;
  /** Given only where a secret store exists (the extension): enables `missing-secret`. */
  readonly secretExists?: (name: string) => boolean;
  /** The check of the request against the receiver's OpenAPI operation, when the action has a contract and it is loaded. */
  readonly contract?: (doc: ActionDocument, render: RenderResult, sample: Sample) => readonly Diagnostic[];
}

/** The diagnostics of a document and the render they were computed from. */
export interface LintResult {
  readonly diagnostics: Diagnostic[];
  readonly render: RenderResult;
}

/** Lints a webhook action. Never throws. */
export function lint(doc: ActionDocument, ctx: LintContext): LintResult {
  const result = render(doc, ctx.selected, ctx.options);
  const out: Diagnostic[] = [...doc.syntax, ...result.problems];
  const namespaces = new Set(namespacesOf(ctx.samples));
  const memo: Memo = { lookups: new Map(), unsafe: new Map(), near: new WeakMap() };
  const listing = new Listing();

  for (const ts of doc.templated) {
    // Tokens may be found on each read: read them once.
    const tokens = ts.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const range = fileRange(ts, token.start, token.end);
      if (token.kind === 'unsupported') {
        if (!listing.take('unsupported-expression', 'error', range)) continue;
        out.push({
          code: 'unsupported-expression',
          severity: 'error',
          message: `"${token.raw}" is not a plain variable path: filters, expressions and spaces are not supported, and the platform sends it literally. Use {{namespace.field}}.`,
          range,
        });
      } else if (token.kind === 'unclosed') {
        if (!listing.take('unclosed-template', 'warning', range)) continue;
        out.push({
          code: 'unclosed-template',
          severity: 'warning',
          message: '"{{" has no closing "}}": it is sent as literal text. Close it or remove it.',
          range,
        });
      } else {
        checkVariable(ts, token, range, ctx, namespaces, memo, listing, out);
      }
    }
  }
  listing.summarise(out);

  checkBodyOnGet(doc, out);
  checkUrl(doc, result, out);
  checkHardcodedSecrets(doc, out);
  // The receiver's contract, when the face has loaded it (docs/architecture.md, "Contracts").
  if (ctx.contract) out.push(...ctx.contract(doc, result, ctx.selected));
  return { diagnostics: out, render: result };
}

function checkVariable(
  ts: TemplatedString,
  token: VariableToken,
  range: OffsetRange,
  ctx: LintContext,
  namespaces: Set<string>,
  memo: Memo,
  listing: Listing,
  out: Diagnostic[],
): void {
  const namespace = token.segments[0]!.name;
  if (namespace === SECRETS_NAMESPACE) {
    const ok = token.segments.length === 2 && token.segments.every((s) => s.indexes.length === 0);
    if (!ok) {
      if (!listing.take('unknown-variable', 'warning', range)) return;
      out.push({ code: 'unknown-variable', severity: 'warning', message: `Write a secret as {{secrets.NAME}}: "${token.path}" is not one.`, range });
    } else if (ctx.secretExists && !ctx.secretExists(token.segments[1]!.name) && listing.take('missing-secret', 'warning', range)) {
      out.push({
        code: 'missing-secret',
        severity: 'warning',
        message: `Secret "${token.segments[1]!.name}" is not set: run "Webhook Studio: Set Secret" to store it (you are asked at send time otherwise).`,
        range,
      });
    }
    return;
  }
  if (!namespaces.has(namespace)) {
    if (!listing.take('unknown-namespace', 'error', range)) return;
    const known = [...namespaces, SECRETS_NAMESPACE];
    const near = nearest(namespace, known);
    out.push({
      code: 'unknown-namespace',
      severity: 'error',
      message: `"${namespace}" is not a namespace of any sample${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''} Known: ${known.join(', ')}.`,
      range,
      fixes: near.map((n) => replaceSegmentFix(ts, token, 0, n)),
    });
    return;
  }
  let found = memo.lookups.get(token.path);
  if (!found) {
    found = lookupPath(ctx.selected.data, token.segments);
    if (memo.lookups.size < MEMO_SIZE) memo.lookups.set(token.path, found);
  }
  if (!found.found) {
    if (!listing.take('unknown-variable', 'warning', range)) return;
    const parent = found.parent;
    const segment = token.segments[found.depth]!;
    const near = nearMatches(segment.name, parent, memo);
    const suggestions = near.map((n) => formatPath([...token.segments.slice(0, found.depth), { name: n, indexes: segment.indexes }]));
    out.push({
      code: 'unknown-variable',
      severity: 'warning',
      message: `"${token.path}" is not in sample "${ctx.selected.name}"; it renders empty${suggestions.length ? `. Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '.'}`,
      range,
      fixes: near.map((n) => replaceSegmentFix(ts, token, found.depth, n)),
    });
    return;
  }
  if (ts.role !== 'body') return;
  const value = found.value;
  const whole = token.start === 0 && token.end === ts.value.length;
  if (whole && value !== null && typeof value !== 'string' && listing.take('string-coercion', 'info', range)) {
    out.push({
      code: 'string-coercion',
      severity: 'info',
      message: `"${token.path}" is ${describe(value)} in sample "${ctx.selected.name}" but is sent as the string ${JSON.stringify(valueToText(value, ctx.options.arraySeparator)).slice(0, 80)}: every template renders to text.`,
      range,
    });
  }
  const unsafe = unsafeSamples(token, ctx, memo);
  if (unsafe.length > 0 && listing.take('json-unsafe-value', 'warning', range)) {
    out.push({
      code: 'json-unsafe-value',
      severity: 'warning',
      message: `"${token.path}" holds a quote, backslash or control character in sample ${unsafe.map((s) => `"${s.name}"`).join(', ')}: a platform that pastes values without escaping would send invalid JSON.`,
      range,
    });
  }
}

/** How many diagnostics of one per-template code a file lists; the rest are counted in one summary diagnostic. */
export const LISTED_PER_CODE = 1000;

/**
 * Counts the per-template diagnostics of each code. Past LISTED_PER_CODE of a code, no more are built
 * (a file with a million unknown variables would otherwise hold a million messages and quick fixes, more
 * than any list shows); one summary at the first one left out says how many there are.
 */
class Listing {
  private readonly omitted = new Map<Diagnostic['code'], { count: number; severity: Diagnostic['severity']; range: OffsetRange }>();
  private readonly listed = new Map<Diagnostic['code'], number>();

  /** True when a diagnostic of `code` at `range` is to be listed; otherwise it is counted. */
  take(code: Diagnostic['code'], severity: Diagnostic['severity'], range: OffsetRange): boolean {
    const n = this.listed.get(code) ?? 0;
    if (n < LISTED_PER_CODE) {
      this.listed.set(code, n + 1);
      return true;
    }
    const o = this.omitted.get(code);
    if (o) o.count++;
    else this.omitted.set(code, { count: 1, severity, range });
    return false;
  }

  summarise(out: Diagnostic[]): void {
    for (const [code, o] of this.omitted) {
      out.push({
        code,
        severity: o.severity,
        message: `${o.count} more "${code}" problems from here on are not listed: only the first ${LISTED_PER_CODE} of a kind are. Fix those and lint again to see the rest.`,
        range: o.range,
      });
    }
  }
}

/** How many distinct paths the memo keeps: files that repeat paths repeat a few, and a lookup is cheap. */
const MEMO_SIZE = 4096;

/** Per-path results within one lint: large files repeat the same few variables. */
interface Memo {
  readonly lookups: Map<string, Lookup>;
  readonly unsafe: Map<string, Sample[]>;
  /** Near matches by the object a path stopped at, then by the name it did not find there. */
  readonly near: WeakMap<object, { readonly keys: readonly string[]; readonly byName: Map<string, string[]> }>;
}

/** The keys of `parent` near `name`: computed once per object and name, however many templates miss it. */
function nearMatches(name: string, parent: JsonValue | undefined, memo: Memo): string[] {
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return [];
  let entry = memo.near.get(parent);
  if (!entry) memo.near.set(parent, (entry = { keys: Object.keys(parent), byName: new Map() }));
  let near = entry.byName.get(name);
  if (!near) {
    near = nearest(name, entry.keys);
    if (entry.byName.size < MEMO_SIZE) entry.byName.set(name, near);
  }
  return near;
}

/** Samples in which a path's text holds what an unescaped substitution would break JSON with. */
function unsafeSamples(token: VariableToken, ctx: LintContext, memo: Memo): Sample[] {
  let unsafe = memo.unsafe.get(token.path);
  if (!unsafe) {
    unsafe = ctx.samples.filter((s) => {
      const v = lookupPath(s.data, token.segments);
      return v.found && /["\\\u0000-\u001f]/.test(valueToText(v.value, ctx.options.arraySeparator));
    });
    if (memo.unsafe.size < MEMO_SIZE) memo.unsafe.set(token.path, unsafe);
  }
  return unsafe;
}

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

/** Candidates within a small edit distance (or differing only in case), best first. */
function nearest(name: string, candidates: readonly string[]): string[] {
  return candidates
    .map((c) => ({ c, d: c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c, 2) }))
    .filter((x) => x.d <= 2 && x.c !== name)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.c);
}

function replaceSegmentFix(ts: TemplatedString, token: VariableToken, depth: number, name: string): QuickFix {
  const segment = token.segments[depth]!;
  const path = formatPath(token.segments.map((s, i) => (i === depth ? { name, indexes: s.indexes } : s)));
  // Replace only the segment's name; names are plain ASCII so no JSON escaping is involved.
  const nameEnd = segment.start + segment.name.length;
  return { title: `Change to {{${path}}}`, edits: [{ range: fileRange(ts, segment.start, nameEnd), newText: name }] };
}

function checkBodyOnGet(doc: ActionDocument, out: Diagnostic[]): void {
  const { method, body, bodyKeyRange } = doc.model;
  if (!body || !bodyKeyRange || (method !== 'GET' && method !== 'DELETE')) return;
  const edits = modify(doc.text, ['body'], undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  out.push({
    code: 'body-on-get',
    severity: 'warning',
    message: `${method} requests send no body: this body is dropped. Remove it, or use POST or PUT.`,
    range: bodyKeyRange,
    fixes: [{ title: 'Remove the body', edits: edits.map((e) => ({ range: { start: e.offset, end: e.offset + e.length }, newText: e.content })) }],
  });
}

function checkUrl(doc: ActionDocument, result: RenderResult, out: Diagnostic[]): void {
  const urlNode = doc.model.url?.node;
  if (!urlNode || result.problems.some((p) => p.code === 'invalid-url')) return;
  let url: URL;
  try {
    url = new URL(result.request.url);
  } catch {
    return;
  }
  const range = { start: urlNode.offset, end: urlNode.offset + urlNode.length };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isPrivateHost(host)) {
    out.push({
      code: 'private-address',
      severity: 'warning',
      message: `"${host}" is a local or private address: the platform's servers cannot reach it. Use a public host (or the local inbox to inspect the request).`,
      range,
    });
  }
  if (url.protocol === 'http:') {
    out.push({ code: 'plain-http', severity: 'info', message: 'Plain http: the request and any credentials travel unencrypted. Prefer https.', range });
  }
}

const KEYLIKE_HEADER = /^authorization$|api[-_]?key|token|secret|passw(or)?d|signature|^x-auth/i;
const KEYLIKE_QUERY = /api[-_]?key|apikey|access[-_]?token|^token$|_token$|secret|signature|passw(or)?d|^key$|^sig$/i;
const SCHEME_PREFIX = /^(Bearer|Basic|Token|Bot)\s+/i;

function checkHardcodedSecrets(doc: ActionDocument, out: Diagnostic[]): void {
  const { auth, headers, query } = doc.model;
  const base = secretBaseName(doc);
  const flag = (ts: TemplatedString | undefined, what: string, suffix: string, minLength: number) => {
    if (!ts || ts.tokens.some((t) => t.kind === 'variable')) return;
    const prefix = SCHEME_PREFIX.exec(ts.value)?.[0] ?? '';
    const secret = ts.value.slice(prefix.length);
    if (secret.trim().length < minLength) return;
    const name = `${base}_${suffix}`;
    out.push({
      code: 'hardcoded-secret',
      severity: 'warning',
      message: `${what} is written in the file: move it into secret storage and use {{secrets.${name}}}.`,
      range: { start: ts.node.offset, end: ts.node.offset + ts.node.length },
      fixes: [
        {
          title: `Move to secret storage as ${name}`,
          edits: [{ range: { start: ts.node.offset, end: ts.node.offset + ts.node.length }, newText: JSON.stringify(`${prefix}{{secrets.${name}}}`) }],
          storeSecret: { name, value: secret },
        },
      ],
    });
  };
  if (auth.type === 'bearer') flag(auth.token, 'The bearer token', 'TOKEN', 1);
  if (auth.type === 'apiKey') flag(auth.value, 'The API key', 'API_KEY', 1);
  if (auth.type === 'basic') flag(auth.password, 'The Basic password', 'PASSWORD', 1);
  for (const h of headers) {
    if (!KEYLIKE_HEADER.test(h.name)) continue;
    for (const v of h.values) flag(v, `The "${h.name}" header value`, constantCase(h.name), 8);
  }
  for (const q of query) {
    if (!KEYLIKE_QUERY.test(q.name)) continue;
    for (const v of q.values) flag(v, `The "${q.name}" query value`, constantCase(q.name), 8);
  }
}

/** A secret name prefix from the URL's host ("api.acme-crm.com" → "ACME_CRM"), else "WEBHOOK". */
function secretBaseName(doc: ActionDocument): string {
  const url = doc.model.url?.value ?? '';
  const host = /^[a-z]+:\/\/([^/?#:]+)/i.exec(url)?.[1] ?? '';
  const labels = host.split('.').filter((l) => l && !/^(api|www|app|hooks?|\d+)$/i.test(l) && !l.includes('{'));
  const label = labels.length >= 2 ? labels[labels.length - 2]! : labels[0];
  return label ? constantCase(label) : 'WEBHOOK';
}

function constantCase(s: string): string {
  const c = s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z_]/.test(c) ? c : `_${c}`;
}
