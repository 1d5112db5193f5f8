/**
 * The one place secrets are hidden (docs/architecture.md, "Secrets"). Two mechanisms, one mask:
 * - by provenance: a rendered request knows which of its pieces came from a secret or a credential
 *   (its spans), so the preview, the CLI's `render` and every record mask exactly those pieces;
 * - by value: text that comes back from the outside world (a response, a capture, an error message,
 *   a log line) is searched for every known secret value in every encoding a receiver commonly echoes.
 */
import type { Capture, ExecutionRecord, PlainRequest, RenderedRequest, Span } from './types';

/** The mask every hidden secret is replaced with. */
export const MASK = '••••••';

/**
 * Text is searched only for secrets at least this long. A shorter one is masked where the request uses
 * it (by provenance) and where a whole field is exactly it, but not inside other text: a one-character
 * secret would mask that character everywhere and break what is printed (`"status":20••••••`).
 */
export const MIN_SEARCHED_SECRET_LENGTH = 4;

/** True for spans whose text must never be shown unless the user asks: secrets and credentials. */
export function isSecretSpan(span: Span): boolean {
  return isSecretSource(span.source.kind);
}

/** True for the provenance kinds that are secret material. */
export function isSecretSource(kind: string | undefined): boolean {
  return kind === 'secret' || kind === 'credential';
}

/** Replaces every secret or credential span of `text` with the mask (overlapping spans merged). */
export function maskSpans(text: string, spans: readonly Span[]): string {
  const ranges = spans
    .filter((s) => isSecretSpan(s) && s.end > s.start)
    .map((s) => [s.start, s.end] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  return replaceRanges(text, ranges);
}

/**
 * Pieces of text tagged with their provenance, secret pieces replaced by the mask unless `revealed`;
 * a run of adjacent secret pieces becomes one mask, so their number and lengths are not shown either.
 */
export function maskSegments<T extends { readonly text: string; readonly source?: string }>(segments: readonly T[], revealed: boolean): T[] {
  if (revealed) return [...segments];
  const out: T[] = [];
  for (const segment of segments) {
    const secret = isSecretSource(segment.source);
    const previous = out[out.length - 1];
    if (secret && previous && isSecretSource(previous.source) && previous.text === MASK) continue;
    out.push(secret ? { ...segment, text: MASK } : segment);
  }
  return out;
}

/** The request as plain data: with secrets masked unless `reveal` is set. */
export function toPlainRequest(request: RenderedRequest, reveal = false): PlainRequest {
  const mask = (text: string, spans: readonly Span[]) => (reveal ? text : maskSpans(text, spans));
  return {
    method: request.method,
    url: mask(request.url, request.urlSpans),
    headers: request.headers.map((h) => [h.name, mask(h.value, h.spans)] as const),
    body: request.body === null ? null : mask(request.body, request.bodySpans),
  };
}

/** Every secret or credential value that occurs in the request, for redaction by value. */
export function secretValuesOf(request: RenderedRequest): string[] {
  const values = new Set<string>();
  const collect = (text: string, spans: readonly Span[]) => {
    for (const s of spans) if (isSecretSpan(s) && s.end > s.start) values.add(text.slice(s.start, s.end));
  };
  collect(request.url, request.urlSpans);
  for (const h of request.headers) collect(h.value, h.spans);
  if (request.body !== null) collect(request.body, request.bodySpans);
  return [...values];
}

/**
 * Replaces every occurrence of each secret value in `text` with the mask (a secret shorter than
 * `MIN_SEARCHED_SECRET_LENGTH` only when it is the whole text): raw, JSON-escaped (also with
 * `\/` and `\uXXXX` escapes), lower-cased, percent-encoded (either case), form-encoded, HTML-escaped
 * and base64.
 * Overlapping or adjacent occurrences become one mask, so no fragment of a secret survives.
 */
export function redactText(text: string, secrets: Iterable<string>): string {
  const values = [...secrets].filter((v) => typeof v === 'string' && v !== '');
  if (values.some((v) => v.length < MIN_SEARCHED_SECRET_LENGTH && v === text)) return MASK;
  const forms = secretForms(values.filter((v) => v.length >= MIN_SEARCHED_SECRET_LENGTH));
  if (forms.length === 0 || text.length === 0) return text;
  const ranges: Array<[number, number]> = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) ranges.push([at, at + form.length]);
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return replaceRanges(text, ranges);
}

/** A record with every secret value redacted from every string in it, response included (receivers echo). */
export function redactRecord(record: ExecutionRecord, secrets: Iterable<string>): ExecutionRecord {
  return redactDeep(record, [...secrets]);
}

/** A capture with every secret value masked in its target, header names and values, and body. */
export function redactCapture(capture: Capture, secrets: Iterable<string>): Capture {
  const values = [...secrets];
  if (values.length === 0) return capture;
  const body = new TextDecoder().decode(capture.body);
  const cleanBody = redactText(body, values);
  return {
    ...capture,
    target: redactText(capture.target, values),
    rawHeaders: capture.rawHeaders.map(([n, v]) => [redactText(n, values), redactText(v, values)] as const),
    body: cleanBody === body ? capture.body : new TextEncoder().encode(cleanBody),
  };
}

/** Any JSON-like value with every string in it (object keys included) redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Uint8Array) return v;
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactText(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function replaceRanges(text: string, sorted: ReadonlyArray<readonly [number, number]>): string {
  if (sorted.length === 0) return text;
  let out = '';
  let cursor = 0;
  let i = 0;
  while (i < sorted.length) {
    let [start, end] = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1]![0] <= end) end = Math.max(end, sorted[++i]![1]);
    i++;
    if (start < cursor) start = cursor;
    out += text.slice(cursor, start) + MASK;
    cursor = end;
  }
  return out + text.slice(cursor);
}

const HTML_ENTITIES: Record<string, string[]> = {
  '&': ['&amp;', '&#38;', '&#x26;'],
  '<': ['&lt;', '&#60;', '&#x3c;', '&#x3C;'],
  '>': ['&gt;', '&#62;', '&#x3e;', '&#x3E;'],
  '"': ['&quot;', '&#34;', '&#x22;'],
  "'": ['&#39;', '&#x27;', '&apos;'],
  '/': ['&#47;', '&#x2f;', '&#x2F;'],
  '=': ['&#61;', '&#x3d;', '&#x3D;'],
  '+': ['&#43;', '&#x2b;', '&#x2B;'],
};

function secretForms(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const value of secrets) {
    if (typeof value !== 'string' || value.length === 0) continue;
    const json = JSON.stringify(value).slice(1, -1);
    const percent = encodeURIComponent(value);
    const base64 = Buffer.from(value, 'utf8').toString('base64');
    for (const form of [
      value,
      // URL parsers lower-case a host, so a secret that ends up there comes back lower-cased.
      value.toLowerCase(),
      json,
      json.replaceAll('/', '\\/'),
      asciiJson(json, false),
      asciiJson(json, true),
      asciiJson(json, false).replaceAll('/', '\\/'),
      percent,
      percent.replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase()),
      new URLSearchParams([['', value]]).toString().slice(1),
      base64,
      base64.replace(/=+$/, ''),
      Buffer.from(value, 'utf8').toString('base64url'),
    ]) {
      forms.add(form);
      if (/[&<>"'/=+]/.test(form)) for (const html of htmlForms(form)) forms.add(html);
    }
  }
  forms.delete('');
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A JSON string body with every non-ASCII character as a `\uXXXX` escape, in lower- or upper-case hex. */
function asciiJson(json: string, upper: boolean): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  });
}

/** The HTML-escaped spellings of a text that most servers produce: named entities, decimal, hex. */
function htmlForms(text: string): string[] {
  const pick = (index: number) => text.replace(/[&<>"'/=+]/g, (c) => HTML_ENTITIES[c]![Math.min(index, HTML_ENTITIES[c]!.length - 1)]!);
  return [pick(0), pick(1), pick(2), pick(3)];
}
