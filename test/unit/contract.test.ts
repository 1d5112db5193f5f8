import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { lint } from '../../src/core/lint';
import { MASK } from '../../src/core/redact';
import { contractCheck, type ContractCheck } from '../../src/core/contract/check';
import { loadContractFile, loadContractObject } from '../../src/core/contract/load';
import { operationById, operationByRequest, readContractDocument, type ContractDocument } from '../../src/core/contract/model';
import type { Diagnostic, JsonObject } from '../../src/core/types';
import { actionText, JANE as TEST_CONTACT, options, sample } from './helpers/core';
import { scaffoldAction } from '../../src/core/contract/scaffold';
import { checkAllSamples } from '../../src/core/contract/samples';
import { CONTACT_FIELD_NAMES, contactTemplateFor } from '../../src/core/contract/fieldNames';
import { BUILTIN_SAMPLE, STANDARD_CONTACT_FIELDS } from '../../src/core/builtinSample';
import { validateSchemaOfText } from '../../src/core/schemaValidation';

const ROOT = join(__dirname, '..', '..');
const CRM = join(ROOT, 'test', 'fixtures', 'openapi', 'crm', 'openapi.yaml');
const CRM_URL = 'https://api.crm.example.com/v1';

const OMAR: JsonObject = {
  contact: { id: 'c_81f2', first_name: 'Omar', last_name: 'Haddad', email: 'omar@example.com', phone: '+1 555', lead_score: 87 },
  opportunity: { stage: 'won', name: 'Renewal' },
};
const JANE: JsonObject = {
  contact: { id: 'c_7Hq2', first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', phone: '+15555550123', lead_score: 12 },
  opportunity: { stage: 'qualified', name: 'Website' },
};

/** Lints an action against one sample with a contract check; returns the contract diagnostics and the file text. */
function run(check: ContractCheck, action: Record<string, unknown>, data: JsonObject, name = 'Omar', secretValues: Record<string, string> = {}) {
  const text = actionText({ contract: { openapi: 'openapi.yaml' }, ...action });
  const s = sample(data, name);
  const result = lint(parseActionDocument(text), { samples: [s], selected: s, options: options({ secretValues }), contract: check });
  const diags = result.diagnostics.filter((d) => d.code === 'contract-violation');
  const at = (d: Diagnostic) => text.slice(d.range.start, d.range.end);
  return { text, diags, at };
}

const lead = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  url: `${CRM_URL}/leads`,
  auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
  contract: { openapi: 'openapi.yaml', operation: 'createLead' },
  body,
  ...extra,
});
const SECRETS = { CRM_TOKEN: 'tok_abcdef123456' };

describe('reading OpenAPI documents', () => {
  test('YAML with $refs across files is bundled; every file read is listed for watching', async () => {
    const r = await loadContractFile(CRM);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.doc.version, '3.0');
    assert.equal(r.doc.title, 'Example CRM API');
    assert.deepEqual(r.doc.operations.map((o) => o.id).sort(), ['createLead', 'deleteContact', 'getContact', 'searchContacts', 'trackEvent', 'updateContact']);
    assert.ok(r.files.some((f) => f.endsWith('components.yaml')));
    const get = r.doc.operations.find((o) => o.id === 'getContact')!;
    assert.deepEqual(
      get.parameters.map((p) => `${p.in}:${p.name}`),
      ['path:contactId', 'query:include', 'query:limit', 'header:X-Api-Version'],
    );
  });

  test('a missing file, bad YAML and a document that is not OpenAPI are messages naming the file, never exceptions', async () => {
    const missing = await loadContractFile(join(ROOT, 'test', 'fixtures', 'openapi', 'nope.yaml'));
    assert.ok(!missing.ok && /nope\.yaml: file not found/.test(missing.error));
    const notApi = await loadContractObject({ hello: 'world' });
    assert.ok(!notApi.ok && /the document is not a valid OpenAPI or Swagger document/.test(notApi.error));
    const brokenRef = await loadContractFile(join(ROOT, 'test', 'fixtures', 'openapi', 'broken-ref.yaml'));
    assert.ok(!brokenRef.ok && /absent\.yaml/.test(brokenRef.error), brokenRef.ok ? '' : brokenRef.error);
    const badYaml = await loadContractFile(join(ROOT, 'test', 'fixtures', 'openapi', 'bad.yaml'));
    assert.ok(!badYaml.ok && /bad\.yaml.*\(4:1\)/.test(badYaml.error), JSON.stringify(badYaml));
  });

  test('a $ref to a URL is not fetched by a local read', async () => {
    const r = await loadContractObject({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/a': { $ref: 'http://127.0.0.1:9/never.yaml#/a' } },
    });
    assert.ok(!r.ok);
  });
});

describe('finding the operation', () => {
  let doc: ContractDocument;
  before(async () => {
    const r = await loadContractFile(CRM);
    assert.ok(r.ok);
    doc = r.doc;
  });

  test('by operationId, with near ids when it is not there', () => {
    assert.equal(operationById(doc, 'createLead').ok, true);
    const miss = operationById(doc, 'createLeads');
    assert.ok(!miss.ok && /has no operation "createLeads". Did you mean "createLead"/.test(miss.message));
  });

  test('by method and URL against servers and path templates; a literal segment wins over a template', () => {
    const byUrl = (m: string, u: string) => operationByRequest(doc, m, u);
    const a = byUrl('GET', `${CRM_URL}/contacts/c_1?limit=5`);
    assert.ok(a.ok && a.operation.id === 'getContact');
    const b = byUrl('GET', `${CRM_URL}/contacts/search?q=abc`);
    assert.ok(b.ok && b.operation.id === 'searchContacts');
    const wrongMethod = byUrl('PUT', `${CRM_URL}/contacts/c_1`);
    assert.ok(
      !wrongMethod.ok && /no operation of Example CRM API matches PUT \/v1\/contacts\/c_1\. That path takes GET, DELETE, PATCH/.test(wrongMethod.message),
    );
    const elsewhere = byUrl('GET', 'https://other.example.com/v1/contacts/c_1');
    assert.ok(!elsewhere.ok && /not below any server of Example CRM API \(https:\/\/api\.crm\.example\.com\/v1\)/.test(elsewhere.message));
  });

  test('two templates that match alike are ambiguous', () => {
    const r = readContractDocument({
      openapi: '3.1.0',
      info: { title: 'Twins', version: '1' },
      servers: [{ url: 'https://{region}.twins.example.com' }],
      paths: { '/a/{x}': { get: { operationId: 'byX' } }, '/a/{y}': { get: { operationId: 'byY' } } },
    });
    assert.ok(r.ok);
    const m = operationByRequest(r.doc, 'GET', 'https://eu.twins.example.com/a/1');
    assert.ok(!m.ok && /matches 2 operations of Twins \(byX, byY\)\. Set "contract\.operation"/.test(m.message));
  });
});

describe('checks of a rendered request, at the template that produced the value', () => {
  let check: ContractCheck;
  before(async () => {
    const r = await loadContractFile(CRM);
    assert.ok(r.ok);
    check = contractCheck(r.doc);
  });

  test('a sample that breaks the body schema gets a violation at that template; one that fits gets none', () => {
    const action = lead({ email: '{{contact.email}}', first_name: '{{contact.first_name}}', phone: '{{contact.phone}}' });
    const bad = run(check, action, OMAR, 'Omar', SECRETS);
    assert.equal(bad.diags.length, 1);
    assert.equal(bad.at(bad.diags[0]!), '{{contact.phone}}');
    assert.equal(
      bad.diags[0]!.message,
      'for sample "Omar", {{contact.phone}} gives "+1 555" at body /phone; the receiver\'s schema wants pattern ^\\+[0-9]{7,15}$ (operation createLead).',
    );
    assert.equal(bad.diags[0]!.severity, 'error');
    assert.deepEqual(run(check, action, JANE, 'Jane', SECRETS).diags, []);
  });

  test('a template inside a longer string, formats, enums and literals', () => {
    const r = run(
      check,
      lead({ email: 'lead-{{contact.first_name}}', first_name: '{{contact.first_name}}', stage: 'open', score: '{{contact.lead_score}}' }),
      OMAR,
      'Omar',
      SECRETS,
    );
    const byText = new Map(r.diags.map((d) => [r.at(d), d.message]));
    assert.match(byText.get('{{contact.first_name}}') ?? '', /gives "lead-Omar" at body \/email; .* wants format email/);
    assert.match(byText.get('"open"') ?? '', /the literal "open" at body \/stage; .* wants one of "new", "qualified", "won"/);
    // The score is a number in the sample but text on the wire, which is what the pattern checks.
    assert.equal(r.diags.length, 2);
  });

  test('a missing required field sits on the body; an unknown property on its key', () => {
    const r = run(check, lead({ email: '{{contact.email}}', nickname: 'x' }), OMAR, 'Omar', SECRETS);
    const missing = r.diags.find((d) => /lacks "first_name"/.test(d.message))!;
    assert.equal(r.at(missing), '"body"');
    assert.match(missing.message, /^the body lacks "first_name" at body \/, which the receiver's schema requires \(operation createLead\)\.$/);
    const extra = r.diags.find((d) => /"nickname"/.test(d.message))!;
    assert.equal(r.at(extra), '"nickname"');
  });

  test("3.0's nullable allows null where it says so, and a nested required field sits on its object's key", () => {
    const ok = run(check, lead({ email: '{{contact.email}}', first_name: 'A', company: null, address: null }), OMAR, 'Omar', SECRETS);
    assert.deepEqual(ok.diags, []);
    const nested = run(check, lead({ email: '{{contact.email}}', first_name: 'A', address: { city: 'Paris' } }), OMAR, 'Omar', SECRETS);
    assert.equal(nested.diags.length, 1);
    assert.equal(nested.at(nested.diags[0]!), '"address"');
    assert.match(nested.diags[0]!.message, /lacks "country" at body \/address/);
    const nulls = run(check, lead({ email: '{{contact.email}}', first_name: null }), OMAR, 'Omar', SECRETS);
    assert.match(nulls.diags[0]!.message, /the literal null at body \/first_name; .* wants type string/);
  });

  test('a wrong path parameter is reported at its template; an empty one too; a path off the template at the URL', () => {
    const get = (url: string) => ({
      method: 'GET',
      url,
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'X-Api-Version': '2024-01' },
      query: { limit: '10' },
      contract: { openapi: 'openapi.yaml', operation: 'getContact' },
    });
    const wrong = run(check, get(`${CRM_URL}/contacts/{{contact.first_name}}`), OMAR, 'Omar', SECRETS);
    assert.equal(wrong.diags.length, 1);
    assert.equal(wrong.at(wrong.diags[0]!), '{{contact.first_name}}');
    assert.match(wrong.diags[0]!.message, /gives "Omar" at path parameter "contactId"; the receiver's schema wants pattern \^c_\[A-Za-z0-9\]\+\$/);
    assert.deepEqual(run(check, get(`${CRM_URL}/contacts/{{contact.id}}`), OMAR, 'Omar', SECRETS).diags, []);
    const empty = run(check, get(`${CRM_URL}/contacts/{{contact.missing_id}}`), OMAR, 'Omar', SECRETS);
    assert.match(empty.diags[0]!.message, /path parameter "contactId" is empty/);
    const off = run(check, get(`${CRM_URL}/contact/{{contact.id}}`), OMAR, 'Omar', SECRETS);
    assert.match(off.diags[0]!.message, /the path \/contact\/c_81f2 does not match operation getContact's template \/contacts\/\{contactId\}/);
    assert.equal(off.at(off.diags[0]!), `"${CRM_URL}/contact/{{contact.id}}"`);
  });

  test('query: a missing required one on "query", a value against its schema after decoding, style form with explode false, unknown names', () => {
    const get = (query: Record<string, unknown>) => ({
      method: 'GET',
      url: `${CRM_URL}/contacts/c_1`,
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'X-Api-Version': '2024-01' },
      query,
      contract: { openapi: 'openapi.yaml', operation: 'getContact' },
    });
    const missing = run(check, get({ include: 'deals' }), OMAR, 'Omar', SECRETS);
    assert.equal(missing.diags.length, 1);
    assert.equal(missing.at(missing.diags[0]!), '"query"');
    assert.match(missing.diags[0]!.message, /requires query parameter "limit"/);
    const big = run(check, get({ limit: '{{contact.lead_score}}0' }), OMAR, 'Omar', SECRETS);
    assert.equal(big.at(big.diags[0]!), '{{contact.lead_score}}');
    assert.match(big.diags[0]!.message, /gives 870 at query parameter "limit"; the receiver's schema wants a number <= 100/);
    const list = run(check, get({ limit: '5', include: 'deals,{{opportunity.name}}' }), OMAR, 'Omar', SECRETS);
    assert.equal(list.diags.length, 1);
    assert.equal(list.at(list.diags[0]!), '{{opportunity.name}}');
    assert.match(list.diags[0]!.message, /gives "Renewal" at query parameter "include"\/1; .* wants one of "deals", "notes", "tags"/);
    const unknown = run(check, get({ limit: '5', includes: 'deals' }), OMAR, 'Omar', SECRETS);
    assert.equal(unknown.diags.length, 1);
    assert.equal(unknown.diags[0]!.severity, 'warning');
    assert.equal(unknown.at(unknown.diags[0]!), '"deals"');
    assert.match(unknown.diags[0]!.message, /"includes" is not a query parameter of operation getContact; it takes "include", "limit"/);
  });

  test('headers: a required one missing, and a value against its schema at the template', () => {
    const get = (headers: Record<string, string> | undefined) => ({
      method: 'GET',
      url: `${CRM_URL}/contacts/c_1`,
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      ...(headers ? { headers } : {}),
      query: { limit: '5' },
      contract: { openapi: 'openapi.yaml', operation: 'getContact' },
    });
    const none = run(check, get(undefined), OMAR, 'Omar', SECRETS);
    assert.match(none.diags[0]!.message, /requires header "X-Api-Version" \(The version of the API\)/);
    const wrong = run(check, get({ 'x-api-version': '{{opportunity.stage}}' }), OMAR, 'Omar', SECRETS);
    assert.equal(wrong.at(wrong.diags[0]!), '{{opportunity.stage}}');
    assert.match(wrong.diags[0]!.message, /gives "won" at header "X-Api-Version"; .* wants one of "2024-01"/);
  });

  test("the auth scheme against the operation's security; a secret's value never shows", () => {
    const body = { email: '{{contact.email}}', first_name: 'A' };
    const none = run(check, lead(body, { auth: undefined }), OMAR);
    assert.equal(none.diags.length, 1);
    assert.match(none.diags[0]!.message, /operation createLead accepts a bearer token \(auth type "bearer"\); the action sends no auth/);
    const basic = run(check, lead(body, { auth: { type: 'basic', username: 'u', password: '{{secrets.P}}' } }), OMAR, 'Omar', { P: 'pw-secret' });
    assert.equal(basic.at(basic.diags[0]!).startsWith('{'), true, 'on the auth block');
    const event = (auth: unknown, headers?: Record<string, string>) => ({
      method: 'POST',
      url: `${CRM_URL}/events`,
      auth,
      ...(headers ? { headers } : {}),
      contract: { openapi: 'openapi.yaml', operation: 'trackEvent' },
      body: { a: '1' },
    });
    const key = run(
      check,
      event({ type: 'apiKey', header: 'X-Api-Key', value: '{{secrets.KEY}}' }, { 'Content-Type': 'application/x-www-form-urlencoded' }),
      OMAR,
      'Omar',
      { KEY: 'k-123456' },
    );
    assert.deepEqual(key.diags, []);
    const wrongKey = run(
      check,
      event({ type: 'apiKey', header: 'X-Key', value: '{{secrets.KEY}}' }, { 'Content-Type': 'application/x-www-form-urlencoded' }),
      OMAR,
      'Omar',
      { KEY: 'k-123456' },
    );
    assert.match(wrongKey.diags[0]!.message, /accepts an API key in header "X-Api-Key"/);
    // A secret that breaks a header parameter's schema is named by its template, its value masked.
    const get = {
      method: 'GET',
      url: `${CRM_URL}/contacts/c_1`,
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'X-Api-Version': '{{secrets.VERSION}}' },
      query: { limit: '5' },
      contract: { openapi: 'openapi.yaml', operation: 'getContact' },
    };
    const masked = run(check, get, OMAR, 'Omar', { ...SECRETS, VERSION: 'v-secret-999' });
    assert.equal(masked.diags.length, 1);
    assert.ok(masked.diags[0]!.message.includes(MASK));
    assert.ok(!masked.diags[0]!.message.includes('v-secret-999'));
  });

  test('the media type the body is sent as must be one the operation accepts; a required body must be sent', () => {
    const json = run(
      check,
      {
        method: 'POST',
        url: `${CRM_URL}/events`,
        auth: { type: 'apiKey', header: 'X-Api-Key', value: 'k' },
        contract: { openapi: 'x', operation: 'trackEvent' },
        body: { a: '1' },
      },
      OMAR,
    );
    assert.equal(json.diags.length, 1);
    assert.equal(json.at(json.diags[0]!), '"body"');
    assert.match(json.diags[0]!.message, /the body is sent as application\/json; operation trackEvent accepts application\/x-www-form-urlencoded/);
    const noBody = run(check, { ...lead({}), body: undefined }, OMAR, 'Omar', SECRETS);
    assert.match(noBody.diags[0]!.message, /operation createLead requires a request body/);
  });

  test("an operation whose method is not the action's is named, with the platform's four methods", () => {
    const r = run(
      check,
      { method: 'PUT', url: `${CRM_URL}/contacts/c_1`, auth: { type: 'bearer', token: 't' }, contract: { openapi: 'x', operation: 'updateContact' }, body: {} },
      OMAR,
    );
    assert.match(r.diags[0]!.message, /operation updateContact is PATCH, the action sends PUT\. The platform sends only GET, POST, PUT and DELETE/);
    assert.equal(r.at(r.diags[0]!), '"PUT"');
  });

  test('without an operation, method and URL find it; no match is reported at the URL', () => {
    const found = run(check, { ...lead({ email: '{{contact.email}}', first_name: '' }), contract: { openapi: 'x' } }, OMAR, 'Omar', SECRETS);
    assert.match(found.diags[0]!.message, /at body \/first_name; .* wants at least 1 characters \(operation createLead\)/);
    const none = run(check, { ...lead({}), url: `${CRM_URL}/lead`, contract: { openapi: 'x' } }, OMAR, 'Omar', SECRETS);
    assert.equal(none.diags.length, 1);
    assert.equal(none.at(none.diags[0]!), `"${CRM_URL}/lead"`);
    assert.match(none.diags[0]!.message, /no operation of Example CRM API matches POST \/v1\/lead/);
  });

  test('an unknown operationId sits on "operation"', () => {
    const r = run(check, { ...lead({}), contract: { openapi: 'x', operation: 'makeLead' } }, OMAR, 'Omar', SECRETS);
    assert.equal(r.at(r.diags[0]!), '"makeLead"');
  });
});

describe('dialects', () => {
  test('OpenAPI 3.1 schemas are JSON Schema 2020-12 (type lists, const, prefixItems)', async () => {
    const r = await loadContractObject({
      openapi: '3.1.0',
      info: { title: 'Modern', version: '1' },
      servers: [{ url: 'https://modern.example.com' }],
      paths: {
        '/things': {
          post: {
            operationId: 'make',
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      kind: { const: 'thing' },
                      note: { type: ['string', 'null'], maxLength: 4 },
                      pair: { type: 'array', prefixItems: [{ type: 'string', format: 'date' }, { type: 'string' }] },
                    },
                    unevaluatedProperties: false,
                  },
                },
              },
            },
          },
        },
      },
    });
    assert.ok(r.ok);
    const check = contractCheck(r.doc);
    const action = {
      method: 'POST',
      url: 'https://modern.example.com/things',
      contract: { openapi: 'x' },
      body: { kind: 'thing', note: null, pair: ['{{contact.first_name}}', 'x'] },
    };
    const bad = run(check, action, OMAR);
    assert.equal(bad.diags.length, 1);
    assert.equal(bad.at(bad.diags[0]!), '{{contact.first_name}}');
    assert.match(bad.diags[0]!.message, /at body \/pair\/0; .* wants format date/);
    const extra = run(check, { ...action, body: { kind: 'other', x: '1' } }, OMAR);
    assert.deepEqual(extra.diags.map((d) => extra.at(d)).sort(), ['"other"', '"x"']);
  });

  test('Swagger 2.0: a body parameter, x-nullable and host/basePath servers', async () => {
    const r = await loadContractObject({
      swagger: '2.0',
      info: { title: 'Old', version: '1' },
      host: 'old.example.com',
      basePath: '/api',
      schemes: ['https'],
      paths: {
        '/notes/{id}': {
          put: {
            operationId: 'putNote',
            consumes: ['application/json'],
            parameters: [
              { name: 'id', in: 'path', required: true, type: 'integer', minimum: 1 },
              {
                name: 'body',
                in: 'body',
                required: true,
                schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', 'x-nullable': true } } },
              },
            ],
          },
        },
      },
    });
    assert.ok(r.ok);
    const check = contractCheck(r.doc);
    const good = run(check, { method: 'PUT', url: 'https://old.example.com/api/notes/5', contract: { openapi: 'x' }, body: { text: null } }, OMAR);
    assert.deepEqual(good.diags, []);
    const bad = run(check, { method: 'PUT', url: 'https://old.example.com/api/notes/0', contract: { openapi: 'x' }, body: {} }, OMAR);
    assert.deepEqual(
      bad.diags.map((d) => bad.at(d)),
      ['"https://old.example.com/api/notes/0"', '"body"'],
    );
  });
});

describe('real public documents', () => {
  test(
    "GitHub's full description (fixture, gzipped): the example action breaks for a sample without a stage and fits for one with it",
    { timeout: 120_000 },
    async () => {
      const full = JSON.parse(
        gunzipSync(readFileSync(join(ROOT, 'test', 'fixtures', 'openapi', 'github', 'api.github.com.json.gz'))).toString('utf8'),
      ) as object;
      const r = await loadContractObject(full);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.ok(r.doc.operations.length > 1000);
      const check = contractCheck(r.doc);
      const text = readFileSync(join(ROOT, 'examples', 'trigger-github-workflow.webhook.json'), 'utf8');
      const doc = parseActionDocument(text);
      const lintWith = (data: JsonObject, name: string) => {
        const s = sample(data, name);
        return lint(doc, {
          samples: [s],
          selected: s,
          options: options({ secretValues: { GITHUB_TOKEN: 'ghp_example0000' } }),
          contract: check,
        }).diagnostics.filter((d) => d.code === 'contract-violation');
      };
      const sam = lintWith({ contact: { id: 'c_0007', email: 'sam@example.com' } }, 'Sam');
      assert.equal(sam.length, 1);
      assert.equal(text.slice(sam[0]!.range.start, sam[0]!.range.end), '{{opportunity.stage}}');
      assert.match(
        sam[0]!.message,
        /for sample "Sam", \{\{opportunity\.stage\}\} gives "" at body \/event_type; the receiver's schema wants at least 1 characters \(operation repos\/create-dispatch-event\)/,
      );
      assert.deepEqual(lintWith({ contact: { id: 'c_1', email: 'a@example.com' }, opportunity: { stage: 'Won', name: 'Deal' } }, 'Jane'), []);
    },
  );

  test("ShipEngine's YAML document (npm shipengine-openapi) reads and checks a path parameter and a query", { timeout: 60_000 }, async () => {
    const r = await loadContractFile(join(ROOT, 'node_modules', 'shipengine-openapi', 'openapi.yaml'));
    assert.ok(r.ok, r.ok ? '' : r.error);
    const check = contractCheck(r.doc);
    const action = {
      method: 'GET',
      url: 'https://api.shipengine.com/v1/labels/{{contact.first_name}}',
      auth: { type: 'apiKey', header: 'API-Key', value: '{{secrets.SHIPENGINE_KEY}}' },
      contract: { openapi: 'x', operation: 'get_label_by_id' },
    };
    const bad = run(check, action, OMAR, 'Omar', { SHIPENGINE_KEY: 'TEST_key123' });
    assert.equal(bad.diags.length, 1, JSON.stringify(bad.diags));
    assert.equal(bad.at(bad.diags[0]!), '{{contact.first_name}}');
    assert.match(bad.diags[0]!.message, /path parameter "label_id"/);
    const noKey = run(check, { ...action, url: 'https://api.shipengine.com/v1/labels/se-28529731', auth: undefined }, OMAR);
    assert.match(noKey.diags[0]!.message, /accepts an API key in header "API-Key"/);
  });
});

describe('scaffold from an operation', () => {
  test('every required field is present, contact-like names get templates, and the action validates clean', async () => {
    const r = await loadContractFile(CRM);
    assert.ok(r.ok);
    const made = scaffoldAction(r.doc, 'createLead', 'openapi.yaml');
    assert.ok(made.ok);
    assert.equal(made.action.method, 'POST');
    assert.equal(made.action.url, `${CRM_URL}/leads`);
    assert.deepEqual(made.action.contract, { openapi: 'openapi.yaml', operation: 'createLead' });
    const body = made.action.body as JsonObject;
    assert.equal(body.email, '{{contact.email}}');
    assert.equal(body.first_name, '{{contact.first_name}}');
    assert.equal(body.phone, '{{contact.phone}}');
    assert.equal('stage' in body, false, 'an optional field with no contact name is left out');
    const doc = parseActionDocument(made.text);
    assert.deepEqual(
      validateSchemaOfText('action', doc.text, () => doc.root),
      [],
    );
    // The built-in sample has every standard contact field filled, as a real contact would.
    const s = BUILTIN_SAMPLE;
    const result = lint(doc, {
      samples: [s],
      selected: s,
      options: options({ secretValues: { EXAMPLE_CRM_TOKEN: 'tok_123456' } }),
      contract: contractCheck(r.doc),
    });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  test('path, query and header parameters are filled; GitHub operations scaffold to actions that fit them', async () => {
    const crm = await loadContractFile(CRM);
    assert.ok(crm.ok);
    const get = scaffoldAction(crm.doc, 'getContact', 'openapi.yaml');
    assert.ok(get.ok);
    assert.deepEqual(get.action.query, { limit: '1' });
    assert.deepEqual(get.action.headers, { 'X-Api-Version': '2024-01' });
    const gh = await loadContractFile(join(ROOT, 'examples', 'contracts', 'github.openapi.json'));
    assert.ok(gh.ok);
    for (const id of ['repos/create-dispatch-event', 'issues/create', 'orgs/create-invitation']) {
      const made = scaffoldAction(gh.doc, id, 'contracts/github.openapi.json');
      assert.ok(made.ok, id);
      const doc = parseActionDocument(made.text);
      const s = sample(TEST_CONTACT, 'Jane');
      const diags: Diagnostic[] = lint(doc, { samples: [s], selected: s, options: options(), contract: contractCheck(gh.doc) }).diagnostics.filter(
        (d) => d.code === 'contract-violation',
      );
      assert.deepEqual(diags, [], `${id}: ${made.text}`);
    }
  });

  test('the name table maps only to standard contact fields, whatever the case style', () => {
    const standard = new Set(STANDARD_CONTACT_FIELDS.map((f) => f.name));
    for (const [field] of CONTACT_FIELD_NAMES) assert.ok(standard.has(field), field);
    assert.equal(contactTemplateFor('firstName'), '{{contact.first_name}}');
    assert.equal(contactTemplateFor('First-Name'), '{{contact.first_name}}');
    assert.equal(contactTemplateFor('email'), '{{contact.email}}');
    assert.equal(contactTemplateFor('zipCode'), '{{contact.postal_code}}');
    assert.equal(contactTemplateFor('order_id'), undefined);
  });
});

describe('every sample', () => {
  test('each sample that breaks the contract is named once; a structural problem is listed once for all', async () => {
    const r = await loadContractFile(CRM);
    assert.ok(r.ok);
    const text = actionText(lead({ email: '{{contact.email}}', phone: '{{contact.phone}}' }));
    const doc = parseActionDocument(text);
    const samples = [sample(OMAR, 'Omar'), sample(JANE, 'Jane'), sample({ ...OMAR, contact: { ...(OMAR.contact as JsonObject), first_name: 'Omid' } }, 'Omid')];
    const found = checkAllSamples(doc, samples, options({ secretValues: SECRETS }), contractCheck(r.doc));
    const phone = found.filter((d) => /\{\{contact\.phone\}\}/.test(d.message));
    assert.deepEqual(
      phone.map((d) => /for sample "(\w+)"/.exec(d.message)![1]),
      ['Omar', 'Omid'],
    );
    // first_name is missing from the file, whatever the sample: listed once.
    assert.equal(found.filter((d) => /lacks "first_name"/.test(d.message)).length, 1);
  });
});
