/**
 * The template tokenizer (docs/architecture.md, "Rendering"): finds every `{{ … }}` in a string and classifies it.
 * Offsets here are in the decoded string; `document.ts` maps them into the file.
 */

/** One segment of a variable path: a name and any `[n]` indexes after it. */
export interface PathSegment {
  readonly name: string;
  readonly indexes: readonly number[];
  /** Offsets of the segment (name and indexes) in the decoded string. */
  readonly start: number;
  readonly end: number;
}

/** A `{{path}}` the platform can resolve. */
export interface VariableToken {
  readonly kind: 'variable';
  /** From the first `{` to after the last `}`. */
  readonly start: number;
  readonly end: number;
  readonly raw: string;
  /** The path as written, whitespace trimmed: `contact.tags[0]`. */
  readonly path: string;
  readonly segments: readonly PathSegment[];
}

/** A `{{ … }}` holding anything but a path (filters, expressions, spaces in names). Sent literally. */
export interface UnsupportedToken {
  readonly kind: 'unsupported';
  readonly start: number;
  readonly end: number;
  readonly raw: string;
}

/** A `{{` with no `}}` after it. Sent literally. */
export interface UnclosedToken {
  readonly kind: 'unclosed';
  readonly start: number;
  readonly end: number;
  readonly raw: string;
}

/** Any template found in a string. */
export type TemplateToken = VariableToken | UnsupportedToken | UnclosedToken;

const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;
/** After the namespace a segment may also be a step number, as in `custom_webhook.1.response`. */
const STEP = /[0-9]{1,9}/y;
/** The indexes of a segment without any, shared. */
const NO_INDEXES: readonly number[] = Object.freeze([]);
const INDEX = /\[(\d{1,9})\]/y;

/** Parses `inner` (the text between the braces) as a path; undefined when it is not one. */
function parsePath(inner: string, innerStart: number): { path: string; segments: PathSegment[] } | undefined {
  let i = 0;
  while (i < inner.length && isSpace(inner.charCodeAt(i))) i++;
  let end = inner.length;
  while (end > i && isSpace(inner.charCodeAt(end - 1))) end--;
  if (i === end) return undefined;
  const segments: PathSegment[] = [];
  const from = i;
  for (;;) {
    NAME.lastIndex = i;
    let m = NAME.exec(inner);
    if ((!m || m.index !== i) && segments.length > 0) {
      STEP.lastIndex = i;
      m = STEP.exec(inner);
    }
    if (!m || m.index !== i) return undefined;
    const segStart = i;
    i += m[0].length;
    let indexes: number[] | undefined;
    for (;;) {
      INDEX.lastIndex = i;
      const ix = INDEX.exec(inner);
      if (!ix || ix.index !== i) break;
      (indexes ??= []).push(Number(ix[1]));
      i += ix[0].length;
    }
    segments.push({ name: m[0], indexes: indexes ?? NO_INDEXES, start: innerStart + segStart, end: innerStart + i });
    if (i === end) break;
    if (inner[i] !== '.' || i + 1 >= end) return undefined;
    i++;
  }
  // Pushing leaves room for 17 entries: copy to the exact size, as large files keep millions of these.
  return { path: inner.slice(from, end), segments: segments.slice() };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;
}

/** Finds and classifies every template in `s`, in order. Never throws. */
export function tokenize(s: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let from = 0;
  for (;;) {
    const open = s.indexOf('{{', from);
    if (open < 0) return tokens.length > 0 ? tokens.slice() : tokens;
    const close = s.indexOf('}}', open + 2);
    if (close < 0) {
      tokens.push({ kind: 'unclosed', start: open, end: open + 2, raw: '{{' });
      return tokens.slice();
    }
    const end = close + 2;
    const raw = open === 0 && end === s.length ? s : s.slice(open, end);
    const parsed = parsePath(s.slice(open + 2, close), open + 2);
    tokens.push(
      parsed ? { kind: 'variable', start: open, end, raw, path: parsed.path, segments: parsed.segments } : { kind: 'unsupported', start: open, end, raw },
    );
    from = end;
  }
}

/** Formats segments back to a path string (`a.b[0].c`). */
export function formatPath(segments: readonly Pick<PathSegment, 'name' | 'indexes'>[]): string {
  return segments.map((s) => s.name + s.indexes.map((n) => `[${n}]`).join('')).join('.');
}
