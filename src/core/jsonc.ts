import { createScanner, parseTree, printParseErrorCode, SyntaxKind, type Node, type ParseError, type ParseErrorCode } from 'jsonc-parser';
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

/**
 * The diagnostic for text whose objects and arrays nest deeper than `MAX_NESTING`, at the bracket that
 * goes too deep; undefined otherwise. Reads tokens one by one, so no depth of input can exhaust the stack.
 */
export function nestingProblem(text: string): Diagnostic | undefined {
  // Most files have no long run of brackets: count the opening ones before scanning.
  let opening = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) opening++;
  }
  if (opening <= MAX_NESTING) return undefined;
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) {
        const start = scanner.getTokenOffset();
        return {
          code: 'invalid-json',
          severity: 'error',
          message: `Objects and arrays nest deeper than ${MAX_NESTING} levels here; no receiver needs that much, and it is not read further.`,
          range: { start, end: start + 1 },
        };
      }
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** Parses JSONC text into a tree; syntax errors come back as `invalid-json` diagnostics, never thrown. */
export function parseJsonc(text: string): { root: Node | undefined; diagnostics: Diagnostic[] } {
  const tooDeep = nestingProblem(text);
  if (tooDeep) return { root: undefined, diagnostics: [tooDeep] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, PARSE_OPTIONS);
  const diagnostics = errors.map((e) => syntaxDiagnostic(e.error, e.offset, e.length));
  if (!root && diagnostics.length === 0) diagnostics.push(EMPTY_FILE);
  return { root, diagnostics };
}
