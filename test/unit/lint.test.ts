import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { LISTED_PER_CODE } from '../../src/core/lint';
import { tokenize } from '../../src/core/template';
import { LINT_CODES, type LintCode } from '../../src/core/types';
import type { WorkflowPosition } from '../../src/core/workflowModel';
import { contractCheck } from '../../src/core/contract/check';
import { readContractDocument } from '../../src/core/contract/model';
import { JANE, actionText, lintText, options, sample } from './helpers/core';

const samples = [sample(JANE, 'Jane'), sample({ contact: { first_name: 'Ja"ne', id: 'x' }, opportunity: {}, workflow: {} }, 'Quotes')];

/**
 * Each case: the code, an action that must trigger it, the text its range must cover, and a close action that must not.
 * An action is an object (written out by `actionText`) or, for what JSON.stringify cannot write, the file's text.
 */
const inWorkflow: WorkflowPosition = {
  workflow: 'W',
  step: 2,
  trigger: 'form_submitted',
  triggerNamespaces: [],
  steps: [
    { shown: 'create.webhook.json', saveResponse: true },
    { shown: 'this.webhook.json', saveResponse: false },
  ],
};

const cases: Array<{
  code: LintCode;
  fires: Record<string, unknown> | string;
  covers: string;
  silent: Record<string, unknown> | string;
  workflow?: WorkflowPosition;
}> = [
  {
    code: 'unknown-variable',
    fires: { body: { a: '{{contact.frist_name}}' } },
    covers: '{{contact.frist_name}}',
    silent: { body: { a: '{{contact.first_name}}' } },
  },
  {
    code: 'unknown-namespace',
    fires: { body: { a: '{{contcat.first_name}}' } },
    covers: '{{contcat.first_name}}',
    silent: { body: { a: '{{workflow.order_id}}' } },
  },
  {
    code: 'unsupported-expression',
    fires: { body: { a: '{{contact.first_name | upcase}}' } },
    covers: '{{contact.first_name | upcase}}',
    silent: { body: { a: '{{ contact.first_name }}' } },
  },
  { code: 'unclosed-template', fires: { body: { a: 'Hi {{contact.first_name' } }, covers: '{{', silent: { body: { a: 'Hi {contact}' } } },
  {
    code: 'string-coercion',
    fires: { body: { v: '{{opportunity.value}}' } },
    covers: '{{opportunity.value}}',
    silent: { body: { v: 'EUR {{opportunity.value}}', s: '{{opportunity.stage}}' } },
  },
  {
    code: 'json-unsafe-value',
    fires: { body: { n: '{{contact.first_name}}' } },
    covers: '{{contact.first_name}}',
    silent: { body: { n: '{{contact.last_name}}' }, url: 'https://api.example.com/{{contact.first_name}}' },
  },
  { code: 'body-on-get', fires: { method: 'GET', body: { a: 1 } }, covers: '"body"', silent: { method: 'GET' } },
  { code: 'invalid-url', fires: { url: 'api.example.com/x' }, covers: '"api.example.com/x"', silent: { url: 'https://api.example.com/x' } },
  {
    code: 'private-address',
    fires: { url: 'https://192.168.1.20/hook' },
    covers: '"https://192.168.1.20/hook"',
    silent: { url: 'https://93.184.215.14/hook' },
  },
  { code: 'plain-http', fires: { url: 'http://api.example.com/x' }, covers: '"http://api.example.com/x"', silent: { url: 'https://api.example.com/x' } },
  {
    code: 'hardcoded-secret',
    fires: { auth: { type: 'bearer', token: 'sk_live_abcdef123456' } },
    covers: '"sk_live_abcdef123456"',
    silent: { auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' } },
  },
  {
    code: 'auth-conflict',
    fires: { headers: { Authorization: '{{secrets.X}}' }, auth: { type: 'bearer', token: '{{secrets.T}}' } },
    covers: '"Authorization"',
    silent: { headers: { 'X-Other': '1' }, auth: { type: 'bearer', token: '{{secrets.T}}' } },
  },
  { code: 'invalid-header', fires: { headers: { 'X Bad': '1' } }, covers: '"X Bad"', silent: { headers: { 'X-Good': '1' } } },
  {
    code: 'missing-secret',
    fires: { auth: { type: 'bearer', token: '{{secrets.NOT_SET}}' } },
    covers: '{{secrets.NOT_SET}}',
    silent: { auth: { type: 'bearer', token: '{{secrets.IS_SET}}' } },
  },
  {
    code: 'body-not-json',
    fires: { body: '{"score": {{contact.nothing}}, "n": 1}' },
    covers: '{{contact.nothing}}',
    silent: { body: '{"score": {{contact.lead_score}}, "n": 1}' },
  },
  {
    code: 'unquoted-template',
    fires: '{"name": "T", "method": "POST", "url": "https://api.example.com/x", "body": {"email": {{contact.email}}}}',
    covers: '{{contact.email}}',
    silent: '{"name": "T", "method": "POST", "url": "https://api.example.com/x", "body": {"email": "{{contact.email}}"}}',
  },
  {
    code: 'absent-in-sample',
    fires: { body: { a: '{{location.full_address}}' } },
    covers: '{{location.full_address}}',
    silent: { body: { a: '{{contact.first_name}}' } },
  },
  {
    code: 'unsaved-response',
    fires: { body: { a: '{{custom_webhook.2.response.id}}' } },
    covers: '{{custom_webhook.2.response.id}}',
    silent: { body: { a: '{{custom_webhook.1.response.id}}' } },
    workflow: inWorkflow,
  },
  {
    code: 'trigger-namespace',
    fires: { body: { a: '{{message.body}}' } },
    covers: '{{message.body}}',
    silent: { body: { a: '{{location.name}}' } },
    workflow: inWorkflow,
  },
  {
    code: 'invalid-expect',
    fires: { expect: { json: { '$.items[*].id': { exists: true } } } },
    covers: '"$.items[*].id"',
    silent: { expect: { json: { '$.items[0].id': { exists: true } } } },
  },
  {
    code: 'contract-violation',
    fires: { contract: { openapi: 'leads.json', operation: 'createLead' }, body: { email: '{{contact.first_name}}' } },
    covers: '{{contact.first_name}}',
    silent: { contract: { openapi: 'leads.json', operation: 'createLead' }, body: { email: '{{contact.email}}' } },
  },
];

const fileOf = (action: Record<string, unknown> | string) => (typeof action === 'string' ? action : actionText(action));

/** The receiver's contract of the contract-violation row: an email property in the format email. */
const leadsContract = (() => {
  const r = readContractDocument({
    openapi: '3.0.3',
    info: { title: 'Leads', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths: {
      '/x': {
        post: {
          operationId: 'createLead',
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } } } } } },
        },
      },
    },
  });
  assert.ok(r.ok);
  return contractCheck(r.doc);
})();

describe('each lint code fires where it should and stays silent where it should not', () => {
  const exists = (n: string) => n === 'IS_SET' || n === 'T' || n === 'X';
  for (const c of cases) {
    test(`${c.code} fires`, () => {
      const r = lintText(fileOf(c.fires), samples, options(), exists, c.workflow, leadsContract);
      const hits = r.diagnostics.filter((d) => d.code === c.code);
      assert.equal(hits.length, 1, `expected one ${c.code}, got ${JSON.stringify(r.diagnostics.map((d) => d.code))}`);
      assert.equal(r.text.slice(hits[0]!.range.start, hits[0]!.range.end), c.covers);
      assert.ok(hits[0]!.message.length > 20);
    });
    test(`${c.code} stays silent`, () => {
      const r = lintText(fileOf(c.silent), samples, options(), exists, c.workflow, leadsContract);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.code === c.code),
        [],
      );
    });
  }

  test('every lint code has a row in this table', () => {
    assert.deepEqual(
      cases.map((c) => c.code),
      [...LINT_CODES],
    );
  });

  test('severities are as the README documents them, and the README lists every code', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const documented = new Map([...readme.matchAll(/^\| `([a-z-]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1]!, m[2]!]));
    assert.deepEqual([...documented.keys()], [...LINT_CODES]);
    for (const c of cases) {
      const d = lintText(fileOf(c.fires), samples, options(), exists, c.workflow, leadsContract).diagnostics.find((x) => x.code === c.code)!;
      assert.equal(d.severity, documented.get(c.code), c.code);
    }
  });

  test('missing-secret needs a secret store: the CLI does not report it', () => {
    const r = lintText(actionText({ auth: { type: 'bearer', token: '{{secrets.NOT_SET}}' } }), samples);
    assert.equal(
      r.diagnostics.some((d) => d.code === 'missing-secret'),
      false,
    );
  });
});

describe('messages and fixes', () => {
  test('unknown-variable lists near matches and its fix replaces the segment', () => {
    const r = lintText(actionText({ body: { a: '{{contact.frist_name}}' } }), samples);
    const d = r.diagnostics.find((x) => x.code === 'unknown-variable')!;
    assert.match(d.message, /contact\.first_name/);
    const edit = d.fixes![0]!.edits[0]!;
    const fixed = r.text.slice(0, edit.range.start) + edit.newText + r.text.slice(edit.range.end);
    assert.match(fixed, /"\{\{contact\.first_name\}\}"/);
  });

  test('the same miss in many templates gets the same near matches, each fix editing its own template', () => {
    const r = lintText(actionText({ body: { a: '{{contact.frist_name}}', b: ['{{contact.frist_name}}', '{{contact.FIRST_nme}}'] } }), samples);
    const unknown = r.diagnostics.filter((x) => x.code === 'unknown-variable');
    assert.equal(unknown.length, 3);
    for (const d of unknown) {
      assert.match(d.message, /Did you mean "contact\.first_name"/);
      const edit = d.fixes![0]!.edits[0]!;
      assert.ok(edit.range.start >= d.range.start && edit.range.end <= d.range.end);
      assert.equal(edit.newText, 'first_name');
    }
  });

  test('json-unsafe-value names the sample and the field', () => {
    const d = lintText(actionText({ body: { a: '{{contact.first_name}}' } }), samples).diagnostics.find((x) => x.code === 'json-unsafe-value')!;
    assert.match(d.message, /contact\.first_name/);
    assert.match(d.message, /"Quotes"/);
  });

  test('hardcoded-secret fix stores the value and writes a secrets template, keeping a Bearer prefix', () => {
    const text = actionText({ url: 'https://api.acme-crm.com/x', headers: { Authorization: 'Bearer abcdef123456' } });
    const d = lintText(text, samples).diagnostics.find((x) => x.code === 'hardcoded-secret')!;
    const fix = d.fixes![0]!;
    assert.deepEqual(fix.storeSecret, { name: 'ACME_CRM_AUTHORIZATION', value: 'abcdef123456' });
    assert.equal(fix.edits[0]!.newText, '"Bearer {{secrets.ACME_CRM_AUTHORIZATION}}"');
    assert.ok(!d.message.includes('abcdef123456'), 'the message must not repeat the secret');
  });

  test('hardcoded-secret fires for key-like query values and not for ordinary ones', () => {
    const r = lintText(actionText({ query: { api_key: 'abcdefgh12345', source: 'abcdefgh12345' } }), samples);
    assert.equal(r.diagnostics.filter((d) => d.code === 'hardcoded-secret').length, 1);
  });

  const applyFix = (text: string, fix: { edits: ReadonlyArray<{ range: { start: number; end: number }; newText: string }> }) => {
    let fixed = text;
    for (const e of [...fix.edits].sort((x, y) => y.range.start - x.range.start)) fixed = fixed.slice(0, e.range.start) + e.newText + fixed.slice(e.range.end);
    return fixed;
  };

  const urlCases: Array<{ name: string; url: string; covers: string; stored: { name: string; value: string }; url2: string }> = [
    {
      name: 'a key-like query value in the URL string',
      url: 'https://api.acme-crm.com/v1/leads?api_key=abcd1234efgh&source=web',
      covers: 'abcd1234efgh',
      stored: { name: 'ACME_CRM_API_KEY', value: 'abcd1234efgh' },
      url2: 'https://api.acme-crm.com/v1/leads?api_key={{secrets.ACME_CRM_API_KEY}}&source=web',
    },
    {
      name: 'a Stripe key under an ordinary query name',
      url: 'https://api.acme-crm.com/v1/x?k=sk_live_51HqLyjWDarjtT1zdp7dc',
      covers: 'sk_live_51HqLyjWDarjtT1zdp7dc',
      stored: { name: 'ACME_CRM_K', value: 'sk_live_51HqLyjWDarjtT1zdp7dc' },
      url2: 'https://api.acme-crm.com/v1/x?k={{secrets.ACME_CRM_K}}',
    },
    {
      name: 'a token of a known shape in the path',
      url: 'https://api.acme-crm.com/bot/xoxb-1234567890-abcdefghij/send',
      covers: 'xoxb-1234567890-abcdefghij',
      stored: { name: 'ACME_CRM_PATH_TOKEN', value: 'xoxb-1234567890-abcdefghij' },
      url2: 'https://api.acme-crm.com/bot/{{secrets.ACME_CRM_PATH_TOKEN}}/send',
    },
    {
      name: 'a Slack incoming-webhook URL, which is itself the secret',
      url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      covers: 'XXXXXXXXXXXXXXXXXXXXXXXX',
      stored: { name: 'SLACK_WEBHOOK_TOKEN', value: 'XXXXXXXXXXXXXXXXXXXXXXXX' },
      url2: 'https://hooks.slack.com/services/T00000000/B00000000/{{secrets.SLACK_WEBHOOK_TOKEN}}',
    },
    {
      name: 'a Teams webhook URL, wholly the secret',
      url: 'https://acme.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e@1c2d/IncomingWebhook/abc123/7c9e6679',
      covers: 'https://acme.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e@1c2d/IncomingWebhook/abc123/7c9e6679',
      stored: {
        name: 'OFFICE_WEBHOOK_URL',
        value: 'https://acme.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e@1c2d/IncomingWebhook/abc123/7c9e6679',
      },
      url2: '{{secrets.OFFICE_WEBHOOK_URL}}',
    },
  ];
  for (const c of urlCases) {
    test(`hardcoded-secret in the URL: ${c.name}, with the fix that moves it to secret storage`, () => {
      const text = actionText({ url: c.url });
      const found = lintText(text, samples).diagnostics.filter((x) => x.code === 'hardcoded-secret');
      assert.equal(found.length, 1, JSON.stringify(found.map((d) => d.message)));
      const d = found[0]!;
      assert.equal(text.slice(d.range.start, d.range.end), c.covers);
      assert.ok(!d.message.includes(c.stored.value), 'the message must not repeat the secret');
      const fix = d.fixes![0]!;
      assert.deepEqual(fix.storeSecret, c.stored);
      const fixed = applyFix(text, fix);
      assert.equal((JSON.parse(fixed) as { url: string }).url, c.url2);
      assert.equal(lintText(fixed, samples).diagnostics.filter((x) => x.code === 'hardcoded-secret').length, 0);
    });
  }

  test('hardcoded-secret stays silent for ordinary URLs, templates and publishable keys', () => {
    for (const url of [
      'https://api.acme-crm.com/v1/leads?source=web&page=2',
      'https://api.acme-crm.com/v1/leads?api_key={{secrets.KEY}}',
      'https://api.acme-crm.com/v1/{{contact.id}}?page=1',
      'https://api.acme-crm.com/v1/x?pub=pk_live_51HqLyjWDarjtT1zdp7dc',
    ]) {
      const r = lintText(actionText({ url }), samples);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.code === 'hardcoded-secret').map((d) => d.message),
        [],
        url,
      );
    }
  });

  test('hardcoded-secret fires for an API key given as the Basic user name with an empty password', () => {
    const text = actionText({
      url: 'https://api.stripe.com/v1/customers',
      auth: { type: 'basic', username: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', password: '' },
    });
    const d = lintText(text, samples).diagnostics.find((x) => x.code === 'hardcoded-secret')!;
    assert.ok(d, 'flagged');
    assert.deepEqual(d.fixes![0]!.storeSecret, { name: 'STRIPE_API_KEY', value: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' });
    const fixed = JSON.parse(applyFix(text, d.fixes![0]!)) as { auth: { username: string } };
    assert.equal(fixed.auth.username, '{{secrets.STRIPE_API_KEY}}');
    const plain = actionText({ url: 'https://api.stripe.com/v1/customers', auth: { type: 'basic', username: 'jane', password: '{{secrets.PW}}' } });
    assert.equal(lintText(plain, samples).diagnostics.filter((x) => x.code === 'hardcoded-secret').length, 0);
  });

  test('body-on-get fix removes the body and leaves valid JSON', () => {
    const text = actionText({ method: 'GET', body: { a: 1 }, headers: { 'X-A': '1' } });
    const d = lintText(text, samples).diagnostics.find((x) => x.code === 'body-on-get')!;
    let fixed = text;
    for (const e of [...d.fixes![0]!.edits].sort((a, b) => b.range.start - a.range.start))
      fixed = fixed.slice(0, e.range.start) + e.newText + fixed.slice(e.range.end);
    const parsed = JSON.parse(fixed);
    assert.equal(parsed.body, undefined);
    assert.deepEqual(parsed.headers, { 'X-A': '1' });
  });

  test('malformed JSON gives invalid-json diagnostics and never throws', () => {
    const r = lintText('{"name": "x", "method": "POST",, }', samples);
    assert.ok(r.diagnostics.some((d) => d.code === 'invalid-json'));
  });
});

describe('files with very many problems of one kind', () => {
  const unknowns = (n: number) => Array.from({ length: n }, (_, i) => `{{contact.field_${i}}}`);

  test('the first LISTED_PER_CODE of a per-template code are listed, then one summary counts the rest from the first left out', () => {
    const r = lintText(actionText({ body: { items: unknowns(LISTED_PER_CODE + 5), bad: '{{contact.id | upcase}}' } }), samples);
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-variable');
    assert.equal(unknown.length, LISTED_PER_CODE + 1);
    const listed = unknown.slice(0, LISTED_PER_CODE);
    assert.deepEqual(
      listed.map((d) => r.text.slice(d.range.start, d.range.end)),
      unknowns(LISTED_PER_CODE),
    );
    assert.ok(listed.every((d) => d.message.includes('is in no sample')));
    const summary = unknown[LISTED_PER_CODE]!;
    assert.equal(summary.severity, 'warning');
    assert.equal(r.text.slice(summary.range.start, summary.range.end), `{{contact.field_${LISTED_PER_CODE}}}`);
    assert.match(summary.message, new RegExp(`^5 more "unknown-variable" problems .*first ${LISTED_PER_CODE} `));
    // Other codes are counted on their own.
    assert.equal(r.diagnostics.filter((d) => d.code === 'unsupported-expression').length, 1);
  });

  test('exactly LISTED_PER_CODE problems of a code are all listed, with no summary', () => {
    const r = lintText(actionText({ body: { items: unknowns(LISTED_PER_CODE) } }), samples);
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-variable');
    assert.equal(unknown.length, LISTED_PER_CODE);
    assert.ok(unknown.every((d) => d.message.includes('is in no sample')));
  });

  test('more distinct strings than the token cache holds still give each string its own tokens and ranges', () => {
    const items = unknowns(5000).map((t, i) => (i % 2 ? `x ${t} y` : t));
    const text = actionText({ body: { items } });
    const doc = parseActionDocument(text);
    assert.equal(doc.templated.length, items.length);
    for (const [i, ts] of doc.templated.entries()) {
      assert.equal(ts.value, items[i]);
      assert.deepEqual(ts.tokens, tokenize(items[i]!));
      assert.deepEqual(
        ts.ranges.map((r) => text.slice(r.start, r.end)),
        [`{{contact.field_${i}}}`],
      );
    }
  });
});
