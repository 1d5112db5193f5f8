import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSender, bypassesProxy, parseNoProxy, proxyFor, proxyFromEnv } from '../../src/core/http/index';
import type { ProxyConfig } from '../../src/core/http/index';
import type { SendResult } from '../../src/core/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startForwardProxy, startHttpServer, startHttpsServer } from './helpers/servers';
import type { ForwardProxy, TestServer } from './helpers/servers';

const BOUND = { timeout: 10_000 };

describe('proxyFromEnv', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, ProxyConfig | undefined]> = [
    ['no variables', {}, undefined],
    ['empty variables', { HTTPS_PROXY: ' ', HTTP_PROXY: '', ALL_PROXY: '' }, undefined],
    ['NO_PROXY alone sets no proxy', { NO_PROXY: 'a.com' }, undefined],
    ['HTTPS_PROXY is for https targets only', { HTTPS_PROXY: 'http://proxy:3128' }, { https: 'http://proxy:3128' }],
    ['HTTP_PROXY is for http targets only', { HTTP_PROXY: 'http://proxy:8080' }, { http: 'http://proxy:8080' }],
    ['lower-case http_proxy', { http_proxy: 'http://proxy:8080' }, { http: 'http://proxy:8080' }],
    ['one of each', { HTTP_PROXY: 'http://a:1', https_proxy: 'http://b:2' }, { http: 'http://a:1', https: 'http://b:2' }],
    ['lower-case wins over upper-case', { HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2' }, { http: 'http://lower:2' }],
    ['lower-case https_proxy wins too', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, { https: 'http://lower:2' }],
    ['an empty lower-case name leaves the upper-case one', { http_proxy: ' ', HTTP_PROXY: 'http://upper:1' }, { http: 'http://upper:1' }],
    ['ALL_PROXY serves both schemes', { ALL_PROXY: 'http://all:9' }, { http: 'http://all:9', https: 'http://all:9' }],
    ['all_proxy wins over ALL_PROXY', { ALL_PROXY: 'http://upper:9', all_proxy: 'http://lower:9' }, { http: 'http://lower:9', https: 'http://lower:9' }],
    [
      'ALL_PROXY only fills the scheme without its own',
      { ALL_PROXY: 'http://all:9', HTTPS_PROXY: 'http://s:2' },
      { http: 'http://all:9', https: 'http://s:2' },
    ],
    ['a proxy without a scheme is http://', { HTTP_PROXY: 'proxy.corp:3128' }, { http: 'http://proxy.corp:3128' }],
    ['an https:// proxy is kept as is', { HTTPS_PROXY: 'https://proxy.corp:443' }, { https: 'https://proxy.corp:443' }],
    [
      'NO_PROXY with commas and spaces',
      { HTTP_PROXY: 'http://p:1', no_proxy: 'a.com, .b.com  c.com,,' },
      { http: 'http://p:1', noProxy: ['a.com', '.b.com', 'c.com'] },
    ],
    ['no_proxy wins over NO_PROXY', { HTTP_PROXY: 'http://p:1', NO_PROXY: 'upper.com', no_proxy: 'lower.com' }, { http: 'http://p:1', noProxy: ['lower.com'] }],
  ];
  for (const [name, env, expected] of cases) {
    test(name, () => assert.deepEqual(proxyFromEnv(env), expected));
  }
});

describe('proxyFor: the proxy of a target under the environment', () => {
  const env = { HTTP_PROXY: 'http://plain:1', HTTPS_PROXY: 'http://secure:2', NO_PROXY: 'internal.corp,10.0.0.0/8,api.example.com:8443' };
  const cases: Array<[NodeJS.ProcessEnv, string, string | undefined]> = [
    [env, 'http://receiver.example/hook', 'http://plain:1'],
    [env, 'https://receiver.example/hook', 'http://secure:2'],
    [env, 'http://svc.internal.corp/', undefined],
    [env, 'https://internal.corp/', undefined],
    [env, 'http://10.2.3.4/', undefined],
    [env, 'https://api.example.com:8443/', undefined],
    [env, 'https://api.example.com/', 'http://secure:2'],
    [{ HTTPS_PROXY: 'http://secure:2' }, 'http://receiver.example/', undefined],
    [{ HTTP_PROXY: 'http://plain:1' }, 'https://receiver.example/', undefined],
    [{ ALL_PROXY: 'http://all:3', HTTP_PROXY: 'http://plain:1' }, 'https://receiver.example/', 'http://all:3'],
    [{ ALL_PROXY: 'http://all:3', HTTP_PROXY: 'http://plain:1' }, 'http://receiver.example/', 'http://plain:1'],
    [{ ALL_PROXY: 'http://all:3', NO_PROXY: '*' }, 'https://receiver.example/', undefined],
    [{}, 'https://receiver.example/', undefined],
  ];
  for (const [vars, url, expected] of cases) {
    test(`${JSON.stringify(vars)}: ${url} → ${expected ?? 'direct'}`, () => assert.equal(proxyFor(new URL(url), proxyFromEnv(vars)), expected));
  }
});

describe('bypassesProxy', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'https://anything.example/', true],
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['example.com', 'https://badexample.com/', false],
    ['.example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://example.com/', true],
    ['*.example.com', 'https://deep.api.example.com/', true],
    ['EXAMPLE.com', 'https://Example.COM/', true],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:443', 'https://example.com/', true],
    ['10.0.0.0/8', 'http://10.1.2.3/', true],
    ['10.0.0.0/8', 'http://11.1.2.3/', false],
    ['127.0.0.1', 'http://127.0.0.1:9000/', true],
    ['[::1]', 'http://[::1]:9000/', true],
    ['::1', 'http://[::1]/', true],
    ['localhost', 'http://localhost:3000/', true],
    ['other.com', 'https://example.com/', false],
  ];
  for (const [entry, url, expected] of cases) {
    test(`${entry} ${expected ? 'bypasses' : 'does not bypass'} ${url}`, () => {
      assert.equal(bypassesProxy(new URL(url), parseNoProxy(entry)), expected);
    });
  }
  test('no list bypasses nothing', () => assert.equal(bypassesProxy(new URL('http://a.com'), undefined), false));
});

describe('sending through a proxy', () => {
  let proxy: TestServer;
  let target: TestServer;
  const seen: Array<{ url: string; host?: string; auth?: string; trace?: string; dup?: string[] }> = [];
  before(async () => {
    // A forward proxy that answers for its targets itself: enough to see what a client sends it.
    proxy = await startHttpServer((req, res) => {
      seen.push({
        url: req.url ?? '',
        host: req.headers.host,
        auth: req.headers['proxy-authorization'],
        trace: req.headers['x-trace'] as string | undefined,
        dup: req.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1] === 'X-Dup'),
      });
      res.end(`via proxy ${req.method} ${req.url}`);
    });
    target = await startHttpServer((_req, res) => res.end('direct'));
  });
  after(async () => {
    await proxy.close();
    await target.close();
  });

  function bodyOf(result: SendResult): string {
    assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
    return Buffer.from(result.response.body).toString();
  }

  test('an http:// request goes to the proxy in absolute form, headers intact', BOUND, async () => {
    const sender = new HttpSender({ proxy: { http: proxy.origin } });
    try {
      const result = await sender.send({
        method: 'POST',
        url: 'http://receiver.invalid/hook?x=1',
        headers: [
          ['X-Dup', 'a'],
          ['X-Trace', 't-1'],
          ['X-Dup', 'b'],
        ],
        body: '{}',
      });
      assert.equal(bodyOf(result), 'via proxy POST http://receiver.invalid/hook?x=1');
      assert.deepEqual(seen.at(-1), {
        url: 'http://receiver.invalid/hook?x=1',
        host: 'receiver.invalid',
        auth: undefined,
        trace: 't-1',
        dup: ['a', 'b'],
      });
    } finally {
      await sender.close();
    }
  });

  test('credentials in the proxy URL become Proxy-Authorization', BOUND, async () => {
    const withAuth = proxy.origin.replace('http://', 'http://user:p%40ss@');
    const sender = new HttpSender({ proxy: { http: withAuth } });
    try {
      bodyOf(await sender.send({ method: 'GET', url: 'http://receiver.invalid/', headers: [], body: null }));
      assert.equal(seen.at(-1)?.auth, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    } finally {
      await sender.close();
    }
  });

  test('a host on the no-proxy list is sent directly', BOUND, async () => {
    const sender = new HttpSender({ proxy: { http: proxy.origin, noProxy: ['127.0.0.1'] } });
    try {
      const before = proxy.connections();
      assert.equal(bodyOf(await sender.send({ method: 'GET', url: target.origin, headers: [], body: null })), 'direct');
      assert.equal(proxy.connections(), before);
    } finally {
      await sender.close();
    }
  });

  test('an always-allowed origin (the local inbox) is never proxied', BOUND, async () => {
    const sender = new HttpSender({ proxy: { http: proxy.origin }, alwaysAllowedOrigins: [target.origin] });
    try {
      assert.equal(bodyOf(await sender.send({ method: 'GET', url: target.origin, headers: [], body: null })), 'direct');
    } finally {
      await sender.close();
    }
  });

  test('a proxy that refuses connections is named in the error', BOUND, async () => {
    const sender = new HttpSender({ proxy: { http: 'http://127.0.0.1:1' } });
    try {
      const result = await sender.send({ method: 'GET', url: 'http://receiver.invalid/', headers: [], body: null });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'refused');
      assert.match(!result.ok ? result.error.message : '', /the proxy 127\.0\.0\.1:1/);
    } finally {
      await sender.close();
    }
  });

  test('under the block policy a private target is refused before reaching the proxy', BOUND, async () => {
    const sender = new HttpSender({ proxy: { http: proxy.origin }, privateAddresses: 'block' });
    try {
      const before = proxy.connections();
      const result = await sender.send({ method: 'GET', url: `http://localhost:${target.port}/`, headers: [], body: null });
      assert.equal(!result.ok && result.error.code, 'blocked-address');
      assert.equal(proxy.connections(), before);
    } finally {
      await sender.close();
    }
  });
});

describe('each target scheme through its own proxy', () => {
  let httpTarget: TestServer;
  let httpsTarget: TestServer;
  let plainProxy: ForwardProxy;
  let secureProxy: ForwardProxy;
  // Names only the proxies resolve: a request that bypassed its proxy would fail to resolve them.
  const route = (hostPort: string): { host: string; port: number } | undefined =>
    hostPort === 'receiver.invalid:80'
      ? { host: '127.0.0.1', port: httpTarget.port }
      : hostPort === 'secure.invalid:443'
        ? { host: '127.0.0.1', port: httpsTarget.port }
        : undefined;

  before(async () => {
    const tls = {
      key: readFileSync(join(__dirname, '..', 'fixtures', 'tls', 'testOnlySelfSigned.key.pem')),
      cert: readFileSync(join(__dirname, '..', 'fixtures', 'tls', 'testOnlySelfSigned.cert.pem')),
    };
    httpTarget = await startHttpServer((req, res) => {
      if (req.url === '/go') {
        res.writeHead(302, { location: 'https://secure.invalid/landed' });
        res.end();
        return;
      }
      res.end(`http target ${req.url ?? ''}`);
    });
    httpsTarget = await startHttpsServer(tls, (req, res) => res.end(`https target ${req.url ?? ''}`));
    plainProxy = await startForwardProxy(route);
    secureProxy = await startForwardProxy(route);
  });
  after(async () => {
    await plainProxy.close();
    await secureProxy.close();
    await httpTarget.close();
    await httpsTarget.close();
  });

  const bothProxies = (): NodeJS.ProcessEnv => ({ HTTP_PROXY: plainProxy.origin, HTTPS_PROXY: secureProxy.origin });

  async function sendWith(env: NodeJS.ProcessEnv, url: string, followRedirects = false): Promise<SendResult> {
    // The https target's certificate is a self-signed test one; the tunnel is what is under test.
    const sender = new HttpSender({ proxy: proxyFromEnv(env), rejectUnauthorized: false });
    try {
      return await sender.send({ method: 'GET', url, headers: [], body: null }, { followRedirects });
    } finally {
      await sender.close();
    }
  }

  function bodyOf(result: SendResult): string {
    assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
    return Buffer.from(result.response.body).toString();
  }

  test('an http:// target goes through HTTP_PROXY, not HTTPS_PROXY', BOUND, async () => {
    plainProxy.seen.length = 0;
    secureProxy.seen.length = 0;
    const before = secureProxy.connections();
    assert.equal(bodyOf(await sendWith(bothProxies(), 'http://receiver.invalid/a')), 'http target /a');
    assert.deepEqual(plainProxy.seen, ['GET http://receiver.invalid/a']);
    assert.deepEqual(secureProxy.seen, []);
    assert.equal(secureProxy.connections(), before);
  });

  test('an https:// target is tunnelled through HTTPS_PROXY, not HTTP_PROXY', BOUND, async () => {
    plainProxy.seen.length = 0;
    secureProxy.seen.length = 0;
    const before = plainProxy.connections();
    assert.equal(bodyOf(await sendWith(bothProxies(), 'https://secure.invalid/b')), 'https target /b');
    assert.deepEqual(secureProxy.seen, ['CONNECT secure.invalid:443']);
    assert.deepEqual(plainProxy.seen, []);
    assert.equal(plainProxy.connections(), before);
  });

  test('a redirect from http:// to https:// takes the proxy of each hop', BOUND, async () => {
    plainProxy.seen.length = 0;
    secureProxy.seen.length = 0;
    const result = await sendWith(bothProxies(), 'http://receiver.invalid/go', true);
    assert.equal(bodyOf(result), 'https target /landed');
    assert.deepEqual(plainProxy.seen, ['GET http://receiver.invalid/go']);
    assert.deepEqual(secureProxy.seen, ['CONNECT secure.invalid:443']);
  });

  test('with only HTTPS_PROXY set, an http:// target goes direct', BOUND, async () => {
    const before = secureProxy.connections();
    assert.equal(bodyOf(await sendWith({ HTTPS_PROXY: secureProxy.origin }, `${httpTarget.origin}/c`)), 'http target /c');
    assert.equal(secureProxy.connections(), before);
  });

  test('ALL_PROXY carries both schemes when neither has its own', BOUND, async () => {
    plainProxy.seen.length = 0;
    const env = { ALL_PROXY: plainProxy.origin };
    assert.equal(bodyOf(await sendWith(env, 'http://receiver.invalid/d')), 'http target /d');
    assert.equal(bodyOf(await sendWith(env, 'https://secure.invalid/e')), 'https target /e');
    assert.deepEqual(plainProxy.seen, ['GET http://receiver.invalid/d', 'CONNECT secure.invalid:443']);
  });

  test('NO_PROXY sends a listed host direct whatever its scheme', BOUND, async () => {
    const before = [plainProxy.connections(), secureProxy.connections()];
    const env = { ...bothProxies(), NO_PROXY: '127.0.0.0/8' };
    assert.equal(bodyOf(await sendWith(env, `${httpTarget.origin}/f`)), 'http target /f');
    assert.equal(bodyOf(await sendWith(env, `${httpsTarget.origin}/g`)), 'https target /g');
    assert.deepEqual([plainProxy.connections(), secureProxy.connections()], before);
  });

  test('a proxy that is not http:// or https:// is refused with a message, not used', BOUND, async () => {
    const result = await sendWith({ ALL_PROXY: 'socks5://127.0.0.1:1080' }, 'http://receiver.invalid/');
    assert.equal(!result.ok && result.error.code, 'invalid-request');
    assert.match(!result.ok ? result.error.message : '', /uses socks5:.*only http:\/\/ and https:\/\/ proxies/);
  });
});
