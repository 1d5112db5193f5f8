/**
 * The platform's rendering (docs/architecture.md, "Rendering"): values pasted into the body text as is,
 * then the JSON check (body-not-json); string bodies with unquoted tags; form bodies; bare tags.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionDocument } from '../../src/core/document';
import { findBareTemplates } from '../../src/core/bareTemplate';
import { platformForm, platformFormText } from '../../src/core/platformForm';
import { validateSchemaOfText } from '../../src/core/schemaValidation';
import { HttpSender } from '../../src/core/http/index';
import { startInbox, type Inbox } from '../../src/core/inbox';
import { mapSecretSource, noTokens } from '../../src/core/secretSources';
import { sendAction, type SendActionInput, type TokenProvider } from '../../src/core/sendAction';
import type { JsonObject } from '../../src/core/types';
import { actionText, lintText, options, renderAction, sample } from './helpers/core';

const TEXT = options({ escaping: 'text' });

/** What the platform does: the body text with each template replaced by the raw value. */
function pasted(bodyText: string, values: Record<string, string>): string {
  return bodyText.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => values[path] ?? '');
}

describe('text escaping: the value pasted as is', () => {
  const hostile = 'Ta"m \\ C:\\new\nline 🎉 שלום';

  test('a hostile value renders exactly as the plain paste of it into the body text', () => {
    const r = renderAction({ body: { first: '{{contact.first_name}}', note: 'Hi {{contact.first_name}}!' } }, { contact: { first_name: hostile } }, TEXT);
    const expected = pasted('{"first":"{{contact.first_name}}","note":"Hi {{contact.first_name}}!"}', { 'contact.first_name': hostile });
    assert.equal(r.request.body, expected);
    assert.equal(r.sendable, false);
  });

  test('body-not-json names the sample and the value, on the template whose value broke it', () => {
    const data: JsonObject = { contact: { first_name: 'Tom', last_name: 'O"Brien', email: 't@example.com' } };
    const text = actionText({ body: { first: '{{contact.first_name}}', last: '{{contact.last_name}}', email: '{{contact.email}}' } });
    const r = lintText(text, [sample(data, 'Tom O"Brien')], TEXT);
    const broken = r.diagnostics.filter((d) => d.code === 'body-not-json');
    assert.equal(broken.length, 1);
    assert.equal(broken[0]!.severity, 'error');
    assert.equal(text.slice(broken[0]!.range.start, broken[0]!.range.end), '{{contact.last_name}}');
    assert.match(broken[0]!.message, /sample "Tom O"Brien"/);
    assert.match(broken[0]!.message, /\{\{contact\.last_name\}\} = `O"Brien` holds a quote/);
    assert.match(broken[0]!.message, /skips this step/);
    // The break is in the rendered body, at the value's quote or just after it.
    const body = r.render.request.body!;
    const at = r.render.bodyBreak!.offset;
    assert.ok(at >= body.indexOf('O"Brien') && at <= body.indexOf('O"Brien') + 'O"Brien'.length, `break at ${at} of ${body}`);
    // The selected sample's break is body-not-json's alone: no json-unsafe-value for it at the same template.
    assert.equal(
      r.diagnostics.some((d) => d.code === 'json-unsafe-value'),
      false,
    );
  });

  test('a line break in the second template of a string is placed on that template, not the first', () => {
    const data: JsonObject = { contact: { first_name: 'Ann', last_name: 'Line1\nLine2' } };
    const text = actionText({ body: { name: '{{contact.first_name}} {{contact.last_name}}' } });
    const d = lintText(text, [sample(data, 'Two lines')], TEXT).diagnostics.find((x) => x.code === 'body-not-json')!;
    assert.equal(text.slice(d.range.start, d.range.end), '{{contact.last_name}}');
    assert.match(d.message, /`Line1\\nLine2` holds a line break/);
  });

  test('an invalid escape from a backslash is placed on its template', () => {
    const data: JsonObject = { contact: { first_name: 'C:\\q', company_name: 'Acme' } };
    const text = actionText({ body: { a: '{{contact.first_name}} at {{contact.company_name}}' } });
    const d = lintText(text, [sample(data)], TEXT).diagnostics.find((x) => x.code === 'body-not-json')!;
    assert.equal(text.slice(d.range.start, d.range.end), '{{contact.first_name}}');
    assert.match(d.message, /backslash/);
  });

  test('a backslash that forms a valid escape parses, but changes the value: json-unsafe-value still warns', () => {
    const data: JsonObject = { contact: { first_name: 'C:\\new' } };
    const r = lintText(actionText({ body: { a: '{{contact.first_name}}' } }), [sample(data)], TEXT);
    assert.equal(r.render.request.body, '{"a":"C:\\new"}');
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      ['json-unsafe-value'],
    );
  });

  test('a secret that breaks the body is named, its value never written', () => {
    const r = renderAction({ body: { k: '{{secrets.KEY}}' } }, {}, options({ escaping: 'text', secretValues: { KEY: 'se"cret-value' } }));
    const d = r.problems.find((p) => p.code === 'body-not-json')!;
    assert.match(d.message, /\{\{secrets\.KEY\}\}/);
    assert.doesNotMatch(d.message, /cret-value/);
  });

  test('json escaping stays available and never breaks the body', () => {
    const r = renderAction({ body: { n: '{{contact.first_name}}' } }, { contact: { first_name: 'O"Brien' } }, options({ escaping: 'json' }));
    assert.equal(r.request.body, '{"n":"O\\"Brien"}');
    assert.equal(r.sendable, true);
  });
});

describe('a string body: the platform’s own text', () => {
  const data: JsonObject = { contact: { lead_score: 87, email: 'jane@example.com', empty: '', tags: ['vip', 'new'] } };
  const body = '{"score": {{contact.lead_score}}, "email": "{{contact.email}}", "tags": "{{contact.tags}}"}';

  test('an unquoted tag with a numeric value sends a number', () => {
    const r = renderAction({ body }, data, TEXT);
    assert.equal(r.request.body, '{"score": 87, "email": "jane@example.com", "tags": "vip, new"}');
    assert.deepEqual(JSON.parse(r.request.body), { score: 87, email: 'jane@example.com', tags: 'vip, new' });
    assert.equal(r.sendable, true);
    assert.deepEqual(
      r.request.headers.map((h) => [h.name, h.value]),
      [['Content-Type', 'application/json']],
    );
  });

  test('an empty unquoted tag leaves no value: body-not-json on that tag', () => {
    const text = actionText({ body: '{"score": {{contact.empty}}, "email": "{{contact.email}}"}' });
    const r = lintText(text, [sample(data, 'No score')], TEXT);
    const d = r.diagnostics.find((x) => x.code === 'body-not-json')!;
    assert.equal(text.slice(d.range.start, d.range.end), '{{contact.empty}}');
    assert.match(d.message, /is empty, and the template is not in quotes/);
  });

  test('a break in the text itself (no template to blame) is placed at that character of the file', () => {
    const text = actionText({ body: '{"a": 1,, "b": "{{contact.email}}"}' });
    const d = lintText(text, [sample(data)], TEXT).diagnostics.find((x) => x.code === 'body-not-json')!;
    assert.equal(text.slice(d.range.start, d.range.end), ',');
    assert.equal(d.range.start, text.indexOf(',,') + 1);
    assert.match(d.message, /line 1, column 9 of the rendered body/);
  });

  test('a string body is not coerced nor escaped: no string-coercion, json escaping escapes only values', () => {
    const text = actionText({ body: '{{contact.lead_score}}' });
    assert.deepEqual(
      lintText(text, [sample(data)], TEXT).diagnostics.map((d) => d.code),
      [],
    );
    const r = renderAction({ body: '{"e": "{{contact.email}}"}' }, { contact: { email: 'a"b' } }, options({ escaping: 'json' }));
    assert.equal(r.request.body, '{"e": "a\\"b"}');
  });
});

describe('a form body', () => {
  test('names and values are encoded as query entries are, lists repeat the name', () => {
    const action = {
      bodyType: 'form',
      body: { 'first name': '{{contact.first_name}}', email: '{{contact.email}}', tag: ['a&b', 'c'] },
      query: { n: '{{contact.first_name}}' },
    };
    const r = renderAction(action, { contact: { first_name: 'Zoë "Z" O’Neil', email: 'z+1@example.com' } }, TEXT);
    assert.equal(r.request.body, 'first%20name=Zo%C3%AB%20%22Z%22%20O%E2%80%99Neil&email=z%2B1%40example.com&tag=a%26b&tag=c');
    // The same mechanism as the query: the same value encodes to the same text.
    assert.equal(new URL(r.request.url).search, '?n=Zo%C3%AB%20%22Z%22%20O%E2%80%99Neil');
    assert.deepEqual(
      r.request.headers.map((h) => [h.name, h.value]),
      [['Content-Type', 'application/x-www-form-urlencoded']],
    );
    assert.equal(r.sendable, true);
    const spans = r.request.bodySpans.map((s) => r.request.body!.slice(s.start, s.end));
    assert.deepEqual(spans, ['Zo%C3%AB%20%22Z%22%20O%E2%80%99Neil', 'z%2B1%40example.com']);
  });

  test('a quote in a form value is not a JSON problem', () => {
    const text = actionText({ bodyType: 'form', body: { n: '{{contact.first_name}}' } });
    const codes = lintText(text, [sample({ contact: { first_name: 'a"b' } })], TEXT).diagnostics.map((d) => d.code);
    assert.deepEqual(codes, []);
  });
});

describe('a bare template in an object body', () => {
  const text = '{\n  "name": "T",\n  "method": "POST",\n  "url": "https://api.example.com/x",\n  "body": { "score": {{contact.lead_score}}, "a": 1 }\n}';
  const apply = (t: string, edits: readonly { range: { start: number; end: number }; newText: string }[]) =>
    [...edits].sort((a, b) => b.range.start - a.range.start).reduce((s, e) => s.slice(0, e.range.start) + e.newText + s.slice(e.range.end), t);

  test('is one unquoted-template error at the tag, not a cascade of syntax errors', () => {
    const doc = parseActionDocument(text);
    assert.deepEqual(
      doc.syntax.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
      [['unquoted-template', '{{contact.lead_score}}']],
    );
  });

  test('other syntax errors of the file are still reported besides it', () => {
    const doc = parseActionDocument(text.replace('"a": 1', '"a" 1'));
    assert.deepEqual(
      doc.syntax.map((d) => d.code),
      ['unquoted-template', 'invalid-json'],
    );
  });

  test('quick fix 1 quotes it: the file parses and sends the value as text', () => {
    const d = parseActionDocument(text).syntax[0]!;
    const fixed = apply(text, d.fixes![0]!.edits);
    const doc = parseActionDocument(fixed);
    assert.deepEqual(doc.syntax, []);
    assert.match(fixed, /"score": "\{\{contact\.lead_score\}\}"/);
  });

  test('quick fix 2 moves the body to the platform’s text form: the tag stays unquoted and sends a number', () => {
    const d = parseActionDocument(text).syntax[0]!;
    assert.match(d.fixes![1]!.title, /platform's text form/);
    const fixed = apply(text, d.fixes![1]!.edits);
    const r = renderAction(JSON.parse(fixed) as Record<string, unknown>, { contact: { lead_score: 87 } }, TEXT);
    assert.equal(r.request.body, '{ "score": 87, "a": 1 }');
    assert.equal(r.sendable, true);
  });
});

describe('sendAction and the platform’s rendering, on the wire', () => {
  let inbox: Inbox;
  const sender = new HttpSender({ privateAddresses: 'allow' });
  const tokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };
  before(async () => {
    inbox = await startInbox();
  });
  after(async () => {
    await sender.close();
    await inbox.close();
  });
  const input = (text: string, data: JsonObject): SendActionInput => ({
    doc: parseActionDocument(text),
    sample: sample(data, 'Wire'),
    file: 'x.webhook.json',
    escaping: 'text',
    arraySeparator: ', ',
    secrets: mapSecretSource(new Map()),
    tokens,
    transport: sender,
    inbox,
    timeoutMs: 5000,
  });
  const file = (extra: Record<string, unknown>) => JSON.stringify({ name: 'W', method: 'POST', url: 'https://receiver.example.com/hook', ...extra });

  test('a body that is not JSON once rendered is refused (body-not-json), nothing sent', async () => {
    const before = inbox.captures().length;
    const result = await sendAction(input(file({ body: { n: '{{contact.last_name}}' } }), { contact: { last_name: 'O"Brien' } }));
    assert.ok(!result.sent);
    assert.equal(result.code, 'body-not-json');
    assert.match(result.reason, /O"Brien/);
    assert.equal(inbox.captures().length, before);
  });

  test('a string body with an unquoted numeric tag arrives byte for byte', async () => {
    const result = await sendAction(
      input(file({ body: '{"score": {{contact.lead_score}}, "name": "{{contact.first_name}} 🎉"}' }), { contact: { lead_score: 87, first_name: 'Zoë' } }),
    );
    assert.ok(result.sent, result.sent ? '' : result.reason);
    assert.deepEqual(result.differences, []);
    const body = Buffer.from(result.capture!.body).toString('utf8');
    assert.equal(body, '{"score": 87, "name": "Zoë 🎉"}');
    assert.deepEqual(JSON.parse(body), { score: 87, name: 'Zoë 🎉' });
    assert.deepEqual(
      result.capture!.rawHeaders.find(([n]) => n.toLowerCase() === 'content-type'),
      ['Content-Type', 'application/json'],
    );
  });

  test('a form body arrives form-encoded, byte for byte', async () => {
    const result = await sendAction(
      input(file({ bodyType: 'form', body: { email: '{{contact.email}}', name: '{{contact.first_name}}' } }), {
        contact: { email: 'a+b@x.com', first_name: 'Zoë Z' },
      }),
    );
    assert.ok(result.sent, result.sent ? '' : result.reason);
    assert.deepEqual(result.differences, []);
    assert.equal(Buffer.from(result.capture!.body).toString('latin1'), 'email=a%2Bb%40x.com&name=Zo%C3%AB%20Z');
    assert.deepEqual(
      result.capture!.rawHeaders.find(([n]) => n.toLowerCase() === 'content-type'),
      ['Content-Type', 'application/x-www-form-urlencoded'],
    );
    assert.deepEqual(Object.fromEntries(new URLSearchParams(Buffer.from(result.capture!.body).toString('latin1'))), { email: 'a+b@x.com', name: 'Zoë Z' });
  });
});

describe('the platform’s form of an action (Copy for the platform)', () => {
  test('a string body is copied as its text, header and query rows as written, templates intact', () => {
    const text = actionText({
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'X-Source': 'workflow' },
      query: { tag: ['vip', '{{contact.id}}'] },
      body: '{"score": {{contact.lead_score}}}',
    });
    const form = platformForm(parseActionDocument(text));
    assert.equal(form.body, '{"score": {{contact.lead_score}}}');
    assert.deepEqual(form.headers, [['X-Source', 'workflow']]);
    assert.deepEqual(form.query, [
      ['tag', 'vip'],
      ['tag', '{{contact.id}}'],
    ]);
    assert.deepEqual(form.auth, [
      ['Auth', 'Bearer token'],
      ['Token', '{{secrets.CRM_TOKEN}}'],
    ]);
    assert.equal(form.contentType, 'application/json');
    assert.match(platformFormText(form), /^Method: POST\nURL: https:\/\/api\.example\.com\/x\n.*\n\nBody:\n\{"score": \{\{contact\.lead_score\}\}\}\n$/s);
  });

  test('an object body is copied as JSON text, a form body as key/value rows', () => {
    const json = platformForm(parseActionDocument(actionText({ body: { a: 'x "{{contact.id}}"' } })));
    assert.deepEqual(JSON.parse(json.body!), { a: 'x "{{contact.id}}"' });
    const form = platformForm(parseActionDocument(actionText({ bodyType: 'form', body: { email: '{{contact.email}}', l: ['a', 'b'] } })));
    assert.equal(form.contentType, 'application/x-www-form-urlencoded');
    assert.deepEqual(form.formRows, [
      ['email', '{{contact.email}}'],
      ['l', 'a'],
      ['l', 'b'],
    ]);
  });
});

describe('what the platform does not document is said where it matters', () => {
  test('a list sent whole says the separator is a setting and the platform’s is not known', () => {
    const r = lintText(actionText({ body: { tags: '{{contact.tags}}' } }), [sample({ contact: { tags: ['a', 'b'] } })], TEXT);
    const d = r.diagnostics.find((x) => x.code === 'string-coercion')!;
    assert.match(d.message, /arraySeparator; whether the platform joins tags with "," or ", " is not documented/);
    const one = lintText(actionText({ body: { n: '{{contact.n}}' } }), [sample({ contact: { n: 5 } })], TEXT).diagnostics.find(
      (x) => x.code === 'string-coercion',
    )!;
    assert.doesNotMatch(one.message, /separator/);
  });
});

describe('the schema of string and form bodies', () => {
  const errors = (action: Record<string, unknown>) => {
    const text = actionText(action);
    return validateSchemaOfText('action', text, () => parseActionDocument(text).root).map((d) => d.message);
  };

  test('a string body and a form body of strings and lists are valid', () => {
    assert.deepEqual(errors({ body: '{"a": {{contact.n}}}' }), []);
    assert.deepEqual(errors({ bodyType: 'form', body: { a: '{{contact.n}}', b: ['x', 'y'] } }), []);
  });

  test('a form body must be an object of strings, and bodyType one of the two', () => {
    assert.ok(errors({ bodyType: 'form', body: '{"a": 1}' }).length > 0);
    assert.ok(errors({ bodyType: 'form', body: { a: 1 } }).length > 0);
    assert.ok(errors({ bodyType: 'xml', body: {} }).some((m) => /json|form/.test(m)));
  });
});

describe('bare templates are found only outside strings and comments', () => {
  test('a tag in a string, a line comment or a block comment is not bare', () => {
    assert.deepEqual(findBareTemplates('{"a": "{{x}}", // {{y}}\n /* {{z}} */ "b": {{w}} }'), [{ start: 42, end: 47 }]);
  });

  test('a file without a bare tag keeps its syntax errors as they are', () => {
    const doc = parseActionDocument('{"name": "T", "body": {"a": 1,, "b": "{{x}}"}}');
    assert.ok(doc.syntax.length > 0);
    assert.ok(doc.syntax.every((d) => d.code === 'invalid-json'));
  });
});

describe('unknown tags: a setting, since the platform does not document them', () => {
  const data: JsonObject = { contact: { first_name: 'Jane' } };

  test('empty by default; marker renders ##{}## for a tag neither the catalogue nor the sample has, and nothing else', () => {
    const body = { known: '{{contact.first_name}}', absent: '{{contact.email}}', typo: '{{contact.frist_name}}' };
    assert.equal(renderAction({ body }, data, TEXT).request.body, '{"known":"Jane","absent":"","typo":""}');
    const marked = renderAction({ body }, data, options({ escaping: 'text', unknownTag: 'marker' }));
    // contact.email is a platform field the sample lacks: the platform sends an empty string for it.
    assert.equal(marked.request.body, '{"known":"Jane","absent":"","typo":"##{}##"}');
    assert.deepEqual(
      marked.unresolved.map((u) => u.path),
      ['contact.email', 'contact.frist_name'],
    );
  });

  test('the marker in an unquoted slot breaks the body (body-not-json), and the typo warning says what it renders as', () => {
    const text = actionText({ body: '{"score": {{contact.lead_scroe}}}' });
    const r = lintText(text, [sample({ contact: { lead_score: 3 } }, 'S')], options({ escaping: 'text', unknownTag: 'marker' }));
    assert.ok(
      r.diagnostics.some((d) => d.code === 'body-not-json'),
      JSON.stringify(r.diagnostics.map((d) => d.code)),
    );
    const typo = r.diagnostics.find((d) => d.code === 'unknown-variable');
    assert.match(typo?.message ?? '', /renders as ##\{\}## \(webhookStudio\.render\.unknownTag\)/);
  });
});
