import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, ProxyAgent, Pool, buildConnector, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { Method, OutcomeClass, PlainRequest, ResponseData, SendError, SendResult } from '../types';
import { decodingsFor, readCappedBody } from './body';
import { describeFailure } from './errors';
import type { FailureContext } from './errors';
import { blockedAddressError, checkedLookup, findPrivateAddress, isPrivateAddress } from './privateNetwork';
import { bypassesProxy } from './proxy';
import type { ProxyConfig } from './proxy';
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
  readonly proxy?: ProxyConfig;
  /** Default 'warn': the request is sent (lint warns); 'block' refuses private destinations. */
  readonly privateAddresses?: PrivateAddressPolicy;
  /** Origins never blocked and never proxied, e.g. the local inbox (`http://127.0.0.1:4567`). */
  readonly alwaysAllowedOrigins?: readonly string[];
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
  /** Called as decoded body bytes arrive, with the count so far. */
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

function headerValue(flat: readonly string[], name: string): string | undefined {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() === name) return flat[i + 1];
  return undefined;
}

function pairs(flat: readonly string[]): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** The request for the next hop of a redirect, as a client following it must send it. */
export function redirectedRequest(
  previous: PlainRequest,
  status: number,
  target: URL,
  sensitiveHeaders: readonly string[],
): PlainRequest {
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
  readonly #proxyAgent: ProxyAgent | undefined;
  readonly #proxy: ProxyConfig | undefined;
  readonly #policy: PrivateAddressPolicy;
  readonly #allowed: ReadonlySet<string>;
  readonly #connectTimeoutMs: number;
  readonly #headersTimeoutMs: number;
  readonly #bodyTimeoutMs: number;

  constructor(config: SenderConfig = {}) {
    this.#connectTimeoutMs = config.connectTimeoutMs ?? 10_000;
    this.#headersTimeoutMs = config.headersTimeoutMs ?? 30_000;
    this.#bodyTimeoutMs = config.bodyTimeoutMs ?? 30_000;
    this.#policy = config.privateAddresses ?? 'warn';
    this.#allowed = new Set((config.alwaysAllowedOrigins ?? []).flatMap((o) => normalOrigin(o) ?? []));
    const rejectUnauthorized = config.rejectUnauthorized ?? true;
    const timeouts = { headersTimeout: this.#headersTimeoutMs, bodyTimeout: this.#bodyTimeoutMs };
    this.#agent = new Agent({ ...timeouts, connect: this.#connector(rejectUnauthorized) });
    this.#proxy = config.proxy;
    this.#proxyAgent = config.proxy
      ? new ProxyAgent({
          uri: config.proxy.url,
          ...timeouts,
          // Plain-http targets are forwarded (absolute-form request); https targets are tunnelled with CONNECT.
          proxyTunnel: false,
          proxyTls: { timeout: this.#connectTimeoutMs, rejectUnauthorized: config.proxy.strictSSL ?? true },
          requestTls: { timeout: this.#connectTimeoutMs, rejectUnauthorized },
          factory: (origin: string | URL, opts: object) => new Pool(origin, { ...opts, ...timeouts }),
        })
      : undefined;
  }

  /** The connector of the direct agent: under the block policy, every address is checked before connecting. */
  #connector(rejectUnauthorized: boolean): buildConnector.connector {
    const base = buildConnector({ timeout: this.#connectTimeoutMs, rejectUnauthorized });
    if (this.#policy !== 'block') return base;
    const checked = buildConnector({ timeout: this.#connectTimeoutMs, rejectUnauthorized, lookup: checkedLookup });
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

  #dispatcherFor(url: URL): { dispatcher: Dispatcher; proxy?: string } {
    if (!this.#proxyAgent || !this.#proxy || this.#allowed.has(url.origin) || bypassesProxy(url, this.#proxy.noProxy)) {
      return { dispatcher: this.#agent };
    }
    const proxyUrl = new URL(this.#proxy.url);
    return { dispatcher: this.#proxyAgent, proxy: hostPort(proxyUrl) };
  }

  /** Sends `request` and reads its response; resolves with a response or a classified error, never rejects. */
  async send(request: PlainRequest, options: SendOptions = {}): Promise<SendResult> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let stopped: 'timeout' | 'cancelled' | undefined;
    const stop = (why: 'timeout' | 'cancelled'): void => {
      stopped ??= why;
      controller.abort(Object.assign(new Error(`request ${why}`), { code: why === 'timeout' ? 'ETIMEDOUT_DEADLINE' : 'ECANCELLED' }));
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onCancel = (): void => stop('cancelled');
    if (options.signal?.aborted) onCancel();
    else options.signal?.addEventListener('abort', onCancel, { once: true });

    const redirects: Array<{ status: number; location: string }> = [];
    let firstByteMs: number | undefined;
    let current = request;
    const base: FailureContext = {
      host: hostPortOf(request.url),
      headersReceived: false,
      timeoutMs,
      connectTimeoutMs: this.#connectTimeoutMs,
      headersTimeoutMs: this.#headersTimeoutMs,
      bodyTimeoutMs: this.#bodyTimeoutMs,
    };
    let ctx = base;
    const fail = (error: SendError): SendResult => ({
      ok: false,
      error,
      timings: firstByteMs === undefined ? { totalMs: performance.now() - started } : { firstByteMs, totalMs: performance.now() - started },
      outcome: 'network-error',
    });

    try {
      for (;;) {
        const checkedUrl = checkUrl(current.url);
        if (!checkedUrl.ok) return fail(checkedUrl.error);
        const url = checkedUrl.url;
        const invalid = checkRequest(current);
        if (invalid) return fail(invalid);
        if (stopped) return fail(describeFailure(undefined, { ...ctx, host: hostPort(url), stopped }));
        const { dispatcher, proxy } = this.#dispatcherFor(url);
        ctx = { ...base, host: hostPort(url), ...(proxy !== undefined ? { proxy } : {}) };

        if (this.#policy === 'block' && proxy !== undefined && !this.#allowed.has(url.origin)) {
          // The proxy resolves the name, so checking it here is the best possible; direct connections are
          // checked by the connector on the very address the socket uses.
          const bare = url.hostname.replace(/^\[|\]$/g, '');
          const refused = await findPrivateAddress(bare);
          if (refused !== undefined) return fail(describeFailure(blockedAddressError(bare, refused), ctx));
        }

        const flat = current.headers.flatMap(([name, value]) => [name, value]);
        const response = await undiciRequest(url, {
          dispatcher,
          method: current.method,
          headers: flat,
          body: current.body === null ? null : Buffer.from(current.body, 'utf8'),
          signal: controller.signal,
          headersTimeout: this.#headersTimeoutMs,
          bodyTimeout: this.#bodyTimeoutMs,
          responseHeaders: 'raw',
        });
        firstByteMs = performance.now() - started;
        ctx = { ...ctx, headersReceived: true };
        const rawHeaders = response.headers as unknown as string[];
        const location = headerValue(rawHeaders, 'location');

        if (options.followRedirects && isRedirect(response.statusCode) && location !== undefined) {
          await response.body.dump({ limit: REDIRECT_BODY_DRAIN_BYTES, signal: controller.signal }).catch(() => undefined);
          if (redirects.length >= (options.maxRedirects ?? DEFAULT_MAX_REDIRECTS)) {
            return fail({
              code: 'too-many-redirects',
              message: `More than ${options.maxRedirects ?? DEFAULT_MAX_REDIRECTS} redirects; the last one pointed to ${ctx.host}`,
              hint: 'The receiver redirects in a loop or too often; send to the final URL directly.',
            });
          }
          let target: URL;
          try {
            target = new URL(location, url);
          } catch {
            return fail({ code: 'invalid-request', message: `${ctx.host} redirected to an invalid URL`, hint: 'Send to the final URL directly.' });
          }
          redirects.push({ status: response.statusCode, location: target.href });
          current = redirectedRequest(current, response.statusCode, target, options.sensitiveHeaders ?? []);
          continue;
        }

        const contentEncoding = headerValue(rawHeaders, 'content-encoding');
        const decodings = decodingsFor(contentEncoding);
        const cap = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
        const read = await readCappedBody(response.body, decodings, cap, options.onProgress);
        const contentLength = Number(headerValue(rawHeaders, 'content-length'));
        const fullSize = !read.truncated
          ? read.size
          : decodings === undefined && Number.isSafeInteger(contentLength) && contentLength >= 0
            ? contentLength
            : undefined;
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
          timings: { firstByteMs, totalMs: performance.now() - started },
          outcome: classifyStatus(response.statusCode),
        };
      }
    } catch (err) {
      return fail(describeFailure(err, { ...ctx, ...(stopped ? { stopped } : {}) }));
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
    }
  }

  /** Closes every connection of the session; in-flight requests fail. */
  async close(): Promise<void> {
    await Promise.all([this.#agent.destroy(), this.#proxyAgent?.destroy()]);
  }
}
