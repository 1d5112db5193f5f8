/** cURL export: a rendered request as a shell command. */
import type { Method, PlainRequest } from '../types';
import { shellQuote } from './shellWords';

/** The request as a cURL command, one option per line with ` \` continuations. */
export function toCurl(request: PlainRequest): string {
  const implied: Method = request.body === null ? 'GET' : 'POST';
  const lines = [`curl ${shellQuote(request.url)}`];
  if (request.method !== implied) lines.push(`-X ${request.method}`);
  for (const [name, value] of request.headers) {
    // curl drops a header written `Name:` with nothing after it; `Name;` is its syntax for an empty value.
    lines.push(`-H ${shellQuote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  if (request.body !== null) lines.push(`--data-raw ${shellQuote(request.body)}`);
  return lines.join(' \\\n  ');
}
