/**
 * Lint + render of a 1 MiB definition with 10,000 templates against a bare jsonc-parser parse of the
 * same text, medians in the same run (docs/architecture.md, "Performance budgets": ratio ≤ 2), and render against 1,000 samples (≤ 1 s).
 */
import { parse } from 'jsonc-parser';
import { performance } from 'node:perf_hooks';
import { parseActionDocument } from '../src/core/document';
import { lint } from '../src/core/lint';
import { render } from '../src/core/render';
import type { RenderOptions, Sample } from '../src/core/types';
import { median, runAsScript, type BenchRow } from './benchRow';
import { largeDefinition } from './largeDefinition';

// The default escaping, as the platform renders: values pasted as is, then the JSON check of the body.
const OPTIONS: RenderOptions = { escaping: 'text', arraySeparator: ', ', secrets: { get: () => 'secret' }, tokens: { token: () => undefined } };

function sampleNo(i: number): Sample {
  return {
    name: `Sample ${i}`,
    builtin: false,
    data: {
      contact: {
        id: `c_${i}`,
        first_name: `Name ${i}`,
        last_name: 'Doe',
        email: `u${i}@example.com`,
        phone: '+15555550123',
        city: 'Paris',
        tags: ['a', 'b'],
        lead_score: i,
      },
    },
  };
}

/** Collects garbage before a timed run when node runs with --expose-gc, so runs do not pay for each other. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Runs the benchmark and returns its rows. */
export async function run(): Promise<BenchRow[]> {
  const text = largeDefinition();
  const samples = [sampleNo(1), sampleNo(2)];
  const lintOnce = () => lint(parseActionDocument(text), { samples, selected: samples[0]!, options: OPTIONS });
  const parseOnce = () => parse(text, [], { allowTrailingComma: true, disallowComments: false });
  for (let i = 0; i < 5; i++) {
    parseOnce();
    lintOnce();
  }
  const parseTimes: number[] = [];
  const lintTimes: number[] = [];
  // Interleaved, so both see the same machine; medians of 21.
  for (let i = 0; i < 21; i++) {
    collect();
    let t = performance.now();
    parseOnce();
    parseTimes.push(performance.now() - t);
    collect();
    t = performance.now();
    lintOnce();
    lintTimes.push(performance.now() - t);
  }
  const base = median(parseTimes);
  const both = median(lintTimes);

  const small = JSON.stringify({
    name: 'n',
    method: 'POST',
    url: 'https://api.example.com/{{contact.id}}',
    body: { a: '{{contact.first_name}}', b: '{{contact.email}}', c: { d: '{{contact.tags}}', e: '{{contact.lead_score}}' } },
  });
  const many = Array.from({ length: 1000 }, (_, i) => sampleNo(i));
  const doc = parseActionDocument(small);
  const t0 = performance.now();
  for (const s of many) render(doc, s, OPTIONS);
  const thousand = performance.now() - t0;

  return [
    {
      measure: `parse + lint + render, ${(text.length / 1048576).toFixed(2)} MiB, 10,000 templates`,
      figure: both,
      unit: 'ms',
      baseline: base,
      ratio: both / base,
      budget: '≤ 2× jsonc-parser parse()',
      ok: both / base <= 2,
    },
    {
      measure: 'render against 1,000 samples',
      figure: thousand,
      unit: 'ms',
      baseline: 1000,
      ratio: thousand / 1000,
      budget: '≤ 1000 ms',
      ok: thousand <= 1000,
    },
  ];
}

if (require.main === module) runAsScript(run);
