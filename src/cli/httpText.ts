/** The request as HTTP/1.1 text, as `render --format http` and `demo` print it. */
import { requestTarget } from '../core/capture';
import type { PlainRequest } from '../core/types';

/** Request line with path and query, Host, the headers in wire order, a blank line, the body. Lines end with LF. */
export function toHttpText(request: PlainRequest): string {
  const { target, host } = requestTarget(request.url);
  const lines = [`${request.method} ${target} HTTP/1.1`];
  if (host !== undefined && !request.headers.some(([name]) => name.toLowerCase() === 'host')) lines.push(`Host: ${host}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\n')}\n\n${request.body ?? ''}`;
}
