/**
 * The platform's JSON check of a rendered body (docs/architecture.md, "Rendering"): the platform pastes
 * values into the body text and then parses the result as JSON; when that fails it skips the step. This
 * module says whether a rendered body parses, and when it does not, which template's value broke it.
 */
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import type { SpanSource } from './types';

/** A substituted value in the rendered body, empty ones included (an empty unquoted value breaks JSON too). */
export interface BodySlot {
  readonly start: number;
  readonly end: number;
  readonly source: SpanSource;
}

/** Where a rendered body stops being JSON, and why. */
export interface BodyBreak {
  /** Offset of the first character that is not JSON, in the rendered body. */
  readonly offset: number;
  /** The template whose value broke it, when one did. */
  readonly slot?: BodySlot;
  /** What went wrong there, as jsonc-parser names it (e.g. `CommaExpected`). */
  readonly error: string;
}

/** What the JSON check of one rendered body found: undefined when the body is JSON. */
export function findBodyBreak(text: string, slots: readonly BodySlot[]): BodyBreak | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    // Located below: JSON.parse's message is not a stable interface.
  }
  const first = firstError(text);
  const offset = first ? exactOffset(text, first.code, first.offset, first.length) : text.length;
  return { offset, slot: slotAt(text, slots, offset), error: first ? printParseErrorCode(first.code) : 'InvalidSymbol' };
}

function firstError(text: string): { code: ParseErrorCode; offset: number; length: number } | undefined {
  let first: { code: ParseErrorCode; offset: number; length: number } | undefined;
  visit(
    text,
    {
      onError: (code, offset, length) => {
        first ??= { code, offset, length };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return first;
}

const STRING_ERRORS = new Set(['UnexpectedEndOfString', 'InvalidCharacter', 'InvalidEscapeCharacter', 'InvalidUnicode']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The offset of the offending character. jsonc-parser reports a string error on the whole string
 * token; the character that broke it (a control character, a bad escape) is found inside the token.
 */
function exactOffset(text: string, code: ParseErrorCode, offset: number, length: number): number {
  if (!STRING_ERRORS.has(printParseErrorCode(code))) return offset;
  const end = Math.min(text.length, offset + Math.max(length, 1) + 1);
  for (let i = offset + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) return i;
    if (c === 0x5c) {
      const next = text[i + 1] ?? '';
      if (next === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !ESCAPES.has(next)) return i;
      i++;
    }
  }
  return Math.min(text.length, offset + length);
}

/**
 * The slot responsible for a break at `offset`: the one whose value holds it, else the last one that ends
 * just before it (only white space between), else the last one before it whose value holds a quote,
 * a backslash or a control character (a quote ends a string early, and the parser notices a little later).
 */
function slotAt(text: string, slots: readonly BodySlot[], offset: number): BodySlot | undefined {
  let lo = 0;
  let hi = slots.length;
  // The first slot starting after `offset`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slots[mid]!.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const s = slots[i]!;
    if (offset >= s.start && offset < s.end) return s;
    if (s.end <= offset) {
      if (text.slice(s.end, offset).trim() === '') return s;
      break;
    }
  }
  for (let i = lo - 1; i >= 0; i--) {
    const s = slots[i]!;
    if (s.end <= offset && /["\\\u0000-\u001f]/.test(text.slice(s.start, s.end))) return s;
  }
  return undefined;
}

/** Why a value broke the body, in words, for a message. */
export function breakCause(value: string): string {
  if (value.includes('"')) return 'holds a quote (") that ends the JSON string early';
  if (/[\n\r]/.test(value)) return 'holds a line break, which JSON does not allow inside a string';
  if (/[\u0000-\u001f]/.test(value)) return 'holds a control character, which JSON does not allow inside a string';
  if (value.includes('\\')) return 'holds a backslash that starts an escape JSON does not know';
  if (value === '') return 'is empty, and the template is not in quotes, so no value stands there';
  return 'is not a JSON value, and the template is not in quotes (quote it to send text)';
}

/** A value as a message shows it: control characters escaped, long values cut. */
export function shownValue(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > 60 ? `${escaped.slice(0, 57)}…` : escaped;
}

/** The line and column (1-based) of an offset in a text, for messages about rendered text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
