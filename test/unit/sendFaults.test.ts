import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { HttpSender } from '../../src/core/http/index';
import type { SenderConfig, SendOptions } from '../../src/core/http/index';
import { describeFailure } from '../../src/core/http/errors';
import type { FailureContext } from '../../src/core/http/errors';
import type { PlainRequest, SendError, SendErrorCode, SendResult } from '../../src/core/types';
import { hostsLookup, readRawRequest, startHttpsServer, startRawServer, startStuckListener } from './helpers/servers';

const BOUND = { timeout: 15_000 };
const SECRET = 'SECRET123';
const TLS = {
  key: readFileSync(join(__dirname, '../fixtures/tls/testOnlySelfSigned.key.pem')),
  cert: readFileSync(join(__dirname, '../fixtures/tls/testOnlySelfSigned.cert.pem')),
};

function request(url: string): PlainRequest {
  return {
    method: 'POST',
    url,
    headers: [
      ['Authorization', `Bearer ${SECRET}`],
      ['Content-Type', 'application/json'],
    ],
    body: `{"token":"${SECRET}"}`,
  };
}

function failure(result: SendResult): SendError {
  assert.equal(result.ok, false, 'expected a failure');
  assert.equal(result.outcome, 'network-error');
  return result.error;
}

function assertNoSecret(error: SendError): void {
  assert.ok(!JSON.stringify(error).includes(SECRET), `secret leaked into ${JSON.stringify(error)}`);
  assert.ok(error.message.length > 0 && error.hint.length > 0);
}

/** Answers every request on a raw socket with `respond`, after reading the request. */
function rawAnswer(respond: (socket: Socket) => void): (socket: Socket) => void {
  return (socket) =>
    void readRawRequest(socket).then(
      () => respond(socket),
      () => undefined,
    );
}

interface FaultCase {
  readonly name: string;
  readonly code: SendErrorCode;
  readonly message?: RegExp;
  readonly server?: (socket: Socket) => void;
  readonly url?: (origin: string) => string;
  readonly config?: SenderConfig;
  readonly options?: SendOptions;
  readonly maxMs?: number;
  /** Runs an HTTPS server with the test-only self-signed certificate. */
  readonly tlsServer?: boolean;
}

const faults: FaultCase[] = [
  {
    name: 'headers that never arrive end in headers-timeout',
    code: 'headers-timeout',
    server: rawAnswer(() => undefined),
    config: { headersTimeoutMs: 200 },
    maxMs: 3_000,
  },
  {
    name: 'a body that stalls mid-way ends in body-timeout',
    code: 'body-timeout',
    server: rawAnswer((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + 'a'.repeat(100))),
    config: { bodyTimeoutMs: 200 },
    maxMs: 3_000,
  },
  {
    name: 'the overall deadline ends a request whose receiver never answers',
    code: 'timeout',
    message: /within 300 ms/,
    server: rawAnswer(() => undefined),
    options: { timeoutMs: 300 },
    maxMs: 3_000,
  },
  {
    name: 'the overall deadline also bounds a slow body',
    code: 'timeout',
    server: rawAnswer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
      const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write('a')), 20);
      s.on('close', () => clearInterval(drip));
    }),
    options: { timeoutMs: 400 },
    maxMs: 3_000,
  },
  {
    name: 'a reset in the middle of the body is reset',
    code: 'reset',
    message: /in the middle of the response/,
    server: rawAnswer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + 'a'.repeat(100));
      setTimeout(() => s.resetAndDestroy(), 50);
    }),
  },
  {
    name: 'chunked encoding cut off before the last chunk is reset mid-response',
    code: 'reset',
    message: /in the middle of the response/,
    server: rawAnswer((s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')),
  },
  {
    name: 'an invalid chunk size is a malformed response',
    code: 'malformed-response',
    message: /chunk size/,
    server: rawAnswer((s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n')),
  },
  {
    name: 'both Content-Length and Transfer-Encoding is a malformed response',
    code: 'malformed-response',
    message: /Content-Length/,
    server: rawAnswer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n')),
  },
  {
    name: 'a body shorter than its Content-Length is reported',
    code: 'reset',
    server: rawAnswer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort')),
  },
  {
    name: '100 KiB of response headers is a malformed response',
    code: 'malformed-response',
    message: /response headers too large/,
    server: rawAnswer((s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\nContent-Length: 2\r\n\r\nok`)),
  },
  {
    name: 'a garbage status line is a malformed response',
    code: 'malformed-response',
    server: rawAnswer((s) => s.end('SMTP ready\r\n\r\n')),
  },
  {
    name: 'a connection closed without any answer is reset',
    code: 'reset',
    message: /without a response/,
    server: rawAnswer((s) => s.end()),
  },
  {
    name: 'a refused connection is refused',
    code: 'refused',
    message: /Connection refused by 127\.0\.0\.1:1\b/,
    url: () => 'http://127.0.0.1:1/hook?token=SECRET123',
  },
  {
    name: 'a name that does not resolve is dns',
    code: 'dns',
    message: /no-such-receiver\.invalid/,
    url: () => `https://no-such-receiver.invalid/hook?token=${SECRET}`,
    config: { lookup: hostsLookup() },
  },
  {
    name: 'a self-signed certificate is tls-self-signed',
    code: 'tls-self-signed',
    message: /self-signed/,
    tlsServer: true,
  },
  {
    name: 'plain HTTP to an HTTPS port is reported, naming the port',
    code: 'reset',
    tlsServer: true,
    url: (origin) => origin.replace('https:', 'http:'),
  },
];

describe('network faults become classified errors', () => {
  for (const fault of faults) {
    test(fault.name, BOUND, async () => {
      const server = fault.tlsServer
        ? await startHttpsServer(TLS, (_req, res) => res.end('ok'))
        : fault.server
          ? await startRawServer(fault.server)
          : undefined;
      const sender = new HttpSender(fault.config);
      try {
        const url = fault.url ? fault.url(server?.origin ?? '') : `${server!.origin}/hook?token=${SECRET}`;
        const started = performance.now();
        const error = failure(await sender.send(request(url), fault.options));
        const elapsed = performance.now() - started;
        assert.equal(error.code, fault.code, `${error.code}: ${error.message}`);
        if (fault.message) assert.match(error.message, fault.message);
        assertNoSecret(error);
        assert.ok(elapsed < (fault.maxMs ?? 5_000), `took ${elapsed} ms`);
      } finally {
        await sender.close();
        await server?.close();
      }
    });
  }

  test('a listener that never accepts ends in connect-timeout', BOUND, async () => {
    const listener = await startStuckListener();
    const sender = new HttpSender({ connectTimeoutMs: 300 });
    try {
      const started = performance.now();
      const error = failure(await sender.send(request(`http://127.0.0.1:${listener.port}/`)));
      assert.equal(error.code, 'connect-timeout', error.message);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${listener.port}`));
      assertNoSecret(error);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      await sender.close();
      await listener.close();
    }
  });

  test('a self-signed certificate is accepted when verification is turned off', BOUND, async () => {
    const server = await startHttpsServer(TLS, (_req, res) => res.end('secure ok'));
    const sender = new HttpSender({ rejectUnauthorized: false });
    try {
      const result = await sender.send({ method: 'GET', url: server.origin, headers: [], body: null });
      assert.ok(result.ok);
      assert.equal(Buffer.from(result.response.body).toString(), 'secure ok');
    } finally {
      await sender.close();
      await server.close();
    }
  });

  const cancelCases: Array<[string, number]> = [
    ['a large body (streamed with progress)', 10 * 1024 * 1024],
    ['a small body (read whole)', 2_000],
  ];
  for (const [name, declared] of cancelCases) {
    test(`a user cancel in the middle of ${name} is cancelled, not timeout`, BOUND, async () => {
      const server = await startRawServer(rawAnswer((s) => s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${declared}\r\n\r\n` + 'a'.repeat(1000))));
      const sender = new HttpSender();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 300);
      try {
        const result = await sender.send(request(server.origin), {
          signal: controller.signal,
          onProgress: () => controller.abort(),
        });
        const error = failure(result);
        assert.equal(error.code, 'cancelled');
        assert.ok(result.timings.firstByteMs !== undefined, 'headers had arrived');
        assertNoSecret(error);
      } finally {
        clearTimeout(timer);
        await sender.close();
        await server.close();
      }
    });
  }

  test('a user cancel while waiting for headers is cancelled', BOUND, async () => {
    const server = await startRawServer(rawAnswer(() => undefined));
    const sender = new HttpSender();
    const controller = new AbortController();
    try {
      setTimeout(() => controller.abort(), 100);
      const error = failure(await sender.send(request(server.origin), { signal: controller.signal }));
      assert.equal(error.code, 'cancelled');
    } finally {
      await sender.close();
      await server.close();
    }
  });

  test('an already cancelled signal sends nothing', BOUND, async () => {
    const server = await startRawServer(rawAnswer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')));
    const sender = new HttpSender();
    try {
      const error = failure(await sender.send(request(server.origin), { signal: AbortSignal.abort() }));
      assert.equal(error.code, 'cancelled');
      assert.equal(server.connections(), 0);
    } finally {
      await sender.close();
      await server.close();
    }
  });

  test('a sender keeps working after a failure, and close ends open requests', BOUND, async () => {
    const server = await startRawServer(rawAnswer(() => undefined));
    const sender = new HttpSender();
    try {
      const pending = sender.send(request(server.origin));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sender.close();
      const error = failure(await pending);
      assertNoSecret(error);
    } finally {
      await server.close();
    }
  });
});

describe('error codes map to the documented classes', () => {
  const ctx: FailureContext = {
    host: 'hooks.example.com:443',
    headersReceived: false,
    timeoutMs: 30_000,
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    bodyTimeoutMs: 30_000,
  };
  const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });
  const cases: Array<[string, unknown, SendErrorCode]> = [
    ['ECONNREFUSED', withCode('ECONNREFUSED'), 'refused'],
    ['ENOTFOUND', withCode('ENOTFOUND'), 'dns'],
    ['EAI_AGAIN', withCode('EAI_AGAIN'), 'dns'],
    ['UND_ERR_CONNECT_TIMEOUT', withCode('UND_ERR_CONNECT_TIMEOUT'), 'connect-timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', withCode('UND_ERR_HEADERS_TIMEOUT'), 'headers-timeout'],
    ['UND_ERR_BODY_TIMEOUT', withCode('UND_ERR_BODY_TIMEOUT'), 'body-timeout'],
    ['ECONNRESET', withCode('ECONNRESET'), 'reset'],
    ['EPIPE', withCode('EPIPE'), 'reset'],
    ['UND_ERR_SOCKET', withCode('UND_ERR_SOCKET', 'other side closed'), 'reset'],
    ['CERT_HAS_EXPIRED', withCode('CERT_HAS_EXPIRED'), 'tls-expired'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls-self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', withCode('SELF_SIGNED_CERT_IN_CHAIN'), 'tls-self-signed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls-self-signed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls-hostname'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    ['HPE_INVALID_CHUNK_SIZE', withCode('HPE_INVALID_CHUNK_SIZE'), 'malformed-response'],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', withCode('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'malformed-response'],
    ['UND_ERR_HEADERS_OVERFLOW', withCode('UND_ERR_HEADERS_OVERFLOW'), 'malformed-response'],
    ['UND_ERR_INVALID_ARG', withCode('UND_ERR_INVALID_ARG'), 'invalid-request'],
    ['a code found only on the cause', Object.assign(new Error('fetch failed'), { cause: withCode('ECONNREFUSED') }), 'refused'],
    ['a code inside an aggregate error', Object.assign(new AggregateError([withCode('ECONNREFUSED')]), {}), 'refused'],
    ['no code at all', new Error(`boom ${SECRET}`), 'unknown'],
    ['a thrown string', `boom ${SECRET}`, 'unknown'],
  ];
  for (const [name, err, code] of cases) {
    test(`${name} → ${code}`, () => {
      const error = describeFailure(err, ctx);
      assert.equal(error.code, code);
      assertNoSecret(error);
    });
  }

  test('the deadline and the user cancel win over whatever error undici raised', () => {
    assert.equal(describeFailure(withCode('UND_ERR_ABORTED'), { ...ctx, stopped: 'timeout' }).code, 'timeout');
    assert.equal(describeFailure(withCode('UND_ERR_ABORTED'), { ...ctx, stopped: 'cancelled' }).code, 'cancelled');
  });

  test('connection failures through a proxy name the proxy', () => {
    const error = describeFailure(withCode('ECONNREFUSED'), { ...ctx, proxy: 'proxy.corp:3128' });
    assert.match(error.message, /the proxy proxy\.corp:3128/);
  });
});
