/**
 * Runs every benchmark and prints one table: measure, figure, baseline, ratio, budget and
 * whether it is within budget. Figures are ratios to baselines measured in the same run where the budget
 * is relative; this machine's noise moves absolute times.
 * Usage: node --import tsx bench/run.ts [--skip-extension]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './benchRow';
import { run as runBigResponse } from './bigResponse.bench';
import { run as runCliStart } from './cliStart.bench';
import { run as runCsvTest } from './csvTest.bench';
import { run as runContract } from './contract.bench';
import { run as runInbox } from './inbox.bench';
import { run as runMemory } from './memory.bench';
import { run as runPrettyJson } from './prettyJson.bench';
import { run as runRender } from './render.bench';
import { run as runSend } from './send.bench';

const root = join(__dirname, '..');
const KiB = 1024;

type Bench = { name: string; run: () => Promise<BenchRow[]> };

const benches: Bench[] = [
  { name: 'render', run: runRender },
  { name: 'memory of large actions', run: runMemory },
  { name: 'pretty JSON', run: runPrettyJson },
  { name: 'send', run: runSend },
  { name: 'big response', run: runBigResponse },
  { name: 'inbox', run: runInbox },
  { name: 'cli start', run: runCliStart },
  { name: 'test --data over 100,000 CSV rows', run: runCsvTest },
  { name: 'contract', run: runContract },
];

function size(file: string): number {
  return existsSync(file) ? statSync(file).size : NaN;
}

function sizeRows(): BenchRow[] {
  const dist = join(root, 'dist');
  const ext = size(join(dist, 'extension.js'));
  const hostFiles = ['extension.js', 'sendStack.js', 'webview.js', 'webview.css', 'codicon.css', 'codicon.ttf'];
  const host = hostFiles.reduce((sum, f) => sum + size(join(dist, f)), 0);
  const web = size(join(dist, 'webview.js'));
  const row = (measure: string, bytes: number, budget: number): BenchRow => ({
    measure,
    figure: bytes / KiB,
    unit: 'KiB',
    baseline: budget / KiB,
    ratio: bytes / budget,
    budget: `≤ ${budget / KiB} KiB`,
    ok: bytes <= budget,
  });
  return [
    row('dist/extension.js (loaded at activation), minified', ext, 250 * KiB),
    row(`dist/ for the extension host (${hostFiles.join(', ')})`, host, 1024 * KiB),
    row('dist/webview.js, minified', web, 300 * KiB),
    // Required only for the first action with a "contract" (the OpenAPI parser and the schema validator).
    row('dist/contractStack.js (loaded for the first action with a contract), minified', size(join(dist, 'contractStack.js')), 300 * KiB),
  ];
}

/** Runs the extension host's performance suite and reads the figures it writes. */
function extensionRows(): BenchRow[] {
  const figuresFile = join(root, 'test-results', 'extension-perf.json');
  const build = spawnSync('node', ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return [];
  const run = spawnSync('node', ['--import', 'tsx', 'test/integration/runServer.ts', 'trusted'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WEBHOOK_STUDIO_TEST_GREP: 'performance' },
    timeout: 10 * 60_000,
  });
  if (run.status !== 0 || !existsSync(figuresFile)) {
    console.error('extension host figures: the performance suite did not run; see test-results/integration-trusted-server.log');
    return [];
  }
  const f = JSON.parse(readFileSync(figuresFile, 'utf8')) as {
    activationMs: number;
    jsonLanguageFeatures: string;
    providerMs: { completion: { median: number }; hover: { median: number } };
    providerCommandMs: { completion: { median: number }; hover: { median: number } };
    providerCommandAtPlainStringMs: { completion: { median: number }; hover: { median: number } };
  };
  // Through the commands the figure includes the workbench's round trip and VS Code's own JSON features;
  // the same call at a plain string of the same file is that cost, so the budget is on what a template adds.
  const roundTrip = (measure: string, template: number, plain: number): BenchRow => ({
    measure,
    figure: template,
    unit: 'ms',
    baseline: plain,
    ratio: template / plain,
    budget: '≤ 1.5 × the plain string + 5 ms',
    ok: template <= plain * 1.5 + 5,
  });
  const ms = (measure: string, figure: number, budget: number, baseline = budget): BenchRow => ({
    measure,
    figure,
    unit: 'ms',
    baseline,
    ratio: figure / baseline,
    budget: `≤ ${budget} ms`,
    ok: figure <= budget,
  });
  return [
    ms('activate() in the extension host', f.activationMs, 20),
    ms('completion on the 1 MiB file, median (provider)', f.providerMs.completion.median, 5),
    ms('hover on the 1 MiB file, median (provider)', f.providerMs.hover.median, 5),
    roundTrip(
      `completion via vscode.executeCompletionItemProvider, median (baseline: a plain string of the same file; JSON features ${f.jsonLanguageFeatures})`,
      f.providerCommandMs.completion.median,
      f.providerCommandAtPlainStringMs.completion.median,
    ),
    roundTrip(
      `hover via vscode.executeHoverProvider, median (baseline: a plain string of the same file; JSON features ${f.jsonLanguageFeatures})`,
      f.providerCommandMs.hover.median,
      f.providerCommandAtPlainStringMs.hover.median,
    ),
  ];
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** The rows as a Markdown table (what the README's Performance section holds). */
export function markdownTable(rows: readonly BenchRow[]): string {
  const lines = ['| measure | figure | baseline | ratio | budget | within |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.measure} | ${fmt(r.figure)} ${r.unit} | ${fmt(r.baseline)} | ${fmt(r.ratio)} | ${r.budget} | ${r.ok ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  for (const b of benches) {
    process.stderr.write(`running ${b.name}…\n`);
    rows.push(...(await b.run()));
  }
  rows.push(...sizeRows());
  if (!process.argv.includes('--skip-extension')) {
    process.stderr.write('running the extension host performance suite…\n');
    rows.push(...extensionRows());
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · Node ${process.versions.node} · ${cpus().length} × ${cpu} · ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
  );
  console.log(markdownTable(rows));
  const failed = rows.filter((r) => !r.ok);
  console.log(`\n${rows.length - failed.length} of ${rows.length} within budget`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
