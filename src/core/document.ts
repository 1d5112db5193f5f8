import { findNodeAtOffset, type Node } from 'jsonc-parser';
import { parseJsonc } from './jsonc';
import { mayHoldTemplate, tokenize, type TemplateToken } from './template';
import { decodeJsonString, LineIndex, type DecodedString } from './text';
import type { Diagnostic, Method, OffsetRange } from './types';

/** Where in an action a string sits: decides how templates in it are encoded and linted. */
export type StringRole = 'url' | 'auth' | 'header' | 'query' | 'body' | 'meta';

/** A string value of the file with its templates and the map from decoded offsets to file offsets. */
export interface TemplatedString {
  readonly node: Node;
  readonly value: string;
  readonly role: StringRole;
  readonly tokens: readonly TemplateToken[];
  /** Present when the string holds `{{`: maps decoded offsets into the file. */
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
  readonly body?: Node;
  /** The `"body"` key, for diagnostics about the body as a whole. */
  readonly bodyKeyRange?: OffsetRange;
}

/** A parsed `*.webhook.json` file. */
export interface ActionDocument {
  readonly text: string;
  readonly root?: Node;
  readonly lines: LineIndex;
  /** JSON syntax problems. */
  readonly syntax: readonly Diagnostic[];
  readonly model: ActionModel;
  /** Every string value that holds `{{`, in file order. */
  readonly templated: readonly TemplatedString[];
  /** The templated view of any string node of the document. */
  stringOf(node: Node, role: StringRole): TemplatedString;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** Parses a webhook action file. Never throws. */
export function parseActionDocument(text: string): ActionDocument {
  const { root, diagnostics } = parseJsonc(text);
  const cache = new Map<Node, TemplatedString>();
  // Tokens are relative to their string, so equal strings share them (large files repeat templates).
  const tokenCache = new Map<string, readonly TemplateToken[]>();
  const tokensOf = (value: string): readonly TemplateToken[] => {
    let tokens = tokenCache.get(value);
    if (!tokens) tokenCache.set(value, (tokens = tokenize(value)));
    return tokens;
  };
  const templated: TemplatedString[] = [];

  const stringOf = (node: Node, role: StringRole): TemplatedString => {
    let ts = cache.get(node);
    if (!ts) {
      const value = String(node.value ?? '');
      if (mayHoldTemplate(value)) {
        // Without escapes, decoded offset i sits at file offset node.offset + 1 + i: no map needed.
        const escaped = hasBackslash(text, node.offset, node.offset + node.length);
        const decoded = escaped ? decodeJsonString(text, node.offset, node.length) : undefined;
        ts = { node, value: decoded?.value ?? value, role, tokens: tokensOf(decoded?.value ?? value), decoded };
      } else {
        ts = { node, value, role, tokens: [] };
      }
      cache.set(node, ts);
    }
    return ts;
  };

  // Walk every string once so lint, completion and hover see all templates with their roles.
  const visit = (node: Node | undefined, role: StringRole): void => {
    if (!node) return;
    if (node.type === 'string') {
      if (typeof node.value === 'string' && mayHoldTemplate(node.value)) {
        const ts = stringOf(node, role);
        if (ts.tokens.length > 0) templated.push(ts);
      }
      return;
    }
    if (node.type === 'object') {
      for (const prop of node.children ?? []) visit(prop.children?.[1], role);
    } else if (node.type === 'array') {
      for (const child of node.children ?? []) visit(child, role);
    }
  };

  if (root?.type === 'object') {
    for (const prop of root.children ?? []) {
      const key = String(prop.children?.[0]?.value ?? '');
      if (key === '$schema') continue;
      visit(prop.children?.[1], roleOfKey(key));
    }
  }

  let lines: LineIndex | undefined;
  return {
    text,
    root,
    get lines() {
      return (lines ??= new LineIndex(text));
    },
    syntax: diagnostics,
    model: readModel(root, stringOf),
    templated,
    stringOf,
  };
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

function rangeOfNode(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

function property(obj: Node | undefined, key: string): { key: Node; value: Node } | undefined {
  if (obj?.type !== 'object') return undefined;
  let found: { key: Node; value: Node } | undefined;
  // Last one wins, as JSON.parse does with duplicate keys.
  for (const prop of obj.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (k && v && k.value === key) found = { key: k, value: v };
  }
  return found;
}

function readModel(root: Node | undefined, stringOf: ActionDocument['stringOf']): ActionModel {
  const str = (node: Node | undefined, role: StringRole): TemplatedString | undefined =>
    node?.type === 'string' ? stringOf(node, role) : undefined;

  const name = property(root, 'name')?.value;
  const method = property(root, 'method')?.value;
  const auth = property(root, 'auth');
  const body = property(root, 'body');
  return {
    name: typeof name?.value === 'string' ? name.value : undefined,
    method: typeof method?.value === 'string' && METHODS.has(method.value) ? (method.value as Method) : undefined,
    methodRange: method ? rangeOfNode(method) : undefined,
    url: str(property(root, 'url')?.value, 'url'),
    auth: readAuth(auth?.value, str),
    authRange: auth ? rangeOfNode(auth.value) : undefined,
    headers: readNamedValues(property(root, 'headers')?.value, 'header', str),
    query: readNamedValues(property(root, 'query')?.value, 'query', str),
    body: body?.value,
    bodyKeyRange: body ? rangeOfNode(body.key) : undefined,
  };
}

function readAuth(node: Node | undefined, str: (n: Node | undefined, r: StringRole) => TemplatedString | undefined): AuthModel {
  if (!node || node.type !== 'object') return { type: 'none' };
  const field = (key: string) => str(property(node, key)?.value, 'auth');
  const type = property(node, 'type')?.value.value;
  switch (type) {
    case undefined:
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type, token: field('token') };
    case 'apiKey': {
      const header = property(node, 'header')?.value;
      return {
        type,
        header: header?.type === 'string' ? { name: String(header.value), range: rangeOfNode(header) } : undefined,
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

function readNamedValues(
  node: Node | undefined,
  role: StringRole,
  str: (n: Node | undefined, r: StringRole) => TemplatedString | undefined,
): NamedValues[] {
  if (node?.type !== 'object') return [];
  const out: NamedValues[] = [];
  for (const prop of node.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (!k || !v) continue;
    const values: TemplatedString[] = [];
    if (v.type === 'string') values.push(str(v, role)!);
    else if (v.type === 'array') for (const item of v.children ?? []) {
      const s = str(item, role);
      if (s) values.push(s);
    }
    out.push({ name: String(k.value), nameRange: rangeOfNode(k), values });
  }
  return out;
}

/** The file range of decoded units [start, end) of a templated string. */
export function fileRange(ts: TemplatedString, start: number, end: number): OffsetRange {
  if (ts.decoded) return { start: ts.decoded.offsets[start]!, end: ts.decoded.offsets[end]! };
  return { start: ts.node.offset + 1 + start, end: ts.node.offset + 1 + end };
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
  if (!doc.root) return undefined;
  const node = findNodeAtOffset(doc.root, fileOffset, false);
  if (!node || node.type !== 'string') return undefined;
  // Keys are not templated.
  if (node.parent?.type === 'property' && node.parent.children?.[0] === node) return undefined;
  const end = node.offset + node.length;
  const terminated = node.length > 1 && doc.text.charCodeAt(end - 1) === 34;
  if (fileOffset <= node.offset || fileOffset > end || (terminated && fileOffset === end)) return undefined;
  const ts = doc.stringOf(node, 'meta');
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
