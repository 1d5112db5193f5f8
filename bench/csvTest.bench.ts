/**
 * `webhook-studio test --data contacts.csv --inbox` over a generated export of 100,000 contacts: peak RSS of
 * the whole process (budget ≤ 150 MiB) and rows per second, next to a bare csv-parse of the same file in a
 * process of its own (the baseline, measured in the same run). The CSV is generated here, never committed.
 * Needs `npm run build` (dist/cli.js). Run alone: node --import tsx bench/csvTest.bench.ts
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAsScript, type BenchRow } from './benchRow';

const ROWS = 100_000;
const BUDGET_MIB = 150;
const CLI = resolve(__dirname, '..', 'dist', 'cli.js');
const MiB = 1024 * 1024;

// Each child reports its peak resident set (KiB on Linux) through fd 3 as it exits.
const REPORT_RSS = `process.on('exit', () => { try { require('fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n`;

interface Run {
  readonly wallMs: number;
  readonly peakRssBytes: number;
  readonly stdout: string;
}

function runNode(args: readonly string[], cwd: string, preload: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', preload, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let rss = '';
    let stdout = '';
    let stderr = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (rss += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim().slice(-2000)}`));
      else resolvePromise({ wallMs, peakRssBytes: Number(rss) * 1024, stdout });
    });
  });
}

/** Writes a contacts export of `rows` rows, with quoted cells, tags and a custom field, as a CRM exports it. */
async function writeContacts(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('Contact Id,First Name,Last Name,Email,Phone,Tags,Lead Score,Company\n');
  for (let i = 0; i < rows; i++) {
    await write(`c_${i},Jane${i},Doe,jane${i}@example.com,+1555${String(i).padStart(7, '0')},"vip, newsletter",${i % 100},"Doe & Sons, Ltd"\n`);
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** Runs the benchmark; rows for the table of bench/run.ts. */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-csv-bench-'));
  try {
    const csv = join(dir, 'contacts.csv');
    await writeContacts(csv, ROWS);
    writeFileSync(
      join(dir, 'lead.webhook.json'),
      JSON.stringify({
        name: 'Push lead',
        method: 'POST',
        url: 'https://crm.example.com/leads/{{contact.id}}',
        body: { first_name: '{{contact.first_name}}', email: '{{contact.email}}', tags: '{{contact.tags}}', score: '{{contact.lead_score}}' },
        expect: { status: '2xx', json: { '$.ok': true } },
      }),
    );
    const preload = join(dir, 'report-rss.cjs');
    writeFileSync(preload, REPORT_RSS);
    const bare = join(dir, 'bare.cjs');
    writeFileSync(
      bare,
      `const { parse } = require(${JSON.stringify(require.resolve('csv-parse'))});\n` +
        `(async () => { let n = 0; for await (const _ of require('fs').createReadStream(process.argv[2]).pipe(parse({ bom: true }))) n++; console.log(n - 1); })();\n`,
    );
    const baseline = await runNode([bare, csv], dir, preload);
    if (Number(baseline.stdout.trim()) !== ROWS) throw new Error(`the bare parse read ${baseline.stdout.trim()} rows, not ${ROWS}`);
    const tested = await runNode([CLI, 'test', '--data', 'contacts.csv', '--inbox'], dir, preload);
    const summary = /(\d+) tests: (\d+) passed/.exec(tested.stdout);
    if (!summary || Number(summary[1]) !== ROWS + 1 || Number(summary[2]) !== ROWS + 1) throw new Error(`unexpected summary: ${tested.stdout.slice(-500)}`);
    const rowsPerSecond = ROWS / (tested.wallMs / 1000);
    const bareRowsPerSecond = ROWS / (baseline.wallMs / 1000);
    return [
      {
        measure: `test --data (${ROWS.toLocaleString('en')} rows) --inbox: peak RSS of the process (baseline: a bare csv-parse of the file)`,
        figure: Math.round(tested.peakRssBytes / MiB),
        unit: 'MiB',
        baseline: Math.round(baseline.peakRssBytes / MiB),
        ratio: Math.round((tested.peakRssBytes / baseline.peakRssBytes) * 100) / 100,
        budget: `≤ ${BUDGET_MIB} MiB`,
        ok: tested.peakRssBytes <= BUDGET_MIB * MiB,
      },
      {
        measure: 'test --data --inbox: rows per second, each rendered, sent, received, checked (baseline: bare csv-parse rows/s)',
        figure: Math.round(rowsPerSecond),
        unit: 'rows/s',
        baseline: Math.round(bareRowsPerSecond),
        ratio: Math.round((rowsPerSecond / bareRowsPerSecond) * 1000) / 1000,
        budget: 'figure only',
        ok: true,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runAsScript(run);
