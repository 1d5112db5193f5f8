import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueChildren, catalogueExampleData, catalogueField, CATALOGUE, inCatalogue } from '../../src/core/catalogue';
import { fixedClock, parseIsoTime, rightNow, RIGHT_NOW_FIELDS } from '../../src/core/clock';
import { lookupPath, valueToText } from '../../src/core/sample';
import { tokenize, type VariableToken } from '../../src/core/template';
import { actionText, JANE, lintText, options, renderAction, sample } from './helpers/core';

const segs = (path: string) => (tokenize(`{{${path}}}`)[0] as VariableToken).segments;

describe('the merge-field catalogue', () => {
  const known: Array<[string, boolean]> = [
    ['location.full_address', true],
    ['location.name', true],
    ['contact.attributionSource.utmSource', true],
    ['contact.attributionSource', true],
    ['contact.lastAttributionSource.utmCampaign', true],
    ['contact.attributionSource.utmCampaign', false],
    ['appointment.user.email', true],
    ['chatgpt.2.response', true],
    ['chatgpt.x.response', false],
    ['datetime_formatter.1.days', true],
    ['right_now.year', true],
    ['contact.frist_name', false],
    ['location', true],
    ['nowhere.name', false],
  ];
  for (const [path, expected] of known) {
    test(`${path} is ${expected ? '' : 'not '}in the catalogue`, () => assert.equal(inCatalogue(segs(path)), expected));
  }

  test('every field has a description and a JSON-safe example value', () => {
    for (const ns of CATALOGUE) {
      for (const field of ns.fields) {
        assert.match(field.description, /^[A-Z].*\.$|\)$/, `${ns.name}.${field.path}`);
        assert.doesNotMatch(JSON.stringify(field.example), /\\/, `${ns.name}.${field.path} needs no escaping`);
      }
    }
  });

  test('children of a path: location offers name and full_address; contact offers its attribution objects as branches', () => {
    const location = catalogueChildren(segs('location.x').slice(0, 1)).map((c) => c.name);
    assert.ok(location.includes('name') && location.includes('full_address'));
    const contact = catalogueChildren(segs('contact.x').slice(0, 1));
    assert.equal(contact.find((c) => c.name === 'attributionSource')?.branch, true);
    assert.equal(contact.find((c) => c.name === 'email')?.branch, false);
    assert.equal(catalogueField(segs('opportunity.monetary_value'))?.unverified, true);
  });

  test('the example data fills every namespace, step outputs as step 1', () => {
    const data = catalogueExampleData();
    for (const ns of CATALOGUE) assert.ok(Object.hasOwn(data, ns.name), ns.name);
    const at = lookupPath(data, segs('chatgpt.1.response'));
    assert.ok(at.found && typeof at.value === 'string');
    assert.deepEqual(lookupPath(data, segs('location.full_address')), { found: true, value: '100 Market Street, Portland, OR 97204, US' });
  });
});

describe('unknown-variable and absent-in-sample against the catalogue and every sample', () => {
  const jane = sample(JANE, 'Jane');
  const sam = sample({ contact: { id: 'c_7', first_name: 'Sam', lead_score: 3 }, billing: { plan: 'pro' } }, 'Sam');
  const codes = (text: string, selected = jane) =>
    lintText(text, selected === jane ? [jane, sam] : [sam, jane]).diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message }));

  test('a catalogue field no sample sets is an info that says the platform sends an empty string', () => {
    const d = codes(actionText({ body: { a: '{{location.full_address}}' } }));
    assert.deepEqual(
      d.map((x) => [x.code, x.severity]),
      [['absent-in-sample', 'info']],
    );
    assert.match(d[0]!.message, /no sample sets this: the platform sends an empty string/);
  });

  test('a field another sample has is an info naming that sample, not a warning', () => {
    const d = codes(actionText({ body: { a: '{{billing.plan}}' } }));
    assert.deepEqual(
      d.map((x) => [x.code, x.severity]),
      [['absent-in-sample', 'info']],
    );
    assert.match(d[0]!.message, /absent in the selected sample "Jane".*set in "Sam"/);
  });

  test('a path in no sample and not in the catalogue is a warning with the nearest catalogue or sample name as quick fix', () => {
    const r = lintText(actionText({ body: { a: '{{location.ful_address}}', b: '{{contact.lead_scor}}' } }), [jane, sam]);
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-variable');
    assert.equal(unknown.length, 2);
    assert.deepEqual(
      unknown.map((d) => d.fixes?.[0]?.title),
      ['Change to {{location.full_address}}', 'Change to {{contact.lead_score}}'],
    );
    const fix = unknown[0]!.fixes![0]!.edits[0]!;
    assert.equal(
      r.text.slice(0, fix.range.start) + fix.newText + r.text.slice(fix.range.end),
      actionText({ body: { a: '{{location.full_address}}', b: '{{contact.lead_scor}}' } }),
    );
  });

  test('a typo deep in a catalogue object is found at its own segment', () => {
    const r = lintText(actionText({ body: { a: '{{contact.attributionSource.utmSourc}}' } }), [jane]);
    assert.deepEqual(
      r.diagnostics.map((d) => d.fixes?.[0]?.title),
      ['Change to {{contact.attributionSource.utmSource}}'],
    );
  });

  test('a catalogue namespace is never an unknown namespace; a misspelt one is, with the catalogue name offered', () => {
    assert.deepEqual(codes(actionText({ body: { a: '{{right_now.year}}' } })), []);
    const d = lintText(actionText({ body: { a: '{{locaton.name}}' } }), [jane]).diagnostics;
    assert.equal(d[0]?.code, 'unknown-namespace');
    assert.equal(d[0]?.fixes?.[0]?.title, 'Change to {{location.name}}');
  });
});

describe('right_now from the clock', () => {
  // 2026-12-01 15:07:05 UTC: a Tuesday; 07:07 in Los Angeles, 00:07 on Wednesday in Tokyo.
  const at = new Date('2026-12-01T15:07:05Z');
  const cases: Array<[zone: string, expected: Record<string, string>]> = [
    [
      'UTC',
      {
        second: '05',
        minute: '07',
        hour: '15',
        hour_ampm: '3',
        ampm: 'PM',
        day_of_week: 'Tuesday',
        month_name: 'December',
        day: '01',
        month: '12',
        year: '2026',
        middle_endian_date: '12/01/2026',
        little_endian_date: '01/12/2026',
        date: '2026-12-01',
      },
    ],
    ['America/Los_Angeles', { hour: '07', hour_ampm: '7', ampm: 'AM', day_of_week: 'Tuesday', middle_endian_date: '12/01/2026' }],
    ['Asia/Tokyo', { hour: '00', hour_ampm: '12', ampm: 'AM', day_of_week: 'Wednesday', day: '02', little_endian_date: '02/12/2026' }],
    ['Not/A_Zone', { hour: '15' }],
  ];
  for (const [zone, expected] of cases) {
    test(`formats in ${zone}`, () => {
      for (const [field, text] of Object.entries(expected)) assert.equal(rightNow(field as (typeof RIGHT_NOW_FIELDS)[number], at, zone), text, field);
    });
  }

  test('a render reads the clock port, in the sample location time zone, else the configured one', () => {
    const clock = fixedClock(at);
    const body = { body: { y: '{{right_now.year}}', h: '{{right_now.hour}}' } };
    const utc = renderAction(body, {}, { ...options(), clock });
    assert.equal(utc.request.body, '{"y":"2026","h":"15"}');
    assert.equal(utc.usesClock, true);
    assert.deepEqual(utc.unresolved, []);
    assert.equal(renderAction(body, {}, { ...options(), clock, timeZone: 'Asia/Tokyo' }).request.body, '{"y":"2026","h":"00"}');
    assert.equal(
      renderAction(body, { location: { timezone: 'America/Los_Angeles' } }, { ...options(), clock, timeZone: 'Asia/Tokyo' }).request.body,
      '{"y":"2026","h":"07"}',
    );
    // A sample that sets right_now wins over the clock.
    const own = renderAction(body, { right_now: { year: '1999', hour: '09' } }, { ...options(), clock });
    assert.equal(own.request.body, '{"y":"1999","h":"09"}');
    assert.equal(own.usesClock, undefined);
  });

  test('ISO times with a zone are read; anything else is not', () => {
    assert.equal(parseIsoTime('2026-12-01T15:07:05Z')?.toISOString(), '2026-12-01T15:07:05.000Z');
    assert.equal(parseIsoTime('2026-12-01T16:07:05+01:00')?.toISOString(), '2026-12-01T15:07:05.000Z');
    assert.equal(parseIsoTime('2026-12-01')?.toISOString(), '2026-12-01T00:00:00.000Z');
    for (const bad of ['2026-12-01T15:07', 'yesterday', '2026-13-45T00:00:00Z', '']) assert.equal(parseIsoTime(bad), undefined, bad);
  });

  test('valueToText of the example tags joins them', () => {
    assert.equal(
      valueToText(catalogueExampleData()['contact'] && (catalogueExampleData()['contact'] as Record<string, never>)['tags'], ', '),
      'new-lead, dental, newsletter',
    );
  });
});
