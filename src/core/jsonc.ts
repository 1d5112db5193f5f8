import { parseTree, printParseErrorCode, type Node, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import type { Diagnostic } from './types';

/** JSON with comments and trailing commas, as the files are written (docs/architecture.md, "From file text to the wire"). */
export const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false } as const;

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid character.',
  InvalidNumberFormat: 'Invalid number.',
  PropertyNameExpected: 'A property name in double quotes is expected here.',
  ValueExpected: 'A value is expected here.',
  ColonExpected: 'A colon ":" is expected after the property name.',
  CommaExpected: 'A comma "," is expected between entries.',
  CloseBraceExpected: 'A closing brace "}" is expected.',
  CloseBracketExpected: 'A closing bracket "]" is expected.',
  EndOfFileExpected: 'Unexpected text after the end of the JSON value.',
  InvalidCommentToken: 'Invalid comment.',
  UnexpectedEndOfComment: 'The comment is not closed ("*/" missing).',
  UnexpectedEndOfString: 'The string is not closed (a closing quote is missing).',
  UnexpectedEndOfNumber: 'The number is incomplete.',
  InvalidUnicode: 'Invalid \\u escape in a string.',
  InvalidEscapeCharacter: 'Invalid escape in a string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).',
  InvalidCharacter: 'A control character must be escaped inside a string.',
};

/** The `invalid-json` diagnostic of one jsonc-parser error. */
export function syntaxDiagnostic(error: ParseErrorCode, offset: number, length: number): Diagnostic {
  const name = printParseErrorCode(error);
  return {
    code: 'invalid-json',
    severity: 'error',
    message: MESSAGES[name] ?? `Invalid JSON (${name}).`,
    range: { start: offset, end: offset + Math.max(length, 1) },
  };
}

/** The diagnostic of a file with no JSON value at all. */
export const EMPTY_FILE: Diagnostic = {
  code: 'invalid-json',
  severity: 'error',
  message: 'The file is empty: a JSON object is expected.',
  range: { start: 0, end: 0 },
};

/** How deep objects and arrays may nest in a file; deeper ones are refused before any recursive parse. */
export const MAX_NESTING = 512;

/** The diagnostic of a bracket at `offset` that opens one level more than `MAX_NESTING`. */
export function nestingDiagnostic(offset: number): Diagnostic {
  return {
    code: 'invalid-json',
    severity: 'error',
    message: `Objects and arrays nest deeper than ${MAX_NESTING} levels here; no receiver needs that much, and it is not read further.`,
    range: { start: offset, end: offset + 1 },
  };
}

/**
 * The diagnostic for text whose objects and arrays nest deeper than `MAX_NESTING`, at the bracket that
 * goes too deep; undefined otherwise. One pass over the characters, skipping strings and comments, so no
 * depth of input can exhaust the stack and a large file costs a fraction of its parse.
 */
export function nestingProblem(text: string): Diagnostic | undefined {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      // { [
      if (++depth > MAX_NESTING) {
        return nestingDiagnostic(i);
      }
    } else if (c === 0x7d || c === 0x5d) {
      // } ]
      if (depth > 0) depth--;
    } else if (c === 0x22) {
      // A string: to its closing quote, over escapes (an unclosed one runs to the end, as the parser reports).
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f && i + 1 < length) {
      // A comment: // to the end of the line, /* to */.
      const next = text.charCodeAt(i + 1);
      if (next === 0x2f) {
        const end = text.indexOf('\n', i + 2);
        i = end < 0 ? length : end;
      } else if (next === 0x2a) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? length : end + 1;
      }
    }
  }
  return undefined;
}

/**
 * Parses JSONC text into a tree; syntax errors come back as `invalid-json` diagnostics, never thrown. Text
 * nested deeper than `MAX_NESTING` has no tree, unless the caller already checked (`nestingChecked`).
 */
export function parseJsonc(text: string, options: { readonly nestingChecked?: boolean } = {}): { root: Node | undefined; diagnostics: Diagnostic[] } {
  const tooDeep = options.nestingChecked ? undefined : nestingProblem(text);
  if (tooDeep) return { root: undefined, diagnostics: [tooDeep] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, PARSE_OPTIONS);
  const diagnostics = errors.map((e) => syntaxDiagnostic(e.error, e.offset, e.length));
  if (!root && diagnostics.length === 0) diagnostics.push(EMPTY_FILE);
  return { root, diagnostics };
}
