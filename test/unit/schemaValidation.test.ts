import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseTree } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import { validateSchema, validateSchemaOfText } from '../../src/core/schemaValidation';
import type { SchemaKind } from '../../src/core/schemaValidation';
import { builtinSampleFileText } from '../../src/core/builtinSample';

const FIXTURES = 'test/fixtures/schema';

function tree(text: string) {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  assert.deepEqual(errors, [], 'the document parses');
  return root;
}

/** Each diagnostic as the text its range covers and its message, so a wrong range shows as wrong text. */
function located(kind: SchemaKind, text: string): Array<{ text: string; message: string }> {
  const diagnostics = validateSchema(kind, tree(text));
  // Validating the text (the CLI's way, which builds the tree only when there is something to report) agrees.
  let built = 0;
  const ofText = validateSchemaOfText(kind, text, () => (built++, tree(text)));
  assert.deepEqual(ofText, diagnostics);
  assert.ok(built <= 1 && (diagnostics.length === 0 || built === 1));
  return diagnostics.map((d) => {
    assert.equal(d.code, 'schema');
    assert.equal(d.severity, 'error');
    return { text: text.slice(d.range.start, d.range.end), message: d.message };
  });
}

const INVALID: ReadonlyArray<{
  readonly fixture: string;
  readonly expected: ReadonlyArray<{ readonly text: string; readonly message: string }>;
}> = [
  {
    fixture: 'wrong-method.action.jsonc',
    expected: [{ text: '"PATCH"', message: 'method must be one of GET, POST, PUT, DELETE, not "PATCH".' }],
  },
  {
    fixture: 'unknown-auth-type.action.jsonc',
    expected: [{ text: '"digest"', message: 'auth.type must be one of none, bearer, apiKey, basic, oauth2, not "digest".' }],
  },
  {
    fixture: 'bearer-without-token.action.jsonc',
    expected: [{ text: '"auth"', message: 'auth of type bearer needs "token".' }],
  },
  {
    fixture: 'auth-without-type.action.jsonc',
    expected: [{ text: '"auth"', message: 'auth is missing required property "type": one of none, bearer, apiKey, basic, oauth2.' }],
  },
  {
    fixture: 'basic-with-token.action.jsonc',
    expected: [{ text: '"token"', message: 'auth of type basic does not take "token"; it takes username, password.' }],
  },
  {
    fixture: 'unknown-root-property.action.jsonc',
    expected: [
      {
        text: '"timeout"',
        message:
          'Unknown property "timeout". Allowed: $schema, name, description, method, url, auth, headers, query, saveResponse, body, bodyType, expect, contract.',
      },
    ],
  },
  {
    fixture: 'header-name-with-space.action.jsonc',
    expected: [
      {
        text: '"X Source"',
        message:
          'Invalid name "X Source". A header name must be an RFC 9110 token: letters, digits and !#$%&\'*+-.^_`|~ only (no spaces, colons or templates).',
      },
    ],
  },
  {
    fixture: 'query-value-number.action.jsonc',
    expected: [
      { text: '2', message: 'query.page must be a string or a list of strings, not a number.' },
      { text: '3', message: 'query.tag[1] must be a string, not a number.' },
    ],
  },
  {
    fixture: 'missing-name.action.jsonc',
    expected: [{ text: '{', message: 'The webhook action is missing required property "name".' }],
  },
  {
    fixture: 'duplicate-key.action.jsonc',
    expected: [{ text: '"FETCH"', message: 'method must be one of GET, POST, PUT, DELETE, not "FETCH".' }],
  },
  {
    fixture: 'empty-url.action.jsonc',
    expected: [{ text: '""', message: 'url must not be empty.' }],
  },
  {
    fixture: 'not-an-object.sample.jsonc',
    expected: [{ text: '["contact", "opportunity"]', message: 'The sample must be an object, not a list.' }],
  },
  {
    fixture: 'secrets-namespace.sample.jsonc',
    expected: [
      {
        text: '"secrets"',
        message: '`secrets` is reserved: {{secrets.NAME}} resolves from the secret store, never from a sample.',
      },
    ],
  },
  {
    fixture: 'invalid-namespace-name.sample.jsonc',
    expected: [
      {
        text: '"lead data"',
        message: 'Invalid name "lead data". A namespace name must start with a letter or _ and hold only letters, digits, _ and - (as in {{namespace.field}}).',
      },
    ],
  },
  {
    fixture: 'namespace-not-object.sample.jsonc',
    expected: [
      { text: '"vip"', message: 'contact.tags must be a list of strings, not a string.' },
      { text: '"A-1001"', message: 'workflow must be an object, not a string.' },
    ],
  },
];

describe('validateSchema on invalid documents', () => {
  test('the table covers every fixture', () => {
    assert.deepEqual(INVALID.map((c) => c.fixture).sort(), readdirSync(FIXTURES).sort());
  });

  for (const { fixture, expected } of INVALID) {
    test(`reports ${fixture.replace(/\..*$/, '').replace(/-/g, ' ')} at the offending text`, () => {
      const kind: SchemaKind = fixture.includes('.sample.') ? 'sample' : 'action';
      assert.deepEqual(located(kind, readFileSync(join(FIXTURES, fixture), 'utf8')), expected);
    });
  }
});

describe('validateSchema on inline documents', () => {
  const base = '"name": "n", "method": "POST", "url": "https://api.example.com/x"';
  const cases: ReadonlyArray<{
    readonly name: string;
    readonly text: string;
    readonly expected: ReadonlyArray<{ readonly text: string; readonly message: string }>;
  }> = [
    {
      name: 'a non-object auth gets one type error and no oneOf noise',
      text: `{ ${base}, "auth": "bearer" }`,
      expected: [{ text: '"bearer"', message: 'auth must be an object, not a string.' }],
    },
    {
      name: 'a wrongly typed field of the chosen auth variant is reported on its value',
      text: `{ ${base}, "auth": { "type": "bearer", "token": 42 } }`,
      expected: [{ text: '42', message: 'auth.token must be a string, not a number.' }],
    },
    {
      name: 'an apiKey header that is no token is reported on its value',
      text: `{ ${base}, "auth": { "type": "apiKey", "header": "X Key", "value": "{{secrets.K}}" } }`,
      expected: [
        {
          text: '"X Key"',
          message:
            "auth.header is invalid. A header name must be an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons or templates).",
        },
      ],
    },
    {
      name: 'keys with a slash or a tilde are found through the escaped JSON pointer',
      text: `{ ${base}, "query": { "a/b": 1, "c~d": [true] } }`,
      expected: [
        { text: '1', message: 'query["a/b"] must be a string or a list of strings, not a number.' },
        { text: 'true', message: 'query["c~d"][0] must be a string, not true.' },
      ],
    },
    {
      name: 'a missing property of a nested object is reported on its key, a root one on the brace',
      text: '{\n  "sample": 1,\n  "method": "GET"\n}',
      expected: [
        { text: '{', message: 'The webhook action is missing required property "name".' },
        { text: '{', message: 'The webhook action is missing required property "url".' },
        {
          text: '"sample"',
          message:
            'Unknown property "sample". Allowed: $schema, name, description, method, url, auth, headers, query, saveResponse, body, bodyType, expect, contract.',
        },
      ],
    },
    {
      name: 'a document that is not an object is reported on its whole text',
      text: '"just a string"',
      expected: [{ text: '"just a string"', message: 'The webhook action must be an object, not a string.' }],
    },
  ];
  for (const { name, text, expected } of cases) {
    test(name, () => {
      assert.deepEqual(located('action', text), expected);
    });
  }

  test('an empty document (no tree) has no schema diagnostics: the syntax error is reported elsewhere', () => {
    assert.deepEqual(validateSchema('action', undefined), []);
    assert.deepEqual(validateSchema('sample', parseTree('')), []);
  });

  test('a document that did not fully parse is validated as far as it goes', () => {
    const text = '{ "name": "n", "method": "PATCH", "url": ';
    const diagnostics = validateSchema('action', parseTree(text, [], { allowTrailingComma: true }));
    assert.deepEqual(
      diagnostics.map((d) => text.slice(d.range.start, d.range.end)),
      ['{', '"PATCH"'],
    );
  });

  test('validating the text builds no tree for a valid document and agrees with the tree on "__proto__" keys and duplicates', () => {
    const valid = `{ ${base}, "body": { "__proto__": { "a": 1 }, "k": 1, "k": "{{contact.id}}" } }`;
    let built = 0;
    assert.deepEqual(
      validateSchemaOfText('action', valid, () => (built++, tree(valid))),
      [],
    );
    assert.equal(built, 0);
    // A "__proto__" header is an own property in both (a name the schema refuses), not the object's prototype.
    const invalid = `{ ${base}, "headers": { "__proto__": { "a": 1 } }, "method": "PATCH" }`;
    const expected = validateSchema('action', tree(invalid));
    assert.ok(expected.length >= 2);
    assert.deepEqual(
      validateSchemaOfText('action', invalid, () => tree(invalid)),
      expected,
    );
  });

  test('validating text that does not parse falls back to the tree', () => {
    const text = '{ "name": "n", "method": "PATCH", "url": ';
    const root = parseTree(text, [], { allowTrailingComma: true });
    assert.deepEqual(
      validateSchemaOfText('action', text, () => root),
      validateSchema('action', root),
    );
    assert.deepEqual(
      validateSchemaOfText('action', '', () => undefined),
      [],
    );
  });

  test('validating the other kind in between does not mix up the compiled schemas', () => {
    const action = `{ ${base}, "contact": {} }`;
    const first = located('action', action);
    assert.deepEqual(located('sample', '{ "contact": {} }'), []);
    assert.deepEqual(located('action', action), first);
    assert.equal(first.length, 1);
  });
});

describe('validateSchema on valid documents', () => {
  const files = [
    ...readdirSync('examples')
      .filter((f) => f.endsWith('.webhook.json'))
      .map((f) => ({ kind: 'action' as const, path: join('examples', f) })),
    ...readdirSync(join('examples', 'samples'))
      .filter((f) => f.endsWith('.sample.json'))
      .map((f) => ({ kind: 'sample' as const, path: join('examples', 'samples', f) })),
  ];

  test('finds the examples', () => {
    assert.ok(files.filter((f) => f.kind === 'action').length >= 5);
    assert.ok(files.filter((f) => f.kind === 'sample').length >= 3);
  });

  for (const { kind, path } of files) {
    test(`${path} is valid against the ${kind} schema`, () => {
      assert.deepEqual(located(kind, readFileSync(path, 'utf8')), []);
    });
  }

  test('the built-in sample file is valid against the sample schema', () => {
    assert.deepEqual(located('sample', builtinSampleFileText()), []);
  });

  test('every auth type is accepted with exactly its fields', () => {
    const auths = [
      '{ "type": "none" }',
      '{ "type": "bearer", "token": "{{secrets.T}}" }',
      '{ "type": "apiKey", "header": "X-Api-Key", "value": "{{secrets.K}}" }',
      '{ "type": "basic", "username": "bot", "password": "{{secrets.P}}" }',
      '{ "type": "oauth2", "connection": "crm" }',
    ];
    const offenders = auths.filter((auth) => located('action', `{ "name": "n", "method": "GET", "url": "https://a.example.com", "auth": ${auth} }`).length);
    assert.deepEqual(offenders, []);
  });
});

describe('the precompiled validators', () => {
  test('the generated validator modules are what the schemas compile to now', async () => {
    const generator = (await import(pathToFileURL(join('scripts', 'schemaValidators.mjs')).href)) as {
      GENERATED_PATH: string;
      INBOX_GENERATED_PATH: string;
      schemaValidatorsSource: () => string;
      inboxValidatorSource: () => string;
    };
    for (const [path, source] of [
      [generator.GENERATED_PATH, generator.schemaValidatorsSource],
      [generator.INBOX_GENERATED_PATH, generator.inboxValidatorSource],
    ] as const) {
      assert.ok(readFileSync(path, 'utf8') === source(), `${path} is out of date: run node scripts/schemaValidators.mjs`);
    }
  });
});
