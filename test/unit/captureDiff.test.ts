import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffDelivery } from '../../src/core/capture';
import { readCapture, type ReceivedRequest } from '../../src/core/captureFile';
import type { PlainRequest } from '../../src/core/types';
import { ROOT, runCli } from './helpers/cli';

const DIR = join(ROOT, 'test', 'fixtures', 'captures');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

const OURS: PlainRequest = {
  method: 'POST',
  url: 'https://api.acme-crm.example/v1/leads?source=web%20form',
  headers: [
    ['X-Source', 'workflow'],
    ['Content-Type', 'application/json'],
  ],
  body: '{"email":"jane@example.com","name":"Jane Doe","tags":"vip, new","score":"42"}',
};

function received(over: Partial<ReceivedRequest>): ReceivedRequest {
  return { format: 'http', method: 'POST', target: '/v1/leads?source=web%20form', headers: OURS.headers, body: OURS.body!, ordered: true, ...over };
}

describe('readCapture', () => {
  test('raw HTTP/1.1: request line, headers in order, the body cut at Content-Length', () => {
    const r = readCapture(read('match.http'));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.request.format, 'http');
    assert.equal(r.request.method, 'POST');
    assert.equal(r.request.target, '/v1/leads?source=web%20form');
    assert.deepEqual(r.request.headers[0], ['Host', 'capture.example.test']);
    assert.equal(r.request.body, OURS.body, 'the trailing newline of the saved file is not body');
  });

  test('HAR: the first entry, its URL reduced to the target, pseudo-headers dropped', () => {
    const r = readCapture(read('platform.har'));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.request.format, 'har');
    assert.equal(r.request.target, '/v1/leads?source=web+form');
    assert.ok(r.request.headers.some(([n, v]) => n === 'User-Agent' && v === 'PlatformWebhooks/1.0'));
    assert.match(r.request.body, /"score":42/);
  });

  test('HAR of HTTP/2: pseudo-headers are not headers, a base64 body is decoded, the first of two entries is taken', () => {
    const r = readCapture(read('http2-two-entries.har'));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.ok(!r.request.headers.some(([n]) => n.startsWith(':')));
    assert.equal(r.request.body, OURS.body);
    assert.match(r.request.note ?? '', /first of 2 entries/);
  });

  test('raw HTTP with an absolute-form target and LF line ends', () => {
    const r = readCapture(read('absolute-form-lf.http'));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.request.target, '/v1/leads?source=web%20form');
    assert.deepEqual(r.request.headers[2], ['X-Source', 'Workflow']);
    assert.equal(r.request.body, OURS.body, 'without Content-Length, the line break that ends the saved file is not body');
  });

  test('webhook.site: lower-case header lists flattened, the token left out of the path, a list takes its first request', () => {
    const one = readCapture(read('webhook-site.json'));
    assert.ok(one.ok, one.ok ? '' : one.error);
    assert.equal(one.request.format, 'webhook.site');
    assert.equal(one.request.target, '/v1/leads?source=web%20form');
    assert.equal(one.request.ordered, false);
    assert.ok(one.request.headers.some(([n, v]) => n === 'x-source' && v === 'workflow'));
    const list = readCapture(read('webhook-site-list.json'));
    assert.ok(list.ok, list.ok ? '' : list.error);
    assert.equal(list.request.method, 'POST');
    assert.match(list.request.note ?? '', /first of 2/);
  });

  const bad: Array<[string, string, RegExp, number, number]> = [
    ['JSON that ends early', read('broken.har'), /not valid JSON/, 7, 1],
    ['a response instead of a request', read('not-a-request.http'), /not an HTTP request line/, 1, 1],
    ['a header line without a colon', 'POST / HTTP/1.1\nHost: x\nnot a header\n\n', /is not a header line/, 3, 1],
    ['JSON of another kind', '{\n  "hello": 1\n}', /neither a HAR file/, 1, 1],
    ['a HAR entry without a method', '{"log":{"entries":[{"request":{"url":"https://x.test/"}}]}}', /request\.method is missing/, 1, 31],
    ['an empty file', '  \n', /empty/, 1, 1],
  ];
  for (const [name, text, error, line, column] of bad) {
    test(`unreadable: ${name}, with line and column`, () => {
      const r = readCapture(text);
      assert.ok(!r.ok);
      assert.match(r.error, error);
      assert.deepEqual([r.line, r.column], [line, column]);
    });
  }
});

describe('diffDelivery', () => {
  const opts = { arraySeparator: ', ' };
  test('the same request matches, whatever the transport headers, header case and order', () => {
    const r = diffDelivery(
      OURS,
      received({
        headers: [
          ['content-type', 'application/json'],
          ['Host', 'x'],
          ['x-source', 'workflow'],
          ['Content-Length', '77'],
        ],
      }),
      opts,
    );
    assert.deepEqual(r.differences, []);
  });

  const cases: Array<{ name: string; over: Partial<ReceivedRequest>; where: string; cause: RegExp }> = [
    { name: 'another array separator', over: { body: OURS.body!.replace('vip, new', 'vip,new') }, where: '$.tags', cause: /array separator: .*","/ },
    { name: 'an unquoted number', over: { body: OURS.body!.replace('"42"', '42') }, where: '$.score', cause: /quoting/ },
    {
      name: 'a body broken by an unescaped quote',
      over: { body: OURS.body!.replace('Jane Doe', 'Jane "JD" Doe') },
      where: 'body',
      cause: /escaping: the platform pastes values/,
    },
    {
      name: 'a value escaped twice',
      over: { body: '{"email":"jane@example.com","name":"Jane\\\\nDoe","tags":"vip, new","score":"42"}' },
      where: '$.name',
      cause: /another value|escaping/,
    },
    { name: 'a space as + in the query', over: { target: '/v1/leads?source=web+form' }, where: 'query source', cause: /encoding/ },
    { name: 'a header the platform adds', over: { headers: [...OURS.headers, ['User-Agent', 'Platform/1']] }, where: 'User-Agent', cause: /the platform adds/ },
    { name: 'a header the platform dropped', over: { headers: [['Content-Type', 'application/json']] }, where: 'X-Source', cause: /did not send it/ },
    { name: 'an empty value', over: { body: OURS.body!.replace('jane@example.com', '') }, where: '$.email', cause: /sent it empty/ },
    { name: 'another method', over: { method: 'PUT' }, where: 'method', cause: /method/ },
  ];
  for (const c of cases) {
    test(`names the difference and its cause: ${c.name}`, () => {
      const r = diffDelivery(OURS, received(c.over), opts);
      assert.equal(r.differences.length, 1, JSON.stringify(r.differences));
      assert.equal(r.differences[0]!.where, c.where);
      assert.match(r.differences[0]!.cause, c.cause);
    });
  }

  test('headers added on the way by the capture service are a note, not a difference', () => {
    const r = diffDelivery(OURS, received({ headers: [...OURS.headers, ['X-Forwarded-For', '203.0.113.7']] }), opts);
    assert.deepEqual(r.differences, []);
    assert.match(r.notes.join(' '), /X-Forwarded-For/);
  });

  test('secret values never appear in a difference', () => {
    const secret = 'tok_9f8e7d6c5b4a3';
    const ours: PlainRequest = { ...OURS, headers: [...OURS.headers, ['Authorization', `Bearer ${secret}`]] };
    const r = diffDelivery(ours, received({ headers: [...OURS.headers, ['Authorization', 'Bearer other_value_123']] }), { ...opts, secrets: [secret] });
    assert.equal(r.differences.length, 1);
    assert.ok(!JSON.stringify(r).includes(secret));
  });
});

describe('webhook-studio diff', () => {
  const run = (capture: string, extra: string[] = []) =>
    runCli(['diff', capture, 'lead.webhook.json', '--sample', 'jane.sample.json', '--escaping', 'json', ...extra], { cwd: DIR, env: {} });

  test('a matching raw HTTP capture exits 0', async () => {
    const r = await run('match.http');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /match: method, target, headers and body are the same/);
  });

  test('a matching webhook.site list exits 0 and says which request it took', async () => {
    const r = await run('webhook-site-list.json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /first of 2 requests/);
  });

  test('an HTTP/2 HAR capture that matches exits 0; a raw capture with another letter case exits 1 and says so', async () => {
    const h2 = await run('http2-two-entries.har');
    assert.equal(h2.code, 0, h2.stdout + h2.stderr);
    const lf = await run('absolute-form-lf.http');
    assert.equal(lf.code, 1);
    assert.match(lf.stdout, /X-Source: "Workflow" instead of "workflow"/);
    assert.match(lf.stdout, /the same value in other letter case/);
    assert.match(lf.stdout, /1 difference\(s\)/);
  });

  test('a HAR capture that differs exits 1, each difference with its cause', async () => {
    const r = await run('platform.har');
    assert.equal(r.code, 1, r.stderr);
    for (const cause of [/encoding/, /a header the platform adds/, /array separator/, /quoting/]) assert.match(r.stdout, cause);
    assert.match(r.stdout, /4 difference\(s\)/);
  });

  test('a webhook.site capture with a broken body exits 1; --json gives the differences', async () => {
    const r = await run('webhook-site.json', ['--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { match: boolean; format: string; differences: Array<{ part: string; cause: string }> };
    assert.equal(out.match, false);
    assert.equal(out.format, 'webhook.site');
    assert.ok(out.differences.some((d) => d.part === 'body' && /escaping/.test(d.cause)));
  });

  test('an unreadable capture exits 2 with file:line:column', async () => {
    const broken = await run('broken.har');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^broken\.har:7:1 error The capture is not valid JSON/);
    const response = await run('not-a-request.http');
    assert.equal(response.code, 2);
    assert.match(response.stderr, /^not-a-request\.http:1:1 error/);
    const missing = await run('nowhere.har');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere\.har/);
  });

  test('usage errors exit 2', async () => {
    const r = await runCli(['diff', 'match.http'], { cwd: DIR, env: {} });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /diff takes a capture file and an action file/);
  });
});
