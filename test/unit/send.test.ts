import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpSender, classifyStatus } from '../../src/core/http/index';
import type { PlainRequest, SendResult } from '../../src/core/types';
import { readBody, readRawRequest, startHttpServer, startRawServer } from './helpers/servers';
import type { TestServer } from './helpers/servers';

const BOUND = { timeout: 10_000 };

function okResponse(result: SendResult) {
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
  return result.response;
}

function text(body: Uint8Array): string {
  return Buffer.from(body).toString('utf8');
}

describe('classifyStatus', () => {
  const cases: Array<[number, string]> = [
    [200, 'accepted'],
    [204, 'accepted'],
    [299, 'accepted'],
    [301, 'redirect'],
    [308, 'redirect'],
    [400, 'rejected'],
    [401, 'rejected'],
    [499, 'rejected'],
    [500, 'receiver-error'],
    [503, 'receiver-error'],
    [600, 'receiver-error'],
  ];
  for (const [status, outcome] of cases) {
    test(`${status} is ${outcome}`, () => assert.equal(classifyStatus(status), outcome));
  }
});

describe('sending a request', () => {
  const sender = new HttpSender();
  after(() => sender.close());

  test('puts headers in the given order and case and the body as UTF-8, adding only host, connection and length', BOUND, async () => {
    let captured: Buffer = Buffer.alloc(0);
    const server = await startRawServer((socket) => {
      void readRawRequest(socket).then((bytes) => {
        captured = bytes;
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    try {
      const body = '{"name":"Zoë 😀","note":"line\\nbreak"}';
      const result = await sender.send({
        method: 'POST',
        url: `${server.origin}/hook?a=1&b=%C3%A9`,
        headers: [
          ['X-First', '1'],
          ['x-second', 'Two  spaces'],
          ['Content-Type', 'application/json; charset=utf-8'],
          ['X-First', 'again'],
        ],
        body,
      });
      okResponse(result);
      const length = Buffer.byteLength(body, 'utf8');
      const expectedHead =
        `POST /hook?a=1&b=%C3%A9 HTTP/1.1\r\n` +
        `host: 127.0.0.1:${server.port}\r\n` +
        `connection: keep-alive\r\n` +
        `X-First: 1\r\n` +
        `x-second: Two  spaces\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n` +
        `X-First: again\r\n` +
        `content-length: ${length}\r\n\r\n`;
      assert.equal(captured.subarray(0, captured.length - length).toString('latin1'), expectedHead);
      assert.deepEqual(captured.subarray(captured.length - length), Buffer.from(body, 'utf8'));
    } finally {
      await server.close();
    }
  });

  test('returns status, headers in received order and case, body, timings and outcome', BOUND, async () => {
    const server = await startRawServer((socket) => {
      void readRawRequest(socket).then(() => socket.end('HTTP/1.1 201 Created\r\nX-B: 2\r\nx-a: 1\r\nContent-Length: 5\r\n\r\nhello'));
    });
    try {
      const result = await sender.send({ method: 'GET', url: server.origin, headers: [], body: null });
      const response = okResponse(result);
      assert.equal(response.status, 201);
      assert.equal(response.statusText, 'Created');
      assert.deepEqual(response.headers, [
        ['X-B', '2'],
        ['x-a', '1'],
        ['Content-Length', '5'],
      ]);
      assert.equal(text(response.body), 'hello');
      assert.equal(response.size, 5);
      assert.equal(response.fullSize, 5);
      assert.equal(response.truncated, false);
      assert.equal(result.outcome, 'accepted');
      assert.ok(result.timings.firstByteMs !== undefined && result.timings.firstByteMs <= result.timings.totalMs);
    } finally {
      await server.close();
    }
  });

  test('reuses one connection for the session', BOUND, async () => {
    const server = await startHttpServer((_req, res) => res.end('ok'));
    try {
      for (let i = 0; i < 3; i++) {
        okResponse(await sender.send({ method: 'GET', url: server.origin, headers: [], body: null }));
        // The pool hands a finished connection back one event loop turn after the response ends.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(server.connections(), 1);
    } finally {
      await server.close();
    }
  });

  const statusCases: Array<[number, string]> = [
    [401, 'rejected'],
    [422, 'rejected'],
    [500, 'receiver-error'],
    [502, 'receiver-error'],
  ];
  for (const [status, outcome] of statusCases) {
    test(`a ${status} answer is a response with outcome ${outcome}, not an error`, BOUND, async () => {
      const server = await startHttpServer((_req, res) => {
        res.statusCode = status;
        res.end('{"error":"nope"}');
      });
      try {
        const result = await sender.send({ method: 'POST', url: server.origin, headers: [], body: '{}' });
        assert.equal(okResponse(result).status, status);
        assert.equal(result.outcome, outcome);
      } finally {
        await server.close();
      }
    });
  }

  test('skips a 103 Early Hints interim response', BOUND, async () => {
    const server = await startRawServer((socket) => {
      void readRawRequest(socket).then(() =>
        socket.end('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' + 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal'),
      );
    });
    try {
      const response = okResponse(await sender.send({ method: 'GET', url: server.origin, headers: [], body: null }));
      assert.equal(response.status, 200);
      assert.equal(text(response.body), 'final');
      assert.ok(!response.headers.some(([name]) => name === 'Link'));
    } finally {
      await server.close();
    }
  });

  test('reports an unsolicited 100 Continue as a malformed response', BOUND, async () => {
    const server = await startRawServer((socket) => {
      void readRawRequest(socket).then(() => socket.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    });
    try {
      const result = await sender.send({ method: 'POST', url: server.origin, headers: [], body: 'x' });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'malformed-response');
    } finally {
      await server.close();
    }
  });
});

describe('response bodies', () => {
  const sender = new HttpSender();
  let server: TestServer;
  const payload = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i} é` })) });
  const encoded: Record<string, Buffer> = {
    gzip: gzipSync(payload),
    deflate: deflateSync(payload),
    'deflate-raw': deflateRawSync(payload),
    br: brotliCompressSync(payload),
    'gzip-corrupt': Buffer.concat([gzipSync(payload).subarray(0, 20), Buffer.alloc(50, 7)]),
  };
  before(async () => {
    server = await startHttpServer((req, res) => {
      const kind = req.url!.slice(1);
      if (kind === 'empty-gzip') {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': '0' }).end();
        return;
      }
      if (kind === 'unknown') {
        res.writeHead(200, { 'Content-Encoding': 'zstd' }).end('raw bytes');
        return;
      }
      if (kind === 'two-layers') {
        res.writeHead(200, { 'Content-Encoding': 'deflate, gzip' }).end(gzipSync(deflateSync(payload)));
        return;
      }
      const body = encoded[kind]!;
      const header = kind.startsWith('deflate') ? 'deflate' : kind.startsWith('gzip') ? 'gzip' : kind;
      res.writeHead(200, { 'Content-Encoding': header, 'Content-Length': String(body.length) }).end(body);
    });
  });
  after(async () => {
    await sender.close();
    await server.close();
  });

  for (const kind of ['gzip', 'deflate', 'deflate-raw', 'br', 'two-layers']) {
    test(`decodes a ${kind} body`, BOUND, async () => {
      const response = okResponse(await sender.send({ method: 'GET', url: `${server.origin}/${kind}`, headers: [], body: null }));
      assert.equal(text(response.body), payload);
      assert.equal(response.size, Buffer.byteLength(payload));
      assert.equal(response.truncated, false);
    });
  }

  test('applies the cap to the decoded size and marks the body truncated', BOUND, async () => {
    const response = okResponse(await sender.send({ method: 'GET', url: `${server.origin}/gzip`, headers: [], body: null }, { maxBodyBytes: 100 }));
    assert.equal(response.size, 100);
    assert.equal(response.truncated, true);
    assert.deepEqual(Buffer.from(response.body), Buffer.from(payload).subarray(0, 100));
    assert.equal(response.fullSize, undefined);
  });

  test('an empty gzip body is an empty body', BOUND, async () => {
    const response = okResponse(await sender.send({ method: 'GET', url: `${server.origin}/empty-gzip`, headers: [], body: null }));
    assert.equal(response.size, 0);
  });

  test('keeps a body with an unknown coding as received', BOUND, async () => {
    const response = okResponse(await sender.send({ method: 'GET', url: `${server.origin}/unknown`, headers: [], body: null }));
    assert.equal(text(response.body), 'raw bytes');
  });

  test('a body that does not decode is a malformed response', BOUND, async () => {
    const result = await sender.send({ method: 'GET', url: `${server.origin}/gzip-corrupt`, headers: [], body: null });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'malformed-response');
    assert.match(!result.ok ? result.error.message : '', /gzip/);
  });

  test('reports progress as the body arrives', BOUND, async () => {
    const seen: number[] = [];
    const response = okResponse(await sender.send({ method: 'GET', url: `${server.origin}/br`, headers: [], body: null }, { onProgress: (n) => seen.push(n) }));
    assert.ok(seen.length > 0);
    assert.equal(seen.at(-1), response.size);
  });
});

describe('redirects', () => {
  const sender = new HttpSender();
  after(() => sender.close());

  test('are not followed by default: the 3xx comes back with its Location', BOUND, async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(302, { Location: '/elsewhere' }).end());
    try {
      const result = await sender.send({ method: 'POST', url: server.origin, headers: [], body: '{}' });
      const response = okResponse(result);
      assert.equal(response.status, 302);
      assert.equal(result.outcome, 'redirect');
      assert.deepEqual(response.redirects, []);
      assert.ok(response.headers.some(([name, value]) => name === 'Location' && value === '/elsewhere'));
      assert.equal(server.connections(), 1);
    } finally {
      await server.close();
    }
  });

  test('a loop ends with too-many-redirects after the maximum', BOUND, async () => {
    let hits = 0;
    const server = await startHttpServer((_req, res) => {
      hits += 1;
      res.writeHead(302, { Location: `/again${hits}` }).end('moved');
    });
    try {
      const result = await sender.send({ method: 'GET', url: server.origin, headers: [], body: null }, { followRedirects: true, maxRedirects: 3 });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'too-many-redirects');
      assert.equal(hits, 4);
    } finally {
      await server.close();
    }
  });

  test('across origins, Authorization, Cookie and the given sensitive headers are not forwarded', BOUND, async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const second = await startHttpServer((req, res) => {
      seen.push(req.headers);
      void readBody(req).then((body) => res.end(`second got ${req.method} ${body}`));
    });
    const first = await startHttpServer((_req, res) => res.writeHead(307, { Location: `${second.origin}/landing` }).end());
    try {
      const result = await sender.send(
        {
          method: 'POST',
          url: `${first.origin}/start`,
          headers: [
            ['Authorization', 'Bearer SECRET123'],
            ['Cookie', 'session=abc'],
            ['X-Api-Key', 'k-123'],
            ['X-Trace', 'keep-me'],
            ['Content-Type', 'text/plain'],
          ],
          body: 'payload',
        },
        { followRedirects: true, sensitiveHeaders: ['X-API-KEY'] },
      );
      const response = okResponse(result);
      assert.equal(text(response.body), 'second got POST payload');
      assert.deepEqual(response.redirects, [{ status: 307, location: `${second.origin}/landing` }]);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.authorization, undefined);
      assert.equal(seen[0]!.cookie, undefined);
      assert.equal(seen[0]!['x-api-key'], undefined);
      assert.equal(seen[0]!['x-trace'], 'keep-me');
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('within the same origin, Authorization is kept', BOUND, async () => {
    let landed: string | undefined;
    const server = await startHttpServer((req, res) => {
      if (req.url === '/start') res.writeHead(308, { Location: '/landing' }).end();
      else {
        landed = req.headers.authorization;
        res.end('ok');
      }
    });
    try {
      okResponse(
        await sender.send({ method: 'GET', url: `${server.origin}/start`, headers: [['Authorization', 'Bearer t']], body: null }, { followRedirects: true }),
      );
      assert.equal(landed, 'Bearer t');
    } finally {
      await server.close();
    }
  });

  const methodCases: Array<[number, 'POST' | 'PUT', string, string]> = [
    [303, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [301, 'POST', 'GET', ''],
    [302, 'PUT', 'PUT', 'payload'],
    [307, 'POST', 'POST', 'payload'],
  ];
  for (const [status, method, expectedMethod, expectedBody] of methodCases) {
    test(`${status} after ${method} continues with ${expectedMethod}${expectedBody ? ' and the body' : ' without a body'}`, BOUND, async () => {
      let landing: { method?: string; body: string; contentType?: string } | undefined;
      const server = await startHttpServer((req, res) => {
        void readBody(req).then((body) => {
          if (req.url === '/start') res.writeHead(status, { Location: '/landing' }).end();
          else {
            landing = { method: req.method, body, contentType: req.headers['content-type'] };
            res.end('done');
          }
        });
      });
      try {
        okResponse(
          await sender.send({ method, url: `${server.origin}/start`, headers: [['Content-Type', 'text/plain']], body: 'payload' }, { followRedirects: true }),
        );
        assert.equal(landing?.method, expectedMethod);
        assert.equal(landing?.body, expectedBody);
        assert.equal(landing?.contentType, expectedBody ? 'text/plain' : undefined);
      } finally {
        await server.close();
      }
    });
  }
});

describe('requests refused before connecting', () => {
  const sender = new HttpSender();
  let server: TestServer;
  before(async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
  });
  after(async () => {
    await sender.close();
    await server.close();
  });

  const cases: Array<[string, (origin: string) => PlainRequest]> = [
    ['a header value with CR/LF', (o) => ({ method: 'GET', url: o, headers: [['X-Name', 'Ann\r\nX-Injected: 1']], body: null })],
    ['a header value with a bare LF', (o) => ({ method: 'GET', url: o, headers: [['X-Name', 'Ann\nEvil']], body: null })],
    ['a header value with NUL', (o) => ({ method: 'GET', url: o, headers: [['X-Name', 'Ann\0']], body: null })],
    ['a header name that is not a token', (o) => ({ method: 'GET', url: o, headers: [['X Name', 'v']], body: null })],
    ['a header name with a colon', (o) => ({ method: 'GET', url: o, headers: [['X-Name:', 'v']], body: null })],
    ['a header value outside Latin-1', (o) => ({ method: 'GET', url: o, headers: [['X-Name', 'Zoë 😀']], body: null })],
    ['a Transfer-Encoding header', (o) => ({ method: 'POST', url: o, headers: [['Transfer-Encoding', 'chunked']], body: 'x' })],
    ['a Content-Length that does not match the body', (o) => ({ method: 'POST', url: o, headers: [['Content-Length', '99']], body: 'x' })],
    ['a non-http URL', () => ({ method: 'GET', url: 'file:///etc/passwd', headers: [], body: null })],
    ['a relative URL', () => ({ method: 'GET', url: '/hook', headers: [], body: null })],
  ];
  for (const [name, make] of cases) {
    test(`refuses ${name} with invalid-request and opens no connection`, BOUND, async () => {
      const before = server.connections();
      const result = await sender.send(make(server.origin));
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'invalid-request');
      assert.equal(result.outcome, 'network-error');
      assert.equal(server.connections(), before);
    });
  }

  test('a matching Content-Length is sent', BOUND, async () => {
    const result = await sender.send({ method: 'POST', url: server.origin, headers: [['Content-Length', '2']], body: 'hé'.slice(0, 1) + 'i' });
    okResponse(result);
  });
});
