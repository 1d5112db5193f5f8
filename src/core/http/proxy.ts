import ipaddr from 'ipaddr.js';

/** An HTTP proxy for outgoing requests and the hosts that bypass it. */
export interface ProxyConfig {
  /** Proxy URL, `http://[user:pass@]host:port` (or https://). */
  readonly url: string;
  /** Hosts that bypass the proxy: `*`, `example.com` (and its subdomains), `.example.com`, `host:port`, IPs, CIDRs. */
  readonly noProxy?: readonly string[];
  /** Verify the proxy's own TLS certificate (https:// proxies); default true. */
  readonly strictSSL?: boolean;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Splits a NO_PROXY-style list (commas and/or whitespace) into its entries. */
export function parseNoProxy(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * The proxy configured by `HTTPS_PROXY` / `HTTP_PROXY` (either case; HTTPS_PROXY wins) and `NO_PROXY`,
 * or undefined when none is set.
 */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxyConfig | undefined {
  const url = envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy');
  if (!url) return undefined;
  const noProxy = envValue(env, 'no_proxy');
  return noProxy ? { url, noProxy: parseNoProxy(noProxy) } : { url };
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
