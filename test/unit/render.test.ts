import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { render } from '../../src/core/render';
import { parseSample } from '../../src/core/sample';
import { MASK } from '../../src/core/redact';
import { toPlainRequest } from '../../src/core/redact';
import { JANE, actionText, options, renderAction, sample } from './helpers/core';

const header = (r: ReturnType<typeof renderAction>, name: string) =>
  r.request.headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);

describe('value to text', () => {
  const cases: Array<[string, string, string]> = [
    ['a string as is', '{{contact.first_name}}', 'Jane'],
    ['a number via String()', '{{opportunity.value}}', '4200'],
    ['an array joined by ", "', '{{contact.tags}}', 'vip, newsletter'],
    ['an object as JSON', '{{contact.address}}', '{"city":"Paris"}'],
    ['null as empty', '{{contact.nothing}}', ''],
    ['missing as empty', '{{contact.nope}}', ''],
    ['an index into an array', '{{contact.tags[1]}}', 'newsletter'],
    ['an index past the end as empty', '{{contact.tags[9]}}', ''],
    ['text around templates kept', 'Hi {{contact.first_name}} ({{workflow.order_id}})', 'Hi Jane (A-1001)'],
    ['unsupported expression sent literally', '{{contact.first_name | upcase}}', '{{contact.first_name | upcase}}'],
    ['unclosed template sent literally', 'Hi {{contact.first_name', 'Hi {{contact.first_name'],
  ];
  for (const [name, template, expected] of cases) {
    test(name, () => {
      const r = renderAction({ body: { v: template } }, JANE);
      assert.deepEqual(JSON.parse(r.request.body!), { v: expected });
    });
  }

  test('renders arrays joined by the configured separator', () => {
    const r = renderAction({ body: { v: '{{contact.tags}}' } }, JANE, options({ arraySeparator: '|' }));
    assert.equal(r.request.body, '{"v":"vip|newsletter"}');
  });

  test('every template renders to text, even a whole-string number', () => {
    const r = renderAction({ body: { value: '{{opportunity.value}}' } }, JANE);
    assert.equal(r.request.body, '{"value":"4200"}');
  });

  test('literal numbers, booleans and null in the body pass through', () => {
    const r = renderAction({ body: { n: 1.5, b: true, z: null, a: [1, 'x'] } }, JANE);
    assert.equal(r.request.body, '{"n":1.5,"b":true,"z":null,"a":[1,"x"]}');
  });

  test('unresolved variables are reported with their paths', () => {
    const r = renderAction({ body: { a: '{{contact.nothing}}', b: '{{contact.nope}}', c: '{{contact.first_name}}' } }, JANE);
    assert.deepEqual(
      r.unresolved.map((u) => u.path),
      ['contact.nothing', 'contact.nope'],
    );
  });
});

describe('body escaping', () => {
  const hostile = { contact: { first_name: 'Ja"ne\\ \n\t\u0001 🎉 שלום' } };

  test('json mode: quotes, backslashes, newlines and non-ASCII never break the JSON', () => {
    const r = renderAction({ body: { n: '{{contact.first_name}}' } }, hostile);
    assert.deepEqual(JSON.parse(r.request.body!), { n: hostile.contact.first_name });
  });

  test('text mode: values pasted unescaped, as a platform without escaping would', () => {
    const r = renderAction({ body: { n: 'x{{contact.first_name}}' } }, { contact: { first_name: 'Ja"ne' } }, options({ escaping: 'text' }));
    assert.equal(r.request.body, '{"n":"xJa"ne"}');
    assert.throws(() => JSON.parse(r.request.body!));
  });

  test('text mode: literal parts are still serialised by JSON.stringify', () => {
    const r = renderAction({ body: { 'k"': 'a"b {{contact.first_name}}' } }, { contact: { first_name: 'J' } }, options({ escaping: 'text' }));
    assert.equal(r.request.body, '{"k\\"":"a\\"b J"}');
  });
});

describe('URL', () => {
  test('templates in the path are percent-encoded with encodeURIComponent', () => {
    const r = renderAction({ url: 'https://api.example.com/leads/{{contact.id}}' }, { contact: { id: 'a/b c?&' } });
    assert.equal(r.request.url, 'https://api.example.com/leads/a%2Fb%20c%3F%26');
  });

  test('templates inside a query written in the URL are encoded the same way', () => {
    const r = renderAction({ url: 'https://api.example.com/x?email={{contact.email}}' }, { contact: { email: 'a+b@x.com' } });
    assert.equal(r.request.url, 'https://api.example.com/x?email=a%2Bb%40x.com');
  });

  test('query entries are appended after the URL query, lists repeat the key', () => {
    const r = renderAction({ url: 'https://api.example.com/x?a=1', query: { source: 'hoop', tag: ['vip', 'new'], 'sp ace': 'é&' } }, JANE);
    assert.equal(r.request.url, 'https://api.example.com/x?a=1&source=hoop&tag=vip&tag=new&sp%20ace=%C3%A9%26');
  });

  test('query entries start the query when the URL has none, and go before a fragment', () => {
    const r = renderAction({ url: 'https://api.example.com/x#top', query: { q: '{{contact.first_name}}' } }, JANE);
    assert.equal(r.request.url, 'https://api.example.com/x?q=Jane#top');
  });

  test('a template that forms the origin is inserted as is', () => {
    const r = renderAction(
      { url: '{{custom_values.api_base}}/leads/{{contact.id}}' },
      { custom_values: { api_base: 'https://crm.example.com/v2' }, contact: { id: 'x y' } },
    );
    assert.equal(r.request.url, 'https://crm.example.com/v2/leads/x%20y');
  });

  const invalid: Array<[string, string]> = [
    ['relative', '/leads'],
    ['not http', 'ftp://example.com/x'],
    ['empty after render', '{{contact.nope}}'],
    ['javascript scheme', 'javascript:alert(1)'],
  ];
  for (const [name, url] of invalid) {
    test(`an invalid URL is not sendable: ${name}`, () => {
      const r = renderAction({ url }, JANE);
      assert.equal(r.sendable, false);
      assert.equal(r.problems[0]?.code, 'invalid-url');
    });
  }
});

describe('headers', () => {
  test('user headers in file order, then auth, then automatic', () => {
    const r = renderAction({ headers: { 'X-B': '1', 'X-A': ['2', '3'] }, auth: { type: 'bearer', token: 't' }, body: {} }, JANE);
    assert.deepEqual(
      r.request.headers.map((h) => [h.name, h.value, h.origin]),
      [
        ['X-B', '1', 'user'],
        ['X-A', '2', 'user'],
        ['X-A', '3', 'user'],
        ['Authorization', 'Bearer t', 'auth'],
        ['Content-Type', 'application/json', 'auto'],
      ],
    );
  });

  test('no automatic Content-Type when the user gave one (any case)', () => {
    const r = renderAction({ headers: { 'content-type': 'application/vnd.api+json' }, body: {} }, JANE);
    assert.deepEqual(header(r, 'content-type'), ['application/vnd.api+json']);
  });

  test('no Content-Type and no body without a body', () => {
    const r = renderAction({}, JANE);
    assert.equal(r.request.body, null);
    assert.deepEqual(header(r, 'content-type'), []);
  });

  for (const method of ['GET', 'DELETE']) {
    test(`${method} drops the body`, () => {
      const r = renderAction({ method, body: { a: 1 } }, JANE);
      assert.equal(r.request.body, null);
      assert.deepEqual(header(r, 'content-type'), []);
    });
  }

  test('a header value rendering CR/LF is refused (header injection)', () => {
    const r = renderAction({ headers: { 'X-Name': '{{contact.first_name}}' } }, { contact: { first_name: 'a\r\nX-Evil: 1' } });
    assert.equal(r.sendable, false);
    assert.equal(r.problems[0]?.code, 'invalid-header');
  });

  test('a header name that is not a token is refused', () => {
    const r = renderAction({ headers: { 'Bad Name': 'x' } }, JANE);
    assert.equal(r.sendable, false);
    assert.equal(r.problems[0]?.code, 'invalid-header');
  });

  test('an explicit Authorization header with an auth scheme is a conflict', () => {
    const r = renderAction({ headers: { authorization: 'x' }, auth: { type: 'basic', username: 'u', password: 'p' } }, JANE);
    assert.equal(r.sendable, false);
    assert.equal(r.problems[0]?.code, 'auth-conflict');
  });
});

describe('auth', () => {
  const cases: Array<[string, Record<string, unknown>, [string, string] | undefined]> = [
    ['none adds nothing', { type: 'none' }, undefined],
    ['bearer', { type: 'bearer', token: '{{secrets.T}}' }, ['Authorization', 'Bearer s3cr3t']],
    ['apiKey', { type: 'apiKey', header: 'X-Api-Key', value: 'k-{{secrets.T}}' }, ['X-Api-Key', 'k-s3cr3t']],
    [
      'basic, UTF-8',
      { type: 'basic', username: 'jürgen', password: '{{secrets.T}}' },
      ['Authorization', 'Basic ' + Buffer.from('jürgen:s3cr3t', 'utf8').toString('base64')],
    ],
    ['oauth2 from the token source', { type: 'oauth2', connection: 'crm' }, ['Authorization', 'Bearer oauth-token']],
  ];
  for (const [name, auth, expected] of cases) {
    test(name, () => {
      const r = renderAction({ auth }, JANE, options({ secretValues: { T: 's3cr3t' }, tokenValues: { crm: 'oauth-token' } }));
      const got = r.request.headers.find((h) => h.origin === 'auth');
      assert.deepEqual(got ? [got.name, got.value] : undefined, expected);
    });
  }

  test('absent auth means none', () => {
    const r = renderAction({}, JANE);
    assert.equal(
      r.request.headers.some((h) => h.origin === 'auth'),
      false,
    );
  });

  test('a missing secret renders empty and is unresolved', () => {
    const r = renderAction({ auth: { type: 'bearer', token: '{{secrets.NOPE}}' } }, JANE);
    assert.deepEqual(
      r.unresolved.map((u) => u.path),
      ['secrets.NOPE'],
    );
    assert.deepEqual(r.secretsUsed, ['NOPE']);
  });

  test('secrets never come from a sample', () => {
    const r = renderAction({ body: { t: '{{secrets.T}}' } }, { secrets: { T: 'from-sample' } });
    assert.equal(r.request.body, '{"t":""}');
  });

  test('an unknown auth type is reported and not sendable', () => {
    const r = renderAction({ auth: { type: 'digest' } }, JANE);
    assert.equal(r.sendable, false);
    assert.match(r.problems[0]!.message, /digest/);
  });
});

describe('redaction by provenance', () => {
  const secretValues = { T: 'sup3r-secret', K: 'k3y-value' };
  const action = {
    url: 'https://api.example.com/x/{{secrets.K}}?k={{secrets.K}}',
    auth: { type: 'basic', username: 'me', password: '{{secrets.T}}' },
    headers: { 'X-Key': 'pre-{{secrets.K}}' },
    body: { token: '{{secrets.T}}', name: '{{contact.first_name}}' },
  };

  test('masks every secret-derived value, Basic credentials included', () => {
    const r = renderAction(action, JANE, options({ secretValues }));
    const plain = toPlainRequest(r.request);
    const all = JSON.stringify(plain);
    for (const v of [...Object.values(secretValues), Buffer.from('me:sup3r-secret').toString('base64')]) assert.ok(!all.includes(v), `leaked ${v}`);
    assert.equal(plain.url, `https://api.example.com/x/${MASK}?k=${MASK}`);
    assert.deepEqual(plain.headers[0], ['X-Key', `pre-${MASK}`]);
    assert.deepEqual(plain.headers[1], ['Authorization', `Basic ${MASK}`]);
    assert.equal(plain.body, `{"token":"${MASK}","name":"Jane"}`);
  });

  test('reveal shows the real values', () => {
    const r = renderAction(action, JANE, options({ secretValues }));
    assert.equal(toPlainRequest(r.request, true).body, '{"token":"sup3r-secret","name":"Jane"}');
  });

  test('spans point at the substituted text', () => {
    const r = renderAction({ body: { a: 'x{{contact.first_name}}y' } }, JANE);
    const s = r.request.bodySpans[0]!;
    assert.equal(r.request.body!.slice(s.start, s.end), 'Jane');
    assert.deepEqual(s.source.kind, 'variable');
  });
});

describe('robustness', () => {
  const texts = ['', '{', '[]', '"x"', '{"method": 5, "url": 7, "headers": [], "query": "x", "auth": "bearer"}', '{"body": {"a": {{}}}}'];
  for (const text of texts) {
    test(`never throws on ${JSON.stringify(text)}`, () => {
      const r = render(parseActionDocument(text), sample({}), options());
      assert.equal(r.sendable, false);
    });
  }

  test('a full action (templated path, bearer auth, headers, repeated query, nested body) renders exactly', () => {
    const text = actionText({
      url: 'https://api.example.com/v1/leads/{{contact.id}}',
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'Content-Type': 'application/json', 'X-Source': 'workflow' },
      query: { source: 'hoop', tag: ['vip', 'new'] },
      body: { first_name: '{{contact.first_name}}', email: '{{contact.email}}', deal: { stage: '{{opportunity.stage}}', value: '{{opportunity.value}}' } },
    });
    const r = render(parseActionDocument(text), sample(JANE), options({ secretValues: { CRM_TOKEN: 'tok' } }));
    assert.equal(r.request.url, 'https://api.example.com/v1/leads/c_81f2?source=hoop&tag=vip&tag=new');
    assert.equal(r.request.body, '{"first_name":"Jane","email":"jane@example.com","deal":{"stage":"Proposal","value":"4200"}}');
    assert.deepEqual(
      r.request.headers.map((h) => h.name),
      ['Content-Type', 'X-Source', 'Authorization'],
    );
    assert.equal(r.sendable, true);
  });
});

describe('body paths', () => {
  const body = { a: '{{contact.first_name}}', n: [1, { b: 'x{{opportunity.value}}' }] };
  const noTree = (doc: ReturnType<typeof parseActionDocument>) => Object.assign(doc, { bodyNode: () => assert.fail('the tree walk was used') });

  test('a strict JSON body renders without building a syntax tree', () => {
    const r = render(noTree(parseActionDocument(actionText({ body }))), sample(JANE), options());
    assert.equal(r.request.body, '{"a":"Jane","n":[1,{"b":"x4200"}]}');
  });

  const treeCases: Array<[string, string, string]> = [
    ['comments', `{"name":"n","method":"POST","url":"https://a.example/","body": {/* c */ "a": "{{contact.first_name}}"}}`, '{"a":"Jane"}'],
    ['trailing commas', `{"name":"n","method":"POST","url":"https://a.example/","body": {"a": "{{contact.first_name}}",}}`, '{"a":"Jane"}'],
    [
      'duplicate keys: last wins in the first place',
      `{"name":"n","method":"POST","url":"https://a.example/","body": {"a": "{{contact.first_name}}", "b": 1, "a": "2", /**/}}`,
      '{"a":"2","b":1}',
    ],
    [
      'index-like keys first, as JSON.stringify orders them',
      `{"name":"n","method":"POST","url":"https://a.example/","body": {"b": 1, "2": "x", "1": "{{contact.first_name}}", /**/}}`,
      '{"1":"Jane","2":"x","b":1}',
    ],
  ];
  for (const [name, text, expected] of treeCases) {
    test(`a JSONC body renders by the tree walk: ${name}`, () => {
      const r = render(parseActionDocument(text), sample(JANE), options());
      assert.equal(r.request.body, expected);
    });
  }

  test('strict JSON with index-like keys or __proto__ falls back to the tree walk and matches JSON.parse', () => {
    for (const raw of ['{"b": 1, "2": "{{contact.first_name}}"}', '{"__proto__": {"x": "{{contact.first_name}}"}, "y": 1}']) {
      const text = `{"name":"n","method":"POST","url":"https://a.example/","body": ${raw}}`;
      const r = render(parseActionDocument(text), sample(JANE), options());
      assert.equal(r.request.body, JSON.stringify(JSON.parse(raw.replaceAll('{{contact.first_name}}', 'Jane'))));
    }
  });
});

describe('names from input are looked up as own properties only', () => {
  test('a secret source answering with something other than a string resolves nothing', () => {
    const secrets = { get: (name: string) => (Object.prototype as unknown as Record<string, string>)[name] };
    const r = renderAction({ body: { a: '{{secrets.valueOf}}', b: '{{secrets.hasOwnProperty}}', c: '{{secrets.__proto__}}' } }, JANE, {
      ...options(),
      secrets,
    });
    assert.deepEqual(JSON.parse(r.request.body!), { a: '', b: '', c: '' });
    assert.deepEqual(
      r.unresolved.map((u) => u.path),
      ['secrets.valueOf', 'secrets.hasOwnProperty', 'secrets.__proto__'],
    );
  });

  test('prototype names are not fields of a sample', () => {
    const r = renderAction({ body: { a: '{{contact.constructor}}', b: '{{contact.toString}}', c: '{{contact.__proto__}}' } }, JANE);
    assert.deepEqual(JSON.parse(r.request.body!), { a: '', b: '', c: '' });
  });
});

describe('a sample key named __proto__', () => {
  test('is kept as data: rendered in its object and found by its path', () => {
    const parsed = parseSample('{ "contact": { "meta": { "__proto__": { "x": 1 }, "y": 2 } } }', 'p.sample.json');
    const data = parsed.sample!.data;
    const r = render(parseActionDocument(actionText({ body: { whole: '{{contact.meta}}', inner: '{{contact.meta.__proto__.x}}' } })), sample(data), options());
    assert.deepEqual(JSON.parse(r.request.body!), { whole: '{"__proto__":{"x":1},"y":2}', inner: '1' });
  });
});

describe('nesting too deep for any receiver', () => {
  const action = (depth: number) => `{"name":"x","method":"POST","url":"https://a.example.com/","body":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  for (const depth of [3000, 100_000]) {
    test(`an action nested ${depth} levels is an error at the bracket that goes too deep, and its body is not read`, () => {
      const text = action(depth);
      const doc = parseActionDocument(text);
      const deep = doc.syntax.find((d) => /nest deeper than 512/.test(d.message));
      assert.ok(deep, JSON.stringify(doc.syntax));
      assert.equal(deep.range.start, text.indexOf('[') + 511);
      assert.equal(doc.root, undefined);
      const r = render(doc, sample({}), options());
      assert.equal(r.request.body, null);
    });
  }

  test('a sample nested 100,000 levels is a diagnostic, not a crash', () => {
    const parsed = parseSample(`{"contact":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`, 'deep.sample.json');
    assert.equal(parsed.sample, undefined);
    assert.match(parsed.diagnostics[0]!.message, /nest deeper than 512 levels/);
  });

  test('512 levels are still read', () => {
    const doc = parseActionDocument(action(511));
    assert.deepEqual(doc.syntax, []);
    assert.equal(render(doc, sample({}), options()).request.body, '['.repeat(511) + ']'.repeat(511));
  });
});

describe('brackets that do not nest', () => {
  test('brackets inside strings, escaped quotes and comments are not counted as nesting', () => {
    const many = '['.repeat(600);
    const text = `{"name":"x","method":"POST","url":"https://a.example.com/",/* ${'{'.repeat(600)} */
      // ${'['.repeat(600)}
      "body":{"a":"${many}","b":"\\"${'{'.repeat(600)}"}}`;
    assert.deepEqual(parseActionDocument(text).syntax, []);
  });
});
