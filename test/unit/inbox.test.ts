import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { captureToRawText, inboxUrlFor, startInbox, validateInboxStatus } from '../../src/core/inbox';
import type { Inbox } from '../../src/core/inbox';
import type { Capture } from '../../src/core/types';

const TEST_TIMEOUT = { timeout: 10_000 };

/** Sends raw bytes on a fresh connection and resolves with everything the server sent until it closed. */
function rawExchange(port: number, ...parts: Array<string | Buffer>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw exchange timed out'));
    }, 5_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    });
    for (const part of parts) socket.write(part);
  });
}

async function withInbox<T>(options: Parameters<typeof startInbox>[0], run: (inbox: Inbox) => Promise<T>): Promise<T> {
  const inbox = await startInbox(options);
  try {
    return await run(inbox);
  } finally {
    await inbox.close();
  }
}

async function post(inbox: Inbox, path: string, body: string | Uint8Array = '{}'): Promise<{ status: number; body: string; type: string | undefined }> {
  const response = await request(inbox.url + path, { method: 'POST', body, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const type = response.headers['content-type'];
  return { status: response.statusCode, body: await response.body.text(), type: Array.isArray(type) ? type[0] : type };
}

describe('inbox capture', () => {
  test('records the request line, raw headers in order and case, and the exact body bytes', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      const body = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x0a, 0x7d]);
      const before = Date.now();
      const head =
        'PUT /hooks/a%2Fb/%E2%9C%93?x=1&y=%20&flag&x=2 HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${inbox.port}\r\n` +
        'X-Custom-CASE: Mixed Value\r\n' +
        'x-dup: one\r\n' +
        'X-Dup: two\r\n' +
        'content-type: application/octet-stream\r\n' +
        `Content-Length: ${body.length}\r\n` +
        'Connection: close\r\n\r\n';
      const answer = await rawExchange(inbox.port, head, body);
      assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
      const [capture] = inbox.captures();
      assert.ok(capture);
      assert.equal(capture.method, 'PUT');
      assert.equal(capture.target, '/hooks/a%2Fb/%E2%9C%93?x=1&y=%20&flag&x=2');
      assert.equal(capture.httpVersion, '1.1');
      assert.deepEqual(capture.rawHeaders, [
        ['Host', `127.0.0.1:${inbox.port}`],
        ['X-Custom-CASE', 'Mixed Value'],
        ['x-dup', 'one'],
        ['X-Dup', 'two'],
        ['content-type', 'application/octet-stream'],
        ['Content-Length', String(body.length)],
        ['Connection', 'close'],
      ]);
      assert.deepEqual([...capture.body], [...body]);
      assert.equal(capture.bodySize, body.length);
      assert.equal(capture.bodyTruncated, false);
      const time = Date.parse(capture.time);
      assert.ok(time >= before - 5 && time <= Date.now() + 5, capture.time);
      assert.match(capture.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  });

  test('decodes a chunked body and keeps the Transfer-Encoding header', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await rawExchange(
        inbox.port,
        'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
        '5\r\nhello\r\n',
        '6\r\n world\r\n0\r\n\r\n',
      );
      const [capture] = inbox.captures();
      assert.ok(capture);
      assert.equal(Buffer.from(capture.body).toString(), 'hello world');
      assert.deepEqual(capture.rawHeaders[1], ['Transfer-Encoding', 'chunked']);
    });
  });

  test('records HTTP/1.0 requests with their version', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await rawExchange(inbox.port, 'GET /old HTTP/1.0\r\n\r\n');
      assert.equal(inbox.captures()[0]?.httpVersion, '1.0');
      assert.equal(inbox.captures()[0]?.method, 'GET');
    });
  });

  const capCases = [
    { name: 'a body under the cap is kept whole', size: 9, kept: 9, truncated: false },
    { name: 'a body exactly at the cap is kept whole', size: 10, kept: 10, truncated: false },
    { name: 'a body past the cap is cut at the cap and its full size counted', size: 100_000, kept: 10, truncated: true },
  ];
  for (const c of capCases) {
    test(c.name, TEST_TIMEOUT, async () => {
      await withInbox({ maxBodyBytes: 10 }, async (inbox) => {
        const body = Buffer.alloc(c.size, 0x61);
        body[0] = 0x62;
        assert.equal((await post(inbox, '/cap', body)).status, 200);
        const [capture] = inbox.captures();
        assert.ok(capture);
        assert.equal(capture.body.length, c.kept);
        assert.equal(capture.body[0], 0x62);
        assert.equal(capture.bodySize, c.size);
        assert.equal(capture.bodyTruncated, c.truncated);
      });
    });
  }

  test('keeps only the newest captures, oldest first', TEST_TIMEOUT, async () => {
    await withInbox({ keep: 3 }, async (inbox) => {
      for (let i = 1; i <= 5; i++) await post(inbox, `/n${i}`);
      assert.deepEqual(
        inbox.captures().map((c) => c.target),
        ['/n3', '/n4', '/n5'],
      );
      assert.deepEqual(
        inbox.captures().map((c) => c.id),
        [3, 4, 5],
      );
    });
  });

  test('keeps the captures within a byte budget, dropping the oldest, and always the newest', TEST_TIMEOUT, async () => {
    await withInbox({ maxTotalBytes: 2500, maxBodyBytes: 4096 }, async (inbox) => {
      for (let i = 1; i <= 4; i++) await post(inbox, `/b${i}`, 'x'.repeat(1000));
      assert.deepEqual(
        inbox.captures().map((c) => c.target),
        ['/b3', '/b4'],
      );
      await post(inbox, '/big', 'y'.repeat(4000));
      assert.deepEqual(
        inbox.captures().map((c) => c.target),
        ['/big'],
        'the newest capture stays even when it alone is over the budget',
      );
      inbox.clear();
      await post(inbox, '/c1', 'z'.repeat(1000));
      await post(inbox, '/c2', 'z'.repeat(1000));
      assert.deepEqual(
        inbox.captures().map((c) => c.target),
        ['/c1', '/c2'],
        'clear resets the bytes counted',
      );
    });
  });

  test('clear forgets every capture but ids keep counting', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await post(inbox, '/a');
      inbox.clear();
      assert.deepEqual(inbox.captures(), []);
      await post(inbox, '/b');
      assert.deepEqual(
        inbox.captures().map((c) => [c.id, c.target]),
        [[2, '/b']],
      );
    });
  });

  test('captures() returns a copy that later captures do not change', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await post(inbox, '/a');
      const snapshot = inbox.captures();
      await post(inbox, '/b');
      assert.equal(snapshot.length, 1);
      assert.equal(inbox.captures().length, 2);
    });
  });
});

describe('inbox answer', () => {
  test('answers 200 {"ok":true,"id":"N"} as application/json by default, N the number of the request', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      assert.deepEqual(await post(inbox, '/'), { status: 200, body: '{"ok":true,"id":"1"}', type: 'application/json' });
      assert.deepEqual(await post(inbox, '/'), { status: 200, body: '{"ok":true,"id":"2"}', type: 'application/json' });
      assert.deepEqual(
        inbox.captures().map((c) => c.id),
        [1, 2],
      );
    });
  });

  test('a configured body has {{request.id}} replaced, every time it occurs, and keeps a right Content-Length', TEST_TIMEOUT, async () => {
    await withInbox({ body: '{"record":{"id":"rec_{{request.id}}","ref":"{{request.id}}"}}' }, async (inbox) => {
      assert.deepEqual(await post(inbox, '/'), { status: 200, body: '{"record":{"id":"rec_1","ref":"1"}}', type: 'application/json' });
    });
  });

  test('answers with the configured status, body and content type', TEST_TIMEOUT, async () => {
    await withInbox({ status: 503, body: 'down for maintenance', contentType: 'text/plain' }, async (inbox) => {
      assert.deepEqual(await post(inbox, '/'), { status: 503, body: 'down for maintenance', type: 'text/plain' });
    });
  });

  const runtimeCases = [
    { name: 'a new status keeps the body', change: { status: 401 }, expected: { status: 401, body: '{"ok":true,"id":"1"}', type: 'application/json' } },
    {
      name: 'a new body and type keep the status',
      change: { body: '<ok/>', contentType: 'application/xml' },
      expected: { status: 200, body: '<ok/>', type: 'application/xml' },
    },
    {
      name: 'UTF-8 bodies are sent as UTF-8',
      change: { body: '{"msg":"héllo ✓"}' },
      expected: { status: 200, body: '{"msg":"héllo ✓"}', type: 'application/json' },
    },
    { name: '204 sends no body', change: { status: 204 }, expected: { status: 204, body: '', type: undefined } },
  ];
  for (const c of runtimeCases) {
    test(`setResponse at run time: ${c.name}`, TEST_TIMEOUT, async () => {
      await withInbox({}, async (inbox) => {
        assert.deepEqual(inbox.setResponse(c.change), { ok: true });
        assert.deepEqual(await post(inbox, '/'), c.expected);
      });
    });
  }

  test('a 204 answer leaves the keep-alive connection usable', TEST_TIMEOUT, async () => {
    await withInbox({ status: 204 }, async (inbox) => {
      const answer = await rawExchange(
        inbox.port,
        'POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}' + 'POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      );
      assert.equal(answer.match(/HTTP\/1\.1 204 No Content/g)?.length, 2);
      assert.equal(inbox.captures().length, 2);
    });
  });

  const invalidStatuses = [99, 100, 101, 199, 600, 200.5, Number.NaN];
  test('setResponse refuses an invalid status and keeps the previous answer', TEST_TIMEOUT, async () => {
    await withInbox({ status: 202 }, async (inbox) => {
      for (const status of invalidStatuses) {
        const result = inbox.setResponse({ status, body: 'changed' });
        assert.equal(result.ok, false, `status ${status}`);
        assert.ok(!result.ok && /200 to 599/.test(result.error));
      }
      assert.deepEqual(await post(inbox, '/'), { status: 202, body: '{"ok":true,"id":"1"}', type: 'application/json' });
    });
  });

  test('validateInboxStatus accepts final statuses only', () => {
    assert.deepEqual(
      [200, 299, 404, 599].map((s) => validateInboxStatus(s)),
      [undefined, undefined, undefined, undefined],
    );
    for (const status of [...invalidStatuses, '200']) assert.match(validateInboxStatus(status) ?? '', /200 to 599/);
  });
});

describe('inbox notifications', () => {
  test('onCapture tells every listener, survives a throwing one, and stops after dispose', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      const seen: string[] = [];
      const faulty = inbox.onCapture(() => {
        throw new Error('listener bug');
      });
      const subscription = inbox.onCapture((c) => seen.push(c.target));
      await post(inbox, '/one');
      subscription.dispose();
      faulty.dispose();
      await post(inbox, '/two');
      assert.deepEqual(seen, ['/one']);
      assert.equal(inbox.captures().length, 2);
    });
  });

  test('the capture is recorded before the answer is sent', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await post(inbox, '/ordered');
      assert.equal(inbox.captures().at(-1)?.target, '/ordered');
    });
  });

  test('waitForCapture returns the newest kept match at once', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      await post(inbox, '/a?run=1');
      await post(inbox, '/a?run=2');
      await post(inbox, '/b');
      const found = await inbox.waitForCapture(1_000, (c) => c.target.startsWith('/a'));
      assert.equal(found?.target, '/a?run=2');
    });
  });

  test('waitForCapture waits for the first matching capture to arrive', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      const waiting = inbox.waitForCapture(3_000, (c) => c.target === '/wanted');
      await post(inbox, '/other');
      await post(inbox, '/wanted');
      assert.equal((await waiting)?.target, '/wanted');
    });
  });

  test('waitForCapture resolves undefined on timeout', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      const started = Date.now();
      assert.equal(await inbox.waitForCapture(50), undefined);
      assert.ok(Date.now() - started >= 45);
    });
  });

  test('waitForCapture resolves undefined when the inbox closes', TEST_TIMEOUT, async () => {
    const inbox = await startInbox();
    const waiting = inbox.waitForCapture(60_000);
    await inbox.close();
    assert.equal(await waiting, undefined);
  });
});

describe('inbox lifecycle', () => {
  test('listens on 127.0.0.1 at the port it reports', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      assert.ok(inbox.port > 0);
      assert.equal(inbox.url, `http://127.0.0.1:${inbox.port}`);
    });
  });

  test('rejects with "port N is in use" when the port is taken', TEST_TIMEOUT, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(startInbox({ port }), { message: `port ${port} is in use` });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  const invalidOptions = [
    { name: 'status 1xx', options: { status: 100 }, message: /200 to 599/ },
    { name: 'status 600', options: { status: 600 }, message: /200 to 599/ },
    { name: 'port out of range', options: { port: 70_000 }, message: /port/ },
    { name: 'negative body cap', options: { maxBodyBytes: -1 }, message: /body cap/ },
  ];
  for (const c of invalidOptions) {
    test(`refuses invalid options: ${c.name}`, TEST_TIMEOUT, async () => {
      await assert.rejects(startInbox(c.options), { message: c.message });
    });
  }

  test('close resolves promptly with idle keep-alive, silent and mid-request connections open', TEST_TIMEOUT, async () => {
    const inbox = await startInbox({ closeGraceMs: 100 });
    const sockets = [connect(inbox.port, '127.0.0.1'), connect(inbox.port, '127.0.0.1'), connect(inbox.port, '127.0.0.1')];
    const closed = sockets.map((s) => new Promise((resolve) => s.on('close', resolve)));
    for (const s of sockets) s.on('error', () => undefined);
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.on('connect', resolve))));
    const keptAlive = new Promise((resolve) => sockets[0]!.once('data', resolve));
    sockets[0]!.write('POST /k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}');
    await keptAlive;
    sockets[2]!.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await inbox.close();
    assert.ok(Date.now() - started < 2_000, `close took ${Date.now() - started} ms`);
    await Promise.all(closed);
    assert.deepEqual(
      inbox.captures().map((c) => c.target),
      ['/k'],
    );
  });

  test('close twice is harmless and the port is free afterwards', TEST_TIMEOUT, async () => {
    const inbox = await startInbox();
    await Promise.all([inbox.close(), inbox.close()]);
    const again = await startInbox({ port: inbox.port });
    await again.close();
  });
});

describe('inboxUrlFor', () => {
  const cases = [
    { url: 'https://api.example.com/v1/leads/c_1?x=%20a&b', expected: 'http://127.0.0.1:9/v1/leads/c_1?x=%20a&b' },
    { url: 'https://user:pw@api.example.com:8443/p', expected: 'http://127.0.0.1:9/p' },
    { url: 'https://api.example.com', expected: 'http://127.0.0.1:9/' },
    { url: 'https://api.example.com?q=1', expected: 'http://127.0.0.1:9/?q=1' },
    { url: 'https://api.example.com/a%2Fb/../c?k=%E2%9C%93', expected: 'http://127.0.0.1:9/a%2Fb/../c?k=%E2%9C%93' },
    { url: 'http://[::1]:8080/v6', expected: 'http://127.0.0.1:9/v6' },
    { url: '/relative?x', expected: 'http://127.0.0.1:9/relative?x' },
  ];
  for (const c of cases) {
    test(`keeps path and query of ${c.url}`, () => {
      assert.equal(inboxUrlFor(c.url, 'http://127.0.0.1:9'), c.expected);
      assert.equal(inboxUrlFor(c.url, 'http://127.0.0.1:9/'), c.expected);
    });
  }
});

describe('captureToRawText', () => {
  test('prints the request line, headers and body as HTTP text', () => {
    const capture: Capture = {
      id: 1,
      time: '2024-01-01T00:00:00.000Z',
      method: 'POST',
      target: '/p?q=1',
      httpVersion: '1.1',
      rawHeaders: [
        ['Host', 'x'],
        ['X-A', 'b'],
      ],
      body: new Uint8Array([0x68, 0xc3, 0xa9, 0xff]),
      bodySize: 4,
      bodyTruncated: false,
    };
    assert.equal(captureToRawText(capture), 'POST /p?q=1 HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\r\nhé\ufffd');
  });
});
