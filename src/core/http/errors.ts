import type { SendError, SendErrorCode } from '../types';
import { BLOCKED_ADDRESS_CODE } from './privateNetwork';
import { UNSUPPORTED_PROXY_CODE } from './proxy';

/** The `code` of the error raised when a response body cannot be decoded. */
export const BODY_DECODE_CODE = 'ERR_BODY_DECODE';

/** What the sender knew when a request failed; used to word the message. */
export interface FailureContext {
  /** `host:port` of the destination (never user info, path or query). */
  readonly host: string;
  /** `host:port` of the proxy when the request went through one. */
  readonly proxy?: string;
  /** True once the final response's headers had arrived. */
  readonly headersReceived: boolean;
  /** Why the sender itself stopped the request, if it did. */
  readonly stopped?: 'timeout' | 'cancelled';
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

interface Found {
  /** The error's string `code`, or '' when it has none. */
  readonly code: string;
  readonly error: Error & { code?: unknown };
}

/** The error, its `cause` chain and the members of aggregate errors, outermost first, each with its code. */
export function errorChain(err: unknown): Found[] {
  const found: Found[] = [];
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 32) {
    const item = queue.shift();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    const candidate = item as { code?: unknown; cause?: unknown; errors?: unknown };
    found.push({ code: typeof candidate.code === 'string' ? candidate.code : '', error: item as Found['error'] });
    if (candidate.cause !== undefined) queue.push(candidate.cause);
    if (Array.isArray(candidate.errors)) queue.push(...(candidate.errors as unknown[]));
  }
  return found;
}

const TLS_SELF_SIGNED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);
const TLS_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE']);
const INVALID = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_URL',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);
const PARSER_REASONS: Readonly<Record<string, string>> = {
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'both Content-Length and Transfer-Encoding',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
  HPE_INVALID_EOF_STATE: 'the connection ended in the middle of the body',
  HPE_INVALID_CONSTANT: 'not an HTTP/1.x response',
  HPE_INVALID_VERSION: 'invalid HTTP version',
  HPE_INVALID_STATUS: 'invalid status line',
  HPE_INVALID_HEADER_TOKEN: 'invalid character in a header',
  HPE_LF_EXPECTED: 'bad line ending',
  HPE_CR_EXPECTED: 'bad line ending',
  HPE_HEADER_OVERFLOW: 'response headers too large',
};

function isTlsCode(code: string): boolean {
  return (
    code === 'EPROTO' ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_OSSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code === 'UND_ERR_PRX_TLS'
  );
}

function error(code: SendErrorCode, message: string, hint: string): SendError {
  return { code, message, hint };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Turns anything a send can throw into a classified, user-facing error, by `code` (walking causes), never by
 * class. Messages name the host and port at most: never header values, URLs' paths or queries, or bodies.
 */
export function describeFailure(err: unknown, ctx: FailureContext): SendError {
  if (ctx.stopped === 'cancelled') {
    return error('cancelled', `Request to ${ctx.host} cancelled`, 'The request was stopped before it completed; send it again when ready.');
  }
  if (ctx.stopped === 'timeout') {
    return error(
      'timeout',
      `No complete response from ${ctx.host} within ${seconds(ctx.timeoutMs)}`,
      'The receiver is slow or stuck; check its logs, or raise the overall request timeout.',
    );
  }
  const found = errorChain(err);
  const has = (test: (code: string) => boolean): Found | undefined => found.find((f) => test(f.code));
  const target = ctx.proxy && !ctx.headersReceived ? `the proxy ${ctx.proxy}` : ctx.host;

  const blocked = has((c) => c === BLOCKED_ADDRESS_CODE);
  if (blocked) {
    const named = (blocked.error as { address?: unknown }).address;
    const address = typeof named === 'string' ? named : '';
    return error(
      'blocked-address',
      `${ctx.host} is the private address ${address}; the private network policy blocks it`,
      'Send to a public address or to the local inbox, or set the private address policy to warn or allow.',
    );
  }
  const badProxy = has((c) => c === UNSUPPORTED_PROXY_CODE);
  if (badProxy) {
    return error(
      'invalid-request',
      `Not sent to ${ctx.host}: ${badProxy.error.message}`,
      'Set the proxy as http://host:port (or https://), or add the host to the no-proxy list.',
    );
  }
  const proxyAuth = found.find((f) => /Proxy Authentication Required|Proxy response \(\d+\)/.test(f.error.message));
  if (proxyAuth && ctx.proxy) {
    const status = /\((\d+)\)/.exec(proxyAuth.error.message)?.[1] ?? 'unknown';
    return error(
      'unknown',
      `The proxy ${ctx.proxy} refused to forward the request (status ${status})`,
      'Check the proxy address and its credentials, or add the host to the no-proxy list.',
    );
  }
  if (has((c) => c === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return error(
      'tls-hostname',
      `The TLS certificate of ${ctx.host} is not valid for that host name`,
      'Use the host name the certificate was issued for, or fix the certificate on the receiver.',
    );
  }
  if (has((c) => TLS_EXPIRED.has(c))) {
    return error(
      'tls-expired',
      `The TLS certificate of ${ctx.host} has expired or is not yet valid`,
      'Renew the certificate on the receiver, and check this computer’s clock.',
    );
  }
  if (has((c) => TLS_SELF_SIGNED.has(c))) {
    return error(
      'tls-self-signed',
      `The TLS certificate of ${ctx.host} is self-signed or not issued by a trusted authority`,
      'Use a certificate from a trusted authority; for a local test server only, turn off certificate verification in your user settings.',
    );
  }
  const tls = has(isTlsCode);
  if (tls) {
    return error('tls', `TLS with ${target} failed (${tls.code})`, 'Check that the port speaks HTTPS and that the receiver’s TLS setup is valid.');
  }
  if (has((c) => DNS.has(c))) {
    return error(
      'dns',
      `Could not resolve the host name of ${target}`,
      'Check the host name for typos; the name may not exist, or DNS may be unreachable from this computer.',
    );
  }
  if (has((c) => c === 'ECONNREFUSED')) {
    return error(
      'refused',
      `Connection refused by ${target}`,
      'Check that the receiver is running and listens on that port, and that the URL’s port is right.',
    );
  }
  const unreachable = has((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH');
  if (unreachable) {
    return error('refused', `${target} is unreachable (${unreachable.code})`, 'Check the address and this computer’s network connection.');
  }
  if (has((c) => c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT')) {
    return error(
      'connect-timeout',
      `No connection to ${target} within ${seconds(ctx.connectTimeoutMs)}`,
      'The host may be down, or a firewall may drop the traffic; check the address, the port and any proxy.',
    );
  }
  if (has((c) => c === 'UND_ERR_HEADERS_TIMEOUT')) {
    return error(
      'headers-timeout',
      `${ctx.host} sent no response headers within ${seconds(ctx.headersTimeoutMs)}`,
      'The receiver accepted the request but is slow or stuck; check its logs.',
    );
  }
  if (has((c) => c === 'UND_ERR_BODY_TIMEOUT')) {
    return error(
      'body-timeout',
      `The response body from ${ctx.host} stalled for more than ${seconds(ctx.bodyTimeoutMs)}`,
      'The receiver stopped sending in the middle of the response; check its logs.',
    );
  }
  if (has((c) => c === 'UND_ERR_HEADERS_OVERFLOW')) {
    return error(
      'malformed-response',
      `${ctx.host} sent a malformed response: response headers too large`,
      'The receiver sent more header data than a client accepts; check the receiver.',
    );
  }
  const parser = found.find((f) => f.code.startsWith('HPE_') || f.error.name === 'HTTPParserError');
  if (parser) {
    // The parser's reason is a fixed phrase of the HTTP parser; the received bytes are never shown.
    const phrase = /\(([A-Za-z ,-]{1,80})\)$/.exec(String(parser.error.message))?.[1]?.toLowerCase();
    const reason = PARSER_REASONS[parser.code] ?? phrase ?? 'not valid HTTP/1.1';
    return error('malformed-response', `${ctx.host} sent a malformed response: ${reason}`, 'The receiver broke the HTTP protocol; check the receiver.');
  }
  if (has((c) => c === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH')) {
    return error(
      'malformed-response',
      `${ctx.host} sent a malformed response: its Content-Length does not match the body or conflicts with Transfer-Encoding`,
      'The receiver broke the HTTP protocol; check the receiver.',
    );
  }
  const decode = has((c) => c === BODY_DECODE_CODE);
  if (decode) {
    const named = (decode.error as { encoding?: unknown }).encoding;
    const encoding = typeof named === 'string' ? named : 'encoded';
    return error(
      'malformed-response',
      `${ctx.host} sent a ${encoding} body that does not decode`,
      'The receiver’s Content-Encoding does not match its body; check the receiver.',
    );
  }
  if (found.some((f) => f.code === 'UND_ERR_SOCKET' && f.error.message === 'bad response')) {
    return error(
      'malformed-response',
      `${ctx.host} sent a malformed response: an unexpected interim response (100 Continue)`,
      'The receiver answered before it was asked to; check the receiver.',
    );
  }
  if (has((c) => RESET.has(c))) {
    return ctx.headersReceived
      ? error('reset', `${ctx.host} closed the connection in the middle of the response`, 'The receiver crashed or dropped the connection; check its logs.')
      : error(
          'reset',
          `${target} closed the connection without a response`,
          'The receiver crashed or dropped the connection; check its logs, and that the URL’s scheme (http/https) matches the port.',
        );
  }
  if (has((c) => INVALID.has(c))) {
    return error(
      'invalid-request',
      `The request to ${ctx.host} cannot be sent as written (a header, the URL or the body is not allowed)`,
      'Check the headers: Transfer-Encoding, Connection, Upgrade and a wrong Content-Length are refused.',
    );
  }
  const code = found.find((f) => f.code !== '')?.code;
  return error('unknown', `Request to ${target} failed${code ? ` (${code})` : ''}`, 'Try again; if it keeps failing, check the receiver and the network.');
}
