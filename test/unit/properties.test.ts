import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseActionDocument } from '../../src/core/document';
import { render } from '../../src/core/render';
import { tokenize } from '../../src/core/template';
import { valueToText } from '../../src/core/sample';
import type { JsonValue } from '../../src/core/types';
import { options, sample } from './helpers/core';

const RUNS = 10_000;

/** Any JSON value, including every unicode string (lone surrogates too). */
const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '</script>', '{{x}}', '\ud800'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
  ),
})).v;

describe('properties', () => {
  test('the tokenizer never throws and its tokens lie within the string, in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.constantFrom('{{', '}}', 'contact.', 'a', ' ', '|', '[0]')), (s, bits) => {
        const input = s + bits.join('');
        const tokens = tokenize(input);
        let at = 0;
        for (const t of tokens) {
          assert.ok(t.start >= at && t.end <= input.length && t.start < t.end);
          assert.equal(input.slice(t.start, t.end), t.raw);
          at = t.end;
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('for any sample values the body is valid JSON and every templated string holds exactly the converted value', () => {
    const text = JSON.stringify({
      name: 'p',
      method: 'POST',
      url: 'https://api.example.com/{{contact.a}}',
      headers: { 'X-A': 'literal' },
      body: { a: '{{contact.a}}', b: 'pre {{contact.b}} post', nested: [{ c: '{{contact.c}}' }], n: 1 },
    });
    const doc = parseActionDocument(text);
    fc.assert(
      fc.property(jsonValue, jsonValue, jsonValue, fc.constantFrom(', ', '|', ''), (a, b, c, sep) => {
        const r = render(doc, sample({ contact: { a, b, c } }), options({ arraySeparator: sep }));
        const body = JSON.parse(r.request.body!);
        assert.equal(body.a, valueToText(a, sep));
        assert.equal(body.b, `pre ${valueToText(b, sep)} post`);
        assert.equal(body.nested[0].c, valueToText(c, sep));
        assert.equal(body.n, 1);
      }),
      { numRuns: RUNS },
    );
  });

  test('rendering any file text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = `{"name":"x","method":"POST","url":${JSON.stringify('https://a.example/' + s)},"body":{"v":${JSON.stringify(s)}},"headers":{"X":${JSON.stringify(s)}}}`;
        const r = render(parseActionDocument(text), sample({ contact: { a: s } }), options());
        if (r.request.body !== null) JSON.parse(r.request.body);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the two body paths agree', () => {
  const templates = ['{{contact.a}}', 'x {{contact.b}} y', '{{secrets.S}}', '{{contact.nope}}', '{{ bad | x }}', 'plain', '{{contact.a}}{{contact.b}}'];
  const bodyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...templates),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '1', '0', 'k"', 'x'), tie('v'), { maxKeys: 4 }),
    ),
  })).v;

  test('strict JSON (fast path) and JSONC (tree walk) bodies render to the same bytes, spans and unresolved list', () => {
    fc.assert(
      fc.property(bodyValue, jsonValue, jsonValue, fc.constantFrom<'json' | 'text'>('json', 'text'), (body, a, b, escaping) => {
        const strict = JSON.stringify({ name: 'n', method: 'POST', url: 'https://api.example.com/', body });
        // The same document with a comment and a trailing comma: not strict JSON, so the tree walk renders it.
        const jsonc = `{"name": "n", "method": "POST", "url": "https://api.example.com/", /* c */ "body": ${JSON.stringify(body)},}`;
        const opts = options({ escaping, secretValues: { S: 's3cr3t' } });
        const data = sample({ contact: { a, b } });
        const r1 = render(parseActionDocument(strict), data, opts);
        const r2 = render(parseActionDocument(jsonc), data, opts);
        assert.equal(r1.request.body, r2.request.body);
        const spanTexts = (r: typeof r1) => r.request.bodySpans.map((s) => [r.request.body!.slice(s.start, s.end), s.source.kind]);
        assert.deepEqual(spanTexts(r1), spanTexts(r2));
        assert.deepEqual(
          r1.unresolved.map((u) => u.path),
          r2.unresolved.map((u) => u.path),
        );
        if (escaping === 'json') assert.equal(r1.request.body, JSON.stringify(JSON.parse(r1.request.body!)));
      }),
      { numRuns: 3_000 },
    );
  });
});
