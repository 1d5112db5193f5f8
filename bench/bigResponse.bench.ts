/**
 * A 200 MiB response (docs/architecture.md, "Performance budgets"): peak RSS growth of HttpSender.send with the default 5 MiB cap must stay
 * within cap + 32 MiB, and the send must finish within 2× a bare streamed read of the whole body with
 * `undici.request`. The server runs in a child process so its memory does not count. With the cap, the sender
 * stops reading at 5 MiB and closes the connection, so it reads far less than the bare baseline.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { DEFAULT_MAX_BODY_BYTES, HttpSender } from '../src/core/http/index';
import { median, runAsScript, startServerRole, type BenchRow } from './benchRow';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const MEMORY_RUNS = 3;
const TIME_RUNS = 5;

/** Runs `work` while sampling RSS every 2 ms; returns the peak growth over the RSS at the start. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

/** Measures the sender against the bare streamed read and returns memory, time and event-loop rows. */
export async function run(): Promise<BenchRow[]> {
  const { child, origin } = await startServerRole(__filename);
  const sender = new HttpSender();
  const agent = new Agent({ headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });
  const url = `${origin}/big`;
  const viaSender = async (): Promise<number> => {
    const started = performance.now();
    const result = await sender.send({ method: 'GET', url, headers: [], body: null });
    if (!result.ok || !result.response.truncated || result.response.size !== DEFAULT_MAX_BODY_BYTES) {
      throw new Error('the sender did not cap the 200 MiB response');
    }
    return performance.now() - started;
  };
  const bare = async (): Promise<number> => {
    const started = performance.now();
    const response = await request(url, { dispatcher: agent });
    let read = 0;
    for await (const chunk of response.body) read += (chunk as Buffer).length;
    if (read !== SIZE) throw new Error(`bare read ${read} bytes`);
    return performance.now() - started;
  };
  try {
    // Memory first, before any bare read has grown the heap: a later run would hide growth in freed pages.
    const growths: number[] = [];
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    for (let i = 0; i < MEMORY_RUNS; i++) growths.push(await peakRssGrowth(viaSender));
    stalls.disable();
    const senderTimes: number[] = [];
    const bareTimes: number[] = [];
    await bare();
    for (let i = 0; i < TIME_RUNS; i++) {
      senderTimes.push(await viaSender());
      bareTimes.push(await bare());
    }
    const growthMiB = Math.max(...growths) / MiB;
    const budgetMiB = DEFAULT_MAX_BODY_BYTES / MiB + 32;
    const senderMs = median(senderTimes);
    const bareMs = median(bareTimes);
    const stallMs = stalls.max / 1e6;
    return [
      {
        measure: 'peak RSS growth, 200 MiB response, default 5 MiB cap (worst of 3)',
        figure: Math.round(growthMiB * 10) / 10,
        unit: 'MiB',
        baseline: budgetMiB,
        ratio: Math.round((growthMiB / budgetMiB) * 1000) / 1000,
        budget: `≤ cap + 32 MiB (${budgetMiB} MiB)`,
        ok: growthMiB <= budgetMiB,
      },
      {
        measure: `HttpSender.send of a 200 MiB response, capped (median of ${TIME_RUNS})`,
        figure: Math.round(senderMs * 10) / 10,
        unit: 'ms',
        baseline: Math.round(bareMs * 10) / 10,
        ratio: Math.round((senderMs / bareMs) * 1000) / 1000,
        budget: '≤ 2× a bare streamed read of the whole body',
        ok: senderMs <= 2 * bareMs,
      },
      {
        measure: 'longest event-loop stall during the capped 200 MiB sends',
        figure: Math.round(stallMs * 10) / 10,
        unit: 'ms',
        baseline: 50,
        ratio: Math.round((stallMs / 50) * 1000) / 1000,
        budget: '≤ 50 ms',
        ok: stallMs <= 50,
      },
    ];
  } finally {
    await sender.close();
    await agent.close();
    child.kill();
  }
}

async function serve(): Promise<void> {
  const block = Buffer.alloc(256 * 1024, 0x61);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) });
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE && !res.destroyed) {
        sent += block.length;
        if (!res.write(block)) {
          res.once('drain', pump);
          return;
        }
      }
      if (sent >= SIZE) res.end();
    };
    res.on('error', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) runAsScript(run, { server: serve });
