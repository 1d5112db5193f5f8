/**
 * Memory of a large action (docs/architecture.md, "Performance budgets"): the peak RSS growth of parse + schema
 * validation + lint + render, as a ratio to the file's size, must stay within 10× for a 50 MB action with
 * 400,000 templates, and within 25× for the worst case, a million distinct unknown variables. Each file is generated here
 * (never committed), written to a temporary folder and measured in a child process of its own, so one run's
 * garbage does not count against the next: the child reads the file (the baseline: what `validate` and
 * `render` hold anyway), then does the work, and reports VmHWM from /proc/self/status (or the RSS where
 * there is none). Times are ratios to jsonc-parser's parse() of the same text in the same child.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'jsonc-parser';
import { BUILTIN_SAMPLE } from '../src/core/builtinSample';
import { parseActionDocument } from '../src/core/document';
import { lint } from '../src/core/lint';
import { validateSchemaOfText } from '../src/core/schemaValidation';
import { readTextFile } from '../src/core/textFile';
import type { RenderOptions } from '../src/core/types';
import { runAsScript, type BenchRow } from './benchRow';
import { largeDefinition } from './largeDefinition';

const MB = 1e6;
const BUDGET = 10;
const UNKNOWN_VARIABLES = 1_000_000;
// The default escaping, as the platform renders: values pasted as is, then the JSON check of the body.
const OPTIONS: RenderOptions = { escaping: 'text', arraySeparator: ', ', secrets: { get: () => 'secret' }, tokens: { token: () => undefined } };

/** An action whose body holds one template per item, `count` distinct paths none of the samples has. */
export function unknownVariablesDefinition(count: number): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(`{{contact.field_${i}}}`);
  return JSON.stringify({ name: 'Many unknown variables', method: 'POST', url: 'https://api.example.com/v1/bulk', body: { items } }, null, 2);
}

/** What the child reports. */
interface Figures {
  readonly bytes: number;
  /** Peak RSS before reading and after reading the file. */
  readonly start: number;
  readonly afterRead: number;
  readonly peak: number;
  readonly ms: number;
  readonly parseMs: number;
  readonly diagnostics: number;
}

function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // no /proc: the RSS now is the best there is
  }
  return process.memoryUsage.rss();
}

/** The child: reads the file, then parses, validates, lints and renders it once. */
async function measure(): Promise<void> {
  const file = process.argv[process.argv.length - 1]!;
  const start = peakRss();
  const read = await readTextFile(file);
  if (!read.ok) throw new Error(read.error);
  const text = read.text;
  const afterRead = peakRss();
  const t = performance.now();
  const doc = parseActionDocument(text);
  const schema = doc.syntax.length > 0 ? [] : validateSchemaOfText('action', text, () => doc.root);
  const result = lint(doc, { samples: [BUILTIN_SAMPLE], selected: BUILTIN_SAMPLE, options: OPTIONS });
  const ms = performance.now() - t;
  const peak = peakRss();
  const diagnostics = result.diagnostics.length + schema.length;
  // The baseline of the time, after the memory is measured: a bare parse of the same text.
  const t1 = performance.now();
  parse(text, [], { allowTrailingComma: true, disallowComments: false });
  const parseMs = performance.now() - t1;
  const figures: Figures = { bytes: Buffer.byteLength(text), start, afterRead, peak, ms, parseMs, diagnostics };
  process.send!(figures);
}

function inChild(file: string): Promise<Figures> {
  const child = fork(__filename, ['--role=measure', file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let figures: Figures | undefined;
    child.once('message', (m) => (figures = m as Figures));
    child.once('error', reject);
    child.once('exit', (code) => (figures ? resolve(figures) : reject(new Error(`memory benchmark child exited with ${code}`))));
  });
}

/** Runs the benchmark and returns its rows. */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-memory-'));
  try {
    const templatesFile = join(dir, 'templates.webhook.json');
    writeFileSync(templatesFile, largeDefinition(400_000, 40 * 1024 * 1024));
    const unknownFile = join(dir, 'unknown.webhook.json');
    writeFileSync(unknownFile, unknownVariablesDefinition(UNKNOWN_VARIABLES));
    const rows: BenchRow[] = [];
    // The second file is the worst case: one template every 34 bytes, each a variable of its own that the
    // render reports as unresolved, so its budgets are looser; the first is the budget of a large action.
    for (const [file, what, memoryBudget, timeBudget] of [
      [templatesFile, '400,000 templates', BUDGET, 10],
      [unknownFile, `${UNKNOWN_VARIABLES.toLocaleString('en')} distinct unknown variables`, 25, 20],
    ] as const) {
      const f = await inChild(file);
      const growth = (f.peak - f.afterRead) / MB;
      const size = f.bytes / MB;
      const read = (f.afterRead - f.start) / MB;
      rows.push({
        measure: `peak RSS growth of parse + schema + lint + render, ${size.toFixed(1)} MB action, ${what} (baseline: the file's size; reading it took ${read.toFixed(0)} MB)`,
        figure: growth,
        unit: 'MB',
        baseline: size,
        ratio: growth / size,
        budget: `≤ ${memoryBudget}× the file`,
        ok: growth / size <= memoryBudget,
      });
      rows.push({
        measure: `parse + schema + lint + render, ${size.toFixed(1)} MB action, ${what}, ${f.diagnostics} diagnostics (baseline: jsonc-parser parse())`,
        figure: f.ms,
        unit: 'ms',
        baseline: f.parseMs,
        ratio: f.ms / f.parseMs,
        budget: `≤ ${timeBudget}× jsonc-parser parse()`,
        ok: f.ms / f.parseMs <= timeBudget,
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runAsScript(run, { measure });
