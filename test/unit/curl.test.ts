import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BUILTIN_SAMPLE } from '../../src/core/builtinSample';
import { fromCurl, shellWords, toCurl } from '../../src/core/curl';
import { parseActionDocument } from '../../src/core/document';
import { render } from '../../src/core/render';
import { toPlainRequest } from '../../src/core/redact';
import { validateSchema } from '../../src/core/schemaValidation';
import { emptySecrets, noTokens } from '../../src/core/secretSources';
import type { Method, PlainRequest, RenderOptions } from '../../src/core/types';

const OPTIONS: RenderOptions = { escaping: 'json', arraySeparator: ', ', secrets: emptySecrets, tokens: noTokens };

/** Imports a command and renders the file it gives, failing the test when import fails. */
function importAndRender(command: string): { request: PlainRequest; text: string; warnings: string[] } {
  const imported = fromCurl(command);
  assert.ok(imported.ok, imported.ok ? '' : imported.error);
  const doc = parseActionDocument(imported.text);
  assert.deepEqual(doc.syntax, [], 'the generated file parses cleanly');
  const result = render(doc, BUILTIN_SAMPLE, OPTIONS);
  return { request: toPlainRequest(result.request, true), text: imported.text, warnings: imported.warnings };
}

/**
 * What rendering the import of `x`'s export must give: `x`, plus the Content-Type curl sends for a body
 * without one (application/x-www-form-urlencoded), which import writes into the file.
 */
function expectedAfterRoundTrip(x: PlainRequest): PlainRequest {
  const hasType = x.headers.some(([n]) => n.toLowerCase() === 'content-type');
  const headers = x.body !== null && !hasType ? [...x.headers, ['Content-Type', 'application/x-www-form-urlencoded'] as const] : x.headers;
  return { ...x, headers };
}

describe('toCurl', () => {
  const cases: Array<{ name: string; request: PlainRequest; expected: string }> = [
    {
      name: 'GET without body needs no -X',
      request: { method: 'GET', url: 'https://api.example.com/a?b=1', headers: [['Accept', 'application/json']], body: null },
      expected: "curl 'https://api.example.com/a?b=1' \\\n  -H 'Accept: application/json'",
    },
    {
      name: 'POST with body needs no -X and sends the body raw',
      request: { method: 'POST', url: 'https://x.io/', headers: [], body: '{"a":"@file"}' },
      expected: 'curl \'https://x.io/\' \\\n  --data-raw \'{"a":"@file"}\'',
    },
    {
      name: 'POST without body says -X POST',
      request: { method: 'POST', url: 'https://x.io/', headers: [], body: null },
      expected: "curl 'https://x.io/' \\\n  -X POST",
    },
    {
      name: 'PUT with body says -X PUT',
      request: { method: 'PUT', url: 'https://x.io/', headers: [], body: '1' },
      expected: "curl 'https://x.io/' \\\n  -X PUT \\\n  --data-raw '1'",
    },
    {
      name: 'DELETE says -X DELETE',
      request: { method: 'DELETE', url: 'https://x.io/', headers: [], body: null },
      expected: "curl 'https://x.io/' \\\n  -X DELETE",
    },
    {
      name: 'single quotes are written as quote-backslash-quote-quote',
      request: { method: 'GET', url: "https://x.io/it's", headers: [['X-Name', "O'Brien"]], body: null },
      expected: "curl 'https://x.io/it'\\''s' \\\n  -H 'X-Name: O'\\''Brien'",
    },
    {
      name: 'an empty header value uses curl\'s "Name;" form',
      request: { method: 'GET', url: 'https://x.io/', headers: [['X-Empty', '']], body: null },
      expected: "curl 'https://x.io/' \\\n  -H 'X-Empty;'",
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(toCurl(c.request), c.expected));
  }

  test('secrets stay masked in an export of a masked request', () => {
    const doc = parseActionDocument(
      '{"name":"a","method":"POST","url":"https://x.io/","auth":{"type":"bearer","token":"{{secrets.T}}"},"body":{"k":"{{secrets.T}}"}}',
    );
    const result = render(doc, BUILTIN_SAMPLE, { ...OPTIONS, secrets: { get: () => 'sup3r-s3cret' } });
    const masked = toCurl(toPlainRequest(result.request));
    assert.ok(!masked.includes('sup3r-s3cret'));
    assert.ok(masked.includes("-H 'Authorization: Bearer ••••••'"));
    assert.ok(toCurl(toPlainRequest(result.request, true)).includes('sup3r-s3cret'));
  });
});

describe('shellWords', () => {
  const cases: Array<{ name: string; command: string; words: string[] }> = [
    { name: 'single quotes are literal', command: `curl 'a "b" \\n $X'`, words: ['curl', 'a "b" \\n $X'] },
    { name: 'double quotes honour \\" \\\\ \\$', command: `curl "a \\"b\\" \\\\ \\$X \\n"`, words: ['curl', 'a "b" \\ $X \\n'] },
    { name: "$'…' decodes C escapes", command: `curl $'a\\nb\\t\\x41\\u00e9\\''`, words: ['curl', "a\nb\tAé'"] },
    { name: 'backslash-newline continues the line', command: 'curl \\\n  -X POST \\\r\n  x', words: ['curl', '-X', 'POST', 'x'] },
    { name: 'adjacent quoted parts join into one word', command: `curl 'a'"b"c\\ d`, words: ['curl', 'abc d'] },
    { name: 'an empty quoted word is a word', command: `curl '' x`, words: ['curl', '', 'x'] },
    { name: 'a comment ends at the line end', command: 'curl x # the rest\n-v', words: ['curl', 'x', '-v'] },
    { name: 'a pipe ends the command', command: `curl x | jq '.a'`, words: ['curl', 'x'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = shellWords(c.command);
      assert.ok(r.ok);
      assert.deepEqual(r.words, c.words);
    });
  }

  test('an unclosed quote is an error', () => {
    assert.deepEqual(shellWords(`curl 'abc`), { ok: false, error: 'A single quote is not closed.' });
    assert.deepEqual(shellWords(`curl "abc`), { ok: false, error: 'A double quote is not closed.' });
  });
});

describe('fromCurl', () => {
  test('writes a pretty file with name, method, url, auth, headers, query and body in that order', () => {
    const r = fromCurl(
      `curl 'https://api.example.com/v1/leads?source=web&tag=a&tag=b' -H 'X-Source: workflow' -H 'Content-Type: application/json' -H 'Authorization: Bearer {{secrets.CRM_TOKEN}}' --data-raw '{"email":"{{contact.email}}"}'`,
    );
    assert.ok(r.ok);
    assert.equal(
      r.text,
      [
        '{',
        '  "name": "POST api.example.com/v1/leads",',
        '  "method": "POST",',
        '  "url": "https://api.example.com/v1/leads",',
        '  "auth": {',
        '    "type": "bearer",',
        '    "token": "{{secrets.CRM_TOKEN}}"',
        '  },',
        '  "headers": {',
        '    "X-Source": "workflow",',
        '    "Content-Type": "application/json"',
        '  },',
        '  "query": {',
        '    "source": "web",',
        '    "tag": [',
        '      "a",',
        '      "b"',
        '    ]',
        '  },',
        '  "body": {',
        '    "email": "{{contact.email}}"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(validateSchema('action', parseActionDocument(r.text).root), []);
  });

  const renders: Array<{
    name: string;
    command: string;
    method: Method;
    url: string;
    headers: Array<[string, string]>;
    body: string | null;
    warning?: RegExp;
  }> = [
    {
      name: 'browser-style command with lowercase headers and --compressed',
      command: `curl 'https://x.io/api' -H 'accept: */*' -H 'content-type: application/json' --data-raw '{"a":1}' --compressed`,
      method: 'POST',
      url: 'https://x.io/api',
      headers: [
        ['accept', '*/*'],
        ['content-type', 'application/json'],
      ],
      body: '{"a":1}',
      warning: /--compressed was ignored/,
    },
    {
      name: '-u becomes basic auth',
      command: `curl -u 'bot:p@ss:word' https://x.io/`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [['Authorization', `Basic ${Buffer.from('bot:p@ss:word').toString('base64')}`]],
      body: null,
      warning: /literals/,
    },
    {
      name: '-G moves the data into the query',
      command: `curl -G https://x.io/search -d q=jane -d limit=5`,
      method: 'GET',
      url: 'https://x.io/search?q=jane&limit=5',
      headers: [],
      body: null,
    },
    {
      name: 'several -d are joined with & as curl does',
      command: `curl https://x.io/ -d a=1 --data b=2`,
      method: 'POST',
      url: 'https://x.io/',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      // A form body ("bodyType": "form"), encoded as the platform encodes fields: the bytes curl sends.
      body: 'a=1&b=2',
      warning: /no Content-Type/,
    },
    {
      name: '--json posts JSON and asks for JSON',
      command: `curl --json '{"a":[1,2]}' https://x.io/`,
      method: 'POST',
      url: 'https://x.io/',
      headers: [
        ['Content-Type', 'application/json'],
        ['Accept', 'application/json'],
      ],
      body: '{"a":[1,2]}',
    },
    {
      name: '--data-urlencode encodes the content as curl does',
      command: `curl -G https://x.io/ --data-urlencode "q=a b!" --data-urlencode '=x&y'`,
      method: 'GET',
      url: 'https://x.io/?q=a+b%21&x%26y',
      headers: [],
      body: null,
    },
    {
      name: 'a query not in canonical encoding stays in the URL',
      command: `curl 'https://x.io/a?b=c+d&e=%41&flag'`,
      method: 'GET',
      url: 'https://x.io/a?b=c+d&e=%41&flag',
      headers: [],
      body: null,
    },
    {
      name: 'a repeated key that is not adjacent stays in the URL, keeping the order',
      command: `curl 'https://x.io/a?k=1&j=2&k=3'`,
      method: 'GET',
      url: 'https://x.io/a?k=1&j=2&k=3',
      headers: [],
      body: null,
    },
    {
      name: 'a pretty JSON body is sent compact, with a warning',
      command: `curl -X PUT https://x.io/ -H 'Content-Type: application/json' -d $'{\\n  "a": 1\\n}'`,
      method: 'PUT',
      url: 'https://x.io/',
      headers: [['Content-Type', 'application/json']],
      body: '{"a":1}',
      warning: /re-serialised compactly/,
    },
    {
      name: 'an Authorization header that is not last stays a header, in place',
      command: `curl https://x.io/ -H 'Authorization: Bearer abc' -H 'X-After: 1'`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [
        ['Authorization', 'Bearer abc'],
        ['X-After', '1'],
      ],
      body: null,
      warning: /changes the order/,
    },
    {
      name: 'adjacent repeated headers become a list and keep their order',
      command: `curl https://x.io/ -H 'X-Tag: a' -H 'X-Tag: b' -H 'X-Other: c'`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
        ['X-Other', 'c'],
      ],
      body: null,
    },
    {
      name: 'a repeated header that is not adjacent is grouped, with a warning',
      command: `curl https://x.io/ -H 'X-Tag: a' -H 'X-Other: c' -H 'X-Tag: b'`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
        ['X-Other', 'c'],
      ],
      body: null,
      warning: /grouped/,
    },
    {
      name: 'combined short flags, -XPOST and -H without a space',
      command: `curl -sSLXPOST -HX-A:1 https://x.io/`,
      method: 'POST',
      url: 'https://x.io/',
      headers: [['X-A', '1']],
      body: null,
      warning: /-L was ignored/,
    },
    {
      name: 'a URL without scheme gets http://, as curl assumes',
      command: `curl x.io/path`,
      method: 'GET',
      url: 'http://x.io/path',
      headers: [],
      body: null,
      warning: /no scheme/,
    },
    {
      name: 'an unknown option is ignored with a warning',
      command: `curl --frobnicate https://x.io/`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [],
      body: null,
      warning: /Unknown option --frobnicate/,
    },
    {
      name: 'a shell variable is kept literally with a warning',
      command: `curl https://x.io/ -H "X-Key: $API_KEY"`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [['X-Key', '$API_KEY']],
      body: null,
      warning: /\$API_KEY was not expanded/,
    },
    {
      name: '-A, -e and -b become headers',
      command: `curl https://x.io/ -A 'bot/1' -e https://ref.example/ -b 'a=1; b=2'`,
      method: 'GET',
      url: 'https://x.io/',
      headers: [
        ['User-Agent', 'bot/1'],
        ['Referer', 'https://ref.example/'],
        ['Cookie', 'a=1; b=2'],
      ],
      body: null,
    },
  ];
  for (const c of renders) {
    test(`renders what the command sends: ${c.name}`, () => {
      const r = importAndRender(c.command);
      assert.deepEqual(r.request, { method: c.method, url: c.url, headers: c.headers, body: c.body });
      if (c.warning)
        assert.ok(
          r.warnings.some((w) => c.warning!.test(w)),
          `warnings: ${r.warnings.join(' | ')}`,
        );
    });
  }

  const errors: Array<{ name: string; command: string; error: RegExp }> = [
    {
      name: 'a method outside the four',
      command: 'curl -X PATCH https://x.io/',
      error: /"PATCH" is not offered by the platform: use GET, POST, PUT or DELETE/,
    },
    { name: 'HEAD', command: 'curl -I https://x.io/', error: /HEAD requests/ },
    { name: 'no URL', command: 'curl -X POST', error: /No URL/ },
    { name: 'another program', command: 'wget https://x.io/', error: /not a curl command/ },
    { name: 'empty input', command: '   \n ', error: /Nothing to import/ },
    { name: 'a body from a file', command: 'curl https://x.io/ -d @body.json', error: /reads the body from a file/ },
    { name: 'a multipart form', command: 'curl https://x.io/ -F a=1', error: /multipart/ },
    { name: 'an ftp URL', command: 'curl ftp://x.io/file', error: /Only http and https/ },
    { name: 'an option without its value', command: 'curl https://x.io/ -H', error: /-H needs a value/ },
    { name: 'an unclosed quote', command: "curl 'https://x.io/", error: /single quote is not closed/ },
    { name: 'two URLs', command: 'curl https://a.io/ https://b.io/', error: /more than one URL/ },
  ];
  for (const c of errors) {
    test(`refuses with a clear message: ${c.name}`, () => {
      const r = fromCurl(c.command);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, c.error);
    });
  }

  test('an empty header and a header removal are told apart', () => {
    const r = importAndRender(`curl https://x.io/ -H 'X-Empty;' -H 'Accept:'`);
    assert.deepEqual(r.request.headers, [['X-Empty', '']]);
    assert.ok(r.warnings.some((w) => /removes one of curl's own headers/.test(w)));
  });

  test('a literal bearer token is flagged, a secret template is not', () => {
    const literal = fromCurl(`curl https://x.io/ -H 'Authorization: Bearer abc123'`);
    const secret = fromCurl(`curl https://x.io/ -H 'Authorization: Bearer {{secrets.T}}'`);
    assert.ok(literal.ok && literal.warnings.some((w) => /literals/.test(w)));
    assert.ok(secret.ok && !secret.warnings.some((w) => /literals/.test(w)));
  });

  test('Basic credentials that do not decode to UTF-8 text stay a header', () => {
    const r = importAndRender(`curl https://x.io/ -H 'Authorization: Basic //79'`);
    assert.ok(!r.text.includes('"auth"'));
    assert.deepEqual(r.request.headers, [['Authorization', 'Basic //79']]);
  });
});

describe('round-trip: import(export(x)) renders x', () => {
  const tables: Array<{ name: string; request: PlainRequest }> = [
    {
      name: 'a rendered request with auth after the headers and the automatic Content-Type last',
      request: {
        method: 'POST',
        url: 'https://api.example.com/v1/leads?source=website&tag=inbound&tag=form',
        headers: [
          ['X-Source', 'workflow'],
          ['Authorization', 'Bearer t0k3n'],
          ['Content-Type', 'application/json'],
        ],
        body: '{"first_name":"Jane","deal":{"value":"4200"},"consent":true}',
      },
    },
    {
      name: 'Basic auth with a colon in the password',
      request: { method: 'PUT', url: 'https://x.io/a', headers: [['Authorization', `Basic ${Buffer.from('u:p:w é').toString('base64')}`]], body: '[]' },
    },
    {
      // Rendering orders keys as JSON.stringify does (integer-like keys first), so a rendered body has them first.
      name: 'a body with integer-like keys and a __proto__ key',
      request: { method: 'POST', url: 'https://x.io/', headers: [['2', 'two']], body: '{"2":2,"b":1,"__proto__":{"x":null}}' },
    },
    {
      name: 'Content-Type application/json given without a body is kept',
      request: { method: 'DELETE', url: 'https://x.io/', headers: [['Content-Type', 'application/json']], body: null },
    },
    {
      name: 'a lowercase authorization header stays as spelled',
      request: { method: 'GET', url: 'https://x.io/', headers: [['authorization', 'Bearer abc']], body: null },
    },
    {
      name: 'a query with encoded reserved characters and a fragment',
      request: { method: 'GET', url: 'https://x.io/p%20q?a=%26%3D&b=%F0%9F%98%80#frag', headers: [], body: null },
    },
    {
      name: 'quotes, backslashes and newlines inside the JSON body',
      request: { method: 'POST', url: 'http://127.0.0.1:8080/', headers: [], body: JSON.stringify({ q: `it's "x"\\\n\t` }) },
    },
  ];
  for (const c of tables) {
    test(c.name, () => {
      const r = importAndRender(toCurl(c.request));
      assert.deepEqual(r.request, expectedAfterRoundTrip(c.request));
    });
  }

  const noTemplate = (s: string) => !s.includes('{{') && s.isWellFormed();
  const text = (max: number) => fc.string({ unit: 'binary', maxLength: max }).filter(noTemplate);
  const headerName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
  const headerValue = text(20)
    .map((s) => s.replace(/[\r\n\0]/g, '').replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter(noTemplate);
  const queryPiece = fc.oneof(
    fc.tuple(text(8), text(8)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
    fc.stringMatching(/^[a-z0-9+%=;,:@!$'()*]{0,6}$/),
  );
  const url = fc
    .record({
      scheme: fc.constantFrom('http', 'https'),
      host: fc.constantFrom('api.example.com', '127.0.0.1:8080', 'x.io', '[::1]:3000'),
      path: fc.array(text(6).map(encodeURIComponent), { maxLength: 3 }),
      query: fc.option(fc.array(queryPiece, { maxLength: 4 })),
      fragment: fc.option(fc.stringMatching(/^[a-z0-9]{0,4}$/)),
    })
    .map((u) => {
      let s = `${u.scheme}://${u.host}/${u.path.join('/')}`;
      if (u.query) s += `?${u.query.join('&')}`;
      if (u.fragment !== null) s += `#${u.fragment}`;
      return new URL(s).href;
    })
    .filter(noTemplate);
  const authHeader = fc.oneof(
    headerValue.filter((t) => t.length > 0).map((t) => ['Authorization', `Bearer ${t}`] as const),
    fc
      .tuple(
        text(6).map((u) => u.replace(/:/g, '')),
        text(6),
      )
      .map(([u, p]) => ['Authorization', `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`] as const),
  );
  const body = fc
    .jsonValue()
    .map((v) => JSON.stringify(v))
    .filter(noTemplate);
  const request: fc.Arbitrary<PlainRequest> = fc
    .record({
      method: fc.constantFrom<Method>('GET', 'POST', 'PUT', 'DELETE'),
      url,
      headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 5, selector: ([n]) => n.toLowerCase() }),
      auth: fc.option(authHeader),
      contentTypeLast: fc.boolean(),
      body: fc.option(body),
    })
    .map((r) => {
      const headers: Array<readonly [string, string]> = r.headers.filter(
        ([n]) => !(r.auth && n.toLowerCase() === 'authorization') && !(r.contentTypeLast && n.toLowerCase() === 'content-type'),
      );
      if (r.auth) headers.push(r.auth);
      if (r.contentTypeLast) headers.push(['Content-Type', 'application/json']);
      const sendsBody = r.method === 'POST' || r.method === 'PUT';
      return { method: r.method, url: r.url, headers, body: sendsBody ? r.body : null };
    });

  test('holds for 10,000 generated requests with canonical JSON bodies', () => {
    fc.assert(
      fc.property(request, (x) => {
        const exported = toCurl(x);
        const imported = fromCurl(exported);
        if (!imported.ok) throw new Error(imported.error);
        const doc = parseActionDocument(imported.text);
        assert.deepEqual(doc.syntax, []);
        const rendered = toPlainRequest(render(doc, BUILTIN_SAMPLE, OPTIONS).request, true);
        assert.deepEqual(rendered, expectedAfterRoundTrip(x));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('fromCurl: pasted commands and names', () => {
  test('a "\\ " left where an input box joined the lines is a continuation, with a note', () => {
    const r = shellWords(`curl https://api.stripe.com/v1/customers \\ -u "sk_test_x:" \\ -d name=Jenny`);
    assert.ok(r.ok);
    assert.deepEqual(r.words, ['curl', 'https://api.stripe.com/v1/customers', '-u', 'sk_test_x:', '-d', 'name=Jenny']);
    assert.ok(r.warnings.some((w) => /joined when pasted/.test(w)));
  });

  test('blanks after a trailing backslash still continue the line; an escaped blank inside a word stays a blank', () => {
    const r = shellWords(`curl a\\ b \\   \n  -H 'X: 1'`);
    assert.ok(r.ok);
    assert.deepEqual(r.words, ['curl', 'a b', '-H', 'X: 1']);
    assert.ok(!r.warnings.some((w) => /joined/.test(w)));
  });

  test('a line break ends the command: a second command is ignored with a warning naming its line', () => {
    const r = shellWords(`curl https://x.io/a\n\n# next\ncurl https://x.io/b`);
    assert.ok(r.ok);
    assert.deepEqual(r.words, ['curl', 'https://x.io/a']);
    assert.ok(r.warnings.some((w) => /only the first curl command is imported \(the text from line 4 on/.test(w)));
  });

  test('a next line starting with an option is read on, with a warning', () => {
    const r = shellWords(`curl https://x.io/a\n  -H 'X: 1'`);
    assert.ok(r.ok);
    assert.deepEqual(r.words, ['curl', 'https://x.io/a', '-H', 'X: 1']);
    assert.ok(r.warnings.some((w) => /Line 2 starts with an option/.test(w)));
  });

  const names: Array<[string, string, string]> = [
    ['curl https://api.stripe.com/v1/customers -d name=J', 'post-v1-customers', 'POST api.stripe.com/v1/customers'],
    ['curl -X DELETE "https://api.example.com/v2/leads/{{contact.id}}?force=1"', 'delete-v2-leads', 'DELETE api.example.com/v2/leads/{{contact.id}}'],
    ['curl https://hooks.zapier.com/', 'get-hooks-zapier-com', 'GET hooks.zapier.com'],
    ['curl https://user:pw@www.example.com', 'get-example-com', 'GET www.example.com'],
  ];
  for (const [command, stem, name] of names) {
    test(`names the file and the action from the method and URL: ${stem}`, () => {
      const r = fromCurl(command);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.fileStem, stem);
      assert.equal((JSON.parse(r.text) as { name: string }).name, name);
    });
  }

  test('--url-query is appended to the query, encoded as curl does (a + prefix as written)', () => {
    const r = importAndRender(`curl --url-query 'name=Jane Doe' --url-query '+raw=a%20b' 'https://x.io/c?'`);
    assert.equal(r.request.url, 'https://x.io/c?name=Jane+Doe&raw=a%20b');
    assert.deepEqual(r.warnings, []);
  });

  test('negated options are known: --no-get undoes -G, --no-location turns off what is off anyway', () => {
    const r = importAndRender(`curl -G --no-get --no-location https://x.io/ -H 'Content-Type: application/json' -d '{"a":1}'`);
    assert.equal(r.request.method, 'POST');
    assert.equal(r.request.body, '{"a":1}');
    assert.ok(!r.warnings.some((w) => /Unknown option/.test(w)), r.warnings.join(' | '));
    const unknown = fromCurl('curl --no-frobnicate https://x.io/');
    assert.ok(unknown.ok && unknown.warnings.some((w) => /Unknown option --no-frobnicate/.test(w)));
  });

  test('--digest says that the password now goes as Basic from the first request', () => {
    const r = fromCurl(`curl --digest -u admin:s3cret https://x.io/`);
    assert.ok(r.ok);
    assert.ok(
      r.warnings.some((w) => /--digest: curl sends no Authorization header until .* as Basic/.test(w)),
      r.warnings.join(' | '),
    );
    const basic = fromCurl(`curl --digest --basic -u admin:s3cret https://x.io/`);
    assert.ok(basic.ok && !basic.warnings.some((w) => /--digest/.test(w)));
  });

  test('-d without a Content-Type keeps the form type curl sends, and says so', () => {
    const r = importAndRender(`curl https://x.io/ -d '{"a":1}'`);
    assert.deepEqual(r.request.headers, [['Content-Type', 'application/x-www-form-urlencoded']]);
    assert.equal(r.request.body, '{"a":1}');
    assert.ok(r.warnings.some((w) => /application\/x-www-form-urlencoded/.test(w)));
  });

  test('a bare "?" at the end of the URL is kept', () => {
    assert.equal(importAndRender(`curl 'https://x.io/ping?'`).request.url, 'https://x.io/ping?');
  });
});

describe('fromCurl: form data', () => {
  test('form data becomes a form body of its fields; a field encoded otherwise than the platform does is named', () => {
    const exact = importAndRender(`curl https://x.io/ -d 'email=jane%40example.com&tag=vip&tag=new'`);
    assert.match(exact.text, /"bodyType": "form"/);
    assert.deepEqual(JSON.parse(parseActionDocument(exact.text).text.replace(/^\s*\/\/.*$/gm, '')).body, { email: 'jane@example.com', tag: ['vip', 'new'] });
    assert.equal(exact.request.body, 'email=jane%40example.com&tag=vip&tag=new');
    assert.ok(!exact.warnings.some((w) => /encodes form fields/.test(w)), JSON.stringify(exact.warnings));

    const spaced = importAndRender(`curl https://x.io/ -H 'Content-Type: application/x-www-form-urlencoded' -d 'name=Jane Doe&note=a+b'`);
    assert.equal(spaced.request.body, 'name=Jane%20Doe&note=a%20b');
    assert.ok(
      spaced.warnings.some((w) => w.includes('"name=Jane%20Doe&note=a%20b" instead of the command\'s "name=Jane Doe&note=a+b"')),
      JSON.stringify(spaced.warnings),
    );
  });

  test('JSON data sent as a form, and data with a bad percent sequence, stay the body as written', () => {
    assert.doesNotMatch(importAndRender(`curl https://x.io/ -d '{"a":"="}'`).text, /bodyType/);
    const bad = importAndRender(`curl https://x.io/ -d 'a=%zz'`);
    assert.doesNotMatch(bad.text, /bodyType/);
    assert.equal(bad.request.body, 'a=%zz');
  });
});
