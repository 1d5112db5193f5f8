import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector } from 'undici';
import { pathAndQuery } from '../capture';
import type { Dispatcher } from 'undici';
import type { Method, OutcomeClass, PlainRequest, ResponseData, SendError, SendResult } from '../types';
import { decodingsFor, readCappedBody } from './body';
import { describeFailure } from './errors';
import type { FailureContext } from './errors';
import { blockedAddressError, checkedLookup, findPrivateAddress, isPrivateAddress, plainLookup, type LookupFunction } from './privateNetwork';
import type { ProxyConfig } from './proxy';
import { ProxyRoutes } from './proxyRoute';
import { checkRequest, checkUrl } from './validate';

/** What to do with requests to loopback, private, link-local and similar addresses. */
export type PrivateAddressPolicy = 'warn' | 'block' | 'allow';

/** Session-wide settings of a sender; fixed for its lifetime. */
export interface SenderConfig {
  /** Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Time to wait for response headers; default 30 000. */
  readonly headersTimeoutMs?: number;
  /** Longest pause while the body streams; default 30 000. */
  readonly bodyTimeoutMs?: number;
  /** Verify TLS certificates; default true. Only a user-level setting may turn it off. */
  readonly rejectUnauthorized?: boolean;
  /** The proxy of each target scheme; each request, and each hop of a redirect, uses the one of its own URL. */
  readonly proxy?: ProxyConfig;
  /** Default 'warn': the request is sent (lint warns); 'block' refuses private destinations. */
  readonly privateAddresses?: PrivateAddressPolicy;
  /** Origins never blocked and never proxied, e.g. the local inbox (`http://127.0.0.1:4567`). */
  readonly alwaysAllowedOrigins?: readonly string[];
  /** How names are resolved; the system resolver by default. */
  readonly lookup?: LookupFunction;
}

/** Options of one send. */
export interface SendOptions {
  /** Deadline for the whole exchange, redirects and body included; default 30 000. */
  readonly timeoutMs?: number;
  /** The user's Cancel. */
  readonly signal?: AbortSignal;
  /** Cap on the decoded body bytes kept; default 5 MiB. */
  readonly maxBodyBytes?: number;
  /** Default false: a 3xx is returned as is, with its Location. */
  readonly followRedirects?: boolean;
  /** Default 5. */
  readonly maxRedirects?: number;
  /** Header names dropped when a redirect crosses origins (Authorization, Cookie, Proxy-Authorization always). */
  readonly sensitiveHeaders?: readonly string[];
  /** Called as decoded body bytes arrive, with the count so far (small bodies of known length: once, at the end). */
  readonly onProgress?: (receivedBytes: number) => void;
}

/** The default cap on kept response body bytes. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_BODY_DRAIN_BYTES = 64 * 1024;
const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']);

/** The result class of a status as the platform's execution log reads it. */
export function classifyStatus(status: number): OutcomeClass {
  if (status >= 200 && status < 300) return 'accepted';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 400 && status < 500) return 'rejected';
  return 'receiver-error';
}

function normalOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}

function hostPort(url: URL): string {
  return url.port ? url.host : `${url.host}:${url.protocol === 'https:' ? 443 : 80}`;
}

function hostPortOf(url: string): string {
  try {
    return hostPort(new URL(url));
  } catch {
    return 'the receiver';
  }
}

interface Framing {
  location?: string;
  contentEncoding?: string;
  contentLength?: string;
}

/** The response headers the sender acts on, found in one pass over the raw [name, value, …] list. */
function scanHeaders(flat: readonly string[]): Framing {
  const found: Framing = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    // Only names of these lengths can match; skips lower-casing every other header.
    if (name.length !== 8 && name.length !== 14 && name.length !== 16) continue;
    const lower = name.toLowerCase();
    if (lower === 'location') found.location ??= flat[i + 1];
    else if (lower === 'content-length') found.contentLength ??= flat[i + 1];
    else if (lower === 'content-encoding') found.contentEncoding ??= flat[i + 1];
  }
  return found;
}

function flatHeaders(headers: PlainRequest['headers']): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  return flat;
}

/**
 * Headers as an object of value lists, for the proxy agent, which turns a flat list into an object and would
 * keep only the last of repeated names. Repeated names stay on separate lines, grouped at the first one.
 */
function groupedHeaders(headers: PlainRequest['headers']): Record<string, string[]> {
  const grouped: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of headers) (grouped[name] ??= []).push(value);
  return grouped;
}

function pairs(flat: readonly string[]): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** The request for the next hop of a redirect, as a client following it must send it. */
export function redirectedRequest(previous: PlainRequest, status: number, target: URL, sensitiveHeaders: readonly string[]): PlainRequest {
  const toGet = status === 303 ? previous.method !== 'GET' : (status === 301 || status === 302) && previous.method === 'POST';
  const method: Method = toGet ? 'GET' : previous.method;
  const crossOrigin = new URL(previous.url).origin !== target.origin;
  const dropped = new Set([...ALWAYS_SENSITIVE, ...sensitiveHeaders.map((h) => h.toLowerCase()), 'host']);
  const headers = previous.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    if (toGet && BODY_HEADERS.has(lower)) return false;
    return !(crossOrigin && dropped.has(lower));
  });
  return { method, url: target.href, headers, body: toGet ? null : previous.body };
}

/** Where a request goes: the direct agent, or the proxy agent and the proxy's host:port. */
interface Route {
  readonly dispatcher: Dispatcher;
  readonly proxy: string | undefined;
}

/** The timeouts a failure message quotes. */
interface Limits {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/**
 * The state of one send, and its abort signal: undici accepts an emitter with `aborted` and an 'abort' event
 * as a request signal, which costs far less per request than an AbortController. It is also the listener of
 * the user's signal (`handleEvent`), so a send allocates no closures for its bookkeeping.
 */
class Exchange extends EventEmitter {
  aborted = false;
  /** Why the send was stopped; undici reads `reason` as the error to abort with. */
  why: 'timeout' | 'cancelled' | undefined;
  reason: Error | undefined;
  firstByteMs: number | undefined;
  url: URL | undefined;
  proxy: string | undefined;
  headersReceived = false;

  constructor(
    readonly started: number,
    readonly timeoutMs: number,
  ) {
    super();
  }

  stop(why: 'timeout' | 'cancelled'): void {
    if (this.aborted) return;
    this.aborted = true;
    this.why = why;
    this.reason = Object.assign(new Error(`request ${why}`), { code: why === 'timeout' ? 'ERR_DEADLINE' : 'ERR_CANCELLED' });
    this.emit('abort');
  }

  /** The user's signal fired. */
  handleEvent(): void {
    this.stop('cancelled');
  }

  context(url: string, limits: Limits): FailureContext {
    return {
      host: this.url ? hostPort(this.url) : hostPortOf(url),
      ...(this.proxy !== undefined ? { proxy: this.proxy } : {}),
      headersReceived: this.headersReceived,
      ...(this.why !== undefined ? { stopped: this.why } : {}),
      timeoutMs: this.timeoutMs,
      connectTimeoutMs: limits.connectTimeoutMs,
      headersTimeoutMs: limits.headersTimeoutMs,
      bodyTimeoutMs: limits.bodyTimeoutMs,
    };
  }

  fail(error: SendError): SendResult {
    const totalMs = performance.now() - this.started;
    const timings = this.firstByteMs === undefined ? { totalMs } : { firstByteMs: this.firstByteMs, totalMs };
    return { ok: false, error, timings, outcome: 'network-error' };
  }
}

function deadlinePassed(exchange: Exchange): void {
  exchange.stop('timeout');
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * Puts rendered requests on the wire, exactly as given, with one connection pool for the session: timeouts,
 * a capped and decoded body, optional redirects, the private network policy and a proxy. Never throws from
 * `send`: every failure comes back as a classified error.
 */
export class HttpSender {
  readonly #agent: Agent;
  readonly #proxies: ProxyRoutes;
  readonly #policy: PrivateAddressPolicy;
  readonly #allowed: ReadonlySet<string>;
  readonly #connectTimeoutMs: number;
  readonly #headersTimeoutMs: number;
  readonly #bodyTimeoutMs: number;
  readonly #limits: Limits;
  readonly #direct: Route;
  readonly #lookup: LookupFunction | undefined;

  constructor(config: SenderConfig = {}) {
    this.#lookup = config.lookup;
    this.#connectTimeoutMs = config.connectTimeoutMs ?? 10_000;
    this.#headersTimeoutMs = config.headersTimeoutMs ?? 30_000;
    this.#bodyTimeoutMs = config.bodyTimeoutMs ?? 30_000;
    this.#limits = {
      connectTimeoutMs: this.#connectTimeoutMs,
      headersTimeoutMs: this.#headersTimeoutMs,
      bodyTimeoutMs: this.#bodyTimeoutMs,
    };
    this.#policy = config.privateAddresses ?? 'warn';
    this.#allowed = new Set((config.alwaysAllowedOrigins ?? []).flatMap((o) => normalOrigin(o) ?? []));
    const rejectUnauthorized = config.rejectUnauthorized ?? true;
    const timeouts = { headersTimeout: this.#headersTimeoutMs, bodyTimeout: this.#bodyTimeoutMs };
    this.#agent = new Agent({ ...timeouts, connect: this.#connector(rejectUnauthorized) });
    this.#direct = { dispatcher: this.#agent, proxy: undefined };
    this.#proxies = new ProxyRoutes(config.proxy, { ...this.#limits, rejectUnauthorized });
  }

  /** The connector of the direct agent: under the block policy, every address is checked before connecting. */
  #connector(rejectUnauthorized: boolean): buildConnector.connector {
    const custom = this.#lookup ? { lookup: plainLookup(this.#lookup) } : {};
    const base = buildConnector({ timeout: this.#connectTimeoutMs, rejectUnauthorized, ...custom });
    if (this.#policy !== 'block') return base;
    const checked = buildConnector({ timeout: this.#connectTimeoutMs, rejectUnauthorized, lookup: checkedLookup(this.#lookup) });
    return (options, callback) => {
      const literal = isIP(options.hostname) !== 0;
      const host = literal && options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
      const origin = normalOrigin(`${options.protocol}//${host}${options.port ? `:${options.port}` : ''}`);
      if (origin !== undefined && this.#allowed.has(origin)) return base(options, callback);
      if (literal) {
        if (!isPrivateAddress(options.hostname)) return base(options, callback);
        const refused = blockedAddressError(options.hostname, options.hostname);
        queueMicrotask(() => callback(refused, null));
        return;
      }
      return checked(options, callback);
    };
  }

  #dispatcherFor(url: URL): Route {
    if (this.#allowed.has(url.origin)) return this.#direct;
    return this.#proxies.route(url) ?? this.#direct;
  }

  /** Sends `request` and reads its response; resolves with a response or a classified error, never rejects. */
  async send(request: PlainRequest, options: SendOptions = {}): Promise<SendResult> {
    const exchange = new Exchange(performance.now(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const timer = setTimeout(deadlinePassed, exchange.timeoutMs, exchange);
    const userSignal = options.signal;
    if (userSignal?.aborted) exchange.stop('cancelled');
    else userSignal?.addEventListener('abort', exchange, { once: true });
    const redirects: Array<{ status: number; location: string }> = [];
    let current = request;
    try {
      for (;;) {
        const checkedUrl = checkUrl(current.url);
        if (!checkedUrl.ok) return exchange.fail(checkedUrl.error);
        const url = checkedUrl.url;
        const invalid = checkRequest(current);
        if (invalid) return exchange.fail(invalid);
        const route = this.#dispatcherFor(url);
        exchange.url = url;
        exchange.proxy = route.proxy;
        exchange.headersReceived = false;
        if (exchange.aborted) return exchange.fail(describeFailure(undefined, exchange.context(current.url, this.#limits)));

        if (this.#policy === 'block' && route.proxy !== undefined && !this.#allowed.has(url.origin)) {
          // The proxy resolves the name, so checking it here is the best possible; direct connections are
          // checked by the connector on the very address the socket uses.
          const bare = url.hostname.replace(/^\[|\]$/g, '');
          const refused = await findPrivateAddress(bare, this.#lookup);
          if (refused !== undefined) {
            return exchange.fail(describeFailure(blockedAddressError(bare, refused), exchange.context(current.url, this.#limits)));
          }
        }

        const headers = route.proxy === undefined ? flatHeaders(current.headers) : groupedHeaders(current.headers);
        // The dispatcher's own request(), not undici's request(url): that one drops the "?" of an empty query.
        const response = await route.dispatcher.request({
          origin: url.origin,
          path: pathAndQuery(url),
          method: current.method,
          headers,
          body: current.body === null ? null : Buffer.from(current.body, 'utf8'),
          signal: exchange,
          headersTimeout: this.#headersTimeoutMs,
          bodyTimeout: this.#bodyTimeoutMs,
          responseHeaders: 'raw',
        });
        exchange.firstByteMs = performance.now() - exchange.started;
        exchange.headersReceived = true;
        const rawHeaders = response.headers as unknown as string[];
        const framing = scanHeaders(rawHeaders);
        const location = options.followRedirects ? framing.location : undefined;

        if (location !== undefined && isRedirect(response.statusCode)) {
          // The exchange still aborts this body on deadline or cancel: it belongs to the request that carries it.
          await response.body.dump({ limit: REDIRECT_BODY_DRAIN_BYTES }).catch(() => undefined);
          const max = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
          if (redirects.length >= max) {
            return exchange.fail({
              code: 'too-many-redirects',
              message: `More than ${max} redirects; the last one pointed to ${hostPort(url)}`,
              hint: 'The receiver redirects in a loop or too often; send to the final URL directly.',
            });
          }
          let target: URL;
          try {
            target = new URL(location, url);
          } catch {
            return exchange.fail({
              code: 'invalid-request',
              message: `${hostPort(url)} redirected to an invalid URL`,
              hint: 'Send to the final URL directly.',
            });
          }
          redirects.push({ status: response.statusCode, location: target.href });
          current = redirectedRequest(current, response.statusCode, target, options.sensitiveHeaders ?? []);
          continue;
        }

        const decodings = decodingsFor(framing.contentEncoding);
        const cap = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
        const lengthHeader = Number(framing.contentLength ?? Number.NaN);
        const contentLength = Number.isSafeInteger(lengthHeader) && lengthHeader >= 0 ? lengthHeader : undefined;
        const read = await readCappedBody(response.body, decodings, cap, options.onProgress, contentLength);
        const fullSize = !read.truncated ? read.size : decodings === undefined ? contentLength : undefined;
        const data: ResponseData = {
          status: response.statusCode,
          statusText: response.statusText ?? '',
          headers: pairs(rawHeaders),
          body: read.body,
          size: read.size,
          ...(fullSize !== undefined ? { fullSize } : {}),
          truncated: read.truncated,
          redirects,
        };
        return {
          ok: true,
          response: data,
          timings: { firstByteMs: exchange.firstByteMs, totalMs: performance.now() - exchange.started },
          outcome: classifyStatus(response.statusCode),
        };
      }
    } catch (err) {
      return exchange.fail(describeFailure(err, exchange.context(current.url, this.#limits)));
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', exchange);
    }
  }

  /** Closes every connection of the session; in-flight requests fail. */
  async close(): Promise<void> {
    await Promise.all([this.#agent.destroy(), this.#proxies.destroy()]);
  }
}
