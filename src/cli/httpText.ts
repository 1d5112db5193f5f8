/** The request as HTTP/1.1 text, as `render --format http` and `demo` print it. */
import { requestTarget } from '../core/capture';
import { escapeHeaderText } from '../core/headerText';
import type { PlainRequest } from '../core/types';

/**
 * Request line with path and query, Host, the headers in wire order, a blank line, the body. Lines end with
 * LF. A header name or value with a line break or NUL (never sent: the `invalid-header` problem) is shown
 * escaped, so it cannot read as another header line.
 */
export function toHttpText(request: PlainRequest): string {
  const { target, host } = requestTarget(request.url);
  const lines = [`${request.method} ${target} HTTP/1.1`];
  if (host !== undefined && !request.headers.some(([name]) => name.toLowerCase() === 'host')) lines.push(`Host: ${host}`);
  for (const [name, value] of request.headers) lines.push(`${escapeHeaderText(name)}: ${escapeHeaderText(value)}`);
  return `${lines.join('\n')}\n\n${request.body ?? ''}`;
}
