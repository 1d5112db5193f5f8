/**
 * Lint (docs/architecture.md, "Lint codes"): diagnostics with stable codes, exact ranges and quick fixes, computed from the
 * parsed document, the samples and one render against the selected sample.
 */
import { modify } from 'jsonc-parser';
import { fileRange, type ActionDocument, type TemplatedString } from './document';
import { readExpect } from './expect';
import { isPrivateHost } from './http/privateNetwork';
import { catalogueChildren, catalogueField, catalogueNamespace, catalogueNamespaceNames, inCatalogue } from './catalogue';
import { isRightNowField } from './clock';
import { render, UNKNOWN_TAG_MARKER } from './render';
import { hasSecretShape, urlSecrets } from './secretShapes';
import { lookupPath, namespacesOf, SECRETS_NAMESPACE, valueToText, type Lookup } from './sample';
import { formatPath, type VariableToken } from './template';
import { editDistance } from './text';
import type { Diagnostic, JsonValue, OffsetRange, QuickFix, RenderOptions, RenderResult, Sample } from './types';
import { SAVED_RESPONSES_NAMESPACE, type WorkflowPosition } from './workflowModel';

/** What lint needs besides the document. */
export interface LintContext {
  /** Every sample in play (the workspace's, or the built-in one alone). */
  readonly samples: readonly Sample[];
  /** The sample the user selected; unknown variables are checked against it. */
  readonly selected: Sample;
  readonly options: RenderOptions;
  /** Given only where a secret store exists (the extension): enables `missing-secret`. */
  readonly secretExists?: (name: string) => boolean;
  /** Where the action stands in a workflow, when it is a step of one: checks saved responses and trigger namespaces. */
  readonly workflow?: WorkflowPosition;
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
  const namespaces = new Set([...namespacesOf(ctx.samples), ...catalogueNamespaceNames()]);
  const memo: Memo = { lookups: new Map(), unsafe: new Map(), near: new WeakMap(), elsewhere: new Map() };
  const listing = new Listing();
  const broken = result.problems.find((p) => p.code === 'body-not-json');

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
        checkVariable(doc, broken, ts, token, range, ctx, namespaces, memo, listing, out);
      }
    }
  }
  listing.summarise(out);

  checkBodyOnGet(doc, out);
  checkUrl(doc, result, out);
  checkHardcodedSecrets(doc, out);
  checkExpect(doc, out);
  // The receiver's contract, when the face has loaded it (docs/architecture.md, "Contracts").
  if (ctx.contract) out.push(...ctx.contract(doc, result, ctx.selected));
  return { diagnostics: out, render: result };
}

function checkVariable(
  doc: ActionDocument,
  broken: Diagnostic | undefined,
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
  if (namespace === SAVED_RESPONSES_NAMESPACE && ctx.workflow) {
    checkSavedResponse(ts, token, range, ctx, ctx.workflow, memo, listing, out);
    return;
  }
  const triggered = catalogueNamespace(namespace)?.trigger;
  const provided = ctx.workflow?.triggerNamespaces;
  if (triggered && provided && !provided.includes(namespace) && !Object.hasOwn(ctx.selected.data, namespace)) {
    if (listing.take('trigger-namespace', 'warning', range))
      out.push({
        code: 'trigger-namespace',
        severity: 'warning',
        message: `"${namespace}" is filled only when ${triggered} starts the workflow; workflow "${ctx.workflow.workflow}" starts with "${ctx.workflow.trigger}", so it renders empty.`,
        range,
      });
    return;
  }
  if (!namespaces.has(namespace)) {
    if (!listing.take('unknown-namespace', 'error', range)) return;
    const inSamples = namespacesOf(ctx.samples);
    const near = nearest(namespace, [...namespaces, SECRETS_NAMESPACE]);
    out.push({
      code: 'unknown-namespace',
      severity: 'error',
      message: `"${namespace}" is neither a namespace of a sample nor one the platform provides${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''} In the samples: ${[...inSamples, SECRETS_NAMESPACE].join(', ')}.`,
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
    checkAbsent(ts, token, range, ctx, memo, listing, out);
    return;
  }
  if (ts.role !== 'body') return;
  // A form field is percent-encoded, and a text body is the platform's own text: neither coerces nor breaks on a quote.
  const { bodyText, bodyType } = doc.model;
  if (bodyType === 'form') return;
  const value = found.value;
  const whole = token.start === 0 && token.end === ts.value.length;
  if (!bodyText && whole && value !== null && typeof value !== 'string' && listing.take('string-coercion', 'info', range)) {
    out.push({
      code: 'string-coercion',
      severity: 'info',
      message: `"${token.path}" is ${describe(value)} in sample "${ctx.selected.name}" but is sent as the string ${JSON.stringify(valueToText(value, ctx.options.arraySeparator)).slice(0, 80)}: a quoted template renders to text. To send it unquoted, write the body as the platform's text (a string "body").${Array.isArray(value) ? LIST_SEPARATOR_NOTE : ''}`,
      range,
    });
  }
  // The selected sample's break is body-not-json's, at this very template: the others are predicted here.
  const unsafe = unsafeSamples(token, ctx, memo).filter((s) => !(s === ctx.selected && breaksAt(broken, range)));
  if (unsafe.length > 0 && listing.take('json-unsafe-value', 'warning', range)) {
    const which = unsafe.map((s) => `"${s.name}"`).join(', ');
    out.push({
      code: 'json-unsafe-value',
      severity: 'warning',
      message:
        ctx.options.escaping === 'text'
          ? `"${token.path}" holds a quote, backslash or control character in sample ${which}: the platform pastes it unescaped, so for that sample the body is not JSON (body-not-json when it is selected) and the step is skipped.`
          : `"${token.path}" holds a quote, backslash or control character in sample ${which}: this preview escapes it ("json" escaping), but the platform pastes it unescaped, fails to parse the body and skips the step (body-not-json with "text" escaping).`,
      range,
    });
  }
}

function breaksAt(broken: Diagnostic | undefined, range: OffsetRange): boolean {
  return broken !== undefined && broken.range.start === range.start && broken.range.end === range.end;
}

/** The platform's list separator is not documented (docs/architecture.md, "Rendering"): said where a list is sent. */
const LIST_SEPARATOR_NOTE =
  ' Lists are joined with webhookStudio.render.arraySeparator; whether the platform joins tags with "," or ", " is not documented, so let the receiver split on "," and trim.';
/**
 * A path the selected sample lacks (docs/architecture.md, "Merge fields"). Another sample's field or a
 * catalogue field is an info, since the platform sends an empty string for it; a path no sample and no
 * catalogue field has is a probable typo, with the nearest names as quick fixes.
 */
function checkAbsent(ts: TemplatedString, token: VariableToken, range: OffsetRange, ctx: LintContext, memo: Memo, listing: Listing, out: Diagnostic[]): void {
  const segments = token.segments;
  const namespace = segments[0]!.name;
  // Filled from the clock when the sample does not set it.
  if (namespace === 'right_now' && segments.length === 2 && segments[1]!.indexes.length === 0 && isRightNowField(segments[1]!.name)) return;
  let elsewhere = memo.elsewhere.get(token.path);
  if (!elsewhere) {
    elsewhere = ctx.samples.filter((s) => s !== ctx.selected && lookupPath(s.data, segments).found);
    if (memo.elsewhere.size < MEMO_SIZE) memo.elsewhere.set(token.path, elsewhere);
  }
  const plain = segments.every((s) => s.indexes.length === 0);
  if (elsewhere.length > 0 || (plain && inCatalogue(segments))) {
    if (!listing.take('absent-in-sample', 'info', range)) return;
    const where =
      elsewhere.length > 0
        ? `it is set in ${elsewhere
            .slice(0, 3)
            .map((s) => `"${s.name}"`)
            .join(', ')}${elsewhere.length > 3 ? ' and others' : ''}`
        : 'no sample sets this: the platform sends an empty string';
    const field = catalogueField(segments);
    out.push({
      code: 'absent-in-sample',
      severity: 'info',
      message: `"${token.path}" is absent in the selected sample "${ctx.selected.name}" and renders empty for it; ${where}.${field ? ` (${field.description})` : ''}`,
      range,
    });
    return;
  }
  if (!listing.take('unknown-variable', 'warning', range)) return;
  // The deepest prefix some sample or the catalogue knows: the typo is in the segment after it.
  let depth = segments.length - 1;
  while (depth > 1 && !knownPrefix(segments.slice(0, depth), ctx)) depth--;
  const prefix = segments.slice(0, depth);
  const candidates = new Set<string>(catalogueChildren(prefix).map((c) => c.name));
  for (const sample of ctx.samples) for (const key of keysAt(sample, prefix, memo)) candidates.add(key);
  const segment = segments[depth]!;
  const near = nearest(segment.name, [...candidates]);
  const suggestions = near.map((n) => formatPath([...prefix, { name: n, indexes: segment.indexes }, ...segments.slice(depth + 1)]));
  out.push({
    code: 'unknown-variable',
    severity: 'warning',
    message: `"${token.path}" is in no sample and not a platform field: probably a typo; it renders ${ctx.options.unknownTag === 'marker' ? `as ${UNKNOWN_TAG_MARKER} (webhookStudio.render.unknownTag)` : 'empty'}${suggestions.length ? `. Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '.'}`,
    range,
    fixes: near.map((n) => replaceSegmentFix(ts, token, depth, n)),
  });
}

/**
 * `{{custom_webhook.N.response.<path>}}` in a step of a workflow: step N must come before this one and save
 * its response; the path must be in that response (the newest real one, else the sample's own data).
 */
function checkSavedResponse(
  ts: TemplatedString,
  token: VariableToken,
  range: OffsetRange,
  ctx: LintContext,
  wf: WorkflowPosition,
  memo: Memo,
  listing: Listing,
  out: Diagnostic[],
): void {
  const segments = token.segments;
  const n = segments[1] && /^\d+$/.test(segments[1].name) ? Number(segments[1].name) : undefined;
  if (n === undefined || segments[2]?.name !== 'response' || segments[1]!.indexes.length > 0) {
    if (listing.take('unknown-variable', 'warning', range))
      out.push({
        code: 'unknown-variable',
        severity: 'warning',
        message: `Write a saved response as {{custom_webhook.N.response.<key>}}, N being the step's number: "${token.path}" is not one.`,
        range,
      });
    return;
  }
  const saver = wf.steps[n - 1];
  if (n >= wf.step || !saver || !saver.saveResponse) {
    if (!listing.take('unsaved-response', 'error', range)) return;
    const why =
      n === wf.step
        ? `step ${n} is this step: its own response is not there while it is sent`
        : n > wf.steps.length
          ? `workflow "${wf.workflow}" has ${wf.steps.length} step(s)`
          : n > wf.step
            ? `step ${n} (${saver!.shown}) runs after this one (step ${wf.step}): its response is not there yet`
            : `step ${n} (${saver!.shown}) does not save its response: set "saveResponse": true in it`;
    out.push({ code: 'unsaved-response', severity: 'error', message: `"${token.path}" renders empty: ${why}.`, range });
    return;
  }
  const found = lookupPath(ctx.selected.data, segments);
  if (found.found) return;
  const response = lookupPath(ctx.selected.data, segments.slice(0, 3));
  if (!response.found) {
    if (listing.take('absent-in-sample', 'info', range))
      out.push({
        code: 'absent-in-sample',
        severity: 'info',
        message: `No response of step ${n} (${saver.shown}) is saved for sample "${ctx.selected.name}" yet: run the workflow once (or give ${SAVED_RESPONSES_NAMESPACE}.${n}.response in the sample). Until then it renders empty.`,
        range,
      });
    return;
  }
  if (!listing.take('unknown-variable', 'warning', range)) return;
  const depth = found.depth;
  const segment = segments[depth]!;
  const keys = keysAt(ctx.selected, segments.slice(0, depth), memo);
  const near = nearest(segment.name, keys);
  out.push({
    code: 'unknown-variable',
    severity: 'warning',
    message: `The saved response of step ${n} (${saver.shown}) has no "${formatPath(segments.slice(3, depth + 1))}": "${token.path}" renders empty${near.length ? `. Did you mean ${near.map((k) => `"${k}"`).join(' or ')}?` : '.'} Its keys: ${keys.slice(0, 12).join(', ') || 'none'}.`,
    range,
    fixes: near.map((k) => replaceSegmentFix(ts, token, depth, k)),
  });
}

/** True when some sample holds an object at the prefix, or the catalogue knows it. */
function knownPrefix(prefix: readonly VariableToken['segments'][number][], ctx: LintContext): boolean {
  if (inCatalogue(prefix)) return true;
  return ctx.samples.some((s) => {
    const at = lookupPath(s.data, prefix);
    return at.found && at.value !== null && typeof at.value === 'object' && !Array.isArray(at.value);
  });
}

/** The keys of the object at a prefix in a sample (none when it is not an object). */
function keysAt(sample: Sample, prefix: readonly VariableToken['segments'][number][], memo: Memo): readonly string[] {
  const at = lookupPath(sample.data, prefix);
  if (!at.found || at.value === null || typeof at.value !== 'object' || Array.isArray(at.value)) return [];
  let entry = memo.near.get(at.value);
  if (!entry) memo.near.set(at.value, (entry = { keys: Object.keys(at.value), byName: new Map() }));
  return entry.keys;
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
  /** The other samples that have a path the selected one lacks. */
  readonly elsewhere: Map<string, Sample[]>;
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
    out.push({
      code: 'plain-http',
      severity: 'warning',
      message: 'The platform accepts only https URLs: a plain http: URL fails there (and would carry any credentials unencrypted). Use https.',
      range,
    });
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
  if (auth.type === 'basic' && auth.username && keyAsUserName(auth.username.value, auth.password?.value ?? '')) {
    // An API key given as the user name with an empty password (`curl -u "sk_test_…:"`), as several APIs take it.
    flag(auth.username, 'The Basic user name is an API key: it', 'API_KEY', 1);
  }
  checkUrlSecrets(doc, base, out);
  for (const h of headers) {
    if (!KEYLIKE_HEADER.test(h.name)) continue;
    for (const v of h.values) flag(v, `The "${h.name}" header value`, constantCase(h.name), 8);
  }
  for (const q of query) {
    if (!KEYLIKE_QUERY.test(q.name)) continue;
    for (const v of q.values) flag(v, `The "${q.name}" query value`, constantCase(q.name), 8);
  }
}

/** True for a Basic user name that is a key: of a known secret shape, or long and opaque with no password. */
function keyAsUserName(username: string, password: string): boolean {
  if (username.includes('{{')) return false;
  return hasSecretShape(username) || (password === '' && /^[A-Za-z0-9_.-]{16,}$/.test(username) && /\d/.test(username) && !username.includes('@'));
}

/** Literal secrets in the URL's path and query, and URLs that are themselves the credential. */
function checkUrlSecrets(doc: ActionDocument, base: string, out: Diagnostic[]): void {
  const ts = doc.model.url;
  if (!ts) return;
  const node = ts.node;
  const exact = doc.text.slice(node.offset, node.offset + node.length) === JSON.stringify(ts.value);
  const nodeRange = { start: node.offset, end: node.offset + node.length };
  for (const secret of urlSecrets(ts.value)) {
    // A piece that holds a template is not a literal.
    if (ts.tokens.some((t) => t.start < secret.end && t.end > secret.start)) continue;
    const name = secret.suffix === 'WEBHOOK_URL' ? `${base}_WEBHOOK_URL` : `${base}_${secret.suffix}`;
    const replaced = ts.value.slice(0, secret.start) + `{{secrets.${name}}}` + ts.value.slice(secret.end);
    out.push({
      code: 'hardcoded-secret',
      severity: 'warning',
      message:
        secret.suffix === 'WEBHOOK_URL'
          ? `${secret.what} is itself the credential (anyone who has it can post): move it into secret storage and use {{secrets.${name}}} as the URL.`
          : secret.whole
            ? `${secret.what} is the credential (anyone who has the URL can post): move the token into secret storage and use {{secrets.${name}}}.`
            : `${secret.what} is written in the file: move it into secret storage and use {{secrets.${name}}}.`,
      range: exact ? { start: node.offset + 1 + secret.start, end: node.offset + 1 + secret.end } : nodeRange,
      ...(secret.fixable
        ? {
            fixes: [
              {
                title: `Move to secret storage as ${name}`,
                edits: [{ range: nodeRange, newText: JSON.stringify(replaced) }],
                storeSecret: { name, value: secret.value },
              },
            ],
          }
        : {}),
    });
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

/** What the schema cannot see in `expect`: a JSON path outside the supported subset, a bad regex, an unusable schema. */
function checkExpect(doc: ActionDocument, out: Diagnostic[]): void {
  if (doc.syntax.some((d) => d.severity === 'error')) return;
  for (const p of readExpect(doc)?.problems ?? [])
    out.push({ code: 'invalid-expect', severity: 'error', message: `${p.message}.`.replace(/\.\.$/, '.'), range: p.range });
}
