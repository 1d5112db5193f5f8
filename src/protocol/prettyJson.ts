/** Pretty-printing of JSON text that keeps every token exactly as written (big numbers, escapes). */
import { format, type EditResult } from 'jsonc-parser';

/**
 * The edits applied in one pass. jsonc-parser's own `applyEdits` rebuilds the whole text once per
 * edit, which takes seconds on a response body of a few hundred kilobytes; the formatter makes one
 * edit per token, in order and without overlaps.
 */
function applyInOrder(text: string, edits: EditResult): string {
  const parts: string[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.offset - b.offset)) {
    parts.push(text.slice(at, edit.offset), edit.content);
    at = edit.offset + edit.length;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * Re-indents JSON text with jsonc-parser's formatter (two spaces, `\n`), or returns undefined when it is
 * not valid JSON. Tokens are copied verbatim, unlike JSON.stringify(JSON.parse(…)), which would round
 * numbers beyond 2^53 and rewrite escapes.
 */
export function prettyJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const pretty = applyInOrder(text, format(text, undefined, { insertSpaces: true, tabSize: 2, eol: '\n' }));
  // The formatter keeps the text's own line ending; JSON strings hold no raw line breaks, so this only
  // touches the whitespace between tokens.
  return pretty.includes('\r') ? pretty.replace(/\r\n?/g, '\n') : pretty;
}
