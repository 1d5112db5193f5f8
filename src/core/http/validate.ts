import type { PlainRequest, SendError } from '../types';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Set by the connection itself; a request that sets them would not go on the wire as written.
const CONNECTION_HEADERS = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'te', 'proxy-connection']);

// Anything but HTAB, visible ASCII, space and obs-text (0x80–0xFF); one test for the common, valid case.
const NOT_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function badValue(name: string, value: string): SendError {
  if (/[\r\n\0]/.test(value)) {
    return invalid(
      `The value of header ${name} contains a line break or NUL character`,
      'Remove CR/LF from the value (often a template that resolved to multi-line text); they would inject headers.',
    );
  }
  if (/[^\x00-\xff]/.test(value)) {
    return invalid(
      `The value of header ${name} contains characters outside Latin-1`,
      'Header values are bytes: percent-encode or base64-encode text in other scripts.',
    );
  }
  return invalid(`The value of header ${name} contains a control character`, 'Remove control characters from the value.');
}

function invalid(message: string, hint: string): SendError {
  return { code: 'invalid-request', message, hint };
}

function shown(name: string): string {
  const printable = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  return printable;
}

/** Checks a URL before anything connects: absolute http(s) only. Returns the parsed URL or the error. */
export function checkUrl(url: string): { ok: true; url: URL } | { ok: false; error: SendError } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: invalid('The URL is not a valid absolute URL', 'Write the URL with its scheme, e.g. https://example.com/hook.') };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return {
      ok: false,
      error: invalid(`The URL scheme ${parsed.protocol} is not supported`, 'Only http:// and https:// URLs can be sent.'),
    };
  }
  return { ok: true, url: parsed };
}

/**
 * Refuses, before any connection, a request that could not go on the wire exactly as written: a non-token
 * header name, a header value with CR, LF, NUL or other control characters, a value outside Latin-1, a header
 * the connection owns, or a Content-Length that does not match the body. Messages name headers, never values.
 */
export function checkRequest(request: PlainRequest): SendError | undefined {
  if (!TOKEN.test(request.method)) return invalid('The method is not a valid HTTP token', 'Use GET, POST, PUT or DELETE.');
  let hosts = 0;
  for (const [name, value] of request.headers) {
    if (!TOKEN.test(name)) {
      return invalid(`The header name ${shown(name)} is not a valid HTTP token`, "Header names may hold letters, digits and !#$%&'*+-.^_`|~ only.");
    }
    if (NOT_FIELD_VALUE.test(value)) return badValue(name, value);
    const lower = name.toLowerCase();
    if (CONNECTION_HEADERS.has(lower)) {
      return invalid(`The header ${name} is managed by the connection and cannot be set`, `Remove the ${name} header.`);
    }
    if (lower === 'connection' && !/^\s*(close|keep-alive)\s*$/i.test(value)) {
      return invalid('The Connection header may only be close or keep-alive', 'Remove the Connection header.');
    }
    if (lower === 'host' && ++hosts > 1) return invalid('The request has more than one Host header', 'Keep a single Host header.');
    if (lower === 'content-length') {
      const expected = request.body === null ? 0 : Buffer.byteLength(request.body, 'utf8');
      if (!/^\d+$/.test(value.trim()) || Number(value.trim()) !== expected) {
        return invalid(
          `The Content-Length header does not match the body (${expected} bytes)`,
          'Remove the Content-Length header; it is computed from the body.',
        );
      }
    }
  }
  return undefined;
}
