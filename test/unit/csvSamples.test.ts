import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { columnTarget, csvHeader, csvSamples, CsvSampleError, mappingProblem, snakeCase, type CsvMapping } from '../../src/core/csvSamples';
import type { Sample } from '../../src/core/types';

async function* chunked(text: string, size = 7): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function samplesOf(text: string, mapping?: CsvMapping): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of csvSamples(chunked(text), mapping ? { mapping } : {})) out.push(s);
  return out;
}

describe('CSV headers map to fields', () => {
  const cases: Array<[string, string | undefined]> = [
    ['First Name', 'contact.first_name'],
    ['last_name', 'contact.last_name'],
    ['Email Address', 'contact.email'],
    ['E-mail', 'contact.email'],
    ['Phone Number', 'contact.phone'],
    ['Company', 'contact.company_name'],
    ['Zip Code', 'contact.postal_code'],
    ['Tags', 'contact.tags'],
    ['LeadScore', 'contact.lead_score'],
    ['Préférence Client', 'contact.preference_client'],
    ['2024 Spend ($)', 'contact.field_2024_spend'],
    ['opportunity.stage', 'opportunity.stage'],
    ['  Contact Id ', 'contact.id'],
  ];
  for (const [header, target] of cases) test(`"${header}" → ${target}`, () => assert.equal(columnTarget(header), target));

  test('a mapping wins over the guess, and null leaves a column out', () => {
    assert.equal(columnTarget('Email', { Email: 'contact.secondary_email' }), 'contact.secondary_email');
    assert.equal(columnTarget('Internal Notes', { 'Internal Notes': null }), undefined);
  });
  test('snake_case of an empty header is still a usable name', () => assert.equal(snakeCase(' !! '), 'field'));
  test('a mapping must map to paths or null', () => {
    assert.equal(mappingProblem({ A: 'contact.a', B: null }), undefined);
    assert.match(mappingProblem({ A: 'first name' })!, /the column "A" maps to "first name"/);
    assert.match(mappingProblem({ A: 3 })!, /maps to 3/);
    assert.match(mappingProblem(['contact.a'])!, /JSON object/);
  });
});

describe('csvSamples streams one sample per row', () => {
  test('values, tags split on commas, paths as headers, names from the contact', async () => {
    const samples = await samplesOf(
      '\ufeffFirst Name,Last Name,Email,Tags,opportunity.stage\r\nJane,Doe,jane@example.com,"vip, new ,",Proposal\r\n\r\n,,bob@example.com,,\r\n',
    );
    assert.deepEqual(samples, [
      {
        name: 'row 1 (line 2): Jane Doe',
        builtin: false,
        data: { contact: { first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', tags: ['vip', 'new'] }, opportunity: { stage: 'Proposal' } },
      },
      {
        name: 'row 2 (line 4): bob@example.com',
        builtin: false,
        data: { contact: { first_name: '', last_name: '', email: 'bob@example.com', tags: [] }, opportunity: { stage: '' } },
      },
    ]);
  });
  test('quoted cells keep commas, quotes and line breaks', async () => {
    const [s] = await samplesOf('Name,Notes\n"Doe, Jane","She said ""hi""\nthen left"\n');
    assert.deepEqual(s!.data, { contact: { name: 'Doe, Jane', notes: 'She said "hi"\nthen left' } });
  });
  test('a short row leaves the missing fields out', async () => {
    const [s] = await samplesOf('First Name,Email\nJane\n');
    assert.deepEqual(s!.data, { contact: { first_name: 'Jane' } });
  });
  const broken: Array<[string, string, RegExp, number]> = [
    ['an unclosed quote', 'a,b\n1,"2\n', /quoted cell is not closed/, 2],
    ['a row with more cells than headers', 'a,b\n1,2\n1,2,3\n', /more cells than the header/, 3],
  ];
  for (const [name, text, message, line] of broken) {
    test(`${name} is a CsvSampleError with its line`, async () => {
      await assert.rejects(samplesOf(text), (e: unknown) => e instanceof CsvSampleError && message.test(e.message) && e.line === line);
    });
  }
  test('stopping early stops reading', async () => {
    let pulled = 0;
    async function* many(): AsyncGenerator<string> {
      yield 'Email\n';
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield `u${i}@example.com\n`;
      }
    }
    let seen = 0;
    for await (const _ of csvSamples(many())) if (++seen === 3) break;
    assert.ok(pulled < 50_000, `read ${pulled} chunks for 3 rows`);
  });
});

describe('csvHeader', () => {
  test('reads the header row alone', async () =>
    assert.deepEqual(await csvHeader(chunked('\ufeffFirst Name,"Email, work"\nJane,j@example.com\n')), ['First Name', 'Email, work']));
  test('an empty file has no header', async () => assert.deepEqual(await csvHeader(chunked('')), []));
});
