import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK, maskSegments, maskSpans, redactCapture, redactDeep, redactRecord, redactText } from '../../src/core/redact';
import type { Capture, ExecutionRecord, Span } from '../../src/core/types';

describe('redactText', () => {
  const cases: Array<{ name: string; text: string; secrets: string[]; expected: string }> = [
    { name: 'replaces every raw occurrence', text: 'a tok1 b tok1', secrets: ['tok1'], expected: `a ${MASK} b ${MASK}` },
    { name: 'replaces the JSON-escaped form', text: '{"t":"a\\"b\\\\c"}', secrets: ['a"b\\c'], expected: `{"t":"${MASK}"}` },
    { name: 'replaces the percent-encoded form', text: '/x?k=a%2Fb%20c', secrets: ['a/b c'], expected: `/x?k=${MASK}` },
    { name: 'replaces the form-encoded form', text: 'k=a+b%26c', secrets: ['a b&c'], expected: `k=${MASK}` },
    { name: 'replaces the base64 form', text: 'Basic c2VjcmV0LXZhbHVl', secrets: ['secret-value'], expected: `Basic ${MASK}` },
    { name: 'replaces base64 without padding', text: 'x YWJjZA y', secrets: ['abcd'], expected: `x ${MASK} y` },
    { name: 'a longer secret containing a shorter one leaves nothing', text: 'key=abcdef', secrets: ['abc', 'abcdef'], expected: `key=${MASK}` },
    { name: 'overlapping secrets become one mask', text: 'xxabcdefyy', secrets: ['abcd', 'cdef'], expected: `xx${MASK}yy` },
    {
      name: 'a secret shorter than 4 characters is not searched for inside text',
      text: 'pin=42! status 201',
      secrets: ['42', '1'],
      expected: 'pin=42! status 201',
    },
    { name: 'a secret shorter than 4 characters is masked when it is the whole text', text: '42', secrets: ['42'], expected: MASK },
    { name: 'a 4-character secret is searched for', text: 'pin=4242!', secrets: ['4242'], expected: `pin=${MASK}!` },
    { name: 'empty secrets are ignored', text: 'nothing here', secrets: [''], expected: 'nothing here' },
    { name: 'text without secrets is unchanged', text: 'hello', secrets: ['zzzz'], expected: 'hello' },
    { name: 'replaces the JSON form with escaped slashes', text: '{"t":"ab\\/cd"}', secrets: ['ab/cd'], expected: `{"t":"${MASK}"}` },
    { name: 'replaces the JSON form with \\u escapes, either case', text: 'x p\\u00e4ss y p\\u00E4ss', secrets: ['päss'], expected: `x ${MASK} y ${MASK}` },
    { name: 'replaces lower-case percent-encoding', text: '/x?k=a%2fb%3d', secrets: ['a/b='], expected: `/x?k=${MASK}` },
    {
      name: 'replaces HTML-escaped forms: named, decimal and hex entities',
      text: '<p>ab&amp;cd</p> <p>ab&#38;cd</p> <p>ab&#x26;cd</p> <i>qu&quot;te</i>',
      secrets: ['ab&cd', 'qu"te'],
      expected: `<p>${MASK}</p> <p>${MASK}</p> <p>${MASK}</p> <i>${MASK}</i>`,
    },
    {
      name: 'replaces the lower-cased form (a secret in a host name)',
      text: 'connect to abc-def.example.com timed out',
      secrets: ['ABC-Def'],
      expected: `connect to ${MASK}.example.com timed out`,
    },
    { name: 'non-ASCII secrets are matched', text: 'v=pässwörd and p%C3%A4ssw%C3%B6rd', secrets: ['pässwörd'], expected: `v=${MASK} and ${MASK}` },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(redactText(c.text, c.secrets), c.expected);
    });
  }

  test('accepts any iterable of secrets', () => {
    assert.equal(redactText('a s3cr3t', new Set(['s3cr3t'])), `a ${MASK}`);
  });
});

describe('maskSpans and maskSegments', () => {
  const secret: Span['source'] = { kind: 'secret', name: 'T', range: { start: 0, end: 1 } };
  const variable: Span['source'] = { kind: 'variable', path: 'contact.id', range: { start: 0, end: 1 } };

  test('masks only secret and credential spans, merging overlapping ones', () => {
    const spans: Span[] = [
      { start: 2, end: 5, source: secret },
      { start: 4, end: 8, source: { kind: 'credential', scheme: 'basic' } },
      { start: 9, end: 11, source: variable },
    ];
    assert.equal(maskSpans('a:SSSCCC:VV', spans), `a:${MASK}:VV`);
  });

  test('a run of secret segments becomes one mask, keeping the first segment', () => {
    const segments = [
      { text: 'https://x/', source: 'literal' },
      { text: 'abc', source: 'secret', path: 'A' },
      { text: 'def', source: 'credential' },
      { text: '/', source: 'literal' },
      { text: 'ghi', source: 'secret', path: 'B' },
    ];
    assert.deepEqual(maskSegments(segments, false), [
      { text: 'https://x/', source: 'literal' },
      { text: MASK, source: 'secret', path: 'A' },
      { text: '/', source: 'literal' },
      { text: MASK, source: 'secret', path: 'B' },
    ]);
    assert.deepEqual(maskSegments(segments, true), segments);
  });
});

describe('redacting records and captures', () => {
  const record: ExecutionRecord = {
    id: '1',
    time: '2026-12-01T00:00:00.000Z',
    file: 'a.webhook.json',
    sample: 'Jane',
    request: { method: 'POST', url: 'https://x/?k=s3cr3t', headers: [['Authorization', 'Bearer s3cr3t']], body: '{"t":"s3cr3t"}' },
    response: {
      status: 401,
      statusText: 'Bad token s3cr3t',
      headers: [['x-s3cr3t', 'echo czNjcjN0']],
      bodyPreview: 'token=s3cr3t',
      size: 12,
      truncated: false,
      redirects: [{ status: 302, location: 'https://x/?t=s3cr3t' }],
    },
    timings: { totalMs: 1 },
    outcome: 'rejected',
    error: { code: 'unknown', message: 'failed with s3cr3t', hint: 'check s3cr3t' },
  };

  test('every string of a record is redacted, status text and header names included', () => {
    const clean = redactRecord(record, ['s3cr3t']);
    assert.ok(!JSON.stringify(clean).includes('s3cr3t'));
    assert.ok(!JSON.stringify(clean).includes('czNjcjN0'));
    assert.equal(clean.response?.statusText, `Bad token ${MASK}`);
    assert.deepEqual(clean.response?.headers[0], [`x-${MASK}`, `echo ${MASK}`]);
    assert.equal(clean.response?.status, 401);
    assert.equal(clean.timings.totalMs, 1);
  });

  test('with no secrets the record is returned as is', () => {
    assert.equal(redactDeep(record, []), record);
  });

  test('a capture is redacted in its target, header names and values, and body', () => {
    const capture: Capture = {
      id: 1,
      time: '',
      method: 'POST',
      target: '/x?k=s3cr3t',
      httpVersion: '1.1',
      rawHeaders: [['X-s3cr3t', 'Bearer s3cr3t']],
      body: new TextEncoder().encode('{"t":"s3cr3t"}'),
      bodySize: 14,
      bodyTruncated: false,
    };
    const clean = redactCapture(capture, ['s3cr3t']);
    assert.equal(clean.target, `/x?k=${MASK}`);
    assert.deepEqual(clean.rawHeaders, [[`X-${MASK}`, `Bearer ${MASK}`]]);
    assert.equal(new TextDecoder().decode(clean.body), `{"t":"${MASK}"}`);
    assert.equal(clean.bodySize, 14);
  });
});
