import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseActionDocument } from '../../src/core/document';
import { lint } from '../../src/core/lint';
import type { RenderedRequest, Sample, Span } from '../../src/core/types';
import type { Analysis } from '../../src/extension/analysis';
import {
  MAX_DIFF_CELLS,
  MAX_PANEL_PROBLEMS,
  MAX_PRETTY_BODY,
  bodyDropped,
  buildSamplesReport,
  buildState,
  headerView,
  lineDiff,
  maskedSegments,
  problemViews,
  queryPairs,
} from '../../src/extension/panel/panelState';
import type { StateInputs } from '../../src/extension/panel/panelState';
import { MASK as REDACTED } from '../../src/core/redact';
import { JANE, actionText, options, sample } from './helpers/core';

const SECRET = 'tok_5f1e9a';

function span(start: number, end: number, source: Span['source']): Span {
  return { start, end, source };
}
const variable = (path: string): Span['source'] => ({ kind: 'variable', path, range: { start: 0, end: 0 } });
const secret = (name: string): Span['source'] => ({ kind: 'secret', name, range: { start: 0, end: 0 } });
const credential: Span['source'] = { kind: 'credential', scheme: 'basic' };

function urlRequest(url: string, urlSpans: Span[]): RenderedRequest {
  return { method: 'GET', url, urlSpans, headers: [], body: null, bodySpans: [] };
}

describe('maskedSegments', () => {
  const url = 'https://api.example.com/v1/c_81f2/tok_5f1e9a?k=abc';
  const at = (text: string): [number, number] => [url.indexOf(text), url.indexOf(text) + text.length];
  const cases: Array<{ name: string; spans: Span[]; revealed: boolean; expected: Array<[string, string]> }> = [
    { name: 'no spans: one literal', spans: [], revealed: false, expected: [[url, 'literal']] },
    {
      name: 'a variable is its own segment, shown as rendered',
      spans: [span(...at('c_81f2'), variable('contact.id'))],
      revealed: false,
      expected: [
        ['https://api.example.com/v1/', 'literal'],
        ['c_81f2', 'variable'],
        ['/tok_5f1e9a?k=abc', 'literal'],
      ],
    },
    {
      name: 'a secret is masked',
      spans: [span(...at(SECRET), secret('TOKEN'))],
      revealed: false,
      expected: [
        ['https://api.example.com/v1/c_81f2/', 'literal'],
        [REDACTED, 'secret'],
        ['?k=abc', 'literal'],
      ],
    },
    {
      name: 'a secret is shown when revealed',
      spans: [span(...at(SECRET), secret('TOKEN'))],
      revealed: true,
      expected: [
        ['https://api.example.com/v1/c_81f2/', 'literal'],
        [SECRET, 'secret'],
        ['?k=abc', 'literal'],
      ],
    },
    {
      name: 'adjacent secret and credential pieces become one mask',
      spans: [span(url.indexOf(SECRET), url.indexOf(SECRET) + 4, secret('A')), span(url.indexOf(SECRET) + 4, url.indexOf(SECRET) + SECRET.length, credential)],
      revealed: false,
      expected: [
        ['https://api.example.com/v1/c_81f2/', 'literal'],
        [REDACTED, 'secret'],
        ['?k=abc', 'literal'],
      ],
    },
    {
      name: 'secrets separated by a literal stay two masks',
      spans: [span(...at('c_81f2'), secret('A')), span(...at(SECRET), secret('B'))],
      revealed: false,
      expected: [
        ['https://api.example.com/v1/', 'literal'],
        [REDACTED, 'secret'],
        ['/', 'literal'],
        [REDACTED, 'secret'],
        ['?k=abc', 'literal'],
      ],
    },
    {
      name: 'spans out of order and past the end are clamped',
      spans: [span(...at('abc'), variable('q')), span(...at('c_81f2'), variable('contact.id')), span(url.length - 1, url.length + 40, variable('x'))],
      revealed: true,
      expected: [
        ['https://api.example.com/v1/', 'literal'],
        ['c_81f2', 'variable'],
        ['/tok_5f1e9a?k=', 'literal'],
        ['abc', 'variable'],
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const segments = maskedSegments(urlRequest(url, c.spans), c.revealed);
      assert.deepEqual(
        segments.map((s) => [s.text, s.source]),
        c.expected,
      );
      if (c.revealed) assert.equal(segments.map((s) => s.text).join(''), url, 'revealed segments add up to the URL');
      else
        assert.ok(
          segments.every((s) => s.source === 'literal' || s.source === 'variable' || s.text === REDACTED),
          'secret pieces are masks',
        );
    });
  }

  test('a variable segment names its template path, a secret its name', () => {
    const segments = maskedSegments(urlRequest(url, [span(...at('c_81f2'), variable('contact.id')), span(...at(SECRET), secret('TOKEN'))]), false);
    assert.deepEqual(
      segments.filter((s) => s.source !== 'literal').map((s) => s.path),
      ['contact.id', 'TOKEN'],
    );
  });
});

describe('queryPairs', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    [
      'https://x.test/a?tag=vip%20lead&tag=new&empty=',
      [
        ['tag', 'vip lead'],
        ['tag', 'new'],
        ['empty', ''],
      ],
    ],
    ['https://x.test/a', []],
    ['https://x.test/a?q=%E2%9C%93+ok', [['q', '✓ ok']]],
    ['not a url', []],
    ['', []],
  ];
  for (const [url, pairs] of cases) test(JSON.stringify(url), () => assert.deepEqual(queryPairs(url), pairs));
});

function analysisOf(action: Record<string, unknown> | string, samples: Sample[] = [sample(JANE, 'Jane')], secrets: Record<string, string> = {}): Analysis {
  const text = typeof action === 'string' ? action : actionText(action);
  const doc = parseActionDocument(text);
  const result = lint(doc, { samples, selected: samples[0]!, options: options({ secretValues: secrets }), secretExists: (n) => Object.hasOwn(secrets, n) });
  return { uri: 'file:///w/a.webhook.json', version: 1, doc, lint: result, samples, selected: samples[0]! };
}

function inputs(analysis: Analysis, revealed: boolean, extra: Partial<StateInputs> = {}): StateInputs {
  return {
    fileUri: analysis.uri,
    file: 'a.webhook.json',
    request: analysis.lint.render.request,
    revealed,
    trusted: true,
    samples: [{ id: 'jane', name: 'Jane', builtin: false }],
    selectedSample: 'jane',
    escaping: 'json',
    ...extra,
  };
}

describe('problemViews', () => {
  test('positions are 1-based lines and columns of the file', () => {
    const text = '{\n  "name": "T",\n  "method": "POST",\n  "url": "https://x.test/{{contact.nope}}"\n}';
    const problems = problemViews(analysisOf(text));
    const unknown = problems.find((p) => p.code === 'unknown-variable');
    assert.ok(unknown, JSON.stringify(problems));
    assert.equal(unknown.line, 4);
    assert.equal(unknown.column, text.split('\n')[3]!.indexOf('{{contact.nope}}') + 1);
    assert.equal(unknown.endLine, 4);
    assert.ok(unknown.endColumn > unknown.column);
  });

  test(`at most ${MAX_PANEL_PROBLEMS} are listed, errors first`, () => {
    const body: Record<string, string> = {};
    for (let i = 0; i < MAX_PANEL_PROBLEMS + 50; i++) body[`k${i}`] = `{{contact.missing_${i}}}`;
    const analysis = analysisOf({ headers: { 'Bad Name': 'x' }, body });
    const all = analysis.lint.diagnostics.length;
    assert.ok(all > MAX_PANEL_PROBLEMS, `the file has ${all} problems`);
    const shown = problemViews(analysis);
    assert.equal(shown.length, MAX_PANEL_PROBLEMS);
    assert.equal(shown[0]!.code, 'invalid-header', 'the error comes first');
    assert.ok(shown.slice(1).every((p) => p.severity !== 'error'));
  });

  test('JSON syntax errors are listed, with their positions, and make the request unsendable', () => {
    const text = '{\n  "name": "T",\n  "method": "POST",\n  "url": "https://x.test/a",\n  "body": { "email": "a" "b": 1 }\n}';
    const analysis = analysisOf(text);
    const problems = problemViews(analysis);
    const syntax = problems.filter((p) => p.code === 'invalid-json');
    assert.ok(syntax.length > 0, JSON.stringify(problems));
    assert.equal(syntax[0]!.line, 5);
    assert.equal(syntax[0]!.column, text.split('\n')[4]!.indexOf('"b"') + 1, 'at the key where a comma was expected');
    assert.equal(buildState(analysis, inputs(analysis, false)).sendable, false);
  });

  test('a bare template is listed once, as unquoted-template at the tag, and makes the request unsendable', () => {
    const text = '{\n  "name": "T",\n  "method": "POST",\n  "url": "https://x.test/a",\n  "body": { "email": {{contact.email}} }\n}';
    const analysis = analysisOf(text);
    const problems = problemViews(analysis);
    assert.deepEqual(
      problems.map((p) => [p.code, p.line, p.column]),
      [['unquoted-template', 5, text.split('\n')[4]!.indexOf('{{') + 1]],
    );
    assert.equal(buildState(analysis, inputs(analysis, false)).sendable, false);
  });

  test('under the cap, every problem is listed in file order', () => {
    const shown = problemViews(analysisOf({ body: { a: '{{contact.x1}}', b: '{{contact.x2}}' } }));
    assert.deepEqual(
      shown.map((p) => p.message.match(/contact\.x\d/)?.[0]),
      ['contact.x1', 'contact.x2'],
    );
  });
});

describe('bodyDropped', () => {
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['GET with a body', { method: 'GET', body: { a: 1 } }, true],
    ['DELETE with a body', { method: 'DELETE', body: { a: 1 } }, true],
    ['GET without a body', { method: 'GET' }, false],
    ['POST with a body', { method: 'POST', body: { a: 1 } }, false],
    ['PUT with a body', { method: 'PUT', body: { a: 1 } }, false],
  ];
  for (const [name, action, dropped] of cases) test(name, () => assert.equal(bodyDropped(parseActionDocument(actionText(action))), dropped));
});

describe('buildState', () => {
  const action = {
    url: 'https://api.example.com/people/{{contact.id}}?key={{secrets.API_KEY}}',
    headers: { 'X-Name': '{{contact.first_name}}', 'X-Token': 'Token {{secrets.API_KEY}}' },
    body: { name: '{{contact.first_name}}', again: '{{contact.middle}}', twice: '{{contact.middle}}' },
  };

  test('secrets are masked everywhere unless revealed', () => {
    const analysis = analysisOf(action, undefined, { API_KEY: SECRET });
    const hidden = buildState(analysis, inputs(analysis, false));
    assert.ok(!JSON.stringify(hidden).includes(SECRET), 'no secret anywhere in the posted state');
    assert.equal(hidden.url, `https://api.example.com/people/c_81f2?key=${REDACTED}`);
    assert.deepEqual(
      hidden.headers.map((h) => [h.name, h.value, h.secret]),
      [
        ['X-Name', 'Jane', false],
        ['X-Token', `Token ${REDACTED}`, true],
        ['Content-Type', 'application/json', false],
      ],
    );
    assert.deepEqual(hidden.query, [['key', REDACTED]]);
    const shown = buildState(analysis, inputs(analysis, true));
    assert.equal(shown.url, `https://api.example.com/people/c_81f2?key=${SECRET}`);
    assert.equal(shown.headers[1]!.value, `Token ${SECRET}`);
    assert.equal(shown.revealed, true);
    assert.equal(shown.urlSegments.map((s) => s.text).join(''), shown.url);
  });

  test('literal secrets in the URL are masked in the URL and the Query table unless revealed', () => {
    const key = 'sk_live_51HqLyjWDarjtT1zdp7dc';
    const analysis = analysisOf({ url: `https://api.example.com/v1/x?api_key=${key}&page=2` });
    const hidden = buildState(analysis, inputs(analysis, false));
    assert.ok(!JSON.stringify(hidden).includes(key), 'no literal secret in the posted state');
    assert.equal(hidden.url, `https://api.example.com/v1/x?api_key=${REDACTED}&page=2`);
    assert.deepEqual(hidden.query, [
      ['api_key', REDACTED],
      ['page', '2'],
    ]);
    const slack = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
    const webhook = analysisOf({ url: slack });
    assert.ok(!JSON.stringify(buildState(webhook, inputs(webhook, false))).includes('XXXXXXXXXXXXXXXXXXXXXXXX'));
    assert.equal(buildState(analysis, inputs(analysis, true)).url, `https://api.example.com/v1/x?api_key=${key}&page=2`);
    // A value with a "+" gets no quick fix (a template would render it as %2B), and is masked all the same.
    const odd = analysisOf({ url: 'https://api.example.com/v1/x?token=abc+def+123456' });
    assert.ok(!JSON.stringify(buildState(odd, inputs(odd, false))).includes('abc+def+123456'));
  });

  test('unresolved paths are listed once; the body is pretty-printed; the inputs pass through', () => {
    const analysis = analysisOf(action, undefined, { API_KEY: SECRET });
    const state = buildState(analysis, inputs(analysis, false, { trusted: false, escaping: 'text' }));
    assert.deepEqual(state.unresolved, ['contact.middle']);
    assert.equal(state.bodyPretty, JSON.stringify(JSON.parse(state.body!), null, 2));
    assert.equal(state.name, 'Test');
    assert.equal(state.method, 'POST');
    assert.equal(state.trusted, false);
    assert.equal(state.escaping, 'text');
    assert.equal(state.selectedSample, 'jane');
    assert.equal(state.sendable, true);
    assert.equal(state.bodyDropped, undefined);
  });

  test(`a body past ${MAX_PRETTY_BODY} bytes is posted without its pretty form`, () => {
    const analysis = analysisOf({ body: { big: 'x'.repeat(MAX_PRETTY_BODY) } });
    const state = buildState(analysis, inputs(analysis, false));
    assert.ok(state.body!.length > MAX_PRETTY_BODY);
    assert.equal(state.bodyPretty, undefined);
  });

  test('a GET with a body is marked dropped and sends none', () => {
    const analysis = analysisOf({ method: 'GET', body: { a: 1 } });
    const state = buildState(analysis, inputs(analysis, false));
    assert.equal(state.bodyDropped, true);
    assert.equal(state.body, null);
  });

  test('a header value with a line break is shown escaped and marked invalid; the request is not sendable', () => {
    const analysis = analysisOf({ headers: { 'X-Last': '{{contact.last}}', 'X-Ok': 'fine' } }, [sample({ contact: { last: 'line1\nline2\rline3' } }, 'Multi')]);
    const state = buildState(analysis, inputs(analysis, false));
    assert.deepEqual(state.headers.slice(0, 2), [
      { name: 'X-Last', value: 'line1\\nline2\\rline3', origin: 'user', secret: false, invalid: true },
      { name: 'X-Ok', value: 'fine', origin: 'user', secret: false },
    ]);
    assert.equal(state.sendable, false);
    assert.ok(state.problems.some((p) => p.code === 'invalid-header' && p.severity === 'error'));
    assert.ok(!state.headers.some((h) => /[\r\n]/.test(h.name + h.value)), 'no header shows a line break');
  });
});

describe('headerView', () => {
  const cases: Array<[string, string, string, string, boolean]> = [
    ['a valid header as it is', 'X-A', 'a\\b', 'a\\b', false],
    ['LF in the value', 'X-A', 'a\nb', 'a\\nb', true],
    ['CR in the value', 'X-A', 'a\rb', 'a\\rb', true],
    ['NUL in the value', 'X-A', 'a\0b', 'a\\0b', true],
    ['a name that is not a token', 'X A', 'v', 'v', true],
  ];
  for (const [name, header, value, shown, invalid] of cases) {
    test(name, () => {
      const view = headerView(header, value, 'user', false);
      assert.equal(view.value, shown);
      assert.equal(view.invalid === true, invalid);
    });
  }
  test('a name with a line break is escaped too', () => assert.equal(headerView('X-A\nX-B', 'v', 'user', false).name, 'X-A\\nX-B'));
});

/** Length of a longest common subsequence, the plain way, to check lineDiff against. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, row[j - 1]!);
    previous = row;
  }
  return previous[b.length]!;
}

function isSubsequence(part: readonly string[], of: readonly string[]): boolean {
  let at = 0;
  for (const line of of) if (at < part.length && part[at] === line) at++;
  return at === part.length;
}

describe('lineDiff', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['equal bodies', 'a\nb', 'a\nb', []],
    ['a changed line: removal, then insertion', 'a\nb\nc', 'a\nB\nc', ['- b', '+ B']],
    ['an added line', 'a\nc', 'a\nb\nc', ['+ b']],
    ['a removed line', 'a\nb\nc', 'a\nc', ['- b']],
    ['from empty', '', 'a', ['- ', '+ a']],
    [
      'two separate changes',
      '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}',
      '{\n  "a": 9,\n  "b": 2,\n  "c": 8\n}',
      ['-   "a": 1,', '+   "a": 9,', '-   "c": 3', '+   "c": 8'],
    ],
    ['a moved line', 'x\ny\nz', 'y\nz\nx', ['- x', '+ x']],
  ];
  for (const [name, base, next, expected] of cases) test(name, () => assert.deepEqual(lineDiff(base, next), expected));

  test('is a shortest edit: removed lines from the base, added lines from the other, as few as the LCS allows', () => {
    const body = fc.array(fc.constantFrom('{', '}', '  "a": 1,', '  "b": 2,', '  "c": null', ''), { maxLength: 30 });
    fc.assert(
      fc.property(body, body, (x, y) => {
        const diff = lineDiff(x.join('\n'), y.join('\n'));
        const a = x.join('\n').split('\n');
        const b = y.join('\n').split('\n');
        const removed = diff.filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
        const added = diff.filter((l) => l.startsWith('+ ')).map((l) => l.slice(2));
        assert.equal(removed.length + added.length, diff.length, 'every line is a removal or an insertion');
        assert.ok(isSubsequence(removed, a), 'removals are lines of the base, in order');
        assert.ok(isSubsequence(added, b), 'insertions are lines of the other body, in order');
        assert.equal(removed.length, a.length - lcsLength(a, b), 'only lines outside a longest common subsequence are removed');
        assert.equal(added.length, b.length - lcsLength(a, b));
      }),
      { numRuns: 400 },
    );
  });

  test('one line inserted at the top of a large body is one line of difference', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `  "k${i}": ${i},`);
    const base = lines.join('\n');
    assert.ok(lines.length * (lines.length + 1) > MAX_DIFF_CELLS, 'past the cap without the trimming');
    assert.deepEqual(lineDiff(base, ['  "new": 1,', ...lines].join('\n')), ['+   "new": 1,']);
    assert.deepEqual(lineDiff(base, lines.map((l, i) => (i === 1500 ? '  "k1500": -1,' : l)).join('\n')), ['-   "k1500": 1500,', '+   "k1500": -1,']);
  });

  test('a middle past the cap is compared line by line', () => {
    const n = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 10;
    const a = Array.from({ length: n }, (_, i) => `a${i}`);
    const b = a.map((l, i) => (i % 2 === 0 ? `b${i}` : l));
    b.push('extra');
    const diff = lineDiff(a.join('\n'), b.join('\n'));
    assert.equal(diff.length, Math.ceil(n / 2) * 2 + 1);
    assert.deepEqual(diff.slice(0, 2), ['- a0', '+ b0']);
    assert.equal(diff.at(-1), '+ extra');
  });
});

describe('buildSamplesReport', () => {
  test('the first sample is the reference; the others list their body differences, unresolved paths and results', () => {
    const doc = parseActionDocument(actionText({ body: { name: '{{contact.first_name}}', email: '{{contact.email}}' } }));
    const jane = sample(JANE, 'Jane');
    const bob = sample({ contact: { first_name: 'Bob' } }, 'Bob');
    const rows = buildSamplesReport({
      doc,
      samples: [
        { option: { id: 'jane', name: 'Jane', builtin: false }, sample: jane },
        { option: { id: 'bob', name: 'Bob', builtin: false }, sample: bob },
      ],
      inPlay: [jane, bob],
      options: options(),
      secretExists: () => false,
      results: new Map([['bob', { status: 401, outcome: 'rejected' as const }]]),
    });
    assert.deepEqual(
      rows.map((r) => r.sample.id),
      ['jane', 'bob'],
    );
    assert.deepEqual(rows[0]!.bodyDiff, []);
    assert.deepEqual(rows[0]!.unresolved, []);
    assert.equal(rows[0]!.result, undefined);
    assert.deepEqual(rows[1]!.bodyDiff, ['-   "name": "Jane",', '-   "email": "jane@example.com"', '+   "name": "Bob",', '+   "email": ""']);
    assert.deepEqual(rows[1]!.unresolved, ['contact.email']);
    assert.ok(rows[1]!.problems >= 1);
    assert.deepEqual(rows[1]!.result, { status: 401, outcome: 'rejected' });
  });
});

describe('the body break as the panel shows it', () => {
  test('its offset moves into the masked body, so the marked character is the one that broke the JSON', () => {
    const text = actionText({ body: { key: '{{secrets.KEY}}', last: '{{contact.last_name}}' } });
    const doc = parseActionDocument(text);
    const data = sample({ contact: { last_name: 'O"Brien' } }, 'Tom');
    const result = lint(doc, { samples: [data], selected: data, options: options({ escaping: 'text', secretValues: { KEY: SECRET } }) });
    const analysis: Analysis = { uri: 'file:///w/a.webhook.json', version: 1, doc, lint: result, samples: [data], selected: data };
    const found = result.render.bodyBreak!;
    const masked = buildState(analysis, inputs(analysis, false, { bodyBreak: found, escaping: 'text' }));
    assert.ok(!masked.body!.includes(SECRET));
    assert.equal(masked.body!.slice(masked.bodyBreak!.offset, masked.bodyBreak!.offset + 5), 'Brien');
    const revealed = buildState(analysis, inputs(analysis, true, { bodyBreak: found, escaping: 'text' }));
    assert.equal(revealed.body!.slice(revealed.bodyBreak!.offset, revealed.bodyBreak!.offset + 5), 'Brien');
    assert.equal(masked.sendable, false);
  });

  test('a break inside a secret is shown at its mask', () => {
    const text = actionText({ body: { key: '{{secrets.KEY}}' } });
    const doc = parseActionDocument(text);
    const data = sample({}, 'Any');
    const result = lint(doc, { samples: [data], selected: data, options: options({ escaping: 'text', secretValues: { KEY: 'ab"cdef' } }) });
    const analysis: Analysis = { uri: 'file:///w/a.webhook.json', version: 1, doc, lint: result, samples: [data], selected: data };
    const state = buildState(analysis, inputs(analysis, false, { bodyBreak: result.render.bodyBreak!, escaping: 'text' }));
    assert.equal(state.body!.slice(state.bodyBreak!.offset, state.bodyBreak!.offset + REDACTED.length), REDACTED);
    assert.doesNotMatch(state.bodyBreak!.message, /cdef/);
  });
});
