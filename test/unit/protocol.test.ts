import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ErrorMessage,
  MAX_ID_LENGTH,
  MAX_POSITION,
  MAX_URI_LENGTH,
  OpenProblemMessage,
  SendMessage,
  StateMessage,
  createMessage,
  isHostMessage,
  parsePanelState,
  parseWebviewMessage,
} from '../../src/protocol/messages';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/messages';
import { escapeHtml, panelHtml } from '../../src/protocol/panelHtml';
import { prettyJson } from '../../src/protocol/prettyJson';
import { isJsonBody, toCaptureView, toIntendedView, toRecordView, urlSegments } from '../../src/protocol/views';
import type { ExecutionRecord, Span } from '../../src/core/types';

describe('parseWebviewMessage accepts every valid message', () => {
  const valid: WebviewToHost[] = [
    { method: 'ready' },
    { method: 'send' },
    { method: 'sendToInbox' },
    { method: 'copyCurl' },
    { method: 'sendToAll' },
    { method: 'cancel' },
    { method: 'sendAllToInbox' },
    { method: 'selectSample', params: { id: 'samples/ada.sample.json' } },
    { method: 'selectSample', params: { id: 'x'.repeat(MAX_ID_LENGTH) } },
    { method: 'setReveal', params: { revealed: true } },
    { method: 'setReveal', params: { revealed: false } },
    { method: 'openProblem', params: { line: 1, column: 1 } },
    { method: 'openProblem', params: { line: MAX_POSITION, column: 42 } },
    { method: 'showTab', params: { tab: 'request' } },
    { method: 'showTab', params: { tab: 'response' } },
    { method: 'showTab', params: { tab: 'samples' } },
  ];
  for (const message of valid) {
    test(`${message.method} ${JSON.stringify('params' in message ? message.params : {}).slice(0, 40)}`, () => {
      // Through a structured clone, as postMessage delivers it.
      const received: unknown = structuredClone(message);
      const parsed = parseWebviewMessage(received);
      assert.deepEqual(parsed, message);
      assert.notEqual(parsed, received, 'returns a fresh object, not the input');
    });
  }
});

describe('parseWebviewMessage ignores every malformed message', () => {
  const withGetter = Object.defineProperty({}, 'method', { get: () => 'send', enumerable: true });
  class Impostor {
    method = 'send';
  }
  const malformed: Array<[string, unknown]> = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'send'],
    ['an array', [{ method: 'send' }]],
    ['an empty object', {}],
    ['method of the wrong type', { method: 5 }],
    ['method null', { method: null }],
    ['an unknown method', { method: 'deleteEverything' }],
    ['a host method', { method: 'state', params: {} }],
    ['method constructor', { method: 'constructor' }],
    ['method toString', { method: 'toString' }],
    ['method __proto__', { method: '__proto__' }],
    ['a huge method', { method: 'send' + 'x'.repeat(1_000_000) }],
    ['params on a message without params', { method: 'send', params: {} }],
    ['undefined params on a message without params', { method: 'send', params: undefined }],
    ['an extra key', { method: 'send', extra: 1 }],
    ['an inherited method', Object.create({ method: 'send' }) as unknown],
    ['a class instance', new Impostor()],
    ['a getter for method', withGetter],
    ['a symbol key', { method: 'send', [Symbol('x')]: 1 }],
    ['__proto__ own key at the top', JSON.parse('{"method":"send","__proto__":{"polluted":true}}')],
    ['selectSample without params', { method: 'selectSample' }],
    ['selectSample params null', { method: 'selectSample', params: null }],
    ['selectSample params an array', { method: 'selectSample', params: ['a'] }],
    ['selectSample id a number', { method: 'selectSample', params: { id: 5 } }],
    ['selectSample id an array', { method: 'selectSample', params: { id: ['a'] } }],
    ['selectSample id empty', { method: 'selectSample', params: { id: '' } }],
    ['selectSample id too long', { method: 'selectSample', params: { id: 'x'.repeat(MAX_ID_LENGTH + 1) } }],
    ['selectSample an extra key', { method: 'selectSample', params: { id: 'a', also: 'b' } }],
    ['selectSample __proto__ in params', JSON.parse('{"method":"selectSample","params":{"id":"a","__proto__":{"polluted":true}}}')],
    ['selectSample params a string', { method: 'selectSample', params: 'a' }],
    ['setReveal a string', { method: 'setReveal', params: { revealed: 'true' } }],
    ['setReveal a number', { method: 'setReveal', params: { revealed: 1 } }],
    ['setReveal missing', { method: 'setReveal', params: {} }],
    ['openProblem line 0', { method: 'openProblem', params: { line: 0, column: 1 } }],
    ['openProblem negative column', { method: 'openProblem', params: { line: 1, column: -1 } }],
    ['openProblem fraction', { method: 'openProblem', params: { line: 1.5, column: 1 } }],
    ['openProblem NaN', { method: 'openProblem', params: { line: Number.NaN, column: 1 } }],
    ['openProblem Infinity', { method: 'openProblem', params: { line: Number.POSITIVE_INFINITY, column: 1 } }],
    ['openProblem beyond the bound', { method: 'openProblem', params: { line: MAX_POSITION + 1, column: 1 } }],
    ['openProblem a string line', { method: 'openProblem', params: { line: '3', column: 1 } }],
    ['openProblem missing column', { method: 'openProblem', params: { line: 3 } }],
    ['openProblem a bigint', { method: 'openProblem', params: { line: 3n, column: 1 } }],
    ['showTab unknown tab', { method: 'showTab', params: { tab: 'settings' } }],
    ['showTab tab __proto__', { method: 'showTab', params: { tab: '__proto__' } }],
    ['showTab tab null', { method: 'showTab', params: { tab: null } }],
  ];
  for (const [name, raw] of malformed) {
    test(name, () => {
      assert.equal(parseWebviewMessage(raw), undefined);
    });
  }

  test('parsing hostile keys pollutes no prototype', () => {
    for (const [, raw] of malformed) parseWebviewMessage(raw);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('random values are never accepted unless they are exact messages', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = parseWebviewMessage(value);
        if (parsed !== undefined) assert.deepEqual(parsed, value);
      }),
    );
  });
});

describe('message constants', () => {
  test('createMessage builds the wire form, with params only when the type has them', () => {
    assert.deepEqual(createMessage(SendMessage), { method: 'send' });
    assert.deepEqual(createMessage(OpenProblemMessage, { line: 3, column: 7 }), {
      method: 'openProblem',
      params: { line: 3, column: 7 },
    });
    const error: HostToWebview = createMessage(ErrorMessage, { message: 'boom' });
    assert.equal(error.method, 'error');
    assert.equal(StateMessage.method, 'state');
  });

  const hostCases: Array<[string, unknown, boolean]> = [
    ['a state', { method: 'state', params: {} }, true],
    ['an error', { method: 'error', params: { message: 'x' } }, true],
    ['an unknown method', { method: 'eval', params: {} }, false],
    ['a webview method', { method: 'send', params: {} }, false],
    ['params missing', { method: 'result' }, false],
    ['params an array', { method: 'result', params: [] }, false],
    ['null', null, false],
  ];
  for (const [name, raw, expected] of hostCases) {
    test(`isHostMessage: ${name} → ${expected}`, () => assert.equal(isHostMessage(raw), expected));
  }
});

describe('parsePanelState', () => {
  test('reads the file Uri and tab back', () => {
    const saved = { fileUri: 'file:///w/a.webhook.json', tab: 'samples', state: { url: 'x' } };
    assert.deepEqual(parsePanelState(structuredClone(saved)), { fileUri: 'file:///w/a.webhook.json', tab: 'samples' });
  });
  const invalid: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['an array', ['file:///a', 'request']],
    ['no Uri', { tab: 'request' }],
    ['an empty Uri', { fileUri: '', tab: 'request' }],
    ['a huge Uri', { fileUri: 'f'.repeat(MAX_URI_LENGTH + 1), tab: 'request' }],
    ['an unknown tab', { fileUri: 'file:///a', tab: 'logs' }],
    ['an inherited Uri', Object.assign(Object.create({ fileUri: 'file:///a' }) as object, { tab: 'request' })],
  ];
  for (const [name, raw] of invalid) {
    test(`ignores ${name}`, () => assert.equal(parsePanelState(raw), undefined));
  }
});

describe('prettyJson', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['nested objects and arrays', '{"a":{"b":[1,2]},"c":true}', '{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  },\n  "c": true\n}'],
    ['empty containers stay on one line', '{"a":{},"b":[ ]}', '{\n  "a": {},\n  "b": []\n}'],
    ['numbers beyond 2^53 are kept as written', '{"n":12345678901234567890,"f":1.50e+3}', '{\n  "n": 12345678901234567890,\n  "f": 1.50e+3\n}'],
    ['escapes are kept as written', '["\\u003cscript\\u003e","a\\"b","\\\\"]', '[\n  "\\u003cscript\\u003e",\n  "a\\"b",\n  "\\\\"\n]'],
    ['punctuation inside strings is not structure', '{"k,:{":"[],"}', '{\n  "k,:{": "[],"\n}'],
    ['existing whitespace is normalised', '{\n\t"a" :\r\n 1 }', '{\n  "a": 1\n}'],
    ['a top-level scalar', ' "text" ', '"text"'],
    [
      'number literals are kept byte for byte',
      '[1.0,1e3,1E-7,-0.0,0.10,123456789012345678901234567890,-9007199254740993]',
      '[\n  1.0,\n  1e3,\n  1E-7,\n  -0.0,\n  0.10,\n  123456789012345678901234567890,\n  -9007199254740993\n]',
    ],
    [
      'every escape is kept as written',
      '{"\\u0041":"\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"}',
      '{\n  "\\u0041": "\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"\n}',
    ],
    ['CRLF and CR line breaks become LF', '{\r\n"a": [1,\r2]\r\n}', '{\n  "a": [\n    1,\n    2\n  ]\n}'],
    ['whitespace JSON does not allow is refused, not formatted', '{"a":\u00a01}', undefined],
    ['comments are refused: JSON, not JSONC', '{"a":1 // note\n}', undefined],
    ['invalid JSON', '{"a":', undefined],
    ['not JSON at all', '<html>', undefined],
    ['empty text', '', undefined],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(prettyJson(input), expected));
  }

  /** The text without the whitespace between tokens: what formatting may change. */
  const tokens = (text: string): string => text.replace(/("(?:[^"\\]|\\.)*")|[ \t\r\n]+/g, (_, str: string | undefined) => str ?? '');

  test('changes only the whitespace between tokens, whatever whitespace the text had', () => {
    const gap = fc.constantFrom('', ' ', '\t', '\n', '\r\n', '\r', ' \t\r\n  ');
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t'), fc.array(gap, { minLength: 8, maxLength: 8 }), (value, indent, gaps) => {
        let n = 0;
        const text =
          gaps[7] +
          JSON.stringify(value, null, indent).replace(
            /("(?:[^"\\]|\\.)*")|[,:[\]{}]/g,
            (m, str: string | undefined) => str ?? `${gaps[n++ % 7]}${m}${gaps[n++ % 7]}`,
          );
        const pretty = prettyJson(text);
        assert.ok(pretty !== undefined);
        assert.equal(tokens(pretty), tokens(text));
        assert.ok(!pretty.includes('\r'));
        assert.equal(prettyJson(pretty), pretty);
      }),
    );
  });

  test('keeps the value and is idempotent for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const pretty = prettyJson(text);
        assert.ok(pretty !== undefined);
        assert.deepEqual(JSON.parse(pretty), JSON.parse(text));
        assert.equal(prettyJson(pretty), pretty);
      }),
    );
  });
});

describe('panelHtml', () => {
  const html = panelHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123XYZ',
    scriptUri: 'https://r/dist/webview.js',
    styleUris: ['https://r/dist/webview.css'],
    codiconUri: 'https://r/dist/codicon.css',
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';

  test('has a strict CSP: nothing by default, nonce for scripts, no unsafe-inline or eval', () => {
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc123XYZ'(;|$)/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'nonce-abc123XYZ'/);
    assert.match(csp, /font-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  test('loads the bundle with the nonce and the codicon stylesheet under the id the icon component looks for', () => {
    assert.match(html, /<script nonce="abc123XYZ" src="https:\/\/r\/dist\/webview\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="https:\/\/r\/dist\/codicon\.css"/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/r\/dist\/webview\.css" nonce="abc123XYZ">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'no inline script');
    assert.doesNotMatch(html, /<style|style="/);
  });

  test('escapes attribute values and keeps hostile input out of the CSP', () => {
    const hostile = panelHtml({
      cspSource: "x 'unsafe-inline'; script-src *",
      nonce: "n' 'unsafe-eval",
      scriptUri: '"><script>alert(1)</script>',
      styleUris: ["a' onload='x"],
      codiconUri: 'c"d',
    });
    assert.doesNotMatch(hostile, /<script>alert/);
    assert.ok(hostile.includes('src="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"'));
    assert.ok(hostile.includes('href="c&#34;d"'));
    const hostileCsp = /content="([^"]*)"/.exec(hostile)?.[1] ?? '';
    assert.doesNotMatch(hostileCsp, /'unsafe/);
    assert.deepEqual(
      hostileCsp.split('; ').map((d) => d.split(' ')[0]),
      ['default-src', 'style-src', 'script-src', 'font-src', 'img-src'],
    );
    assert.equal(escapeHtml(`<&>"'`), '&#60;&#38;&#62;&#34;&#39;');
  });

  test("keeps every source of a list such as the web workbench's `'self' https://*.vscode-cdn.net`", () => {
    const listed = panelHtml({ cspSource: "'self' https://*.vscode-cdn.net", nonce: 'n1', scriptUri: 's', styleUris: [], codiconUri: 'c' });
    const listedCsp = /content="([^"]*)"/.exec(listed)?.[1] ?? '';
    assert.match(listedCsp, /font-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
    assert.match(listedCsp, /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-n1';/);
  });
});

describe('views', () => {
  const variable = (start: number, end: number, path: string): Span => ({
    start,
    end,
    source: { kind: 'variable', path, range: { start: 0, end: 1 } },
  });

  test('urlSegments marks template-derived pieces between literals', () => {
    const url = 'https://x.test/leads/42?tag=vip';
    assert.deepEqual(urlSegments(url, [variable(28, 31, 'contact.tag'), variable(21, 23, 'contact.id')]), [
      { text: 'https://x.test/leads/', source: 'literal' },
      { text: '42', source: 'variable', path: 'contact.id' },
      { text: '?tag=', source: 'literal' },
      { text: 'vip', source: 'variable', path: 'contact.tag' },
    ]);
  });

  test('urlSegments always concatenates to the URL, whatever the spans', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.tuple(fc.integer({ min: -5, max: 60 }), fc.integer({ min: -5, max: 60 }))), (url, pairs) => {
        const segments = urlSegments(
          url,
          pairs.map(([a, b]) => variable(a, b, 'p')),
        );
        assert.equal(segments.map((s) => s.text).join(''), url);
        assert.ok(segments.every((s) => s.text.length > 0));
      }),
    );
  });

  const jsonCases: Array<[string, Array<[string, string]>, string, boolean]> = [
    ['declared JSON', [['Content-Type', 'application/json; charset=utf-8']], '{"a":1}', true],
    ['a +json type', [['content-type', 'application/problem+json']], '"x"', true],
    ['undeclared object', [], '{"a":1}', true],
    ['HTML that looks like JSON is still JSON', [['content-type', 'text/html']], '[1]', true],
    ['declared JSON that does not parse', [['content-type', 'application/json']], '{oops', false],
    ['plain text', [['content-type', 'text/plain']], 'ok', false],
    ['an undeclared scalar', [], '42', false],
  ];
  for (const [name, headers, body, expected] of jsonCases) {
    test(`isJsonBody: ${name}`, () => assert.equal(isJsonBody(headers, body), expected));
  }

  test('toRecordView keeps a network error without a response', () => {
    const record: ExecutionRecord = {
      id: 'r1',
      time: 't',
      file: 'a.webhook.json',
      sample: 'Ada',
      request: { method: 'GET', url: 'https://x.test/', headers: [], body: null },
      timings: { totalMs: 3 },
      outcome: 'network-error',
      error: { code: 'refused', message: 'Refused', hint: 'Start it' },
    };
    const view = toRecordView(record);
    assert.equal(view.status, undefined);
    assert.deepEqual(view.error, { code: 'refused', message: 'Refused', hint: 'Start it' });
    assert.equal(view.bodyText, '');
    assert.equal(view.truncated, false);
  });

  test('toRecordView carries the expect results in file order, without their ranges', () => {
    const record: ExecutionRecord = {
      id: 'r3',
      time: 't',
      file: 'a.webhook.json',
      sample: 'Ada',
      request: { method: 'POST', url: 'https://x.test/', headers: [], body: '{}' },
      timings: { totalMs: 3 },
      outcome: 'accepted',
      checks: [
        { name: 'status', expected: '201', actual: '201', passed: true, range: { start: 10, end: 18 } },
        { name: 'json $.email', expected: '"ada@example.com"', actual: '"bob@example.com"', passed: false, range: { start: 30, end: 39 } },
      ],
    };
    assert.deepEqual(toRecordView(record).checks, [
      { name: 'status', expected: '201', actual: '201', passed: true },
      { name: 'json $.email', expected: '"ada@example.com"', actual: '"bob@example.com"', passed: false },
    ]);
    assert.equal(toRecordView({ ...record, checks: undefined }).checks, undefined);
  });

  test('toRecordView carries the response, its JSON-ness and the cap', () => {
    const record: ExecutionRecord = {
      id: 'r2',
      time: 't',
      file: 'a.webhook.json',
      sample: 'Ada',
      request: { method: 'POST', url: 'https://x.test/', headers: [], body: '{}' },
      response: {
        status: 201,
        statusText: 'Created',
        headers: [['Content-Type', 'application/json']],
        bodyPreview: '{"id":1}',
        size: 8,
        fullSize: 8,
        truncated: false,
        redirects: [],
      },
      timings: { firstByteMs: 5, totalMs: 9 },
      outcome: 'accepted',
      inbox: true,
    };
    const view = toRecordView(record, 5 * 1024 * 1024);
    assert.equal(view.status, 201);
    assert.equal(view.bodyIsJson, true);
    assert.equal(view.capBytes, 5 * 1024 * 1024);
    assert.equal(view.inbox, true);
    assert.deepEqual(view.timings, { firstByteMs: 5, totalMs: 9 });
  });

  test('toCaptureView prints headers in received order and case', () => {
    const view = toCaptureView({
      id: 1,
      time: 't',
      method: 'POST',
      target: '/hook?a=1',
      httpVersion: '1.1',
      rawHeaders: [
        ['Host', '127.0.0.1:9'],
        ['X-CASE', 'Kept'],
      ],
      body: new TextEncoder().encode('{"é":1}'),
      bodySize: 8,
      bodyTruncated: false,
    });
    assert.equal(view.rawText, 'POST /hook?a=1 HTTP/1.1\nHost: 127.0.0.1:9\nX-CASE: Kept\n\n{"é":1}');
    assert.equal(view.bodyText, '{"é":1}');
  });

  test('toIntendedView adds the Host line a sender adds', () => {
    const view = toIntendedView({
      method: 'PUT',
      url: 'https://api.x.test:8443/a/b?c=d',
      headers: [['Authorization', 'Bearer ••••••']],
      body: null,
    });
    assert.equal(view.rawText, 'PUT /a/b?c=d HTTP/1.1\nHost: api.x.test:8443\nAuthorization: Bearer ••••••\n\n');
  });
});

test('src/protocol imports core types only as types, so the webview bundles no core code', () => {
  const offenders = readdirSync('src/protocol')
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) =>
      [...readFileSync(join('src/protocol', name), 'utf8').matchAll(/\b(import|export)\s+(type\s+)?[^;]*?from\s+['"](\.\.\/[^'"]+)['"]/g)]
        .filter((m) => m[2] === undefined)
        .map((m) => `${name}: ${m[3]}`),
    );
  assert.deepEqual(offenders, []);
});
