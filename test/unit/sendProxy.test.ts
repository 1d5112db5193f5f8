import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSender, bypassesProxy, parseNoProxy, proxyFromEnv } from '../../src/core/http/index';
import type { ProxyConfig } from '../../src/core/http/index';
import type { SendResult } from '../../src/core/types';
import { startHttpServer } from './helpers/servers';
import type { TestServer } from './helpers/servers';

const BOUND = { timeout: 10_000 };

describe('proxyFromEnv', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, ProxyConfig | undefined]> = [
    ['no variables', {}, undefined],
    ['empty variables', { HTTPS_PROXY: ' ', HTTP_PROXY: '' }, undefined],
    ['HTTPS_PROXY', { HTTPS_PROXY: 'http://proxy:3128' }, { url: 'http://proxy:3128' }],
    ['lower-case http_proxy', { http_proxy: 'http://proxy:8080' }, { url: 'http://proxy:8080' }],
    ['HTTPS_PROXY wins over HTTP_PROXY', { HTTP_PROXY: 'http://a:1', https_proxy: 'http://b:2' }, { url: 'http://b:2' }],
    [
      'NO_PROXY with commas and spaces',
      { HTTP_PROXY: 'http://p:1', no_proxy: 'a.com, .b.com  c.com,,' },
      { url: 'http://p:1', noProxy: ['a.com', '.b.com', 'c.com'] },
    ],
  ];
  for (const [name, env, expected] of cases) {
    test(name, () => assert.deepEqual(proxyFromEnv(env), expected));
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
    const sender = new HttpSender({ proxy: { url: proxy.origin } });
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
    const sender = new HttpSender({ proxy: { url: withAuth } });
    try {
      bodyOf(await sender.send({ method: 'GET', url: 'http://receiver.invalid/', headers: [], body: null }));
      assert.equal(seen.at(-1)?.auth, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    } finally {
      await sender.close();
    }
  });

  test('a host on the no-proxy list is sent directly', BOUND, async () => {
    const sender = new HttpSender({ proxy: { url: proxy.origin, noProxy: ['127.0.0.1'] } });
    try {
      const before = proxy.connections();
      assert.equal(bodyOf(await sender.send({ method: 'GET', url: target.origin, headers: [], body: null })), 'direct');
      assert.equal(proxy.connections(), before);
    } finally {
      await sender.close();
    }
  });

  test('an always-allowed origin (the local inbox) is never proxied', BOUND, async () => {
    const sender = new HttpSender({ proxy: { url: proxy.origin }, alwaysAllowedOrigins: [target.origin] });
    try {
      assert.equal(bodyOf(await sender.send({ method: 'GET', url: target.origin, headers: [], body: null })), 'direct');
    } finally {
      await sender.close();
    }
  });

  test('a proxy that refuses connections is named in the error', BOUND, async () => {
    const sender = new HttpSender({ proxy: { url: 'http://127.0.0.1:1' } });
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
    const sender = new HttpSender({ proxy: { url: proxy.origin }, privateAddresses: 'block' });
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
