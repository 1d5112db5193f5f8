/**
 * A real delivery brought back from a capture service, read from the text the user saved: a HAR file
 * (browser dev tools, proxies), raw HTTP/1.1 request text, or the JSON webhook.site gives for a request
 * (its API's request object, or a list of them under `data`). Compared with our rendering by
 * `diffDelivery` (capture.ts).
 */
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from './text';

/** A request as a capture service received it. Header names keep the capture's spelling. */
export interface ReceivedRequest {
  readonly format: 'har' | 'http' | 'webhook.site';
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  /** True when the format keeps header order (HAR, raw HTTP); webhook.site groups them by lower-cased name. */
  readonly ordered: boolean;
  /** Which request of several was taken, when the file holds more than one. */
  readonly note?: string;
}

/** Why a capture could not be read, with the place when there is one (1-based). */
export interface CaptureReadError {
  readonly ok: false;
  readonly error: string;
  readonly line?: number;
  readonly column?: number;
}

export type ReadCaptureResult = { readonly ok: true; readonly request: ReceivedRequest } | CaptureReadError;

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads a capture's text; the format is recognised from the content. Never throws. */
export function readCapture(text: string): ReadCaptureResult {
  const start = text.replace(/^\uFEFF/, '');
  const trimmed = start.trimStart();
  if (trimmed === '') return { ok: false, error: 'The capture is empty.', line: 1, column: 1 };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return readJsonCapture(start);
  return readHttpText(start);
}

function at(text: string, offset: number, error: string): CaptureReadError {
  const p = new LineIndex(text).positionAt(offset);
  return { ok: false, error, line: p.line + 1, column: p.character + 1 };
}

function readJsonCapture(text: string): ReadCaptureResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    return at(text, e?.offset ?? 0, `The capture is not valid JSON: ${e ? printParseErrorCode(e.error) : 'no value'}.`);
  }
  const prop = (node: Node | undefined, name: string): Node | undefined =>
    node?.type === 'object' ? node.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1] : undefined;
  const entries = prop(prop(root, 'log'), 'entries');
  if (entries) return readHar(text, entries, prop);
  const list = prop(root, 'data');
  if (list?.type === 'array') {
    const web = (list.children ?? []).filter((r) => prop(r, 'method') !== undefined);
    if (web.length === 0) return at(text, list.offset, 'The list under "data" holds no web request (one with a "method").');
    return readWebhookSite(text, web[0]!, prop, web.length > 1 ? `the first of ${web.length} requests under "data"` : undefined);
  }
  if (prop(root, 'method') && (prop(root, 'content') !== undefined || prop(root, 'headers'))) return readWebhookSite(text, root, prop, undefined);
  return at(text, root.offset, 'This JSON is neither a HAR file (log.entries) nor a webhook.site request (method, url, headers, content).');
}

type Prop = (node: Node | undefined, name: string) => Node | undefined;

function stringAt(text: string, node: Node | undefined, what: string, parent: Node): { ok: true; value: string } | CaptureReadError {
  if (!node) return at(text, parent.offset, `${what} is missing.`);
  if (node.type !== 'string') return at(text, node.offset, `${what} must be a string.`);
  return { ok: true, value: node.value as string };
}

function targetOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url);
  if (m) return m[1] === '' ? '/' : m[1]!.startsWith('?') ? `/${m[1]!}` : m[1]!;
  return url.startsWith('/') ? url.split('#')[0]! : undefined;
}

function readHar(text: string, entries: Node, prop: Prop): ReadCaptureResult {
  if (entries.type !== 'array' || (entries.children ?? []).length === 0) return at(text, entries.offset, 'The HAR file has no entries.');
  const all = entries.children!;
  const entry = all[0]!;
  const request = prop(entry, 'request');
  if (!request) return at(text, entry.offset, 'The HAR entry has no "request".');
  const method = stringAt(text, prop(request, 'method'), 'request.method', request);
  if (!method.ok) return method;
  const url = stringAt(text, prop(request, 'url'), 'request.url', request);
  if (!url.ok) return url;
  const target = targetOf(url.value);
  if (target === undefined) return at(text, prop(request, 'url')!.offset, `request.url is not an absolute URL: "${url.value}".`);
  const headers: Array<[string, string]> = [];
  const list = prop(request, 'headers');
  for (const h of list?.type === 'array' ? (list.children ?? []) : []) {
    const name = prop(h, 'name');
    const value = prop(h, 'value');
    if (name?.type !== 'string' || value?.type !== 'string') return at(text, h.offset, 'Each HAR header needs a string "name" and "value".');
    // HTTP/2 pseudo-headers (:authority, :path…) are the request line, not headers.
    if (!(name.value as string).startsWith(':')) headers.push([name.value as string, value.value as string]);
  }
  const postData = prop(request, 'postData');
  let body = '';
  if (postData) {
    const t = prop(postData, 'text');
    if (t && t.type !== 'string') return at(text, t.offset, 'postData.text must be a string.');
    body = t ? (t.value as string) : '';
    const encoding = prop(postData, 'encoding');
    if (encoding?.type === 'string' && encoding.value === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  }
  const note = all.length > 1 ? `the first of ${all.length} entries` : undefined;
  return { ok: true, request: { format: 'har', method: method.value, target, headers, body, ordered: true, ...(note ? { note } : {}) } };
}

function readWebhookSite(text: string, node: Node, prop: Prop, note: string | undefined): ReadCaptureResult {
  const method = stringAt(text, prop(node, 'method'), '"method"', node);
  if (!method.ok) return method;
  const url = stringAt(text, prop(node, 'url'), '"url"', node);
  if (!url.ok) return url;
  let target = targetOf(url.value);
  if (target === undefined) return at(text, prop(node, 'url')!.offset, `"url" is not an absolute URL: "${url.value}".`);
  // webhook.site/<token>/… : the token is the capture's address, not part of the request's path.
  const token = prop(node, 'token_id');
  const prefix = token?.type === 'string' ? `/${token.value as string}` : undefined;
  if (prefix && (target === prefix || target.startsWith(`${prefix}/`) || target.startsWith(`${prefix}?`))) {
    target = target.slice(prefix.length);
    if (!target.startsWith('/')) target = `/${target}`;
  }
  const headers: Array<[string, string]> = [];
  const h = prop(node, 'headers');
  if (h && h.type !== 'object') return at(text, h.offset, '"headers" must be an object of names to lists of values.');
  for (const p of h?.children ?? []) {
    const name = String(p.children?.[0]?.value);
    const values = p.children?.[1];
    const list: unknown = values ? getNodeValue(values) : undefined;
    const strings = Array.isArray(list) ? list : [list];
    if (!strings.every((v) => typeof v === 'string'))
      return at(text, values?.offset ?? p.offset, `The header "${name}" must be a string or a list of strings.`);
    for (const v of strings) headers.push([name, v]);
  }
  const content = prop(node, 'content');
  if (content && content.type !== 'string' && content.type !== 'null') return at(text, content.offset, '"content" (the body) must be a string.');
  const body = content?.type === 'string' ? (content.value as string) : '';
  return { ok: true, request: { format: 'webhook.site', method: method.value, target, headers, body, ordered: false, ...(note ? { note } : {}) } };
}

function readHttpText(text: string): ReadCaptureResult {
  const lines: Array<{ start: number; text: string }> = [];
  let offset = 0;
  let bodyStart = -1;
  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(offset, end).replace(/\r$/, '');
    if (line === '' && lines.length > 0) {
      bodyStart = nl < 0 ? text.length : nl + 1;
      break;
    }
    if (line !== '' || lines.length > 0) lines.push({ start: offset, text: line });
    if (nl < 0) break;
    offset = nl + 1;
  }
  const first = lines[0];
  if (!first) return { ok: false, error: 'The capture is empty.', line: 1, column: 1 };
  const m = /^(\S+) (\S+) HTTP\/(\d\.\d|\d)$/.exec(first.text);
  if (!m || !METHOD.test(m[1]!)) {
    return at(
      text,
      first.start,
      'The first line is not an HTTP request line ("METHOD /path HTTP/1.1"). A capture is a HAR file, raw HTTP/1.1 request text or a webhook.site request as JSON.',
    );
  }
  const target = m[2]!.startsWith('/') ? m[2]! : targetOf(m[2]!);
  if (target === undefined) return at(text, first.start + m[1]!.length + 1, `The request target "${m[2]}" is neither a path nor an absolute URL.`);
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.text.indexOf(':');
    if (colon <= 0 || !METHOD.test(line.text.slice(0, colon))) return at(text, line.start, `"${line.text.slice(0, 40)}" is not a header line ("Name: value").`);
    headers.push([line.text.slice(0, colon), line.text.slice(colon + 1).trim()]);
  }
  let body = bodyStart < 0 ? '' : text.slice(bodyStart);
  const length = headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1];
  if (length !== undefined && /^\d+$/.test(length)) {
    // A saved capture often ends in a newline the request did not have: Content-Length says where the body ends.
    const bytes = Buffer.from(body, 'utf8');
    if (bytes.length > Number(length)) body = bytes.subarray(0, Number(length)).toString('utf8');
  } else {
    // Without it, the one line break an editor adds at the end of a saved file is not taken for body.
    body = body.replace(/\r?\n$/, '');
  }
  return { ok: true, request: { format: 'http', method: m[1]!, target, headers, body, ordered: true } };
}
