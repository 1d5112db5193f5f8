import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSender } from '../../src/core/http/index';
import type { PrivateAddressPolicy } from '../../src/core/http/index';
import type { SendResult } from '../../src/core/types';
import { startHttpServer } from './helpers/servers';
import type { TestServer } from './helpers/servers';

const BOUND = { timeout: 10_000 };

function errorCode(result: SendResult): string {
  return result.ok ? `ok ${result.response.status}` : result.error.code;
}

describe('private network policy', () => {
  let server: TestServer;
  before(async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
  });
  after(() => server.close());

  const blockedUrls: Array<[string, (port: number) => string]> = [
    ['127.0.0.1', (port) => `http://127.0.0.1:${port}/hook`],
    ['localhost (resolved, then refused)', (port) => `http://localhost:${port}/hook`],
    ['IPv4-mapped [::ffff:127.0.0.1]', (port) => `http://[::ffff:127.0.0.1]:${port}/hook`],
  ];
  for (const [name, url] of blockedUrls) {
    test(`block refuses ${name} with blocked-address and never connects`, BOUND, async () => {
      const sender = new HttpSender({ privateAddresses: 'block' });
      try {
        const before = server.connections();
        const result = await sender.send({ method: 'GET', url: url(server.port), headers: [['Authorization', 'Bearer SECRET123']], body: null });
        assert.equal(errorCode(result), 'blocked-address');
        assert.ok(!result.ok && /private network policy/.test(result.error.message));
        assert.ok(!JSON.stringify(result).includes('SECRET123'));
        assert.equal(server.connections(), before);
      } finally {
        await sender.close();
      }
    });
  }

  test('block lets an always-allowed origin through', BOUND, async () => {
    const sender = new HttpSender({ privateAddresses: 'block', alwaysAllowedOrigins: [`${server.origin}/`] });
    try {
      assert.equal(errorCode(await sender.send({ method: 'GET', url: `${server.origin}/inbox`, headers: [], body: null })), 'ok 200');
    } finally {
      await sender.close();
    }
  });

  test('an always-allowed origin covers only its own port', BOUND, async () => {
    const sender = new HttpSender({ privateAddresses: 'block', alwaysAllowedOrigins: [`http://127.0.0.1:${server.port + 1}`] });
    try {
      assert.equal(errorCode(await sender.send({ method: 'GET', url: server.origin, headers: [], body: null })), 'blocked-address');
    } finally {
      await sender.close();
    }
  });

  for (const policy of ['warn', 'allow'] as PrivateAddressPolicy[]) {
    test(`${policy} sends to a private address`, BOUND, async () => {
      const sender = new HttpSender({ privateAddresses: policy });
      try {
        assert.equal(errorCode(await sender.send({ method: 'GET', url: `http://localhost:${server.port}/`, headers: [], body: null })), 'ok 200');
      } finally {
        await sender.close();
      }
    });
  }

  test('each redirect hop is checked again', BOUND, async () => {
    const allowed = await startHttpServer((_req, res) => res.writeHead(302, { Location: `http://localhost:${server.port}/internal` }).end());
    const sender = new HttpSender({ privateAddresses: 'block', alwaysAllowedOrigins: [allowed.origin] });
    try {
      const before = server.connections();
      const result = await sender.send({ method: 'GET', url: allowed.origin, headers: [], body: null }, { followRedirects: true });
      assert.equal(errorCode(result), 'blocked-address');
      assert.equal(server.connections(), before);
    } finally {
      await sender.close();
      await allowed.close();
    }
  });
});
