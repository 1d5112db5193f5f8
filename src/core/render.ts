/**
 * Rendering (docs/architecture.md, "Rendering"): an action plus a sample become the exact request the platform sends, with the
 * provenance of every substituted piece so adapters can redact secrets and explain values.
 */
import type { Node } from 'jsonc-parser';
import { breakCause, findBodyBreak, lineColumn, shownValue, type BodySlot } from './bodyCheck';
import { fileRange, type ActionDocument, type TemplatedString } from './document';
import type { VariableToken } from './template';
import { lookupPath, SECRETS_NAMESPACE, valueToText } from './sample';
import { inCatalogue } from './catalogue';
import { isRightNowField, rightNow, SYSTEM_CLOCK } from './clock';
import type {
  Diagnostic,
  JsonObject,
  Method,
  OffsetRange,
  RecipePiece,
  RenderOptions,
  RenderResult,
  RenderedHeader,
  Sample,
  Span,
  SpanSource,
  UnresolvedVariable,
} from './types';

/** A piece of a rendered string: literal text, or a value substituted for a template. */
interface Part {
  readonly text: string;
  /** Set for substituted values. */
  readonly source?: SpanSource;
}

/** Collects what a render learns on the way. */
interface RenderState {
  readonly data: JsonObject;
  readonly options: RenderOptions;
  readonly unresolved: UnresolvedVariable[];
  readonly secretsUsed: Set<string>;
  readonly connectionsUsed: Set<string>;
  /** Converted values by path: large files repeat the same few variables. */
  readonly texts: Map<string, string | undefined>;
  /** Set when a `right_now` field was filled from the clock. */
  usesClock: boolean;
  /** The instant `right_now` is read at: one per render, so every field agrees. */
  now?: Date;
}

/** How many distinct paths one render keeps the text of. */
const MEMO_SIZE = 4096;

/** An RFC 9110 token: what a header name must be. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters a header value may not hold (header injection). */
export const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;

/** encodeURIComponent that never throws: lone surrogates become U+FFFD, as URL serialisation does. */
export function encodeComponent(s: string): string {
  return encodeURIComponent(s.toWellFormed());
}

/** Renders the action in `doc` against `sample`. Never throws. */
export function render(doc: ActionDocument, sample: Sample, options: RenderOptions): RenderResult {
  const state: RenderState = {
    data: sample.data,
    options,
    unresolved: [],
    secretsUsed: new Set(),
    connectionsUsed: new Set(),
    texts: new Map(),
    usesClock: false,
  };
  const model = doc.model;
  const problems: Diagnostic[] = [];
  const method: Method = model.method ?? 'GET';
  if (!model.method) {
    problems.push({
      code: 'schema',
      severity: 'error',
      message: '"method" must be one of GET, POST, PUT, DELETE.',
      range: model.methodRange ?? { start: 0, end: 0 },
    });
  }

  const url = renderUrl(doc, state, problems);
  const headers: RenderedHeader[] = [];

  for (const entry of model.headers) {
    for (const ts of entry.values) {
      const parts = renderParts(ts, state);
      const value = joinParts(parts);
      if (!HEADER_NAME.test(entry.name)) {
        problems.push({
          code: 'invalid-header',
          severity: 'error',
          message: `Header name "${entry.name}" is not a valid token: use letters, digits and !#$%&'*+-.^_\`|~ only.`,
          range: entry.nameRange,
        });
      } else if (HEADER_VALUE_FORBIDDEN.test(value.text)) {
        problems.push({
          code: 'invalid-header',
          severity: 'error',
          message: `Header "${entry.name}" would contain a line break or NUL (header injection); the request is not sent.`,
          range: rangeOfNode(ts.node),
        });
      }
      headers.push({ name: entry.name, value: value.text, origin: 'user', spans: value.spans });
    }
  }

  const authHeader = renderAuth(doc, state, problems);
  if (authHeader) {
    const clash = model.headers.find((h) => h.name.toLowerCase() === authHeader.name.toLowerCase());
    if (clash) {
      problems.push({
        code: 'auth-conflict',
        severity: 'error',
        message: `"${clash.name}" is set both in "headers" and by auth "${model.auth.type}": remove one of them.`,
        range: clash.nameRange,
      });
    }
    headers.push(authHeader);
  }

  let body: string | null = null;
  let bodySpans: Span[] = [];
  let bodyBreak: RenderResult['bodyBreak'];
  if (model.body && method !== 'GET' && method !== 'DELETE') {
    const form = model.bodyType === 'form';
    const out = form
      ? renderFormBody(doc, state, problems)
      : model.bodyText
        ? renderTextBody(model.bodyText, state)
        : (renderBodyFast(doc, model.body, state) ?? renderBodyByTree(doc, state));
    body = out?.text ?? null;
    bodySpans = out?.spans ?? [];
    // The platform parses the pasted text as JSON; JSON escaping of an object body cannot break it.
    if (out && !form && (model.bodyText || options.escaping === 'text')) {
      bodyBreak = checkBody(doc, out, sample.name, problems);
    }
    if (!model.headers.some((h) => h.name.toLowerCase() === 'content-type')) {
      headers.push({ name: 'Content-Type', value: form ? FORM_TYPE : 'application/json', origin: 'auto', spans: [] });
    }
  }

  return {
    request: { method, url: url.text, urlSpans: url.spans, headers, body, bodySpans },
    sendable: !problems.some((p) => p.severity === 'error'),
    problems,
    unresolved: state.unresolved,
    secretsUsed: [...state.secretsUsed],
    connectionsUsed: [...state.connectionsUsed],
    ...(bodyBreak ? { bodyBreak } : {}),
    ...(state.usesClock ? { usesClock: true } : {}),
  };
}

/** The Content-Type of form bodies. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * The platform's JSON check (docs/architecture.md, "Rendering"): a body that does not parse is an error
 * placed on the template whose value broke it, or where the body's own text breaks.
 */
function checkBody(doc: ActionDocument, out: RenderedBody, sampleName: string, problems: Diagnostic[]): RenderResult['bodyBreak'] {
  const found = findBodyBreak(out.text, out.slots ?? out.spans);
  if (!found) return undefined;
  const skip = 'the platform fails to parse the body as JSON and skips this step.';
  const slot = found.slot;
  let message: string;
  let range: OffsetRange;
  if (slot && slot.source.kind !== 'credential') {
    const value = out.text.slice(slot.start, slot.end);
    const template = slot.source.kind === 'secret' ? `{{secrets.${slot.source.name}}}` : `{{${slot.source.path}}}`;
    // A secret's value is never written into a message.
    const shown = slot.source.kind === 'secret' ? "(the secret's value)" : `\`${shownValue(value)}\``;
    message = `For sample "${sampleName}", ${template} = ${shown} ${breakCause(value)}: ${skip}`;
    range = slot.source.range;
  } else {
    const at = lineColumn(out.text, found.offset);
    message = `For sample "${sampleName}", the body is not valid JSON (${found.error} at line ${at.line}, column ${at.column} of the rendered body): ${skip}`;
    range = out.fileOffset?.(found.offset) ?? doc.model.bodyKeyRange ?? doc.model.body ?? { start: 0, end: 0 };
  }
  problems.push({ code: 'body-not-json', severity: 'error', message, range });
  return { offset: found.offset, message };
}

function rangeOfNode(node: { readonly offset: number; readonly length: number }): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

/** Substitutes the templates of one string, in order. */
function renderParts(ts: TemplatedString, state: RenderState): Part[] {
  const tokens = ts.tokens;
  if (tokens.length === 0) return [{ text: ts.value }];
  const parts: Part[] = [];
  let at = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'variable') continue; // unsupported and unclosed templates are sent literally
    if (token.start > at) parts.push({ text: ts.value.slice(at, token.start) });
    at = token.end;
    parts.push(resolveVariable(token, fileRange(ts, token.start, token.end), state));
  }
  if (at < ts.value.length) parts.push({ text: ts.value.slice(at) });
  return parts;
}

/** The value of one variable template, recording unresolved variables and used secrets. */
function resolveVariable(token: VariableToken, range: OffsetRange, state: RenderState): Part {
  const namespace = token.segments[0]!.name;
  if (namespace === SECRETS_NAMESPACE) {
    const name = token.segments.length === 2 && token.segments[1]!.indexes.length === 0 ? token.segments[1]!.name : undefined;
    // A source is the user's code or storage: anything but a string (a prototype method, say) is not a value.
    const found: unknown = name !== undefined ? state.options.secrets.get(name) : undefined;
    const value = typeof found === 'string' ? found : undefined;
    if (name !== undefined) state.secretsUsed.add(name);
    if (value === undefined) state.unresolved.push({ path: token.path, range });
    return { text: value ?? '', source: { kind: 'secret', name: name ?? token.path, range } };
  }
  let text = state.texts.get(token.path);
  if (text === undefined && !state.texts.has(token.path)) {
    const found = lookupPath(state.data, token.segments);
    const value = found.found ? found.value : null;
    text = value === null ? clockText(token, state) : valueToText(value, state.options.arraySeparator);
    // Bounded: files that repeat paths repeat a few; a file of distinct paths gains nothing from keeping them all.
    if (state.texts.size < MEMO_SIZE) state.texts.set(token.path, text);
  }
  if (text === undefined) {
    state.unresolved.push({ path: token.path, range });
    if (state.options.unknownTag === 'marker' && !inCatalogue(token.segments)) text = UNKNOWN_TAG_MARKER;
  }
  return { text: text ?? '', source: { kind: 'variable', path: token.path, range } };
}

/** What `unknownTag: marker` renders for a tag neither the catalogue nor the sample has. */
export const UNKNOWN_TAG_MARKER = '##{}##';

/**
 * A `right_now` field the sample does not set, from the clock (docs/architecture.md, "Merge fields"), in the
 * sample's `location.timezone`, else the configured zone, else UTC.
 */
function clockText(token: VariableToken, state: RenderState): string | undefined {
  const segments = token.segments;
  if (segments.length !== 2 || segments[0]!.name !== 'right_now' || segments[1]!.indexes.length > 0 || !isRightNowField(segments[1]!.name)) return undefined;
  const location = state.data['location'];
  const own = typeof location === 'object' && location !== null && !Array.isArray(location) ? location['timezone'] : undefined;
  const zone = typeof own === 'string' && own !== '' ? own : (state.options.timeZone ?? 'UTC');
  state.now ??= (state.options.clock ?? SYSTEM_CLOCK).now();
  state.usesClock = true;
  return rightNow(segments[1]!.name, state.now, zone);
}

/** Concatenates parts, recording a span for every substituted value; `encode` transforms values. */
function joinParts(parts: readonly Part[], encode?: (part: Part, sofar: string) => string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  for (const part of parts) {
    const piece = encode ? encode(part, text) : part.text;
    if (part.source && piece.length > 0) spans.push({ start: text.length, end: text.length + piece.length, source: part.source });
    text += piece;
  }
  return { text, spans };
}

/**
 * True while `sofar` has not yet reached the path: a template there is part of the origin
 * (`{{custom_values.api_base}}/leads`) and is inserted as is, since encoding would break it.
 */
function inOrigin(sofar: string): boolean {
  const scheme = sofar.indexOf('://');
  if (scheme < 0) return true;
  return !/[/?#]/.test(sofar.slice(scheme + 3));
}

function renderUrl(doc: ActionDocument, state: RenderState, problems: Diagnostic[]): { text: string; spans: Span[] } {
  const ts = doc.model.url;
  if (!ts) {
    problems.push({ code: 'invalid-url', severity: 'error', message: '"url" is missing: give the absolute http(s) URL to call.', range: { start: 0, end: 0 } });
    return { text: '', spans: [] };
  }
  const parts = renderParts(ts, state);
  const base = joinParts(parts, (part, sofar) => (part.source && !inOrigin(sofar) ? encodeComponent(part.text) : part.text));
  let text = base.text;
  const spans = [...base.spans];

  // Query entries go after any query already written in the URL, before a fragment.
  const hash = text.indexOf('#');
  const fragment = hash >= 0 ? text.slice(hash) : '';
  let head = hash >= 0 ? text.slice(0, hash) : text;
  for (const entry of doc.model.query) {
    for (const value of entry.values) {
      const sep = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
      head += sep;
      const pair = encodedPair(entry.name, value, state);
      for (const s of pair.spans) spans.push({ start: head.length + s.start, end: head.length + s.end, source: s.source });
      head += pair.text;
    }
  }
  text = head + fragment;
  if (fragment) {
    // Spans after the fragment moved by the inserted query; fragments rarely hold templates, keep them right anyway.
    const shift = head.length - (hash >= 0 ? hash : head.length);
    for (let i = 0; i < base.spans.length; i++) {
      const s = base.spans[i]!;
      if (hash >= 0 && s.start >= hash) spans[i] = { ...s, start: s.start + shift, end: s.end + shift };
    }
  }

  const urlRange = rangeOfNode(ts.node);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    problems.push({
      code: 'invalid-url',
      severity: 'error',
      message: parsed
        ? `The URL must use http or https, not "${parsed.protocol.replace(/:$/, '')}".`
        : `The URL does not render to an absolute http(s) URL${text ? '' : ' (it renders empty)'}: check the scheme, host and templates.`,
      range: urlRange,
    });
    return { text, spans };
  }
  if (parsed.href === text) return { text, spans };
  return { text: parsed.href, spans: remapSpans(text, parsed.href, spans) };
}

/**
 * Moves spans from `before` to `after` (the WHATWG serialisation of the same URL): each span's text
 * is searched forward in `after`; one that changed shape covers from where it would start to the end,
 * so a secret is never left unmarked.
 */
function remapSpans(before: string, after: string, spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (const s of spans) {
    const piece = before.slice(s.start, s.end);
    const at = after.indexOf(piece, from);
    if (at >= 0) {
      out.push({ start: at, end: at + piece.length, source: s.source });
      from = at + piece.length;
    } else {
      out.push({ start: Math.min(from, after.length), end: after.length, source: s.source });
    }
  }
  return out;
}

/**
 * The pieces of a credential's text, from its spans: secrets by name, variables as their text, and text
 * written in the action file kept when `written` is true, else an unrestorable piece saying `written`.
 */
export function credentialPieces(text: string, spans: readonly Span[], written: true | string): RecipePiece[] {
  const out: RecipePiece[] = [];
  let cursor = 0;
  const gap = (end: number) => {
    if (end <= cursor) return;
    out.push(written === true ? text.slice(cursor, end) : { unrestorable: written });
  };
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < cursor || s.end <= s.start) continue;
    if (s.source.kind === 'secret') {
      gap(s.start);
      out.push({ secret: s.source.name });
      cursor = s.end;
    } else if (s.source.kind === 'variable') {
      gap(s.start);
      out.push(text.slice(s.start, s.end));
      cursor = s.end;
    }
  }
  gap(text.length);
  return out;
}

function credential(scheme: 'basic' | 'oauth2' | 'bearer' | 'apiKey', start: number, end: number): Span {
  return { start, end, source: { kind: 'credential', scheme } };
}

function renderAuth(doc: ActionDocument, state: RenderState, problems: Diagnostic[]): RenderedHeader | undefined {
  const auth = doc.model.auth;
  const parts = (ts: TemplatedString | undefined) => (ts ? joinParts(renderParts(ts, state)) : { text: '', spans: [] as Span[] });
  const shift = (spans: Span[], by: number) => spans.map((s) => ({ ...s, start: s.start + by, end: s.end + by }));
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'invalid':
      problems.push({
        code: 'schema',
        severity: 'error',
        message: `Unknown auth type "${auth.written}": use none, bearer, apiKey, basic or oauth2.`,
        range: doc.model.authRange ?? { start: 0, end: 0 },
      });
      return undefined;
    case 'bearer': {
      const token = parts(auth.token);
      const prefix = 'Bearer ';
      return {
        name: 'Authorization',
        value: prefix + token.text,
        origin: 'auth',
        spans: [credential('bearer', prefix.length, prefix.length + token.text.length), ...shift(token.spans, prefix.length)],
      };
    }
    case 'apiKey': {
      if (!auth.header) return undefined;
      const value = parts(auth.value);
      if (!HEADER_NAME.test(auth.header.name)) {
        problems.push({
          code: 'invalid-header',
          severity: 'error',
          message: `API key header name "${auth.header.name}" is not a valid token.`,
          range: auth.header.range,
        });
      } else if (HEADER_VALUE_FORBIDDEN.test(value.text)) {
        problems.push({
          code: 'invalid-header',
          severity: 'error',
          message: 'The API key would contain a line break or NUL; the request is not sent.',
          range: auth.value ? rangeOfNode(auth.value.node) : auth.header.range,
        });
      }
      return {
        name: auth.header.name,
        value: value.text,
        origin: 'auth',
        spans: [credential('apiKey', 0, value.text.length), ...value.spans],
      };
    }
    case 'basic': {
      const user = parts(auth.username);
      const pass = parts(auth.password);
      const encoded = Buffer.from(`${user.text}:${pass.text}`, 'utf8').toString('base64');
      const prefix = 'Basic ';
      const basic = {
        user: credentialPieces(user.text, user.spans, true),
        password: credentialPieces(pass.text, pass.spans, 'the Basic password is written in the action file, not in the secret store'),
      };
      const span: Span = { start: prefix.length, end: prefix.length + encoded.length, source: { kind: 'credential', scheme: 'basic', basic } };
      return { name: 'Authorization', value: prefix + encoded, origin: 'auth', spans: [span] };
    }
    case 'oauth2': {
      const connection = auth.connection?.value ?? '';
      state.connectionsUsed.add(connection);
      const token = state.options.tokens.token(connection);
      if (token === undefined) {
        state.unresolved.push({
          path: `oauth2:${connection}`,
          range: auth.connection ? rangeOfNode(auth.connection.node) : (doc.model.authRange ?? { start: 0, end: 0 }),
        });
      }
      const prefix = 'Bearer ';
      const text = token ?? '';
      const span: Span = { start: prefix.length, end: prefix.length + text.length, source: { kind: 'credential', scheme: 'oauth2', connection } };
      return { name: 'Authorization', value: prefix + text, origin: 'auth', spans: [span] };
    }
  }
}

/** A rendered body and the provenance of its substituted pieces. */
interface RenderedBody {
  readonly text: string;
  readonly spans: Span[];
  /** Every substituted value, empty ones included, when they can break the JSON (text bodies). */
  readonly slots?: readonly BodySlot[];
  /** The file range of a rendered offset that lies in the body's own text (text bodies). */
  readonly fileOffset?: (offset: number) => OffsetRange | undefined;
}

/**
 * A string body: the platform's own body text, each template replaced by its value as is (`text`) or
 * escaped as JSON string content (`json`), tags quoted or not.
 */
function renderTextBody(ts: TemplatedString, state: RenderState): RenderedBody {
  const escape = state.options.escaping === 'json';
  const spans: Span[] = [];
  const slots: BodySlot[] = [];
  // Literal runs: where each starts in the rendered text and in the string, to place a break in the file.
  const literals: Array<{ at: number; from: number; length: number }> = [];
  let text = '';
  let from = 0;
  const literal = (end: number) => {
    if (end <= from) return;
    literals.push({ at: text.length, from, length: end - from });
    text += ts.value.slice(from, end);
  };
  const tokens = ts.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'variable') continue;
    literal(token.start);
    const part = resolveVariable(token, fileRange(ts, token.start, token.end), state);
    const piece = escape ? escapeJson(part.text) : part.text;
    const slot = { start: text.length, end: text.length + piece.length, source: part.source! };
    slots.push(slot);
    if (piece.length > 0) spans.push(slot);
    text += piece;
    from = token.end;
  }
  literal(ts.value.length);
  const fileOffset = (offset: number): OffsetRange | undefined => {
    const run = literals.find((l) => offset >= l.at && offset < l.at + l.length);
    if (!run) return undefined;
    const unit = run.from + offset - run.at;
    return fileRange(ts, unit, unit + 1);
  };
  return { text, spans, slots, fileOffset };
}

/**
 * A form body: each name and value encoded exactly as a query entry is (`encodedPair`), joined by `&`.
 * A list repeats the name, as in `query`.
 */
function renderFormBody(doc: ActionDocument, state: RenderState, problems: Diagnostic[]): RenderedBody | undefined {
  const node = doc.bodyNode();
  if (!node) return undefined;
  if (node.type !== 'object') {
    problems.push({
      code: 'schema',
      severity: 'error',
      message: 'A form body ("bodyType": "form") is an object of field names to strings.',
      range: rangeOfNode(node),
    });
    return undefined;
  }
  let text = '';
  const spans: Span[] = [];
  for (const [name, value] of uniqueProperties(node.children ?? [])) {
    const items = value.type === 'array' ? (value.children ?? []) : [value];
    for (const item of items) {
      const ts: TemplatedString =
        item.type === 'string'
          ? doc.stringOf(item, 'body')
          : { node: item, value: item.value === undefined ? '' : String(item.value), role: 'body', tokens: [], ranges: [] };
      if (text) text += '&';
      const pair = encodedPair(name, ts, state);
      for (const s of pair.spans) spans.push({ start: text.length + s.start, end: text.length + s.end, source: s.source });
      text += pair.text;
    }
  }
  return { text, spans };
}

/** `name=value`, both percent-encoded with `encodeComponent`: the one encoding of query entries and form fields. */
function encodedPair(name: string, value: TemplatedString, state: RenderState): { text: string; spans: Span[] } {
  const key = `${encodeComponent(name)}=`;
  const rendered = joinParts(renderParts(value, state), (part) => encodeComponent(part.text));
  return { text: key + rendered.text, spans: rendered.spans.map((s) => ({ start: key.length + s.start, end: key.length + s.end, source: s.source })) };
}

/** Marks a substituted value inside a JSON.stringify output: `\u0000` + slot + `\u0000`, as JSON escapes NUL. */
const SLOT = /\\u0000(\d+)\\u0000/g;

class NotFast extends Error {}

const EMPTY_PART: Part = { text: '' };

/**
 * The body of a file written as strict JSON, at native speed: JSON.parse, a walk that puts a numbered
 * slot where each template value goes, JSON.stringify, then each slot replaced by its escaped value.
 * JSON.parse's duplicate-key rule is the one the tree walk mirrors, so both give the same bytes.
 * Undefined when the body is not strict JSON (comments, trailing commas) or holds anything the slots
 * could be confused with; the tree walk handles those.
 */
function renderBodyFast(doc: ActionDocument, body: OffsetRange, state: RenderState): RenderedBody | undefined {
  const source = doc.text.slice(body.start, body.end);
  // Integer-like keys are enumerated out of file order, which would pair strings with the wrong templates.
  // A "__proto__" key (however escaped) would be assigned through its setter by the walk below.
  if (source.includes('\\u0000') || /__proto__|\\u005f/i.test(source) || /"\d+"\s*:/.test(source)) return undefined;
  const strings = doc.templated.filter((t) => t.role === 'body' && t.node.offset >= body.start && t.node.offset < body.end);
  // Each value is resolved as its string is met, so no token outlives its string's visit (large files have millions).
  const parts: Part[] = [];
  const unresolvedBefore = state.unresolved.length;
  let next = 0;
  const slotted = (value: string): string => {
    const ts = strings[next++];
    if (!ts || ts.value !== value) throw new NotFast();
    const tokens = ts.tokens;
    let out = '';
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind !== 'variable') continue;
      out += `${value.slice(at, token.start)}\u0000${parts.length}\u0000`;
      const part = resolveVariable(token, fileRange(ts, token.start, token.end), state);
      // An empty value makes no span: its source need not be kept while the rest of the body is read.
      parts.push(part.text === '' ? EMPTY_PART : part);
      at = token.end;
    }
    return out + value.slice(at);
  };
  // Strings are met in file order: objects keep insertion order (no index-like keys, checked above).
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('{{') ? slotted(v) : v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  let parsed: unknown;
  try {
    parsed = walk(JSON.parse(source));
  } catch {
    parsed = undefined;
  }
  // The tree walk reports the unresolved variables again (the secrets used are the same ones, in the same order).
  if (parsed === undefined || next !== strings.length || parts.some((p) => isLoneSurrogateAtEdge(p.text))) {
    state.unresolved.length = unresolvedBefore;
    return undefined;
  }
  const raw = state.options.escaping === 'text';
  const json = JSON.stringify(parsed);
  const spans: Span[] = [];
  // Joined once at the end: a string built with += stays a rope of every piece until something reads it.
  const pieces: string[] = [];
  let length = 0;
  let at = 0;
  for (const m of json.matchAll(SLOT)) {
    const part = parts[Number(m[1])]!;
    const piece = raw ? part.text : escapeJson(part.text);
    const before = json.slice(at, m.index);
    pieces.push(before, piece);
    length += before.length;
    if (piece.length > 0) spans.push({ start: length, end: length + piece.length, source: part.source! });
    length += piece.length;
    at = m.index + m[0].length;
  }
  pieces.push(json.slice(at));
  return { text: pieces.join(''), spans };
}

/** A value whose first or last unit is half of a surrogate pair would escape differently next to its neighbours. */
function isLoneSurrogateAtEdge(s: string): boolean {
  if (!s) return false;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return (first >= 0xdc00 && first <= 0xdfff) || (last >= 0xd800 && last <= 0xdbff);
}

function renderBodyByTree(doc: ActionDocument, state: RenderState): RenderedBody | undefined {
  const body = doc.bodyNode();
  if (!body) return undefined;
  const out = new BodyWriter(state);
  out.value(body, doc);
  return { text: out.text, spans: out.spans };
}

/** Writes the body as compact JSON exactly as JSON.stringify would, recording spans of substituted values. */
class BodyWriter {
  /** Built with `+=`: V8 keeps it as a rope and flattens it once, cheaper than joining many chunks. */
  text = '';
  private length = 0;
  readonly spans: Span[] = [];

  constructor(private readonly state: RenderState) {}

  private put(s: string): void {
    this.text += s;
    this.length += s.length;
  }

  value(node: Node, doc: ActionDocument): void {
    switch (node.type) {
      case 'object': {
        this.put('{');
        const children = node.children ?? [];
        if (hasDuplicateKeys(children) || hasIndexKeys(children)) {
          uniqueProperties(children).forEach(([key, v], i) => {
            this.put(i > 0 ? `,${quoteKey(key)}:` : `${quoteKey(key)}:`);
            this.value(v, doc);
          });
        } else {
          let first = true;
          for (const prop of children) {
            const k = prop.children?.[0];
            const v = prop.children?.[1];
            if (!k || !v) continue;
            const key = first ? `${quoteKey(String(k.value))}:` : `,${quoteKey(String(k.value))}:`;
            first = false;
            // A plain leaf goes out with its key in one piece: fewer concatenations on large bodies.
            const leaf = plainLeaf(v);
            if (leaf !== undefined) this.put(key + leaf);
            else {
              this.put(key);
              this.value(v, doc);
            }
          }
        }
        this.put('}');
        return;
      }
      case 'array': {
        this.put('[');
        const children = node.children ?? [];
        for (let i = 0; i < children.length; i++) {
          if (i > 0) this.put(',');
          this.value(children[i]!, doc);
        }
        this.put(']');
        return;
      }
      default: {
        const leaf = plainLeaf(node);
        if (leaf !== undefined) this.put(leaf);
        else this.string(doc.stringOf(node, 'body'));
      }
    }
  }

  private string(ts: TemplatedString): void {
    const parts = renderParts(ts, this.state);
    const raw = this.state.options.escaping === 'text';
    const start = this.length + 1;
    if (!raw && splitsSurrogatePair(parts)) {
      // A surrogate pair split across a boundary escapes differently as a whole: mark the whole string.
      const whole = escapeJson(parts.map((p) => p.text).join(''));
      this.put(`"${whole}"`);
      for (const p of parts) if (p.source) this.spans.push({ start, end: start + whole.length, source: p.source });
      return;
    }
    this.put('"');
    for (const p of parts) {
      const piece = raw && p.source ? p.text : escapeJson(p.text);
      if (p.source && piece.length > 0) this.spans.push({ start: this.length, end: this.length + piece.length, source: p.source });
      this.put(piece);
    }
    this.put('"');
  }
}

/** The JSON text of a number, boolean, null or template-free string; undefined for anything else. */
function plainLeaf(node: Node): string | undefined {
  switch (node.type) {
    case 'string':
      return typeof node.value === 'string' && !node.value.includes('{{') ? JSON.stringify(node.value) : undefined;
    case 'object':
    case 'array':
      return undefined;
    default:
      return JSON.stringify(node.value ?? null);
  }
}

const quotedKeys = new Map<string, string>();

/** JSON.stringify of an object key, memoised: bodies repeat the same few keys. */
function quoteKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quotedKeys.size < 4096) quotedKeys.set(key, q);
  }
  return q;
}

/** True when an object repeats a key (rare: then JSON.parse semantics need the slower path). */
function hasDuplicateKeys(props: readonly Node[]): boolean {
  if (props.length < 2) return false;
  if (props.length <= 8) {
    for (let i = 1; i < props.length; i++) {
      const key: unknown = props[i]!.children?.[0]?.value;
      for (let j = 0; j < i; j++) if (props[j]!.children?.[0]?.value === key) return true;
    }
    return false;
  }
  const seen = new Set<unknown>();
  for (const p of props) {
    const key: unknown = p.children?.[0]?.value;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** An array index as a property key ("0", "42"): JavaScript objects enumerate those first. */
function isIndexKey(key: unknown): boolean {
  return typeof key === 'string' && /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

function hasIndexKeys(props: readonly Node[]): boolean {
  return props.some((p) => isIndexKey(p.children?.[0]?.value));
}

/**
 * An object's properties in the order JSON.stringify(JSON.parse(…)) writes them: the last duplicate
 * wins in the first one's place, and array-index keys come first in ascending order.
 */
function uniqueProperties(props: readonly Node[]): Array<[string, Node]> {
  const index = new Map<string, number>();
  const out: Array<[string, Node]> = [];
  for (const prop of props) {
    const [k, v] = prop.children ?? [];
    if (!k || !v) continue;
    const key = String(k.value);
    const at = index.get(key);
    if (at !== undefined) out[at] = [key, v];
    else index.set(key, out.push([key, v]) - 1);
  }
  const indexed = out.filter(([key]) => isIndexKey(key)).sort((a, b) => Number(a[0]) - Number(b[0]));
  return indexed.length ? [...indexed, ...out.filter(([key]) => !isIndexKey(key))] : out;
}

function splitsSurrogatePair(parts: readonly Part[]): boolean {
  let prev = '';
  for (const { text: next } of parts) {
    if (!next) continue;
    const hi = prev.charCodeAt(prev.length - 1);
    const lo = next.charCodeAt(0);
    if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) return true;
    prev = next;
  }
  return false;
}

/** The inside of JSON.stringify(s), without the quotes. */
function escapeJson(s: string): string {
  const q = JSON.stringify(s);
  return q.slice(1, -1);
}
