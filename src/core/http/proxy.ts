import ipaddr from 'ipaddr.js';

/**
 * The HTTP proxies for outgoing requests, one per target scheme, and the hosts that bypass them. A scheme
 * without a proxy goes direct.
 */
export interface ProxyConfig {
  /** Proxy URL for `http://` targets, `http://[user:pass@]host:port` (or https://). */
  readonly http?: string;
  /** Proxy URL for `https://` targets (tunnelled with CONNECT). */
  readonly https?: string;
  /** Hosts that bypass the proxy: `*`, `example.com` (and its subdomains), `.example.com`, `host:port`, IPs, CIDRs. */
  readonly noProxy?: readonly string[];
  /** Verify the proxy's own TLS certificate (https:// proxies); default true. */
  readonly strictSSL?: boolean;
}

/** The `code` of the error raised for a proxy URL that is not http:// or https://. */
export const UNSUPPORTED_PROXY_CODE = 'ERR_PROXY_SCHEME';

function trimmed(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/** A variable by its conventional names: the lower-case one wins when both are set (and not empty). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return trimmed(env[name.toLowerCase()]) ?? trimmed(env[name.toUpperCase()]);
}

/** A proxy address as given, with `http://` put in front when it names no scheme (`proxy:3128`). */
export function proxyUrl(value: string): string {
  const text = value.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
}

/** Splits a NO_PROXY-style list (commas and/or whitespace) into its entries. */
export function parseNoProxy(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * The proxies the environment configures, or undefined when none is set: `http_proxy` for http:// targets,
 * `https_proxy` for https:// targets, `all_proxy` for a scheme without its own, each in either case with
 * the lower-case name winning, and `no_proxy` for the hosts that bypass them.
 */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxyConfig | undefined {
  const all = envValue(env, 'all_proxy');
  const http = envValue(env, 'http_proxy') ?? all;
  const https = envValue(env, 'https_proxy') ?? all;
  if (http === undefined && https === undefined) return undefined;
  const noProxy = envValue(env, 'no_proxy');
  return {
    ...(http !== undefined ? { http: proxyUrl(http) } : {}),
    ...(https !== undefined ? { https: proxyUrl(https) } : {}),
    ...(noProxy !== undefined ? { noProxy: parseNoProxy(noProxy) } : {}),
  };
}

/** The proxy URL a request to `url` goes through under `config`, or undefined when it goes direct. */
export function proxyFor(url: URL, config: ProxyConfig | undefined): string | undefined {
  if (config === undefined) return undefined;
  const proxy = url.protocol === 'https:' ? config.https : url.protocol === 'http:' ? config.http : undefined;
  if (proxy === undefined || proxy === '' || bypassesProxy(url, config.noProxy)) return undefined;
  return proxy;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function bareHost(hostname: string): string {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return host.toLowerCase().replace(/\.$/, '');
}

function splitEntry(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return bracketed[2] ? { host: bracketed[1]!, port: bracketed[2] } : { host: bracketed[1]! };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1]!, port: withPort[2]! };
  return { host: entry };
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (ipaddr.isValidCIDR(pattern)) {
    if (!ipaddr.isValid(host)) return false;
    const address = ipaddr.process(host);
    const [range, bits] = ipaddr.parseCIDR(pattern);
    const rangeV4 = range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() ? (range as ipaddr.IPv6).toIPv4Address() : range;
    return address.kind() === rangeV4.kind() && address.match(rangeV4, rangeV4.kind() === range.kind() ? bits : bits - 96);
  }
  const name = bareHost(pattern.replace(/^\*?\./, ''));
  if (ipaddr.isValid(host) && ipaddr.isValid(name)) return ipaddr.process(host).toString() === ipaddr.process(name).toString();
  return host === name || host.endsWith(`.${name}`);
}

/** True when a request to `url` must bypass the proxy according to the `noProxy` entries. */
export function bypassesProxy(url: URL, noProxy: readonly string[] | undefined): boolean {
  if (!noProxy || noProxy.length === 0) return false;
  const host = bareHost(url.hostname);
  const port = url.port || defaultPort(url.protocol);
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry === '*') return true;
    const { host: pattern, port: wanted } = splitEntry(entry);
    if (wanted !== undefined && wanted !== port) return false;
    return hostMatches(host, pattern);
  });
}
