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
      name: 'p', method: 'POST', url: 'https://api.example.com/{{contact.a}}',
      headers: { 'X-A': 'literal' },
      body: { a: '{{contact.a}}', b: 'pre {{contact.b}} post', nested: [{ c: '{{contact.c}}' }], n: 1 },
    });
    const doc = parseActionDocument(text);
    fc.assert(
      fc.property(jsonValue, jsonValue, jsonValue, fc.constantFrom(', ', '|', ''), (a, b, c, sep) => {
        const r = render(doc, sample({ contact: { a, b, c } as never }), options({ arraySeparator: sep }));
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
