/**
 * The contract check (docs/architecture.md, "Contracts", "Performance budgets") on a 1 MiB OpenAPI document: reading it
 * once (parse, bundle, read the operations, make the check) against the parser's own bundle of the same document, and
 * the lint of one sample with the check against the same lint without it (what typing costs already), medians in the
 * same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SwaggerParser from '@apidevtools/swagger-parser';
import { lint } from '../src/core/lint';
import { contractCheck } from '../src/core/contract/check';
import { loadContractFile } from '../src/core/contract/load';
import { parseActionDocument } from '../src/core/document';
import type { JsonObject, RenderOptions, Sample } from '../src/core/types';
import { median, runAsScript, type BenchRow } from './benchRow';

const OPTIONS: RenderOptions = { escaping: 'json', arraySeparator: ', ', secrets: { get: () => 'secret' }, tokens: { token: () => undefined } };
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** An OpenAPI 3.0 document of about `bytes`: operations with path parameters and bodies that `$ref` shared schemas. */
export function largeOpenApi(bytes = 1024 * 1024): string {
  const schemas: JsonObject = {
    Address: {
      type: 'object',
      required: ['country'],
      properties: { line1: { type: 'string' }, city: { type: 'string' }, country: { type: 'string', minLength: 2, maxLength: 2 } },
    },
  };
  const paths: JsonObject = {};
  const doc = { openapi: '3.0.3', info: { title: 'Large', version: '1' }, servers: [{ url: 'https://api.example.com/v1' }], paths, components: { schemas } };
  for (let i = 0; JSON.stringify(doc).length < bytes; i++) {
    schemas[`Lead${i}`] = {
      type: 'object',
      required: ['email', 'first_name'],
      additionalProperties: false,
      description: `A lead of kind ${i}, with the fields the receiver stores for it and their rules.`,
      properties: {
        email: { type: 'string', format: 'email', description: 'Where the lead is reached.' },
        first_name: { type: 'string', minLength: 1 },
        last_name: { type: 'string', nullable: true },
        phone: { type: 'string', pattern: '^\\+[0-9]{7,15}$' },
        stage: { type: 'string', enum: ['new', 'qualified', 'won', 'lost'] },
        score: { type: 'integer', minimum: 0, maximum: 100 },
        website: { type: 'string', format: 'uri' },
        created: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string', maxLength: 40 } },
        address: { $ref: '#/components/schemas/Address' },
      },
    };
    paths[`/accounts/{accountId}/leads${i}`] = {
      parameters: [{ name: 'accountId', in: 'path', required: true, schema: { type: 'string', pattern: '^acc_[a-z0-9]+$' } }],
      post: {
        operationId: `createLead${i}`,
        summary: `Create a lead of kind ${i}`,
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/Lead${i}` } } } },
        responses: { '201': { description: 'Created' } },
      },
    };
  }
  return JSON.stringify(doc);
}

function sampleNo(i: number): Sample {
  return {
    name: `Sample ${i}`,
    builtin: false,
    data: { contact: { id: `c_${i}`, first_name: `Name${i}`, email: i % 2 === 0 ? `u${i}@example.com` : `not-an-email-${i}`, phone: '+15555550123' } },
  };
}

/** Runs the benchmark and returns its rows. */
export async function run(): Promise<BenchRow[]> {
  const text = largeOpenApi();
  const readTimes: number[] = [];
  const parseTimes: number[] = [];
  let check = undefined as ReturnType<typeof contractCheck> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-contract-'));
  const file = join(dir, 'large.openapi.json');
  writeFileSync(file, text);
  for (let i = 0; i < 7; i++) {
    collect();
    let t = performance.now();
    await new SwaggerParser().bundle(file, { resolve: { http: false } } as SwaggerParser.Options);
    parseTimes.push(performance.now() - t);
    collect();
    t = performance.now();
    const r = await loadContractFile(file);
    if (!r.ok) throw new Error(r.error);
    check = contractCheck(r.doc);
    readTimes.push(performance.now() - t);
  }
  const actionText = JSON.stringify({
    name: 'Lead',
    method: 'POST',
    url: 'https://api.example.com/v1/accounts/acc_42/leads500?dryRun=true',
    contract: { openapi: 'large.json', operation: 'createLead500' },
    body: { email: '{{contact.email}}', first_name: '{{contact.first_name}}', phone: '{{contact.phone}}', stage: 'new', tags: ['a', 'b'] },
  });
  const samples = Array.from({ length: 200 }, (_, i) => sampleNo(i));
  // What the editor does per keystroke: parse the action and lint it for the selected sample, with and without the check.
  const renderOnly = () => {
    for (const s of samples) lint(parseActionDocument(actionText), { samples: [s], selected: s, options: OPTIONS });
  };
  let violations = 0;
  const checked = () => {
    for (const s of samples)
      violations += lint(parseActionDocument(actionText), { samples: [s], selected: s, options: OPTIONS, contract: check }).diagnostics.filter(
        (d) => d.code === 'contract-violation',
      ).length;
  };
  checked(); // compiles the operation's validators, as the first sample of a session does
  renderOnly();
  const renderTimes: number[] = [];
  const checkTimes: number[] = [];
  for (let i = 0; i < 11; i++) {
    collect();
    let t = performance.now();
    renderOnly();
    renderTimes.push((performance.now() - t) / samples.length);
    collect();
    t = performance.now();
    checked();
    checkTimes.push((performance.now() - t) / samples.length);
  }
  rmSync(dir, { recursive: true, force: true });
  if (violations === 0) throw new Error('the samples that break the schema were not reported');
  const read = median(readTimes);
  const parse = median(parseTimes);
  const perSample = median(checkTimes);
  const renderPerSample = median(renderTimes);
  const mib = (text.length / 1048576).toFixed(2);
  return [
    {
      measure: `contract: read a ${mib} MiB OpenAPI document once from a file (parse, bundle, operations, validators)`,
      figure: read,
      unit: 'ms',
      baseline: parse,
      ratio: read / parse,
      budget: "≤ 2.5× swagger-parser's bundle() of the file alone",
      ok: read / parse <= 2.5,
    },
    {
      measure: 'contract: parse + lint + check of an action for one sample against an operation of that document',
      figure: perSample,
      unit: 'ms',
      baseline: renderPerSample,
      ratio: perSample / renderPerSample,
      budget: '≤ 5× the same lint without the check',
      ok: perSample / renderPerSample <= 5,
    },
  ];
}

if (require.main === module) runAsScript(run);
