import { Pool, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { proxyFor, UNSUPPORTED_PROXY_CODE } from './proxy';
import type { ProxyConfig } from './proxy';

/** How the proxy agents connect and wait. */
export interface ProxyAgentOptions {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Verify the target's TLS certificate (the proxy's own follows `ProxyConfig.strictSSL`). */
  readonly rejectUnauthorized: boolean;
}

/** A request's way through a proxy: the agent to dispatch it on, and the proxy's host:port for messages. */
export interface ProxyRoute {
  readonly dispatcher: Dispatcher;
  readonly proxy: string;
}

function hostPort(url: URL): string {
  return url.port ? url.host : `${url.host}:${url.protocol === 'https:' ? 443 : 80}`;
}

function unsupported(proxy: string): Error {
  let scheme = 'an unknown scheme';
  try {
    scheme = new URL(proxy).protocol;
  } catch {
    // The message then names no scheme.
  }
  return Object.assign(new Error(`the proxy URL uses ${scheme}; only http:// and https:// proxies are supported`), { code: UNSUPPORTED_PROXY_CODE });
}

/**
 * The proxy agents of a proxy configuration, one per proxy URL, made when first needed: the one place that
 * decides whether a request is proxied and builds the agent it goes through. The sender and the OAuth
 * token requests both route with it.
 */
export class ProxyRoutes {
  readonly #agents = new Map<string, ProxyAgent>();

  constructor(
    readonly config: ProxyConfig | undefined,
    private readonly options: ProxyAgentOptions,
  ) {}

  /**
   * The proxy a request to `url` goes through, or undefined when it goes direct. Throws (code
   * `ERR_PROXY_SCHEME`) when the configured proxy is not an http:// or https:// URL.
   */
  route(url: URL): ProxyRoute | undefined {
    const proxy = proxyFor(url, this.config);
    if (proxy === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(proxy);
    } catch {
      throw unsupported(proxy);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw unsupported(proxy);
    let agent = this.#agents.get(proxy);
    if (agent === undefined) {
      agent = this.#agent(proxy);
      this.#agents.set(proxy, agent);
    }
    return { dispatcher: agent, proxy: hostPort(parsed) };
  }

  #agent(uri: string): ProxyAgent {
    const { connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs, rejectUnauthorized } = this.options;
    const timeouts = { headersTimeout: headersTimeoutMs, bodyTimeout: bodyTimeoutMs };
    return new ProxyAgent({
      uri,
      ...timeouts,
      // Plain-http targets are forwarded (absolute-form request); https targets are tunnelled with CONNECT.
      proxyTunnel: false,
      proxyTls: { timeout: connectTimeoutMs, rejectUnauthorized: this.config?.strictSSL ?? true },
      requestTls: { timeout: connectTimeoutMs, rejectUnauthorized },
      factory: (origin: string | URL, opts: object) => new Pool(origin, { ...opts, ...timeouts }),
    });
  }

  /** Closes every proxy connection; in-flight requests fail. */
  async destroy(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((agent) => agent.destroy()));
  }

  /** Closes every proxy connection once its requests are done. */
  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }
}
