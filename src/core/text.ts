import type { Position } from './types';

/** Maps offsets in a text to zero-based line/character positions and back. */
export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** The position of an offset (clamped to the text). */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  /** The offset of a position (clamped to its line and the text). */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line]!;
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1]! : this.text.length;
    return Math.max(start, Math.min(start + position.character, next));
  }
}

/** A decoded JSON string literal and, for every decoded UTF-16 unit, its offset in the file. */
export interface DecodedString {
  readonly value: string;
  /** offsets[i] is the file offset where decoded unit i starts; offsets[value.length] is the closing quote. */
  readonly offsets: Int32Array;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Decodes the JSON string literal that starts at `start` in `text` (at its opening quote), keeping for
 * every decoded unit the file offset it came from, so template ranges can be reported in the file.
 */
export function decodeJsonString(text: string, start: number, length: number): DecodedString {
  const end = start + length; // exclusive; the closing quote is at end - 1 when the literal is well formed
  const units: number[] = [];
  const offsets: number[] = [];
  let i = start + 1;
  const limit = text.charCodeAt(end - 1) === 34 && end - 1 > start ? end - 1 : end;
  while (i < limit) {
    const c = text[i]!;
    if (c !== '\\') {
      units.push(text.charCodeAt(i));
      offsets.push(i);
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
      units.push(SIMPLE_ESCAPES[e]!.charCodeAt(0));
      offsets.push(i);
      i += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      units.push(parseInt(text.slice(i + 2, i + 6), 16));
      offsets.push(i);
      i += 6;
    } else {
      // An invalid escape: jsonc-parser reports it; keep the backslash as text so nothing is lost.
      units.push(92);
      offsets.push(i);
      i++;
    }
  }
  offsets.push(limit);
  let value = '';
  for (let k = 0; k < units.length; k += 8192) value += String.fromCharCode(...units.slice(k, k + 8192));
  return { value, offsets: Int32Array.from(offsets) };
}

/** Levenshtein distance, bounded: returns max + 1 as soon as the distance exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Each unit compared without case, lowered once rather than at every cell.
  const la = unitsLowered(a);
  const lb = unitsLowered(b);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = la[i - 1] === lb[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

function unitsLowered(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s[i]!.toLowerCase());
  return out;
}

/**
 * What must not reach a terminal as is: C0 and C1 control characters other than tab and newline (they can
 * move the cursor or recolour the screen), and Unicode's bidirectional controls (they reorder what is shown).
 */
const UNSAFE_FOR_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Received text, safe to print: each unsafe character as an escape (`\x1b`, `\u202e`); carriage returns dropped when asked. */
export function escapeForTerminal(text: string, dropCarriageReturns = false): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => {
    if (c === '\r' && dropCarriageReturns) return '';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
