import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliSecretSource, emptySecrets, mapSecretSource, noTokens } from '../../src/core/secretSources';

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

describe('secret names are looked up as own properties only', () => {
  test('prototype names resolve to nothing from the arguments, the environment and the env file', () => {
    const built = cliSecretSource({ secrets: ['A=1'], env: {}, envFileText: 'B=2\n' });
    assert.ok(built.ok);
    for (const name of ['valueOf', 'constructor', 'hasOwnProperty', '__proto__', 'toString']) assert.equal(built.source.get(name), undefined, name);
    assert.equal(built.source.get('B'), '2');
  });
});
