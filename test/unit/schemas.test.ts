import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'jsonc-parser';
import actionSchema from '../../schemas/webhook-action.schema.json';
import sampleSchema from '../../schemas/webhook-sample.schema.json';
import { EDITOR_SCHEMA_KEYWORDS } from '../../src/core/schemaValidation';
import { BUILTIN_SAMPLE, STANDARD_CONTACT_FIELDS, builtinSampleFileText } from '../../src/core/builtinSample';

type Json = { [key: string]: unknown };

const SCHEMAS: ReadonlyArray<readonly [string, Json]> = [
  ['webhook-action', actionSchema],
  ['webhook-sample', sampleSchema],
];

function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  ajv.addVocabulary([...EDITOR_SCHEMA_KEYWORDS]);
  return ajv;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(root: Json, schema: Json): Json {
  if (typeof schema.$ref !== 'string') return schema;
  const target = schema.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root);
  assert.ok(isObject(target), `unresolvable $ref ${schema.$ref}`);
  // Sibling keywords next to a $ref (description, examples) describe the property itself.
  return { ...target, ...schema };
}

/** Every property schema (under `properties`, and object-valued `additionalProperties`), with its JSON pointer. */
function propertySchemas(root: Json): Array<{ pointer: string; schema: Json }> {
  const found: Array<{ pointer: string; schema: Json }> = [];
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, `${pointer}/${i}`));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key === 'examples' || key === 'defaultSnippets' || key === 'const' || key === 'enum') continue;
      if (key === 'properties' && isObject(child)) {
        for (const [name, property] of Object.entries(child)) {
          const propertyPointer = `${childPointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          if (isObject(property)) found.push({ pointer: propertyPointer, schema: property });
          visit(property, propertyPointer);
        }
        continue;
      }
      if (key === 'additionalProperties' && isObject(child)) found.push({ pointer: childPointer, schema: child });
      visit(child, childPointer);
    }
  };
  visit(root, '#');
  return found;
}

describe('schemas', () => {
  for (const [name, schema] of SCHEMAS) {
    test(`${name} compiles in ajv strict mode`, () => {
      const ajv = strictAjv();
      assert.doesNotThrow(() => ajv.compile(schema));
    });

    test(`${name} is draft 2020-12 with an $id, a title and trailing commas allowed`, () => {
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.match(String(schema.$id), /^urn:webhook-studio:schema:/);
      assert.equal(typeof schema.title, 'string');
      assert.equal(schema.allowTrailingCommas, true);
    });

    test(`every property of ${name} has a description, a markdownDescription and examples`, () => {
      const properties = propertySchemas(schema);
      assert.ok(properties.length > 10, 'the walk found the properties');
      const offenders = properties.flatMap(({ pointer, schema: property }) => {
        const resolved = resolve(schema, property);
        const missing = ['description', 'markdownDescription', 'examples'].filter((k) =>
          k === 'examples' ? !Array.isArray(resolved[k]) || resolved[k].length === 0 : typeof resolved[k] !== 'string',
        );
        return missing.length ? [`${pointer}: ${missing.join(', ')}`] : [];
      });
      assert.deepEqual(offenders, []);
    });

    test(`every example in ${name} is valid for its own property`, () => {
      const ajv = strictAjv();
      ajv.addSchema(schema);
      const offenders = propertySchemas(schema).flatMap(({ pointer, schema: property }) => {
        const validate = ajv.getSchema(`${String(schema.$id)}${pointer}`);
        assert.ok(validate, `no validator for ${pointer}`);
        const examples = (resolve(schema, property).examples ?? []) as unknown[];
        return examples.filter((e) => !validate(e)).map((e) => `${pointer}: ${JSON.stringify(e)}`);
      });
      assert.deepEqual(offenders, []);
    });
  }

  test('the action schema offers a snippet for each of the five auth types', () => {
    const auth = actionSchema.properties.auth;
    const types = auth.defaultSnippets.map((s) => s.body.type);
    assert.deepEqual(types, ['none', 'bearer', 'apiKey', 'basic', 'oauth2']);
    assert.deepEqual(actionSchema.$defs.authType.enum, types);
    const branchTypes = auth.oneOf.map((b) => {
      const branch = resolve(actionSchema, b);
      return ((branch.properties as Json).type as Json).const;
    });
    assert.deepEqual(branchTypes, types);
  });

  test('the sample schema reserves the secrets namespace and accepts other namespaces', () => {
    const validate = strictAjv().compile(sampleSchema);
    assert.equal(validate({ secrets: {} }), false);
    assert.equal(validate({ 'bad name': {} }), false);
    assert.equal(validate({ $schema: './x.json', name: 'n', user: { name: 'Sam' }, _internal: {} }), true);
  });
});

describe('built-in sample', () => {
  const contactSchema = sampleSchema.properties.contact.properties as Record<string, { description: string }>;

  test('STANDARD_CONTACT_FIELDS lists the 17 contact fields of the sample schema with the same descriptions', () => {
    assert.equal(STANDARD_CONTACT_FIELDS.length, 17);
    assert.deepEqual(
      STANDARD_CONTACT_FIELDS.map((f) => [f.name, f.description]),
      Object.entries(contactSchema).map(([name, schema]) => [name, schema.description]),
    );
  });

  test('fills every standard contact field with a non-empty value', () => {
    const contact = BUILTIN_SAMPLE.data.contact as Json;
    const empty = STANDARD_CONTACT_FIELDS.map((f) => f.name).filter((name) => {
      const value = contact[name];
      return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    });
    assert.deepEqual(empty, []);
    assert.match(String(contact.email), /@([a-z-]+\.)*example\.com$/);
    assert.match(String(contact.phone), /^\+1555\d{7}$/);
  });

  test('has an opportunity with a numeric value, workflow variables and custom values', () => {
    const { opportunity, workflow, custom_values: customValues } = BUILTIN_SAMPLE.data as Record<string, Json>;
    for (const key of ['id', 'name', 'pipeline_name', 'stage', 'status', 'source']) {
      assert.equal(typeof opportunity?.[key], 'string', `opportunity.${key}`);
    }
    assert.equal(typeof opportunity?.value, 'number');
    assert.equal(typeof workflow?.order_id, 'string');
    assert.ok(Object.keys(customValues ?? {}).length > 0);
  });

  test('is marked built-in, has no file and cannot be changed by a caller', () => {
    assert.equal(BUILTIN_SAMPLE.builtin, true);
    assert.equal(BUILTIN_SAMPLE.name, 'Built-in sample contact');
    assert.equal(BUILTIN_SAMPLE.file, undefined);
    assert.throws(() => {
      (BUILTIN_SAMPLE.data.contact as Json).first_name = 'changed';
    }, TypeError);
  });

  test('file text is pretty JSON of the name and the namespaces, without $schema', () => {
    const text = builtinSampleFileText();
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"name"/);
    const parsed = JSON.parse(text) as Json;
    assert.equal('$schema' in parsed, false);
    const { name, ...data } = parsed;
    assert.equal(name, BUILTIN_SAMPLE.name);
    assert.deepEqual(data, BUILTIN_SAMPLE.data);
  });
});

/** The server URLs of an OpenAPI document in JSON. */
function contractServers(file: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { servers?: Array<{ url: string }> };
  return (doc.servers ?? []).map((s) => s.url);
}

describe('examples workspace', () => {
  const dir = 'examples';
  const actionFiles = readdirSync(dir).filter((f) => f.endsWith('.webhook.json'));
  const sampleFiles = readdirSync(join(dir, 'samples'))
    .filter((f) => f.endsWith('.sample.json'))
    .sort();
  const actions = actionFiles.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return { file, text, value: parse(text, [], { allowTrailingComma: true }) as Json };
  });
  const samples = sampleFiles.map((file) => ({
    file,
    value: JSON.parse(readFileSync(join(dir, 'samples', file), 'utf8')) as Json,
  }));

  test('has at least five actions covering the four methods and the five auth types', () => {
    assert.ok(actions.length >= 5);
    const methods = new Set(actions.map((a) => a.value.method));
    const authTypes = new Set(actions.map((a) => (a.value.auth as Json | undefined)?.type ?? 'none'));
    assert.deepEqual([...methods].sort(), ['DELETE', 'GET', 'POST', 'PUT']);
    assert.deepEqual([...authTypes].sort(), ['apiKey', 'basic', 'bearer', 'none', 'oauth2']);
  });

  test('actions name no schema, use https on example.com hosts and keep credentials in secrets', () => {
    const offenders = actions.flatMap(({ file, value }) => {
      const problems: string[] = [];
      if ('$schema' in value) problems.push('$schema');
      const url = new URL(String(value.url).replace(/\{\{[^}]*\}\}/g, 'x'));
      // An action linked to a real public operation calls that API's server, as its contract lists it.
      const contract = value.contract as Json | undefined;
      const servers = contract ? contractServers(join(dir, String(contract.openapi))) : [];
      const allowed = /(^|\.)example\.com$/.test(url.hostname) || servers.some((s) => url.href.startsWith(s));
      if (url.protocol !== 'https:' || !allowed) problems.push(`url ${url.href}`);
      const auth = (value.auth ?? {}) as Json;
      for (const field of ['token', 'value', 'username', 'password']) {
        if (field in auth && !/^\{\{\s*secrets\.[A-Z_]+\s*\}\}$/.test(String(auth[field]))) problems.push(`auth.${field}`);
      }
      if ((value.method === 'GET' || value.method === 'DELETE') && 'body' in value) problems.push('body on GET/DELETE');
      return problems.map((p) => `${file}: ${p}`);
    });
    assert.deepEqual(offenders, []);
  });

  test('at least one action uses comments and trailing commas', () => {
    assert.ok(actions.some(({ text }) => /^\s*\/\//m.test(text) && /,\s*\n\s*[}\]]/.test(text)));
  });

  test('every template in the actions resolves against the first sample', () => {
    const first = samples[0]?.value;
    assert.ok(first, 'a sample exists');
    const template = /\{\{\s*([^{}]*?)\s*\}\}/g;
    const unresolved = actions.flatMap(({ file, text }) =>
      [...text.matchAll(template)]
        .map((m) => m[1] ?? '')
        .filter((path) => !path.startsWith('secrets.'))
        // Filled from the clock when a sample does not set it.
        .filter((path) => !path.startsWith('right_now.'))
        .filter((path) => {
          const value = path.split(/\.|(?=\[)/).reduce<unknown>((node, segment) => {
            const index = /^\[(\d+)\]$/.exec(segment);
            if (index) return Array.isArray(node) ? node[Number(index[1])] : undefined;
            return isObject(node) ? node[segment] : undefined;
          }, first);
          return value === undefined || value === null;
        })
        .map((path) => `${file}: ${path}`),
    );
    assert.deepEqual(unresolved, []);
  });

  test('has a typical, a minimal and a hostile sample', () => {
    assert.ok(samples.length >= 3);
    const hostile = samples.find((s) => s.file.includes('hostile'))?.value;
    assert.ok(hostile, 'a hostile sample exists');
    const contact = hostile.contact as Json;
    const strings = JSON.stringify(hostile);
    assert.equal((contact.tags as unknown[]).length, 20);
    assert.equal(typeof contact.lead_score, 'number');
    assert.ok(isObject(contact.preferences), 'a nested object as a custom field');
    assert.ok(Object.values(contact).includes(null), 'a null field');
    assert.ok(Object.values(contact).includes(''), 'an empty field');
    for (const [what, pattern] of [
      ['a quote', /\\"/],
      ['a backslash', /\\\\/],
      ['a newline', /\\n/],
      ['a tab', /\\t/],
      ['Arabic', /[\u0600-\u06ff]/],
      ['Hebrew', /[\u0590-\u05ff]/],
      ['an emoji', /\p{Extended_Pictographic}/u],
    ] as const) {
      assert.match(strings, pattern, what);
    }
  });
});
