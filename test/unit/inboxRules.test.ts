import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startInbox, type Inbox } from '../../src/core/inbox';
import { compileRules, parseRulesText, type InboxRulesSpec } from '../../src/core/inboxRules';
import { ROOT } from './helpers/cli';

const TEST_TIMEOUT = { timeout: 15_000 };
const FIXTURES = join(ROOT, 'test', 'fixtures', 'inbox');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

async function withInbox<T>(options: Parameters<typeof startInbox>[0], run: (inbox: Inbox) => Promise<T>): Promise<T> {
  const inbox = await startInbox(options);
  try {
    return await run(inbox);
  } finally {
    await inbox.close();
  }
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

async function call(inbox: Inbox, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(inbox.url + path, {
    method: method as 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    headersTimeout: 10_000,
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

function rehearsal(): InboxRulesSpec {
  const parsed = parseRulesText(fixture('rehearsal.inbox.json'));
  assert.deepEqual(parsed.problems, []);
  assert.ok(parsed.spec);
  return parsed.spec;
}

describe('inbox rules from a file', () => {
  test('answers 201 for one path, 422 with a body for payloads missing a field, the default for the rest', TEST_TIMEOUT, async () => {
    await withInbox({ rules: rehearsal() }, async (inbox) => {
      const created = await call(inbox, 'POST', '/leads', '{"id":"L-7","contact":{"email":"jane@example.com"}}');
      assert.equal(created.status, 201);
      assert.equal(created.headers['location'], '/leads/L-7');
      assert.deepEqual(JSON.parse(created.body), { id: 'L-7' });

      const missing = await call(inbox, 'POST', '/contacts/42?x=1', '{"contact":{"name":"Jane"}}');
      assert.equal(missing.status, 422);
      assert.deepEqual(JSON.parse(missing.body), { error: 'contact.email is required', path: '/contacts/42' });
      assert.equal(missing.headers['content-type'], 'application/json');

      const present = await call(inbox, 'POST', '/contacts/42', '{"contact":{"email":"jane@example.com"}}');
      assert.equal(present.status, 202, 'a payload with the field falls through to the default');
      const notJson = await call(inbox, 'PUT', '/contacts/42', 'not json');
      assert.equal(notJson.status, 422, 'a body that is not JSON is missing every field');
      const otherMethod = await call(inbox, 'DELETE', '/leads');
      assert.equal(otherMethod.status, 202);

      assert.deepEqual(
        inbox.captures().map((c) => [c.rule, c.answer?.status]),
        [
          ['lead created', 201],
          ['email missing', 422],
          ['default', 202],
          ['email missing', 422],
          ['default', 202],
        ],
      );
    });
  });

  test('answers the delayed rule after its delay: a later request without delay is answered first', TEST_TIMEOUT, async () => {
    await withInbox({ rules: rehearsal() }, async (inbox) => {
      const order: string[] = [];
      const captured = new Promise<void>((resolve) => inbox.onCapture((c) => c.target === '/slow' && resolve()));
      const slow = call(inbox, 'POST', '/slow', '{}').then((a) => {
        order.push(`slow ${a.status} ${a.body}`);
      });
      await captured;
      assert.equal(inbox.captures()[0]!.answer?.delayMs, 2000);
      // The capture is recorded at once; its answer waits.
      await call(inbox, 'POST', '/leads', '{"id":"1"}').then((a) => order.push(`fast ${a.status}`));
      await slow;
      assert.deepEqual(order, ['fast 201', 'slow 200 done']);
    });
  });

  test('closing the inbox does not wait for delayed answers', TEST_TIMEOUT, async () => {
    const inbox = await startInbox({ rules: { rules: [{ respond: { delayMs: 300_000 } }] } });
    const pending = call(inbox, 'POST', '/x', '{}').then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise<void>((resolve) => inbox.onCapture(() => resolve()));
    await inbox.close();
    assert.equal(await pending, 'cut');
  });

  test('past the limit of waiting answers, the answer goes at once and the capture says why', TEST_TIMEOUT, async () => {
    await withInbox(
      { rules: { rules: [{ match: { path: '/wait' }, respond: { delayMs: 300_000 } }, { respond: { delayMs: 100_000 } }] }, maxWaiting: 1 },
      async (inbox) => {
        const first = call(inbox, 'POST', '/wait', '{}').catch(() => undefined);
        await new Promise<void>((resolve) => inbox.onCapture(() => resolve()));
        const second = await call(inbox, 'POST', '/other', '{}');
        assert.equal(second.status, 200);
        assert.match(inbox.captures()[1]!.answer?.note ?? '', /1 answers were already waiting/);
        void first;
      },
    );
  });

  test('templates read the method, path, query, headers (lower case) and body; a missing value is empty', TEST_TIMEOUT, async () => {
    const rules: InboxRulesSpec = {
      rules: [
        {
          respond: {
            status: 200,
            headers: { 'X-Echo': '{{request.headers.x-request-id}}' },
            body: '{{request.method}} {{request.path}} {{request.query.page}} {{request.body.items[1].sku}} [{{request.body.nothing}}] {{request.body.tags}}',
          },
        },
      ],
    };
    await withInbox({ rules }, async (inbox) => {
      const answer = await call(inbox, 'PUT', '/orders/9?page=3', '{"items":[{"sku":"A"},{"sku":"B"}],"tags":["x","y"]}', { 'X-Request-Id': 'r-1' });
      assert.equal(answer.body, 'PUT /orders/9 3 B [] x, y');
      assert.equal(answer.headers['x-echo'], 'r-1');
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
    });
  });

  test('header and body conditions: exact value, present, absent, equals', TEST_TIMEOUT, async () => {
    const rules: InboxRulesSpec = {
      rules: [
        { name: 'signed', match: { headers: { 'X-Signature': true } }, respond: { status: 200 } },
        { name: 'v2', match: { headers: { 'x-version': '2' } }, respond: { status: 201 } },
        { name: 'vip', match: { body: { 'contact.tier': { equals: { level: 'gold' } } } }, respond: { status: 202 } },
        { name: 'unsigned', match: { headers: { 'x-signature': false } }, respond: { status: 401 } },
      ],
    };
    await withInbox({ rules }, async (inbox) => {
      assert.equal((await call(inbox, 'POST', '/', '{}', { 'x-signature': 'abc' })).status, 200);
      assert.equal((await call(inbox, 'POST', '/', '{}', { 'X-Version': '2' })).status, 201);
      assert.equal((await call(inbox, 'POST', '/', '{"contact":{"tier":{"level":"gold"}}}')).status, 202);
      assert.equal((await call(inbox, 'POST', '/', '{"contact":{"tier":{"level":"gold","x":1}}}')).status, 401);
    });
  });

  test('setRules replaces the rules at run time; invalid rules are refused and the old ones stay', TEST_TIMEOUT, async () => {
    await withInbox({}, async (inbox) => {
      assert.equal((await call(inbox, 'POST', '/a', '{}')).status, 200);
      assert.deepEqual(inbox.setRules({ rules: [{ name: 'gone', respond: { status: 410 } }] }), { ok: true });
      assert.deepEqual(inbox.ruleNames(), ['gone']);
      assert.equal((await call(inbox, 'POST', '/a', '{}')).status, 410);
      const refused = inbox.setRules({ rules: [{ respond: { status: 99 } }] });
      assert.equal(refused.ok, false);
      assert.equal((await call(inbox, 'POST', '/a', '{}')).status, 410);
      inbox.setRules(undefined);
      const back = await call(inbox, 'POST', '/a', '{}');
      assert.deepEqual([back.status, back.body], [200, '{"ok":true,"id":"4"}']);
    });
  });
});

describe('inbox rules checks', () => {
  test('a rules file with errors names each with its line and column', () => {
    const parsed = parseRulesText(fixture('broken.inbox.json'));
    assert.equal(parsed.spec, undefined);
    const shown = parsed.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);
    assert.ok(
      shown.some((s) => /^5:26 error .*\[z-a\]/.test(s)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((s) => /^6:79 error Access-Control-Allow-Origin is refused: no web page/.test(s)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((s) => /^8:43 error \{\{contact\.email\}\} is not part of the request/.test(s)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((s) => /^8:75 warning .*45 s .*the platform would give up/.test(s)),
      shown.join('\n'),
    );
  });

  test('schema errors and syntax errors have positions too', () => {
    const schema = parseRulesText(fixture('badschema.inbox.json'));
    assert.equal(schema.spec, undefined);
    assert.ok(schema.problems.length >= 2, JSON.stringify(schema.problems));
    assert.ok(
      schema.problems.every((p) => p.line === 3),
      JSON.stringify(schema.problems),
    );
    const syntax = parseRulesText('{\n  "rules": [\n}');
    assert.equal(syntax.spec, undefined);
    assert.equal(syntax.problems[0]!.line, 3);
  });

  test('a delay past 30 s is a warning, not an error: the rules still run', () => {
    const parsed = parseRulesText(fixture('late.inbox.json'));
    assert.ok(parsed.spec);
    assert.deepEqual(
      parsed.problems.map((p) => [p.severity, p.line]),
      [['warning', 2]],
    );
    assert.match(parsed.problems[0]!.message, /the platform would give up/);
  });

  test('rules given as a plain object are checked the same way', () => {
    const bad = compileRules({ rules: [{ match: { body: { 'a..b': { exists: true } } }, respond: {} }], extra: 1 });
    assert.equal(bad.ok, false);
    const again = compileRules({ rules: [{ match: { body: { 'a..b': { exists: true } } }, respond: {} }] });
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : again.problems[0]!.message, /is not a body path/);
    assert.deepEqual(again.ok ? [] : again.problems[0]!.path, ['rules', 0, 'match', 'body', 'a..b']);
    const good = compileRules({ rules: [{ name: 'x', respond: { status: 204 } }] });
    assert.ok(good.ok);
    assert.deepEqual(good.rules.names, ['x']);
  });
});

describe('inbox guarantees', () => {
  test('a page under another host name is refused and not kept; a page on loopback is kept, answered without CORS headers', TEST_TIMEOUT, async () => {
    await withInbox({ rules: rehearsal() }, async (inbox) => {
      // DNS rebinding: the browser sends the attacker's name as Host.
      const rebound = await call(inbox, 'GET', '/leads', undefined, { host: 'rebind.evil.example', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' });
      assert.equal(rebound.status, 403);
      const preflight = await call(inbox, 'OPTIONS', '/leads', undefined, {
        host: 'rebind.evil.example',
        origin: 'http://rebind.evil.example',
        'access-control-request-method': 'POST',
      });
      assert.equal(preflight.status, 403);
      assert.ok(Object.keys(preflight.headers).every((h) => !h.startsWith('access-control-')));
      assert.equal(inbox.captures().length, 0);
      assert.equal(inbox.refused(), 2);
      // A cross-origin page on loopback (or a command copied from a browser) is captured as sent; without CORS headers the page cannot read the answer.
      const fromPage = await call(inbox, 'POST', '/leads', '{"id":"1"}', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      assert.equal(fromPage.status, 201);
      assert.ok(Object.keys(fromPage.headers).every((h) => !h.startsWith('access-control-')));
      const nodeFetch = await call(inbox, 'POST', '/leads', '{"id":"2"}', { 'sec-fetch-mode': 'cors' });
      assert.equal(nodeFetch.status, 201);
      assert.equal(inbox.captures().length, 2);
      assert.equal(inbox.refused(), 2);
    });
  });

  test('rules cannot set CORS headers from an object either', () => {
    const result = compileRules({ default: { headers: { 'access-control-allow-origin': '*' } } });
    assert.equal(result.ok, false);
  });

  test('listens on loopback only', TEST_TIMEOUT, async () => {
    await withInbox({ rules: rehearsal() }, async (inbox) => {
      assert.match(inbox.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    });
  });
});
