import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { checkResponse, parseJsonPath, readExpect, valueAtPath, type CheckContext } from '../../src/core/expect';
import { HttpSender } from '../../src/core/http/index';
import { startInbox } from '../../src/core/inbox';
import { validateSchemaOfText } from '../../src/core/schemaValidation';
import { MASK } from '../../src/core/redact';
import { compileResponseSchema } from '../../src/core/responseSchema';
import { mapSecretSource, noTokens } from '../../src/core/secretSources';
import { sendAction, type SendActionInput, type TokenProvider } from '../../src/core/sendAction';
import type { CheckResult, ResponseData, Sample } from '../../src/core/types';
import { startHttpServer, type TestServer } from './helpers/servers';

const SAMPLE: Sample = {
  name: 'Jane',
  builtin: false,
  data: { contact: { id: 'c_1', first_name: 'Jane', email: 'jane@example.com', lead_score: 87, tags: ['vip', 'new'] } },
};
const CTX: CheckContext = {
  sample: SAMPLE,
  secrets: mapSecretSource(new Map([['API_KEY', 'key_5up3r5ecret']])),
  arraySeparator: ', ',
  totalMs: 40,
  compileSchema: compileResponseSchema,
};

function actionWith(expect: unknown, url = 'https://api.example.com/leads'): string {
  return JSON.stringify({ name: 'Lead', method: 'POST', url, body: { email: '{{contact.email}}' }, expect }, null, 2);
}

function response(body: unknown, status = 200, headers: Array<[string, string]> = [['Content-Type', 'application/json']]): ResponseData {
  const bytes = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  return { status, statusText: '', headers, body: bytes, size: bytes.length, truncated: false, redirects: [] };
}

function check(expect: unknown, res: ResponseData, ctx: CheckContext = CTX): CheckResult[] {
  const model = readExpect(parseActionDocument(actionWith(expect)));
  assert.ok(model, 'the action has an expect');
  return checkResponse(model, res, ctx);
}

describe('JSON paths: the supported subset', () => {
  const ok: Array<[string, Array<string | number>]> = [
    ['$', []],
    ['$.id', ['id']],
    ['$.items[0].email', ['items', 0, 'email']],
    ["$['first name']", ['first name']],
    ['$["a.b"][2]', ['a.b', 2]],
    ['$.data.list[10][1]', ['data', 'list', 10, 1]],
  ];
  for (const [path, steps] of ok) {
    test(`${path} parses to ${JSON.stringify(steps)}`, () => assert.deepEqual(parseJsonPath(path), { ok: true, steps }));
  }
  const refused: Array<[string, RegExp]> = [
    ['id', /must start with "\$"/],
    ['$..id', /recursive descent/],
    ['$.items[*]', /wildcard/],
    ['$.*', /wildcard/],
    ['$.items[?(@.a)]', /filter/],
    ['$.items[0:2]', /slice/],
    ['$.items[-1]', /negative index/],
    ['$.items[x]', /must hold an index/],
    ['$.', /a name is expected/],
    ['$id', /unexpected "i"/],
  ];
  for (const [path, message] of refused) {
    test(`${path} is refused with a message that says why`, () => {
      const parsed = parseJsonPath(path);
      assert.ok(!parsed.ok);
      assert.match(parsed.error, message);
      assert.ok(parsed.error.includes(path), 'the message quotes the path');
    });
  }
  test('values are found by name and index, and a missing step is not found', () => {
    const data = { items: [{ email: 'a@example.com' }], 'first name': 'Jane' };
    assert.deepEqual(valueAtPath(data, ['items', 0, 'email']), { found: true, value: 'a@example.com' });
    assert.deepEqual(valueAtPath(data, ['items', 1, 'email']), { found: false });
    assert.deepEqual(valueAtPath(data, ['items', 'email']), { found: false });
    assert.deepEqual(valueAtPath({ a: null }, ['a']), { found: true, value: null });
    assert.deepEqual(valueAtPath({}, ['constructor']), { found: false }, 'inherited properties are not values of the body');
  });
});

describe('matchers', () => {
  const body = { id: 'L-1', email: 'jane@example.com', score: 87, ok: true, tags: ['vip'], nested: { a: 1 }, nothing: null };
  const cases: Array<{ name: string; expect: unknown; passed: boolean; expected?: string; actual?: string }> = [
    { name: 'status number passes', expect: { status: 200 }, passed: true, expected: '200', actual: '200' },
    { name: 'status number fails', expect: { status: 201 }, passed: false, actual: '200' },
    { name: 'status class passes', expect: { status: '2xx' }, passed: true },
    { name: 'status class fails', expect: { status: '4xx' }, passed: false },
    { name: 'status list passes', expect: { status: [201, '2xx'] }, passed: true, expected: '201 or 2xx' },
    { name: 'exact JSON string', expect: { json: { '$.id': 'L-1' } }, passed: true },
    { name: 'exact JSON string fails', expect: { json: { '$.id': 'L-2' } }, passed: false, expected: '"L-2"', actual: '"L-1"' },
    { name: 'exact number is not the string', expect: { json: { '$.score': '87' } }, passed: false },
    { name: 'exact object', expect: { json: { '$.nested': { a: 1 } } }, passed: true },
    { name: 'exact array order matters', expect: { json: { '$.tags': ['vip', 'x'] } }, passed: false },
    { name: 'exists true', expect: { json: { '$.id': { exists: true } } }, passed: true },
    { name: 'exists true fails on missing', expect: { json: { '$.nope': { exists: true } } }, passed: false, actual: '(missing)' },
    { name: 'exists false', expect: { json: { '$.nope': { exists: false } } }, passed: true },
    { name: 'exists true holds for null', expect: { json: { '$.nothing': { exists: true } } }, passed: true },
    { name: 'matches', expect: { json: { '$.id': { matches: '^L-\\d+$' } } }, passed: true },
    { name: 'matches fails', expect: { json: { '$.id': { matches: '^X' } } }, passed: false },
    { name: 'matches a number by its JSON text', expect: { json: { '$.score': { matches: '^8' } } }, passed: true },
    { name: 'type string', expect: { json: { '$.id': { type: 'string' } } }, passed: true },
    { name: 'type array', expect: { json: { '$.tags': { type: 'array' } } }, passed: true },
    { name: 'type null', expect: { json: { '$.nothing': { type: 'null' } } }, passed: true },
    { name: 'type object fails on array', expect: { json: { '$.tags': { type: 'object' } } }, passed: false, actual: 'array: ["vip"]' },
    { name: 'equals an object shaped like a matcher', expect: { json: { '$.nested': { equals: { a: 1 } } } }, passed: true },
    { name: 'header exact, name case-insensitive', expect: { headers: { 'content-type': 'application/json' } }, passed: true },
    { name: 'header exact fails', expect: { headers: { 'Content-Type': 'text/plain' } }, passed: false, actual: '"application/json"' },
    { name: 'header matches', expect: { headers: { 'content-type': { matches: '^application/' } } }, passed: true },
    { name: 'header absent', expect: { headers: { 'x-request-id': { exists: false } } }, passed: true },
    { name: 'maxMs passes', expect: { maxMs: 1000 }, passed: true, actual: '40 ms' },
    { name: 'maxMs fails', expect: { maxMs: 10 }, passed: false },
    { name: 'schema passes', expect: { schema: { type: 'object', required: ['id', 'email'] } }, passed: true },
    {
      name: 'schema fails with where',
      expect: { schema: { type: 'object', properties: { score: { type: 'string' } } } },
      passed: false,
      actual: '/score must be string',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [result, ...rest] = check(c.expect, response(body));
      assert.equal(rest.length, 0);
      assert.equal(result!.passed, c.passed, JSON.stringify(result));
      if (c.expected !== undefined) assert.equal(result!.expected, c.expected);
      if (c.actual !== undefined) assert.equal(result!.actual, c.actual);
    });
  }

  test('checks come in file order, each named, with the range of its key', () => {
    const text = actionWith({ status: '2xx', json: { '$.id': { exists: true } }, headers: { 'content-type': { exists: true } } });
    const doc = parseActionDocument(text);
    const results = checkResponse(readExpect(doc)!, response(body), CTX);
    assert.deepEqual(
      results.map((r) => r.name),
      ['status', 'json $.id', 'header content-type'],
    );
    assert.deepEqual(
      results.map((r) => text.slice(r.range.start, r.range.end)),
      ['"status"', '"$.id"', '"content-type"'],
    );
  });

  test('a body that is not JSON fails json checks and says so', () => {
    const [result] = check({ json: { '$.id': 'x' } }, response('<html>oops</html>', 200, [['Content-Type', 'text/html']]));
    assert.equal(result!.passed, false);
    assert.match(result!.actual, /not JSON: <html>oops/);
  });

  test('a body cut at the cap is not read as JSON', () => {
    const res = { ...response({ id: 'x' }), truncated: true };
    const [result] = check({ json: { '$.id': 'x' } }, res);
    assert.equal(result!.passed, false);
    assert.match(result!.actual, /cut at the response cap/);
  });
});

describe('templates in expected values render with the same sample', () => {
  test('a template in text renders to text', () => {
    const [r] = check({ json: { '$.greeting': 'Hi {{contact.first_name}}' } }, response({ greeting: 'Hi Jane' }));
    assert.equal(r!.passed, true);
    assert.equal(r!.expected, '"Hi Jane"');
  });
  test('a lone template keeps the sample value type', () => {
    assert.equal(check({ json: { '$.score': '{{contact.lead_score}}' } }, response({ score: 87 }))[0]!.passed, true);
    assert.equal(check({ json: { '$.tags': '{{contact.tags}}' } }, response({ tags: ['vip', 'new'] }))[0]!.passed, true);
  });
  test('another sample expects its own value', () => {
    const other: Sample = { ...SAMPLE, name: 'Bob', data: { contact: { email: 'bob@example.com' } } };
    const expect = { json: { '$.email': '{{contact.email}}' } };
    const res = response({ email: 'jane@example.com' });
    assert.equal(check(expect, res)[0]!.passed, true);
    const [r] = check(expect, res, { ...CTX, sample: other });
    assert.equal(r!.passed, false);
    assert.equal(r!.expected, '"bob@example.com"');
  });
  test('a value put into a matches pattern is matched literally', () => {
    const sample: Sample = { ...SAMPLE, data: { contact: { email: 'a+b@example.com' } } };
    const expect = { json: { '$.email': { matches: '^{{contact.email}}$' } } };
    assert.equal(check(expect, response({ email: 'a+b@example.com' }), { ...CTX, sample })[0]!.passed, true);
    assert.equal(check(expect, response({ email: 'aab@example.com' }), { ...CTX, sample })[0]!.passed, false);
  });
});

describe('problems in expect', () => {
  const cases: Array<[string, unknown, RegExp, string]> = [
    ['an unsupported JSON path', { json: { '$..id': 1 } }, /recursive descent/, '"$..id"'],
    ['an invalid regex', { json: { '$.id': { matches: '(' } } }, /not a valid regular expression/, '"$.id"'],
    ['an invalid regex in a header', { headers: { 'x-id': { matches: '[' } } }, /not a valid regular expression/, '"x-id"'],
    ['a type matcher with an unknown type', { json: { '$.id': { type: 'str' } } }, /takes one of string, number/, '"$.id"'],
  ];
  for (const [name, expect, message, covers] of cases) {
    test(`${name} is a problem with its range, and a failed check`, () => {
      const text = actionWith(expect);
      const model = readExpect(parseActionDocument(text))!;
      assert.equal(model.problems.length, 1);
      assert.match(model.problems[0]!.message, message);
      assert.equal(text.slice(model.problems[0]!.range.start, model.problems[0]!.range.end), covers);
      const results = checkResponse(model, response({ id: 1 }), CTX);
      assert.ok(results.some((r) => r.name === 'expect' && !r.passed && message.test(r.actual)));
    });
  }
  test('a schema ajv cannot compile fails its check and says why', () => {
    const [r] = check({ schema: { type: 'nope' } }, response({ id: 1 }));
    assert.equal(r!.passed, false);
    assert.match(r!.actual, /^expect\.schema is not a usable JSON Schema: .*type/);
  });
  test('without a schema compiler a schema check fails rather than passing unchecked', () => {
    const [r] = check({ schema: { type: 'object' } }, response({ id: 1 }), { ...CTX, compileSchema: undefined });
    assert.equal(r!.passed, false);
  });
  test('an action without expect has no model', () => {
    assert.equal(readExpect(parseActionDocument(JSON.stringify({ name: 'x', method: 'GET', url: 'https://a.example/' }))), undefined);
  });
});

describe('sendAction checks the response and the record carries the results', () => {
  let server: TestServer;
  const sender = new HttpSender({ privateAddresses: 'allow' });
  const tokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };
  const SECRET = 'key_5up3r5ecret';
  before(async () => {
    server = await startHttpServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      // The receiver echoes the key it got, as careless receivers do.
      res.end(JSON.stringify({ id: 'L-7', email: 'jane@example.com', key: req.headers['x-api-key'] }));
    });
  });
  after(async () => {
    await server.close();
    await sender.close();
  });
  const input = (text: string, overrides: Partial<SendActionInput> = {}): SendActionInput => ({
    doc: parseActionDocument(text),
    sample: SAMPLE,
    file: 'lead.webhook.json',
    escaping: 'json',
    arraySeparator: ', ',
    secrets: mapSecretSource(new Map([['API_KEY', SECRET]])),
    tokens,
    transport: sender,
    timeoutMs: 5000,
    ...overrides,
  });
  const text = (url: string) =>
    JSON.stringify({
      name: 'Lead',
      method: 'POST',
      url: `${url}/leads`,
      auth: { type: 'apiKey', header: 'X-Api-Key', value: '{{secrets.API_KEY}}' },
      body: { email: '{{contact.email}}' },
      expect: { status: 200, json: { '$.email': '{{contact.email}}', '$.id': { matches: '^L-' }, '$.key': 'wrong {{secrets.API_KEY}}' } },
    });

  test('passing and failing checks are on the record, secrets masked in expected and actual', { timeout: 15_000 }, async () => {
    const result = await sendAction(input(text(server.origin)));
    assert.ok(result.sent);
    const checks = result.record.checks!;
    assert.deepEqual(
      checks.map((c) => [c.name, c.passed]),
      [
        ['status', true],
        ['json $.email', true],
        ['json $.id', true],
        ['json $.key', false],
      ],
    );
    const keyCheck = checks[3]!;
    assert.equal(keyCheck.expected, `"wrong ${MASK}"`);
    assert.equal(keyCheck.actual, `"${MASK}"`);
    assert.ok(!JSON.stringify(result.record).includes(SECRET));
  });

  test('another sample fails the same expectation', { timeout: 15_000 }, async () => {
    const bob: Sample = { ...SAMPLE, name: 'Bob', data: { contact: { email: 'bob@example.com' } } };
    const result = await sendAction(input(text(server.origin), { sample: bob }));
    assert.ok(result.sent);
    const email = result.record.checks!.find((c) => c.name === 'json $.email')!;
    assert.equal(email.passed, false);
    assert.equal(email.expected, '"bob@example.com"');
    assert.equal(email.actual, '"jane@example.com"');
  });

  test('a send that got no response carries no checks', { timeout: 15_000 }, async () => {
    const closed = await startHttpServer((_req, res) => res.end());
    const origin = closed.origin;
    await closed.close();
    const result = await sendAction(input(text(origin)));
    assert.ok(result.sent);
    assert.equal(result.record.outcome, 'network-error');
    assert.equal(result.record.checks, undefined);
  });

  test('the inbox answer is checked like a receiver', { timeout: 15_000 }, async () => {
    const inbox = await startInbox({ status: 202, body: JSON.stringify({ email: 'jane@example.com' }) });
    try {
      const checking = new HttpSender({ alwaysAllowedOrigins: [inbox.url] });
      const result = await sendAction(input(actionWith({ status: 202, json: { '$.email': '{{contact.email}}' } }), { inbox, transport: checking }));
      await checking.close();
      assert.ok(result.sent);
      assert.deepEqual(
        result.record.checks!.map((c) => c.passed),
        [true, true],
      );
    } finally {
      await inbox.close();
    }
  });
});

describe('the schema names a wrong expect in one clear message each', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    [
      'a status that is no code or class',
      { status: '2xy' },
      '"2xy"',
      /^expect\.status must be a status code \(100–599\), a class such as "2xx", or a list of those\.$/,
    ],
    ['a header matcher of the wrong shape', { headers: { 'x-id': { matches: 1 } } }, '{"matches":1}', /^A header expectation is the exact value/],
    ['a JSON path without $', { json: { id: 1 } }, '"id"', /A JSON path starts with "\$"/],
    ['a maxMs of zero', { maxMs: 0 }, '0', /expect\.maxMs must be > 0/],
    ['an unknown key', { bogus: 1 }, '"bogus"', /Unknown property "bogus" in expect\. Allowed: status, headers, json, maxMs, schema\./],
  ];
  for (const [name, expect, covers, message] of cases) {
    test(name, () => {
      const text = JSON.stringify({ name: 'x', method: 'POST', url: 'https://a.example/x', expect });
      const doc = parseActionDocument(text);
      const diagnostics = validateSchemaOfText('action', text, () => doc.root);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics.map((d) => d.message)));
      assert.equal(text.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end), covers);
      assert.match(diagnostics[0]!.message, message);
    });
  }
  test('a valid expect gives no diagnostics', () => {
    const text = actionWith({
      status: ['2xx', 409],
      headers: { 'content-type': { matches: '^application/json' }, 'x-a': 'b' },
      json: { '$.id': { exists: true }, '$.n': 1 },
      maxMs: 500,
      schema: { type: 'object' },
    });
    const doc = parseActionDocument(text);
    assert.deepEqual(
      validateSchemaOfText('action', text, () => doc.root),
      [],
    );
  });
});
