import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  REDACTED,
  cliSecretSource,
  emptySecrets,
  mapSecretSource,
  noTokens,
  redactText,
} from '../../src/core/secretSources';

describe('cliSecretSource', () => {
  const env = {
    WEBHOOK_STUDIO_SECRET_CRM_TOKEN: 'from-env',
    WEBHOOK_STUDIO_SECRET_ONLY_ENV: 'env-only',
    CRM_TOKEN: 'plain-env-is-ignored',
  };
  const envFileText = [
    '# comment',
    'CRM_TOKEN=from-file',
    'ONLY_ENV=file-loses',
    'ONLY_FILE="quoted value"',
    'WEBHOOK_STUDIO_SECRET_PREFIXED=prefixed-in-file',
    '',
  ].join('\n');

  const cases: Array<{ name: string; secrets: string[]; lookup: string; expected: string | undefined }> = [
    { name: '--secret wins over env and file', secrets: ['CRM_TOKEN=from-arg'], lookup: 'CRM_TOKEN', expected: 'from-arg' },
    { name: 'env wins over the file', secrets: [], lookup: 'CRM_TOKEN', expected: 'from-env' },
    { name: 'env holds a name the file also has', secrets: [], lookup: 'ONLY_ENV', expected: 'env-only' },
    { name: 'file supplies what nothing else has', secrets: [], lookup: 'ONLY_FILE', expected: 'quoted value' },
    { name: 'file may use the prefixed name', secrets: [], lookup: 'PREFIXED', expected: 'prefixed-in-file' },
    { name: 'value keeps every = after the first', secrets: ['B64=abc==', 'X=1'], lookup: 'B64', expected: 'abc==' },
    { name: 'a later --secret wins', secrets: ['A=first', 'A=second'], lookup: 'A', expected: 'second' },
    { name: 'an empty value is a value', secrets: ['EMPTY='], lookup: 'EMPTY', expected: '' },
    { name: 'names with dashes are allowed', secrets: ['my-key_2=v'], lookup: 'my-key_2', expected: 'v' },
    { name: 'unknown name is undefined', secrets: [], lookup: 'NOPE', expected: undefined },
    { name: 'an unprefixed env variable is not a secret', secrets: [], lookup: 'PATH', expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = cliSecretSource({ secrets: c.secrets, env: { ...env, PATH: '/bin' }, envFileText });
      assert.ok(result.ok);
      assert.equal(result.source.get(c.lookup), c.expected);
    });
  }

  test('works without an env file', () => {
    const result = cliSecretSource({ secrets: [], env });
    assert.ok(result.ok);
    assert.equal(result.source.get('CRM_TOKEN'), 'from-env');
    assert.equal(result.source.get('ONLY_FILE'), undefined);
  });

  const invalid: Array<{ name: string; secrets: string[]; position: number }> = [
    { name: 'missing = is refused', secrets: ['OK=1', 'sk_live_supersecretvalue'], position: 2 },
    { name: 'name starting with a digit is refused', secrets: ['1ABC=sk_live_supersecretvalue'], position: 1 },
    { name: 'name with a space is refused', secrets: ['MY TOKEN=sk_live_supersecretvalue'], position: 1 },
    { name: 'empty name is refused', secrets: ['=sk_live_supersecretvalue'], position: 1 },
  ];
  for (const c of invalid) {
    test(`${c.name}, naming the argument without echoing it`, () => {
      const result = cliSecretSource({ secrets: c.secrets, env: {} });
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.match(result.error, new RegExp(`--secret number ${c.position}\\b`));
      assert.ok(!result.error.includes('supersecret'), result.error);
      assert.ok(!result.error.includes('TOKEN') && !result.error.includes('1ABC'), result.error);
    });
  }
});

describe('plain sources', () => {
  test('mapSecretSource reads the map', () => {
    const source = mapSecretSource(new Map([['A', 'x']]));
    assert.equal(source.get('A'), 'x');
    assert.equal(source.get('B'), undefined);
  });

  test('emptySecrets and noTokens know nothing', () => {
    assert.equal(emptySecrets.get('A'), undefined);
    assert.equal(noTokens.token('crm'), undefined);
  });
});

describe('redactText', () => {
  const cases: Array<{ name: string; text: string; secrets: string[]; expected: string }> = [
    { name: 'replaces every raw occurrence', text: 'a tok1 b tok1', secrets: ['tok1'], expected: `a ${REDACTED} b ${REDACTED}` },
    { name: 'replaces the JSON-escaped form', text: '{"t":"a\\"b\\\\c"}', secrets: ['a"b\\c'], expected: `{"t":"${REDACTED}"}` },
    { name: 'replaces the percent-encoded form', text: '/x?k=a%2Fb%20c', secrets: ['a/b c'], expected: `/x?k=${REDACTED}` },
    { name: 'replaces the form-encoded form', text: 'k=a+b%26c', secrets: ['a b&c'], expected: `k=${REDACTED}` },
    { name: 'replaces the base64 form', text: 'Basic c2VjcmV0LXZhbHVl', secrets: ['secret-value'], expected: `Basic ${REDACTED}` },
    { name: 'replaces base64 without padding', text: 'x YWJjZA y', secrets: ['abcd'], expected: `x ${REDACTED} y` },
    { name: 'a longer secret containing a shorter one leaves nothing', text: 'key=abcdef', secrets: ['abc', 'abcdef'], expected: `key=${REDACTED}` },
    { name: 'overlapping secrets become one mask', text: 'xxabcdefyy', secrets: ['abcd', 'cdef'], expected: `xx${REDACTED}yy` },
    { name: 'short secrets are redacted too', text: 'pin=42!', secrets: ['42'], expected: `pin=${REDACTED}!` },
    { name: 'empty secrets are ignored', text: 'nothing here', secrets: [''], expected: 'nothing here' },
    { name: 'text without secrets is unchanged', text: 'hello', secrets: ['zzzz'], expected: 'hello' },
    { name: 'non-ASCII secrets are matched', text: 'v=pässwörd and p%C3%A4ssw%C3%B6rd', secrets: ['pässwörd'], expected: `v=${REDACTED} and ${REDACTED}` },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(redactText(c.text, c.secrets), c.expected);
    });
  }

  test('accepts any iterable of secrets', () => {
    assert.equal(redactText('a s3cr3t', new Set(['s3cr3t'])), `a ${REDACTED}`);
  });
});
