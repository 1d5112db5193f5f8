/**
 * Pretty-printing a response body of the panel's largest pretty size (256 KiB) against
 * `JSON.stringify(JSON.parse(…), null, 2)` of the same text, medians in the same run: the token-keeping
 * formatter must stay linear, within 20× of the baseline (a per-edit rebuild of the text is thousands of times slower).
 */
import { performance } from 'node:perf_hooks';
import { prettyJson } from '../src/protocol/prettyJson';
import { median, runAsScript, type BenchRow } from './benchRow';

/** The panel's largest body it pretty-prints (`MAX_PRETTY_BODY` of the panel state). */
const MAX_PRETTY_BODY = 256 * 1024;

/** A minified JSON array of records, about `bytes` long. */
function body(bytes: number): string {
  const items: unknown[] = [];
  let length = 2;
  for (let i = 0; length < bytes; i++) {
    const item = { id: i, name: `item ${i}`, price: 1.5 + i, tags: ['a', 'b'], ok: i % 2 === 0, note: 'caf\u00e9 "quoted"' };
    length += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return JSON.stringify(items);
}

/** Runs the benchmark and returns its row. */
export async function run(): Promise<BenchRow[]> {
  const text = body(MAX_PRETTY_BODY);
  const ours = () => prettyJson(text);
  const baseline = () => JSON.stringify(JSON.parse(text), null, 2);
  for (let i = 0; i < 5; i++) {
    ours();
    baseline();
  }
  const oursTimes: number[] = [];
  const baseTimes: number[] = [];
  for (let i = 0; i < 21; i++) {
    let t = performance.now();
    ours();
    oursTimes.push(performance.now() - t);
    t = performance.now();
    baseline();
    baseTimes.push(performance.now() - t);
  }
  const figure = median(oursTimes);
  const base = median(baseTimes);
  return [
    {
      measure: `prettyJson of a ${Math.round(text.length / 1024)} KiB body, median (baseline: JSON.stringify(JSON.parse(…), null, 2))`,
      figure: Math.round(figure * 100) / 100,
      unit: 'ms',
      baseline: Math.round(base * 100) / 100,
      ratio: Math.round((figure / base) * 100) / 100,
      budget: '≤ 20×',
      ok: figure / base <= 20,
    },
  ];
}

if (require.main === module) runAsScript(run);
