/**
 * Header names and values for display. A name or value with a line break or NUL is never sent (the
 * `invalid-header` problem), and printed as it is it would read as a second header line; shown escaped,
 * it stays on its own line and can be told apart from a valid header.
 */
import { HEADER_NAME, HEADER_VALUE_FORBIDDEN } from './render';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\0': '\\0' };

/**
 * `text` with CR, LF and NUL written as `\r`, `\n` and `\0` (and backslashes doubled, so the escape reads
 * back unambiguously); text without them is returned as it is, backslashes included.
 */
export function escapeHeaderText(text: string): string {
  return HEADER_VALUE_FORBIDDEN.test(text) ? text.replace(/[\\\r\n\0]/g, (c) => ESCAPES[c]!) : text;
}

/** True when a header cannot be sent as it is: its name is not a token, or its value holds a line break or NUL. */
export function isInvalidHeader(name: string, value: string): boolean {
  return !HEADER_NAME.test(name) || HEADER_VALUE_FORBIDDEN.test(value);
}
