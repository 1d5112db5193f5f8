/**
 * Forward (tee) of the local inbox (docs/architecture.md, "The local inbox"): every capture is passed on to
 * the real receiver through the face's `Transport` (so with the same timeouts, response cap, proxy and
 * private-address policy as sends), and what the receiver said is kept beside the capture. The request
 * goes on as it arrived: same method, target, headers in order and case, body bytes; only the headers the
 * connection owns (Host, Content-Length, Connection, …) are the transport's own.
 */
import { DEFAULT_PREVIEW_BYTES } from './executionLog';
import type { InboxForwarder } from './inbox';
import type { Transport } from './sendAction';
import { firstInvalidUtf8 } from './textFile';
import type { Capture, ForwardOutcome, PlainRequest, SendError } from './types';

/** The headers the connection owns: the transport sets its own, so they are not passed on. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'expect',
]);

/** How a forward is made. */
export interface ForwardOptions {
  /** The receiver: its origin (and any path prefix) goes before each capture's target. */
  readonly url: string;
  readonly transport: Transport;
  /** Deadline of each forward; default 30 000 ms, the platform's own. */
  readonly timeoutMs?: number;
  /** Receiver body bytes kept; default 64 KiB. */
  readonly maxBodyBytes?: number;
}

/** What is wrong with a forward URL (not absolute http(s), or the inbox itself), or undefined. */
export function forwardUrlProblem(url: string, inboxOrigin?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the forward URL ${JSON.stringify(url)} is not an absolute URL, e.g. http://localhost:3000`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the forward URL must be http:// or https://, got ${parsed.protocol}`;
  if (parsed.search || parsed.hash) return 'the forward URL may not have a query or fragment: each capture brings its own';
  if (inboxOrigin !== undefined && parsed.origin === new URL(inboxOrigin).origin)
    return 'the forward URL is the inbox itself: every capture would be forwarded back to it';
  return undefined;
}

/** The URL a capture is forwarded to: the receiver's origin and path prefix, then the capture's target. */
export function forwardUrlFor(base: string, target: string): string {
  return base.replace(/\/+$/, '') + (target.startsWith('/') ? target : `/${target}`);
}

function notForwarded(url: string, message: string, hint: string): ForwardOutcome {
  const error: SendError = { code: 'invalid-request', message, hint };
  return { url, ok: false, error };
}

/** The request that passes a capture on, or why it cannot go on byte for byte. */
export function forwardRequestOf(
  capture: Capture,
  base: string,
): { readonly ok: true; readonly request: PlainRequest } | { readonly ok: false; readonly outcome: ForwardOutcome } {
  const url = forwardUrlFor(base, capture.target);
  if (capture.bodyTruncated) {
    return {
      ok: false,
      outcome: notForwarded(
        url,
        `Not forwarded: the body of ${capture.bodySize} bytes is over the inbox's cap`,
        'Only requests whose body the inbox kept whole are passed on.',
      ),
    };
  }
  if (firstInvalidUtf8(capture.body) !== undefined) {
    return {
      ok: false,
      outcome: notForwarded(url, 'Not forwarded: the body is not UTF-8 text', 'The sender passes text bodies on byte for byte; this one would change.'),
    };
  }
  const headers = capture.rawHeaders.filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase()));
  const body = capture.body.length === 0 && (capture.method === 'GET' || capture.method === 'HEAD') ? null : new TextDecoder().decode(capture.body);
  // The sender takes any method token; captures may hold methods beyond the platform's four.
  return { ok: true, request: { method: capture.method as PlainRequest['method'], url, headers, body } };
}

/** A forwarder for `startInbox`: passes each capture on and gives what the receiver said. */
export function forwarder(options: ForwardOptions): InboxForwarder {
  const cap = options.maxBodyBytes ?? DEFAULT_PREVIEW_BYTES;
  return async (capture) => {
    const made = forwardRequestOf(capture, options.url);
    if (!made.ok) return made.outcome;
    const url = made.request.url;
    const result = await options.transport.send(made.request, { timeoutMs: options.timeoutMs ?? 30_000, maxBodyBytes: cap, followRedirects: false });
    if (!result.ok) return { url, ok: false, error: result.error, timings: result.timings };
    const r = result.response;
    return {
      url,
      ok: true,
      status: r.status,
      statusText: r.statusText,
      headers: r.headers.map(([n, v]) => [n, v] as const),
      bodyPreview: new TextDecoder('utf-8', { fatal: false }).decode(r.body, { stream: r.truncated }),
      size: r.fullSize ?? r.size,
      truncated: r.truncated,
      timings: result.timings,
    };
  };
}
