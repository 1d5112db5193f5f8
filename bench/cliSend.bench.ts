/**
 * Whole-process time of `webhook-studio send` of a 1 KiB body to a loopback server (docs/architecture.md, "Performance budgets":
 * ≤ 0.25 s wall, median, startup included), next to a bare `node -e ''` started the same way.
 * Runs alternate between the two so changes in machine load touch both. Each child also reports
 * its own CPU time at exit (through a preload on fd 3), a figure other work on the machine disturbs less.
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
const BUDGET_MS = 250;
const CLI = resolve(__dirname, '..', 'dist', 'cli.js');

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const REPORT_CPU = `process.on('exit', () => { const u = process.cpuUsage(); try { require('fs').writeSync(3, String((u.user + u.system) / 1000)); } catch {} });\n`;

/** Starts `node args…` with the CPU preload; resolves with wall and CPU time once it exits 0. */
function timeProcess(args: readonly string[], cwd: string, preload: string): Promise<Sample> {
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
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      else resolvePromise({ wallMs, cpuMs: Number(cpu) });
    });
  });
}


const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Measures the CLI send against a bare node start; returns the wall-time and CPU-time rows. */
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
    const send = [CLI, 'send', 'bench.webhook.json'];
    const bare = ['-e', ''];
    for (let i = 0; i < WARMUP; i++) {
      await timeProcess(bare, dir, preload);
      await timeProcess(send, dir, preload);
    }
    const runs: Record<'bare' | 'send', Sample[]> = { bare: [], send: [] };
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first so a drift in machine load favours neither.
      const order = i % 2 === 0 ? (['bare', 'send'] as const) : (['send', 'bare'] as const);
      for (const which of order) runs[which].push(await timeProcess(which === 'bare' ? bare : send, dir, preload));
    }
    const sendWall = median(runs.send.map((s) => s.wallMs));
    const bareWall = median(runs.bare.map((s) => s.wallMs));
    const sendCpu = median(runs.send.map((s) => s.cpuMs));
    const bareCpu = median(runs.bare.map((s) => s.cpuMs));
    return [
      {
        measure: `CLI send of 1 KiB to loopback, whole process, wall (median of ${RUNS})`,
        figure: round1(sendWall),
        unit: 'ms',
        baseline: round1(bareWall),
        ratio: round3(sendWall / bareWall),
        budget: `≤ ${BUDGET_MS} ms wall (baseline: node -e '')`,
        ok: sendWall <= BUDGET_MS,
      },
      {
        measure: `CLI send of 1 KiB to loopback, whole process, CPU user+system (median of ${RUNS})`,
        figure: round1(sendCpu),
        unit: 'ms',
        baseline: round1(bareCpu),
        ratio: round3(sendCpu / bareCpu),
        budget: `≤ ${BUDGET_MS} ms CPU (baseline: node -e '')`,
        ok: sendCpu <= BUDGET_MS,
      },
    ];
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}


if (require.main === module) runAsScript(run);
