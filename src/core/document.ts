import { visit, type Node } from 'jsonc-parser';
import { bareTemplateDiagnostics } from './bareTemplate';
import { EMPTY_FILE, MAX_NESTING, nestingDiagnostic, nestingProblem, parseJsonc, PARSE_OPTIONS, syntaxDiagnostic } from './jsonc';
import { tokenize, type TemplateToken } from './template';
import { decodeJsonString, LineIndex, type DecodedString } from './text';
import type { Diagnostic, Method, OffsetRange } from './types';

/** Where in an action a string sits: decides how templates in it are encoded and linted. */
export type StringRole = 'url' | 'auth' | 'header' | 'query' | 'body' | 'meta';

/** Where a string literal sits in the file: `offset` is its opening quote, `length` includes the quotes. */
export interface StringNode {
  readonly offset: number;
  readonly length: number;
}

/** A string value of the file with its templates and the map from decoded offsets to file offsets. */
export interface TemplatedString {
  readonly node: StringNode;
  readonly value: string;
  readonly role: StringRole;
  readonly tokens: readonly TemplateToken[];
  /** The file range of each token, in the order of `tokens`. */
  readonly ranges: readonly OffsetRange[];
  /** Present when the string holds a template and escapes: maps decoded offsets into the file. */
  readonly decoded?: DecodedString;
}

/** A header or query entry: a literal name and one or more templated values. */
export interface NamedValues {
  readonly name: string;
  readonly nameRange: OffsetRange;
  readonly values: readonly TemplatedString[];
}

/** The auth block as written; fields absent when missing or not strings (the schema reports those). */
export type AuthModel =
  | { readonly type: 'none' }
  | { readonly type: 'bearer'; readonly token?: TemplatedString }
  | { readonly type: 'apiKey'; readonly header?: { readonly name: string; readonly range: OffsetRange }; readonly value?: TemplatedString }
  | { readonly type: 'basic'; readonly username?: TemplatedString; readonly password?: TemplatedString }
  | { readonly type: 'oauth2'; readonly connection?: TemplatedString }
  | { readonly type: 'invalid'; readonly written: string };

/** The action as far as it could be read; the schema validation reports what is wrong with its shape. */
export interface ActionModel {
  readonly name?: string;
  /** Undefined when missing or not one of the four. */
  readonly method?: Method;
  readonly methodRange?: OffsetRange;
  readonly url?: TemplatedString;
  readonly auth: AuthModel;
  readonly authRange?: OffsetRange;
  readonly headers: readonly NamedValues[];
  readonly query: readonly NamedValues[];
  /** Where the body value is in the file. */
  readonly body?: OffsetRange;
  /** The `"body"` key, for diagnostics about the body as a whole. */
  readonly bodyKeyRange?: OffsetRange;
  /** Set when the body is a string: the platform's own body text, templates anywhere (docs/architecture.md, "Rendering"). */
  readonly bodyText?: TemplatedString;
  /** `"bodyType"` as written when it is one of the two; undefined means JSON. */
  readonly bodyType?: BodyType;
  readonly bodyTypeRange?: OffsetRange;
}

/** How the body is sent: JSON text, or form fields (`application/x-www-form-urlencoded`). */
export type BodyType = 'json' | 'form';

/** A parsed `*.webhook.json` file. */
export interface ActionDocument {
  readonly text: string;
  /** The syntax tree, built on first use (schema validation, JSONC bodies): the common paths do without it. */
  readonly root?: Node;
  readonly lines: LineIndex;
  /** JSON syntax problems. */
  readonly syntax: readonly Diagnostic[];
  readonly model: ActionModel;
  /** Every string value that holds `{{`, in file order. */
  readonly templated: readonly TemplatedString[];
  /** The body's tree node (from `root`), for the tree walk of bodies that are not strict JSON. */
  bodyNode(): Node | undefined;
  /** The templated view of a string node of the tree. */
  stringOf(node: Node, role: StringRole): TemplatedString;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** A string literal met while reading, with where it sits. */
interface Literal {
  readonly node: StringNode;
  readonly value: string;
}

/** What the reader gathers about one top-level property (the last occurrence wins, as in JSON.parse). */
interface TopLevel {
  keyRange: OffsetRange;
  valueStart: number;
  valueEnd: number;
  literal?: unknown;
  literalNode?: StringNode;
}

/** A container being read: an object (with the key of the value being read) or an array. */
interface Frame {
  readonly kind: 'object' | 'array';
  key?: string;
  keyRange?: OffsetRange;
}

/**
 * Parses a webhook action file in one pass of jsonc-parser's scanner, without building a syntax tree:
 * the model, every templated string and the syntax errors. Never throws.
 */
export function parseActionDocument(text: string): ActionDocument {
  const syntax: Diagnostic[] = [];
  const templated: TemplatedString[] = [];
  // Tokens are relative to their string, so equal strings share them (large files repeat templates).
  const tokenCache = new Map<string, readonly TemplateToken[]>();
  const top = new Map<string, TopLevel>();
  const named: Record<'headers' | 'query', Map<string, { nameRange: OffsetRange; values: Literal[] }>> = { headers: new Map(), query: new Map() };
  const authFields = new Map<string, Literal>();
  let authType: unknown;
  const stack: Frame[] = [];
  let sawValue = false;

  const templatedOf = (node: StringNode, value: string, role: StringRole): TemplatedString => {
    const escaped = hasBackslash(text, node.offset, node.offset + node.length);
    const decoded = escaped ? decodeJsonString(text, node.offset, node.length) : undefined;
    const v = decoded?.value ?? value;
    // Bounded: a file of distinct strings would otherwise keep the tokens of all of them.
    let shared = tokenCache.get(v);
    if (!shared && tokenCache.size < TOKEN_CACHE_SIZE) tokenCache.set(v, (shared = tokenize(v)));
    return new FileString(node, v, role, decoded, shared);
  };

  const valueStarts = (offset: number) => {
    sawValue = true;
    if (stack.length === 1 && stack[0]!.kind === 'object') {
      const f = stack[0]!;
      if (f.key !== undefined) top.set(f.key, { keyRange: f.keyRange!, valueStart: offset, valueEnd: offset });
    }
  };
  const valueEnds = (end: number) => {
    if (stack.length === 1 && stack[0]!.kind === 'object') {
      const entry = stack[0]!.key !== undefined ? top.get(stack[0]!.key) : undefined;
      if (entry) entry.valueEnd = end;
    }
  };

  const literal = (value: unknown, offset: number, length: number) => {
    const depth = stack.length;
    if (depth <= 1) {
      sawValue = true;
      const f = stack[0];
      if (f?.kind === 'object' && f.key !== undefined) {
        const entry: TopLevel = { keyRange: f.keyRange!, valueStart: offset, valueEnd: offset + length, literal: value };
        if (typeof value === 'string') entry.literalNode = { offset, length };
        top.set(f.key, entry);
      }
    }
    if (typeof value !== 'string') return;
    // A lone string literal is a document too: editors parse just the literal under the cursor.
    const key = stack[0]?.key;
    const templatedHere = value.includes('{{') && key !== '$schema';
    // Most strings of a large body are plain: only templated ones and the header/query/auth entries need a node.
    const entryHere = depth === 2 ? key === 'headers' || key === 'query' || key === 'auth' : depth === 3 && (key === 'headers' || key === 'query');
    if (!templatedHere && !entryHere && depth > 1) return;
    const node: StringNode = depth === 1 ? (top.get(key!)?.literalNode ?? { offset, length }) : { offset, length };
    if (templatedHere) {
      const ts = templatedOf(node, value, roleOfKey(key ?? ''));
      templated.push(ts);
    }
    if (!entryHere) return;
    const entry = stack[1]!;
    if (depth === 2 && entry.kind === 'object' && entry.key !== undefined) {
      if (key === 'headers' || key === 'query') addNamed(named[key], entry, { node, value }, true);
      else if (entry.key === 'type') authType = value;
      else authFields.set(entry.key, { node, value });
    } else if (depth === 3 && stack[2]!.kind === 'array' && entry.kind === 'object' && (key === 'headers' || key === 'query')) {
      addNamed(named[key], entry, { node, value }, false);
    }
  };

  // Nesting past MAX_NESTING is reported at its bracket, from the reader's own stack: no extra pass.
  let tooDeep: Diagnostic | undefined;
  const begin = (kind: Frame['kind'], offset: number) => {
    if (stack.length >= MAX_NESTING && !tooDeep) tooDeep = nestingDiagnostic(offset);
    valueStarts(offset);
    // A list starts a header or query entry afresh (its strings are then added one by one).
    if (kind === 'array' && stack.length === 2 && stack[1]!.kind === 'object' && stack[1]!.key !== undefined) {
      const key = stack[0]!.key;
      if (key === 'headers' || key === 'query') named[key].set(stack[1]!.key, { nameRange: stack[1]!.keyRange!, values: [] });
    }
    stack.push({ kind });
  };
  const end = (offset: number, length: number) => {
    stack.pop();
    valueEnds(offset + length);
  };

  try {
    visit(
      text,
      {
        onObjectBegin: (offset) => begin('object', offset),
        onArrayBegin: (offset) => begin('array', offset),
        onObjectEnd: end,
        onArrayEnd: end,
        onObjectProperty: (property, offset, length) => {
          const f = stack[stack.length - 1];
          if (f) {
            f.key = property;
            f.keyRange = { start: offset, end: offset + length };
          }
        },
        onLiteralValue: literal,
        onError: (error, offset, length) => {
          syntax.push(syntaxDiagnostic(error, offset, length));
        },
      },
      PARSE_OPTIONS,
    );
  } catch (error) {
    // The reader recurses per level: thousands of levels exhaust the stack before it ends.
    if (!(error instanceof RangeError)) throw error;
    tooDeep ??= nestingProblem(text) ?? nestingDiagnostic(0);
  }
  if (tooDeep) syntax.push(tooDeep);
  else if (syntax.length > 0) {
    const bare = bareTemplateDiagnostics(text);
    if (bare) syntax.splice(0, syntax.length, ...bare);
  }
  if (!sawValue && syntax.length === 0) syntax.push(EMPTY_FILE);

  const str = (l: Literal | undefined, role: StringRole): TemplatedString | undefined =>
    l ? (templatedStartingAt(templated, l.node.offset) ?? { node: l.node, value: l.value, role, tokens: [], ranges: [] }) : undefined;
  const topString = (key: string, role: StringRole) => {
    const t = top.get(key);
    return t?.literalNode && typeof t.literal === 'string' ? str({ node: t.literalNode, value: t.literal }, role) : undefined;
  };
  const namedValues = (key: 'headers' | 'query', role: StringRole): NamedValues[] =>
    [...named[key]].map(([name, e]) => ({ name, nameRange: e.nameRange, values: e.values.map((v) => str(v, role)!) }));
  const range = (t: TopLevel | undefined) => (t ? { start: t.valueStart, end: t.valueEnd } : undefined);

  const nameEntry = top.get('name');
  const methodEntry = top.get('method');
  const bodyEntry = top.get('body');
  const authEntry = top.get('auth');
  const bodyTypeEntry = top.get('bodyType');
  const model: ActionModel = {
    name: typeof nameEntry?.literal === 'string' ? nameEntry.literal : undefined,
    method: typeof methodEntry?.literal === 'string' && METHODS.has(methodEntry.literal) ? (methodEntry.literal as Method) : undefined,
    methodRange: range(methodEntry),
    url: topString('url', 'url'),
    auth: readAuth(authEntry, authType, authFields, (l) => str(l, 'auth')),
    authRange: range(authEntry),
    headers: namedValues('headers', 'header'),
    query: namedValues('query', 'query'),
    // A body nested too deep is not read further: no reader of it could do so without exhausting the stack.
    body: tooDeep ? undefined : range(bodyEntry),
    bodyKeyRange: bodyEntry?.keyRange,
    bodyText: tooDeep ? undefined : topString('body', 'body'),
    bodyType: bodyTypeEntry?.literal === 'json' || bodyTypeEntry?.literal === 'form' ? bodyTypeEntry.literal : undefined,
    bodyTypeRange: range(bodyTypeEntry),
  };

  let lines: LineIndex | undefined;
  let root: { node: Node | undefined } | undefined;
  // A file nested too deep has no tree: every recursive reader of it would exhaust the stack.
  const rootNode = () => (root ??= { node: tooDeep ? undefined : parseJsonc(text, { nestingChecked: true }).root }).node;
  return {
    text,
    get root() {
      return rootNode();
    },
    get lines() {
      return (lines ??= new LineIndex(text));
    },
    syntax,
    model,
    templated,
    bodyNode: () => {
      const r = rootNode();
      if (!r || r.type !== 'object') return undefined;
      // The last "body" wins, as in JSON.parse (findNodeAtLocation would take the first).
      let body: Node | undefined;
      for (const prop of r.children ?? []) if (prop.children?.[0]?.value === 'body') body = prop.children[1];
      return body;
    },
    stringOf: (node, role) => templatedStartingAt(templated, node.offset) ?? { node, value: String(node.value ?? ''), role, tokens: [], ranges: [] },
  };
}

/** Adds a string to a header or query entry: a plain string replaces the entry, a list item appends to it. */
function addNamed(map: Map<string, { nameRange: OffsetRange; values: Literal[] }>, frame: Frame, l: Literal, replace: boolean): void {
  const name = frame.key!;
  const entry = map.get(name);
  if (replace || !entry) map.set(name, { nameRange: frame.keyRange!, values: [l] });
  else entry.values.push(l);
}

function readAuth(
  entry: TopLevel | undefined,
  type: unknown,
  fields: Map<string, Literal>,
  str: (l: Literal | undefined) => TemplatedString | undefined,
): AuthModel {
  if (!entry || entry.literal !== undefined) return { type: 'none' };
  const field = (key: string) => str(fields.get(key));
  switch (type) {
    case undefined:
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type, token: field('token') };
    case 'apiKey': {
      const header = fields.get('header');
      return {
        type,
        header: header ? { name: header.value, range: { start: header.node.offset, end: header.node.offset + header.node.length } } : undefined,
        value: field('value'),
      };
    }
    case 'basic':
      return { type, username: field('username'), password: field('password') };
    case 'oauth2':
      return { type, connection: field('connection') };
    default:
      return { type: 'invalid', written: String(type) };
  }
}

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

function roleOfKey(key: string): StringRole {
  switch (key) {
    case 'url':
    case 'auth':
    case 'query':
    case 'body':
      return key;
    case 'headers':
      return 'header';
    default:
      return 'meta';
  }
}

/** The file range of decoded units [start, end) of a templated string. */
export function fileRange(ts: TemplatedString, start: number, end: number): OffsetRange {
  return rangeIn(ts.node, ts.decoded, start, end);
}

function rangeIn(node: StringNode, decoded: DecodedString | undefined, start: number, end: number): OffsetRange {
  if (decoded) return { start: decoded.offsets[start]!, end: decoded.offsets[end]! };
  return { start: node.offset + 1 + start, end: node.offset + 1 + end };
}

/** The decoded offset of a file offset inside a templated string (clamped to the string). */
export function decodedOffset(ts: TemplatedString, fileOffset: number): number {
  if (!ts.decoded) return Math.max(0, Math.min(fileOffset - ts.node.offset - 1, ts.value.length));
  const offsets = ts.decoded.offsets;
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= fileOffset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A templated string of a parsed file. Strings met often share one token list; the tokens of the others
 * and all ranges are found on each read rather than kept, since a file with a million templates would
 * otherwise hold several objects per template for as long as the document lives. Read `tokens` once
 * per use, and take a token's range with `fileRange`.
 */
class FileString implements TemplatedString {
  constructor(
    readonly node: StringNode,
    readonly value: string,
    readonly role: StringRole,
    readonly decoded: DecodedString | undefined,
    private readonly shared: readonly TemplateToken[] | undefined,
  ) {}

  get tokens(): readonly TemplateToken[] {
    return this.shared ?? tokenize(this.value);
  }

  get ranges(): readonly OffsetRange[] {
    return this.tokens.map((t) => rangeIn(this.node, this.decoded, t.start, t.end));
  }
}

/** How many distinct strings' tokens one parse keeps for reuse. */
const TOKEN_CACHE_SIZE = 4096;

/** The templated string whose literal starts at `offset` (binary search: `strings` are in file order). */
function templatedStartingAt(strings: readonly TemplatedString[], offset: number): TemplatedString | undefined {
  let lo = 0;
  let hi = strings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = strings[mid]!.node.offset;
    if (at === offset) return strings[mid];
    if (at < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The templated string whose literal contains `fileOffset` (binary search: `strings` are in file order). */
function stringAt(strings: readonly TemplatedString[], fileOffset: number): TemplatedString | undefined {
  let lo = 0;
  let hi = strings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = strings[mid]!.node;
    if (fileOffset < n.offset) hi = mid - 1;
    else if (fileOffset > n.offset + n.length) lo = mid + 1;
    else return strings[mid];
  }
  return undefined;
}

/** What sits at an offset of the file, for completion, hover and go-to-definition. */
export interface TemplateContext {
  readonly string: TemplatedString;
  /** Decoded offset of the cursor in the string. */
  readonly offset: number;
  /** The complete template under the cursor, if any. */
  readonly token?: TemplateToken;
  /** Index of the path segment under the cursor, for variables. */
  readonly segment?: number;
  /** When the cursor is right after `{{` and a partial path: what was typed, and where it starts. */
  readonly typing?: { readonly text: string; readonly start: number };
}

/** Finds the template (complete or being typed) at a file offset. */
export function templateAt(doc: ActionDocument, fileOffset: number): TemplateContext | undefined {
  const ts = stringAt(doc.templated, fileOffset);
  if (!ts) return undefined;
  const node = ts.node;
  const end = node.offset + node.length;
  const terminated = node.length > 1 && doc.text.charCodeAt(end - 1) === 34;
  if (fileOffset <= node.offset || fileOffset > end || (terminated && fileOffset === end)) return undefined;
  const offset = decodedOffset(ts, fileOffset);
  const token = ts.tokens.find((t) => t.kind !== 'unclosed' && offset >= t.start && offset <= t.end);
  let segment: number | undefined;
  if (token?.kind === 'variable') {
    const i = token.segments.findIndex((s) => offset >= s.start && offset <= s.end);
    segment = i >= 0 ? i : undefined;
  }
  const before = ts.value.slice(0, offset);
  const open = before.lastIndexOf('{{');
  let typing: TemplateContext['typing'];
  if (open >= 0 && before.indexOf('}}', open) < 0) {
    const typedRaw = before.slice(open + 2);
    const text = typedRaw.trimStart();
    if (/^[A-Za-z0-9_.\-[\]]*$/.test(text)) typing = { text, start: offset - text.length };
  }
  return { string: ts, offset, token, segment, typing };
}
