/**
 * OAuth token requests go through the proxy as sends do: the scheme's proxy, the no-proxy list and the proxy's
 * strictSSL, with a real forward proxy and a real token endpoint on loopback.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { proxyFromEnv } from '../../src/core/http/proxy';
import type { ProxyConfig } from '../../src/core/http/proxy';
import { OAuthTokens } from '../../src/core/oauth';
import type { EnsureTokenResult } from '../../src/core/oauth';
import { mapSecretSource } from '../../src/core/secretSources';
import { readBody, startForwardProxy, startHttpServer, startHttpsServer } from './helpers/servers';
import type { ForwardProxy, TestServer } from './helpers/servers';

const BOUND = { timeout: 10_000 };
const CLIENT_SECRET = 'client-secret-9c1f';
const TLS = {
  key: readFileSync(join(__dirname, '..', 'fixtures', 'tls', 'testOnlySelfSigned.key.pem')),
  cert: readFileSync(join(__dirname, '..', 'fixtures', 'tls', 'testOnlySelfSigned.cert.pem')),
};

describe('OAuth token requests through a proxy', () => {
  let endpoint: TestServer;
  let secureEndpoint: TestServer;
  let proxy: ForwardProxy;
  let tlsProxy: ForwardProxy;
  const forms: string[] = [];
  // `auth.invalid` resolves only inside the proxies: a token request that went direct would fail.
  const route = (hostPort: string): { host: string; port: number } | undefined =>
    hostPort === 'auth.invalid:80'
      ? { host: '127.0.0.1', port: endpoint.port }
      : hostPort === 'secure-auth.invalid:443'
        ? { host: '127.0.0.1', port: secureEndpoint.port }
        : undefined;

  before(async () => {
    const answer = (body: string, res: import('node:http').ServerResponse): void => {
      forms.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `token-${forms.length}`, token_type: 'Bearer', expires_in: 3600 }));
    };
    endpoint = await startHttpServer((req, res) => void readBody(req).then((body) => answer(body, res)));
    secureEndpoint = await startHttpsServer(TLS, (req, res) => void readBody(req).then((body) => answer(body, res)));
    proxy = await startForwardProxy(route);
    tlsProxy = await startForwardProxy(route, TLS);
  });
  after(async () => {
    await proxy.close();
    await tlsProxy.close();
    await endpoint.close();
    await secureEndpoint.close();
  });
  beforeEach(() => {
    forms.length = 0;
    proxy.seen.length = 0;
    tlsProxy.seen.length = 0;
  });

  async function obtain(tokenUrl: string, proxyConfig: ProxyConfig | undefined): Promise<{ result: EnsureTokenResult; token: string | undefined }> {
    const tokens = new OAuthTokens({
      connections: [{ name: 'crm', tokenUrl, clientId: 'client', scopes: ['contacts.write'], clientSecretKey: 'CRM_SECRET' }],
      secrets: mapSecretSource(new Map([['CRM_SECRET', CLIENT_SECRET]])),
      ...(proxyConfig !== undefined ? { proxy: proxyConfig } : {}),
    });
    const result = await tokens.ensureToken('crm');
    return { result, token: tokens.token('crm') };
  }

  test('the token request goes through HTTP_PROXY for an http:// token URL', BOUND, async () => {
    const { result, token } = await obtain('http://auth.invalid/oauth/token', proxyFromEnv({ HTTP_PROXY: proxy.origin }));
    assert.deepEqual(result, { ok: true });
    assert.equal(token, 'token-1');
    assert.deepEqual(proxy.seen, ['POST http://auth.invalid/oauth/token']);
    assert.deepEqual(forms, ['grant_type=client_credentials&scope=contacts.write']);
  });

  test('a host on NO_PROXY gets its token request directly', BOUND, async () => {
    const before = proxy.connections();
    const { result, token } = await obtain(`${endpoint.origin}/oauth/token`, proxyFromEnv({ HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1' }));
    assert.deepEqual(result, { ok: true });
    assert.equal(token, 'token-1');
    assert.equal(proxy.connections(), before);
    assert.deepEqual(proxy.seen, []);
  });

  test('an http:// token URL does not use HTTPS_PROXY', BOUND, async () => {
    const before = proxy.connections();
    const { result } = await obtain(`${endpoint.origin}/oauth/token`, proxyFromEnv({ HTTPS_PROXY: proxy.origin }));
    assert.deepEqual(result, { ok: true });
    assert.equal(proxy.connections(), before);
  });

  test('an https:// token URL is tunnelled through HTTPS_PROXY, its certificate checked end to end', BOUND, async () => {
    const { result } = await obtain('https://secure-auth.invalid/oauth/token', proxyFromEnv({ HTTP_PROXY: 'http://127.0.0.1:1', HTTPS_PROXY: proxy.origin }));
    assert.deepEqual(proxy.seen, ['CONNECT secure-auth.invalid:443']);
    // The endpoint's certificate is a self-signed test one: the token request refuses it, through the tunnel too.
    assert.equal(result.ok, false);
    assert.equal(forms.length, 0);
    assert.match(!result.ok ? result.error.message : '', new RegExp(`through the proxy 127\\.0\\.0\\.1:${proxy.port}$`));
  });

  test("the proxy's strictSSL decides whether an https:// proxy with a self-signed certificate is used", BOUND, async () => {
    const strict = await obtain('http://auth.invalid/oauth/token', { http: tlsProxy.origin });
    assert.equal(strict.result.ok, false);
    assert.match(!strict.result.ok ? strict.result.error.message : '', /SELF_SIGNED.*through the proxy/);
    assert.deepEqual(tlsProxy.seen, []);
    const relaxed = await obtain('http://auth.invalid/oauth/token', { http: tlsProxy.origin, strictSSL: false });
    assert.deepEqual(relaxed.result, { ok: true });
    // Forwarded or tunnelled, the request reached auth.invalid only by way of the proxy.
    assert.equal(tlsProxy.seen.length, 1);
    assert.match(tlsProxy.seen[0]!, /auth\.invalid/);
  });

  test('a proxy that refuses connections is named in the message, and the secret is not', BOUND, async () => {
    const { result } = await obtain('http://auth.invalid/oauth/token', { http: 'http://127.0.0.1:1' });
    assert.equal(result.ok, false);
    const message = !result.ok ? `${result.error.message} ${result.error.hint}` : '';
    assert.match(message, /could not reach the token endpoint http:\/\/auth\.invalid\/oauth\/token: connection refused through the proxy 127\.0\.0\.1:1/);
    assert.ok(!message.includes(CLIENT_SECRET));
  });

  test('a proxy that is not http:// or https:// is reported, not used', BOUND, async () => {
    const { result } = await obtain('http://auth.invalid/oauth/token', proxyFromEnv({ ALL_PROXY: 'socks5://127.0.0.1:1080' }));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error.message : '', /uses socks5:; only http:\/\/ and https:\/\/ proxies are supported/);
  });
});
