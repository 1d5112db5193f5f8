/**
 * The local inbox (docs/architecture.md, "The local inbox"): a capture server on 127.0.0.1 that records every request exactly as
 * received and answers by its rules (`core/inboxRules.ts`): a status, headers, a body and a delay. It can pass every capture on
 * to the real receiver (`forward`) and keeps what that receiver said beside the capture.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRules, plainAnswer, withDefault, type CompiledRules, type InboxRulesSpec } from './inboxRules';
import type { Capture, ForwardOutcome } from './types';

/** Passes a capture on to the real receiver; resolves with what it said (never rejects). */
export type InboxForwarder = (capture: Capture) => Promise<ForwardOutcome>;

/** Options of the local inbox. */
export interface InboxOptions {
  /** Port to listen on; 0 (default) picks any free port. */
  readonly port?: number;
  /** Only loopback is ever bound. */
  readonly host?: '127.0.0.1';
  /** Status of every answer; default 200. */
  readonly status?: number;
  /** Body of every answer, `{{request.id}}` replaced by the number of the request; default `{"ok":true,"id":"{{request.id}}"}`. */
  readonly body?: string;
  /** Content type of every answer; default `application/json`. */
  readonly contentType?: string;
  /** Body bytes kept per capture; default 5 MiB. Bytes past the cap are counted, not kept. */
  readonly maxBodyBytes?: number;
  /** Captures kept, oldest dropped first; default 200. */
  readonly keep?: number;
  /** Body bytes kept over all captures, oldest dropped first (the newest is always kept); default 64 MiB. */
  readonly maxTotalBytes?: number;
  /** How long `close()` lets requests in flight finish before cutting their connections; default 200 ms. */
  readonly closeGraceMs?: number;
  /** Rules to answer by; when they have no default answer, `status`, `body` and `contentType` are it. */
  readonly rules?: InboxRulesSpec;
  /** Passes every capture on to the real receiver. */
  readonly forward?: InboxForwarder;
  /** Answers waiting out a rule's delay at once; past it, further answers are sent without waiting. Default 256. */
  readonly maxWaiting?: number;
  /** Forwards in flight at once; past it, captures are not forwarded (and say so). Default 16. */
  readonly maxForwarding?: number;
}

/** The answer the inbox gives to every request. */
export interface InboxResponse {
  readonly status?: number;
  readonly body?: string;
  readonly contentType?: string;
}

/** A running inbox. */
export interface Inbox {
  /** Origin of the inbox, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** The kept captures, oldest first. */
  captures(): readonly Capture[];
  /** Forgets every capture. */
  clear(): void;
  /** Changes the default answer from the next request on; an invalid status is refused and nothing changes. */
  setResponse(response: InboxResponse): { readonly ok: true } | { readonly ok: false; readonly error: string };
  /** Answers by these rules from the next request on (none: the default answer alone); invalid rules are refused and nothing changes. */
  setRules(rules: InboxRulesSpec | undefined): { readonly ok: true } | { readonly ok: false; readonly error: string };
  /** The names of the rules in force, in order. */
  ruleNames(): readonly string[];
  /** Starts or stops passing captures on to the real receiver. */
  setForward(forward: InboxForwarder | undefined): void;
  /** How many requests made by a web page were refused (they carry an Origin or Sec-Fetch-Site header). */
  refused(): number;
  /** Calls `listener` after each capture is recorded, until disposed. */
  onCapture(listener: (capture: Capture) => void): { dispose(): void };
  /** Calls `listener` when a kept capture changed (the receiver's answer to a forward arrived), until disposed. */
  onUpdate(listener: (capture: Capture) => void): { dispose(): void };
  /**
   * Resolves with the newest kept capture that matches `predicate` (any capture without one), or the
   * first matching one to arrive within `timeoutMs`; undefined on timeout or when the inbox closes.
   */
  waitForCapture(timeoutMs: number, predicate?: (capture: Capture) => boolean): Promise<Capture | undefined>;
  /** Stops listening, closes idle connections at once and the others after a short grace. */
  close(): Promise<void>;
}

/** The default answer: the request's number as an id, so a workflow step that saves the response has one to pass on. */
export const DEFAULT_BODY = '{"ok":true,"id":"{{request.id}}"}';
const DEFAULT_CONTENT_TYPE = 'application/json';
const DEFAULT_MAX_BODY = 5 * 1024 * 1024;
const DEFAULT_KEEP = 200;
const DEFAULT_MAX_TOTAL = 64 * 1024 * 1024;

/**
 * Says what is wrong with an inbox answer status, or undefined when it is valid. Only final statuses
 * (200–599) are accepted: a 1xx answer is not final and would leave the client waiting.
 */
export function validateInboxStatus(status: unknown): string | undefined {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    return `inbox status must be an integer from 200 to 599, got ${String(status)}`;
  }
  return undefined;
}

/** The answer to a page that reached the inbox under another name (DNS rebinding): it may neither leave a capture nor read one. */
const BROWSER_REFUSAL = 'The local inbox does not answer requests made by web pages under another host name.\n';

/**
 * True for a request a web page made: browsers add Origin to cross-origin and non-GET requests and
 * Sec-Fetch-Site to every request. (Sec-Fetch-Mode alone is not taken: Node's fetch sends it too.) A
 * command copied from a browser's developer tools carries them as well, so they alone do not refuse a
 * request: such a capture is kept (what was sent is what is shown) but never forwarded.
 */
function fromBrowser(req: IncomingMessage): boolean {
  const h = req.headers;
  return h.origin !== undefined || h['sec-fetch-site'] !== undefined;
}

/** True when the Host header names the loopback interface the inbox listens on (a rebound page's names another host). */
function loopbackHost(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
}

function compiled(spec: InboxRulesSpec): CompiledRules {
  const result = compileRules(spec);
  if (!result.ok) throw new RangeError(`the inbox rules are invalid: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.rules;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`inbox ${what} must be a non-negative integer, got ${value}`);
  return value;
}

/** Starts the inbox; rejects with a clear message when the options are invalid or the port is taken. */
export async function startInbox(options: InboxOptions = {}): Promise<Inbox> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`inbox port must be an integer from 0 to 65535, got ${port}`);
  }
  const statusError = validateInboxStatus(options.status ?? 200);
  if (statusError !== undefined) throw new RangeError(statusError);
  const maxBodyBytes = positiveInteger(options.maxBodyBytes, DEFAULT_MAX_BODY, 'body cap');
  const keep = Math.max(1, positiveInteger(options.keep, DEFAULT_KEEP, 'capture count'));
  const maxTotalBytes = positiveInteger(options.maxTotalBytes, DEFAULT_MAX_TOTAL, 'total body cap');
  const closeGraceMs = positiveInteger(options.closeGraceMs, 200, 'close grace');
  const host = '127.0.0.1';

  const maxWaiting = positiveInteger(options.maxWaiting, 256, 'waiting answers');
  const maxForwarding = positiveInteger(options.maxForwarding, 16, 'forwards in flight');

  let status = options.status ?? 200;
  let body = options.body ?? DEFAULT_BODY;
  let contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
  // The rules' own default answer wins; without one, the status, body and content type given are the default.
  const withFallback = (next: InboxRulesSpec | undefined): InboxRulesSpec =>
    next?.default ? next : { ...next, default: plainAnswer(status, body, contentType) };
  let spec = withFallback(options.rules);
  let rules = compiled(spec);
  let forward = options.forward;
  let forwarding = 0;
  let refusedCount = 0;
  // Answers waiting out a delay: each is cut when its client goes away or the inbox closes.
  const waiting = new Set<{ readonly timer: NodeJS.Timeout; readonly res: ServerResponse }>();
  // The newest captures, oldest first, within both the count and the byte budget.
  let kept: Capture[] = [];
  let keptBytes = 0;
  const ordered = (): Capture[] => kept.slice();
  let nextId = 1;
  const listeners = new Set<(capture: Capture) => void>();
  const updateListeners = new Set<(capture: Capture) => void>();
  let closing: Promise<void> | undefined;

  function notify(set: ReadonlySet<(capture: Capture) => void>, capture: Capture): void {
    for (const listener of set) {
      try {
        listener(capture);
      } catch {
        // A faulty listener must not stop the capture server or the other listeners.
      }
    }
  }

  function passOn(capture: Capture, to: InboxForwarder): void {
    const update = (outcome: ForwardOutcome): void => {
      const at = kept.findIndex((c) => c.id === capture.id);
      const next = { ...(at >= 0 ? kept[at]! : capture), forward: outcome };
      if (at >= 0) kept[at] = next;
      notify(updateListeners, next);
    };
    if (forwarding >= maxForwarding) {
      update({
        url: '',
        ok: false,
        error: {
          code: 'unknown',
          message: `Not forwarded: ${maxForwarding} forwards are already waiting for the receiver`,
          hint: 'The receiver is slow to answer; forwards resume once it does.',
        },
      });
      return;
    }
    forwarding++;
    void to(capture)
      .catch((error: unknown) => ({
        url: '',
        ok: false as const,
        error: { code: 'unknown' as const, message: `Not forwarded: ${error instanceof Error ? error.message : String(error)}`, hint: '' },
      }))
      .then((outcome) => {
        forwarding--;
        if (!closing) update(outcome);
      });
  }

  function record(capture: Capture): void {
    kept.push(capture);
    keptBytes += capture.body.length;
    while (kept.length > keep || (keptBytes > maxTotalBytes && kept.length > 1)) keptBytes -= kept.shift()!.body.length;
    notify(listeners, capture);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const browser = fromBrowser(req);
    // A page that reached the inbox through a name of its own could read the answers: it is refused.
    if (browser && !loopbackHost(req)) {
      refusedCount++;
      req.resume();
      res.writeHead(403, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(BROWSER_REFUSAL.length)]);
      res.end(BROWSER_REFUSAL);
      return;
    }
    const time = new Date().toISOString();
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (held < maxBodyBytes) {
        const part = chunk.length <= maxBodyBytes - held ? chunk : chunk.subarray(0, maxBodyBytes - held);
        chunks.push(part);
        held += part.length;
      }
    });
    req.on('end', () => {
      // One chunk (the usual case) is kept as received, without a copy.
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, held);
      const raw = req.rawHeaders;
      const rawHeaders = new Array<readonly [string, string]>(raw.length >> 1);
      for (let i = 0; i < raw.length; i += 2) rawHeaders[i >> 1] = [raw[i]!, raw[i + 1]!];
      const method = req.method ?? '';
      const target = req.url ?? '';
      const answer = rules.answer({ id: nextId, method, target, rawHeaders, body: bytes });
      const delayed = answer.delayMs > 0 && waiting.size < maxWaiting;
      const note = answer.delayMs > 0 && !delayed ? `answered without the delay: ${maxWaiting} answers were already waiting` : undefined;
      const capture: Capture = {
        id: nextId++,
        time,
        method,
        target,
        httpVersion: req.httpVersion,
        rawHeaders,
        body: bytes,
        bodySize: size,
        bodyTruncated: size > held,
        rule: answer.rule,
        answer: { status: answer.status, delayMs: answer.delayMs, ...(note ? { note } : {}) },
      };
      record(capture);
      // A page's request is never passed on to the real receiver.
      if (forward && !browser) passOn(capture, forward);
      const send = (): void => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body, 'utf8');
      };
      if (!delayed) return send();
      const entry = {
        res,
        timer: setTimeout(() => {
          waiting.delete(entry);
          send();
        }, answer.delayMs),
      };
      waiting.add(entry);
      res.once('close', () => {
        clearTimeout(entry.timer);
        waiting.delete(entry);
      });
    });
    // An aborted request is not a capture; the listener keeps the error from becoming uncaught.
    req.on('error', () => undefined);
  }

  const server = createServer(onRequest);

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} is in use`));
      else if (error.code === 'EACCES') reject(new Error(`port ${port} needs privileges this process lacks`));
      else reject(new Error(`the inbox could not listen on ${host}:${port}: ${error.message}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });

  const boundPort = (server.address() as AddressInfo).port;

  function subscribe(set: Set<(capture: Capture) => void>, listener: (capture: Capture) => void): { dispose(): void } {
    const wrapped = (capture: Capture): void => listener(capture);
    set.add(wrapped);
    return { dispose: () => void set.delete(wrapped) };
  }
  const onCapture = (listener: (capture: Capture) => void) => subscribe(listeners, listener);

  const closeWaiters = new Set<() => void>();

  return {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    captures: ordered,
    clear: () => {
      kept = [];
      keptBytes = 0;
    },
    setResponse(response) {
      const nextStatus = response.status ?? status;
      const error = validateInboxStatus(nextStatus);
      if (error !== undefined) return { ok: false, error };
      const nextSpec = withDefault(spec, plainAnswer(nextStatus, response.body ?? body, response.contentType ?? contentType));
      const result = compileRules(nextSpec);
      if (!result.ok) return { ok: false, error: result.problems.map((p) => p.message).join('; ') };
      status = nextStatus;
      body = response.body ?? body;
      contentType = response.contentType ?? contentType;
      spec = nextSpec;
      rules = result.rules;
      return { ok: true };
    },
    setRules(next) {
      const nextSpec = withFallback(next);
      const result = compileRules(nextSpec);
      if (!result.ok) return { ok: false, error: result.problems.map((p) => p.message).join('; ') };
      spec = nextSpec;
      rules = result.rules;
      return { ok: true };
    },
    ruleNames: () => rules.names,
    setForward(next) {
      forward = next;
    },
    refused: () => refusedCount,
    onCapture,
    onUpdate: (listener) => subscribe(updateListeners, listener),
    waitForCapture(timeoutMs, predicate) {
      const matches = predicate ?? (() => true);
      const held = ordered();
      for (let i = held.length - 1; i >= 0; i--) {
        if (matches(held[i]!)) return Promise.resolve(held[i]);
      }
      if (closing) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const finish = (capture: Capture | undefined): void => {
          clearTimeout(timer);
          subscription.dispose();
          closeWaiters.delete(onClose);
          resolve(capture);
        };
        const onClose = (): void => finish(undefined);
        const timer = setTimeout(onClose, timeoutMs);
        const subscription = onCapture((capture) => {
          if (matches(capture)) finish(capture);
        });
        closeWaiters.add(onClose);
      });
    },
    close() {
      if (closing) return closing;
      closing = new Promise<void>((resolve) => {
        // Answers waiting out a delay never hold the inbox open: their connections are cut now.
        for (const entry of waiting) {
          clearTimeout(entry.timer);
          entry.res.destroy();
        }
        waiting.clear();
        server.close(() => resolve());
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), closeGraceMs);
        cut.unref();
      });
      for (const waiter of [...closeWaiters]) waiter();
      return closing;
    },
  };
}

/** Replaces only the origin of `requestUrl` with `inboxOrigin`; the path and query keep their exact bytes. */
export function inboxUrlFor(requestUrl: string, inboxOrigin: string): string {
  const origin = inboxOrigin.replace(/\/+$/, '');
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/s.exec(requestUrl);
  const rest = match ? match[1]! : requestUrl.startsWith('/') ? requestUrl : '';
  if (rest === '' || rest.startsWith('#')) return `${origin}/`;
  return rest.startsWith('/') ? origin + rest : `${origin}/${rest}`;
}

/** The capture as raw HTTP/1.x text for display: request line, header lines, blank line, body as UTF-8 (lossy). */
export function captureToRawText(capture: Capture): string {
  let text = `${capture.method} ${capture.target} HTTP/${capture.httpVersion}\r\n`;
  for (const [name, value] of capture.rawHeaders) text += `${name}: ${value}\r\n`;
  return `${text}\r\n${new TextDecoder('utf-8', { fatal: false }).decode(capture.body)}`;
}
