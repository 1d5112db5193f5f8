import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseActionDocument } from '../../src/core/document';
import { render } from '../../src/core/render';
import { tokenize } from '../../src/core/template';
import { valueToText } from '../../src/core/sample';
import type { JsonValue } from '../../src/core/types';
import { options, sample } from './helpers/core';
import { ROOT, runCli } from './helpers/cli';

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
        // A string body is the platform's own text, sent as written: only an object body is JSON by construction.
        if (escaping === 'json' && typeof body !== 'string') assert.equal(r1.request.body, JSON.stringify(JSON.parse(r1.request.body!)));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('the CLI on arbitrary bytes', () => {
  // Bytes of every kind: random, JSON-like text with its bytes cut or flipped, UTF-16 with and without a BOM.
  const actionText = readFileSync(join(ROOT, 'examples', 'new-lead-to-crm.webhook.json'), 'utf8');
  const sampleText = readFileSync(join(ROOT, 'examples', 'samples', '1-vip-lead.sample.json'), 'utf8');
  const hostile = (text: string): fc.Arbitrary<Uint8Array> =>
    fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.nat({ max: text.length }).map((cut) => Buffer.from(text.slice(0, cut))),
      fc.tuple(fc.nat({ max: text.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const bytes = Buffer.from(text);
        bytes[at] = byte;
        return bytes;
      }),
      fc.boolean().map((bom) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')])),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    );

  const check = async (dir: string, args: string[]): Promise<void> => {
    const r = await runCli(args, { cwd: dir, env: {} });
    assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit ${r.code}`);
    assert.ok((r.stdout + r.stderr).trim() !== '', `a message for exit ${r.code}`);
    if (r.code === 2 && args[0] === 'render') assert.match(r.stderr, /^webhook-studio: /, 'render says why it stops');
    assert.ok(!/\n\s+at /.test(r.stdout + r.stderr), 'no stack trace');
  };

  test('render and validate never throw and exit 0, 1 or 2 with a message, for any action file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-bytes-'));
    try {
      await fc.assert(
        fc.asyncProperty(hostile(actionText), async (bytes) => {
          writeFileSync(join(dir, 'a.webhook.json'), bytes);
          await check(dir, ['render', 'a.webhook.json']);
          await check(dir, ['render', 'a.webhook.json', '--format', 'json']);
          await check(dir, ['validate']);
        }),
        { numRuns: 200 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('render and validate never throw and exit 0, 1 or 2 with a message, for any sample file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-bytes-'));
    try {
      writeFileSync(join(dir, 'a.webhook.json'), actionText);
      await fc.assert(
        fc.asyncProperty(hostile(sampleText), async (bytes) => {
          writeFileSync(join(dir, 's.sample.json'), bytes);
          await check(dir, ['render', 'a.webhook.json']);
          await check(dir, ['render', 'a.webhook.json', '--sample', 's.sample.json', '--format', 'curl']);
          await check(dir, ['validate']);
        }),
        { numRuns: 200 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
