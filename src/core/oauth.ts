/**
 * OAuth 2.0 access tokens for `auth: { type: "oauth2", connection }` (docs/architecture.md, "OAuth"): a stored
 * ("pre-configured") token, or one obtained with the client-credentials grant and cached until expiry.
 *
 * Rendering reads tokens synchronously through `TokenSource.token`; the send pipeline (`sendAction.ts`)
 * ensures them before it renders and refreshes a client-credentials token once after a 401.
 */
import type { Dispatcher } from 'undici';
import { UNSUPPORTED_PROXY_CODE, type ProxyConfig } from './http/proxy';
import { redactText } from './redact';
import type { ProxyRoutes } from './http/proxyRoute';
import type { EnsureTokenResult, TokenProvider } from './sendAction';
import type { SecretSource, SendError } from './types';

export type { EnsureTokenResult } from './sendAction';

/** A connection whose access token the user stored as is (the platform's pre-configured token). */
export interface StoredTokenConnection {
  readonly name: string;
  readonly accessToken?: string;
}

/** A connection that obtains its access token with the client-credentials grant. */
export interface ClientCredentialsConnection {
  readonly name: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly scopes?: readonly string[];
  /** Name under which the client secret is looked up in the secret source. */
  readonly clientSecretKey: string;
}

/** A configured OAuth 2.0 connection. */
export type OAuthConnection = StoredTokenConnection | ClientCredentialsConnection;

/** Options of the token store. */
export interface OAuthTokensOptions {
  readonly connections: readonly OAuthConnection[];
  readonly secrets: SecretSource;
  /** Clock in milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** Deadline of one token request; default 10 s. */
  readonly timeoutMs?: number;
  /** A token counts as expired this long before its `expires_in` says; default 30 s. */
  readonly skewMs?: number;
  /** The proxies token requests go through, chosen as for sends (scheme, no-proxy list, strictSSL); default direct. */
  readonly proxy?: ProxyConfig;
}

/** True when the connection obtains its token from a token endpoint (and so can refresh it). */
export function isClientCredentials(connection: OAuthConnection): connection is ClientCredentialsConnection {
  return 'tokenUrl' in connection && typeof connection.tokenUrl === 'string';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_SKEW_MS = 30_000;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

interface CachedToken {
  readonly token: string;
  /** Clock time from which the token counts as expired. */
  readonly expiresAt: number;
}

type FetchResult = { readonly ok: true; readonly token: CachedToken } | { readonly ok: false; readonly error: SendError };

/** Access tokens of the configured OAuth connections, readable synchronously once ensured. */
export class OAuthTokens implements TokenProvider {
  private readonly connections = new Map<string, OAuthConnection>();
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<EnsureTokenResult>>();
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly skewMs: number;

  /** A token store over `options.connections`, reading client secrets from `options.secrets`. */
  constructor(private readonly options: OAuthTokensOptions) {
    for (const connection of options.connections) this.connections.set(connection.name, connection);
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.skewMs = options.skewMs ?? DEFAULT_SKEW_MS;
  }

  /** The current access token of `connection`, or undefined when none is stored or cached and unexpired. */
  token(connection: string): string | undefined {
    const config = this.connections.get(connection);
    if (config === undefined) return undefined;
    if (!isClientCredentials(config)) return config.accessToken || undefined;
    const cached = this.cache.get(connection);
    if (cached === undefined) return undefined;
    if (this.now() >= cached.expiresAt) {
      this.cache.delete(connection);
      return undefined;
    }
    return cached.token;
  }

  /** True when `connection` obtains its token from a token endpoint, so a 401 is worth one refresh. */
  canRefresh(connection: string): boolean {
    const config = this.connections.get(connection);
    return config !== undefined && isClientCredentials(config);
  }

  /** Forgets the cached token of `connection`, so the next `ensureToken` asks the token endpoint again. */
  invalidate(connection: string): void {
    this.cache.delete(connection);
  }

  /** Makes `token(connection)` answer: obtains a token unless a valid one is cached; concurrent calls share one request. */
  ensureToken(connection: string): Promise<EnsureTokenResult> {
    const config = this.connections.get(connection);
    if (config === undefined) {
      return Promise.resolve(
        failure(
          `no OAuth connection named "${connection}" is configured`,
          'Add the connection to the OAuth settings, or fix the name in the action’s auth.connection.',
        ),
      );
    }
    if (!isClientCredentials(config)) {
      if (config.accessToken) return Promise.resolve({ ok: true });
      return Promise.resolve(
        failure(
          `no access token is stored for OAuth connection "${connection}"`,
          'Store the connection’s access token, or configure a token URL and client credentials for it.',
        ),
      );
    }
    if (this.token(connection) !== undefined) return Promise.resolve({ ok: true });
    const pending = this.inFlight.get(connection);
    if (pending) return pending;
    const request = this.obtain(config).finally(() => this.inFlight.delete(connection));
    this.inFlight.set(connection, request);
    return request;
  }

  private async obtain(config: ClientCredentialsConnection): Promise<EnsureTokenResult> {
    const secret = this.options.secrets.get(config.clientSecretKey);
    if (secret === undefined || secret === '') {
      return failure(
        `the client secret "${config.clientSecretKey}" of OAuth connection "${config.name}" is not set`,
        `Store the secret "${config.clientSecretKey}" before sending.`,
      );
    }
    const result = await requestToken(config, secret, this.now, this.timeoutMs, this.skewMs, this.options.proxy);
    // The endpoint may echo the secret itself, or the Basic credentials made from it.
    if (!result.ok) return { ok: false, error: redactError(result.error, [secret, basicCredentials(config.clientId, secret)]) };
    this.cache.set(config.name, result.token);
    return { ok: true };
  }
}

function failure(message: string, hint: string): { readonly ok: false; readonly error: SendError } {
  return { ok: false, error: { code: 'oauth', message, hint } };
}

function redactError(error: SendError, secrets: readonly string[]): SendError {
  return { code: error.code, message: redactText(error.message, secrets), hint: redactText(error.hint, secrets) };
}

/** Encodes one client credential as application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks before Basic. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The Basic credentials of a client: `id:secret`, each form-encoded first, in base64. */
function basicCredentials(clientId: string, secret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, 'utf8').toString('base64');
}

function endpointLabel(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

async function requestToken(
  config: ClientCredentialsConnection,
  secret: string,
  now: () => number,
  timeoutMs: number,
  skewMs: number,
  proxy: ProxyConfig | undefined,
): Promise<FetchResult> {
  let url: URL;
  try {
    url = new URL(config.tokenUrl);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return failure(`the token URL of OAuth connection "${config.name}" is not an http(s) URL`, 'Set an absolute https:// token URL.');
  }
  const label = endpointLabel(url);
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.scopes && config.scopes.length > 0) form.set('scope', config.scopes.join(' '));
  const credentials = basicCredentials(config.clientId, secret);
  const requestedAt = now();

  let status: number;
  let text: string;
  // Token requests are rare (the token is cached), so the proxy agent lives for one request.
  let routes: ProxyRoutes | undefined;
  let via: string | undefined;
  try {
    const { request } = await import('undici');
    let dispatcher: Dispatcher | undefined;
    if (proxy !== undefined) {
      const { ProxyRoutes } = await import('./http/proxyRoute.js');
      const made = new ProxyRoutes(proxy, { connectTimeoutMs: timeoutMs, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs, rejectUnauthorized: true });
      routes = made;
      const route = made.route(url);
      dispatcher = route?.dispatcher;
      via = route?.proxy;
    }
    const response = await request(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${credentials}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    });
    status = response.statusCode;
    text = await readCapped(response.body, MAX_TOKEN_RESPONSE_BYTES);
  } catch (error) {
    if (via === undefined) return failure(networkMessage(error, label, timeoutMs), 'Check the token URL and that the token endpoint is reachable.');
    return failure(
      `${networkMessage(error, label, timeoutMs)} through the proxy ${via}`,
      'Check the token URL, the proxy and its credentials, or add the token endpoint’s host to the no-proxy list.',
    );
  } finally {
    await routes?.destroy();
  }

  const json = parseJson(text);
  if (status < 200 || status > 299) return failure(endpointErrorMessage(label, status, json, text), endpointErrorHint(json, config));
  if (json === undefined || typeof json !== 'object' || json === null || Array.isArray(json)) {
    return failure(`the token endpoint ${label} answered ${status} without a JSON object`, 'Check the token URL: it should point at the OAuth token endpoint.');
  }
  const body = json as Record<string, unknown>;
  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') {
    return failure(`the token endpoint ${label} answered without an access_token`, 'Check the token URL and the grant the endpoint expects.');
  }
  const tokenType = body['token_type'];
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    return failure(
      `the token endpoint ${label} issued a "${printable(typeof tokenType === 'string' ? tokenType : JSON.stringify(tokenType))}" token; only Bearer tokens are supported`,
      'Configure the client at the provider to issue Bearer tokens.',
    );
  }
  return { ok: true, token: { token: accessToken, expiresAt: expiry(requestedAt, body['expires_in'], skewMs) } };
}

function expiry(requestedAt: number, expiresIn: unknown, skewMs: number): number {
  const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : Number.NaN;
  // Without a usable lifetime the token is kept until a 401 invalidates it.
  if (!Number.isFinite(seconds) || seconds <= 0) return Number.POSITIVE_INFINITY;
  const lifetime = seconds * 1000;
  // A lifetime shorter than the skew would make a fresh token look expired at once.
  return requestedAt + lifetime - Math.min(skewMs, lifetime / 2);
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, cap).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Server-supplied text is shortened and stripped of control characters before it reaches a message.
function printable(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function endpointErrorMessage(label: string, status: number, json: unknown, text: string): string {
  const head = `the token endpoint ${label} answered ${status}`;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    const code = typeof body['error'] === 'string' ? printable(body['error'], 80) : '';
    const description = typeof body['error_description'] === 'string' ? printable(body['error_description']) : '';
    if (code && description) return `${head}: ${code} (${description})`;
    if (code || description) return `${head}: ${code || description}`;
  }
  const snippet = printable(text, 120);
  return snippet ? `${head}: ${snippet}` : head;
}

function endpointErrorHint(json: unknown, config: ClientCredentialsConnection): string {
  const code = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)['error'] : undefined;
  switch (code) {
    case 'invalid_client':
      return `Check the client id and the client secret stored as "${config.clientSecretKey}".`;
    case 'invalid_scope':
      return 'Check the scopes of the connection.';
    case 'unauthorized_client':
    case 'unsupported_grant_type':
      return 'The client may not use the client-credentials grant at this provider.';
    default:
      return 'Check the connection’s token URL, client id, client secret and scopes.';
  }
}

function networkMessage(error: unknown, label: string, timeoutMs: number): string {
  // Abort reasons are DOMExceptions, whose `code` is a legacy number: their `name` tells the kind.
  const fields = typeof error === 'object' && error !== null ? (error as { code?: unknown; name?: unknown }) : {};
  const code = typeof fields.code === 'string' ? fields.code : fields.name;
  switch (code) {
    case UNSUPPORTED_PROXY_CODE:
      return `could not reach the token endpoint ${label}: ${(error as Error).message}`;
    case 'ECONNREFUSED':
      return `could not reach the token endpoint ${label}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `could not reach the token endpoint ${label}: its host name did not resolve`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
    case 'AbortError':
      return `the token endpoint ${label} did not answer within ${timeoutMs / 1000} s`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the token endpoint ${label} closed the connection`;
    default:
      return `could not reach the token endpoint ${label}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}
