/**
 * Whole-process time of the `webhook-studio` CLI on small actions, next to a bare `node -e ''` started the
 * same way: `--version`, `render` and `validate` of a small action, and `send` of a 1 KiB body to a
 * loopback server. Budgets are ratios to the bare start measured in the same run. Runs rotate through
 * the commands so changes in machine load touch all of them. Each child also reports its own CPU time at
 * exit (through a preload on fd 3), a figure other work on the machine disturbs less.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, runAsScript, type BenchRow } from './benchRow';

const RUNS = 20;
const WARMUP = 2;
const CLI = resolve(__dirname, '..', 'dist', 'cli.js');

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const REPORT_CPU = `process.on('exit', () => { const u = process.cpuUsage(); try { require('fs').writeSync(3, String((u.user + u.system) / 1000)); } catch {} });\n`;

/** Starts `node args…` with the CPU preload; resolves with wall and CPU time once it exits with `expected`. */
function timeProcess(args: readonly string[], cwd: string, preload: string, expected = 0): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', preload, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let cpu = '';
    let stderr = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (cpu += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (code !== expected) reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      else resolvePromise({ wallMs, cpuMs: Number(cpu) });
    });
  });
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

interface Case {
  readonly key: string;
  readonly label: string;
  readonly args: readonly string[];
  /** Budget on the ratio to the bare node start. */
  readonly budget: number;
}

/** Measures each CLI command against a bare node start; returns a wall-time and a CPU-time row per command. */
export async function run(): Promise<BenchRow[]> {
  statSync(CLI); // the CLI must be built (npm run build) before this benchmark
  const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-bench-'));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const action = {
      name: 'Bench send',
      method: 'POST',
      url: `http://127.0.0.1:${port}/hooks/bench?x=1`,
      headers: { 'X-Request-Id': 'bench' },
      body: { email: '{{contact.email}}', data: 'x'.repeat(980) },
    };
    writeFileSync(join(dir, 'bench.webhook.json'), JSON.stringify(action, null, 2));
    const preload = join(dir, 'reportCpu.cjs');
    writeFileSync(preload, REPORT_CPU);
    const cases: Case[] = [
      { key: 'bare', label: "node -e ''", args: ['-e', ''], budget: 1 },
      { key: 'version', label: 'CLI --version', args: [CLI, '--version'], budget: 1.3 },
      { key: 'render', label: 'CLI render of a small action', args: [CLI, 'render', 'bench.webhook.json'], budget: 1.8 },
      { key: 'validate', label: 'CLI validate of a small action', args: [CLI, 'validate', 'bench.webhook.json'], budget: 1.8 },
      { key: 'send', label: 'CLI send of 1 KiB to loopback', args: [CLI, 'send', 'bench.webhook.json'], budget: 2.5 },
    ];
    for (let i = 0; i < WARMUP; i++) for (const c of cases) await timeProcess(c.args, dir, preload);
    const runs = new Map<string, Sample[]>(cases.map((c) => [c.key, []]));
    for (let i = 0; i < RUNS; i++) {
      // Rotate which goes first so a drift in machine load favours none.
      for (let j = 0; j < cases.length; j++) {
        const c = cases[(i + j) % cases.length]!;
        runs.get(c.key)!.push(await timeProcess(c.args, dir, preload));
      }
    }
    const wall = (key: string) => median(runs.get(key)!.map((s) => s.wallMs));
    const cpu = (key: string) => median(runs.get(key)!.map((s) => s.cpuMs));
    const rows: BenchRow[] = [];
    for (const c of cases.slice(1)) {
      for (const [what, figure] of [['wall', wall] as const, ['CPU user+system', cpu] as const]) {
        const ratio = figure(c.key) / figure('bare');
        rows.push({
          measure: `${c.label}, whole process, ${what} (median of ${RUNS})`,
          figure: round1(figure(c.key)),
          unit: 'ms',
          baseline: round1(figure('bare')),
          ratio: round3(ratio),
          budget: `≤ ${c.budget}× node -e ''`,
          ok: ratio <= c.budget,
        });
      }
    }
    return rows;
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runAsScript(run);
