/** Comparing what was sent with what a receiver captured, shared by the send pipeline and `demo`. */
import type { Capture, PlainRequest } from './types';

/**
 * The path and query of a parsed URL as they go on the request line. An empty query keeps its `?`
 * (`/a?`), which `URL.search` drops: curl and browsers send it, and so do we.
 */
export function pathAndQuery(url: URL): string {
  const bare = url.search === '' && url.href.split('#')[0]!.endsWith('?');
  return `${url.pathname}${bare ? '?' : url.search}`;
}

/** The request target (path and query) of an absolute URL, or the URL itself when it does not parse. */
export function requestTarget(url: string): { target: string; host?: string } {
  try {
    const parsed = new URL(url);
    return { target: pathAndQuery(parsed), host: parsed.host };
  } catch {
    return { target: url === '' ? '/' : url };
  }
}

/**
 * What differs between the request as sent and as captured. Headers the client adds for the transport
 * (Host, Connection, Content-Length) are not part of the rendered request and are skipped; every sent
 * header must arrive in order with the same name and value.
 */
export function compareCapture(sent: PlainRequest, capture: Capture): string[] {
  const out: string[] = [];
  if (capture.method !== sent.method) out.push(`method ${capture.method} instead of ${sent.method}`);
  const { target } = requestTarget(sent.url);
  if (capture.target !== target) out.push(`target ${capture.target} instead of ${target}`);
  const names = new Set(sent.headers.map(([n]) => n.toLowerCase()));
  const received = capture.rawHeaders.filter(([n]) => names.has(n.toLowerCase()));
  const same = received.length === sent.headers.length && received.every(([n, v], i) => n === sent.headers[i]![0] && v === sent.headers[i]![1]);
  if (!same) out.push('headers differ in name, value or order');
  const body = Buffer.from(sent.body ?? '', 'utf8');
  if (capture.bodyTruncated || !body.equals(Buffer.from(capture.body))) out.push(`body of ${capture.bodySize} bytes instead of ${body.length}`);
  return out;
}
