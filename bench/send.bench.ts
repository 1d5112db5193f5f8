/**
 * Latency of HttpSender.send against a bare `undici.request` with the same Agent settings, for a 1 KiB POST
 * to a loopback server (docs/architecture.md, "Performance budgets": ≤ 1.15× the bare request). The server runs in a child process; the two
 * clients alternate request by request so drift in machine load favours neither.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { HttpSender } from '../src/core/http/index';
import type { PlainRequest } from '../src/core/types';
import { listenBareJson, median, runAsScript, startServerRole, type BenchRow } from './benchRow';

const WARMUP = 500;
const ROUNDS = 2_000;

/** Runs the interleaved requests and returns the median latencies and their ratio. */
export async function run(): Promise<BenchRow[]> {
  const { child, origin } = await startServerRole(__filename);
  // The sender's defaults, given to the bare agent too.
  const agent = new Agent({ headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });
  const sender = new HttpSender();
  const body = JSON.stringify({ data: 'x'.repeat(1024 - 11) });
  const req: PlainRequest = {
    method: 'POST',
    url: `${origin}/hooks/bench?source=bench`,
    headers: [
      ['Content-Type', 'application/json'],
      ['Authorization', 'Bearer bench-token'],
      ['X-Request-Id', 'bench-1'],
    ],
    body,
  };
  const flat = req.headers.flatMap(([name, value]) => [name, value]);
  const viaSender = async (): Promise<number> => {
    const started = performance.now();
    const result = await sender.send(req);
    if (!result.ok || result.response.status !== 200) throw new Error('sender request failed during the benchmark');
    return performance.now() - started;
  };
  const bare = async (): Promise<number> => {
    const started = performance.now();
    const response = await request(req.url, { dispatcher: agent, method: req.method, headers: flat, body: Buffer.from(body, 'utf8') });
    await response.body.arrayBuffer();
    if (response.statusCode !== 200) throw new Error('bare request failed during the benchmark');
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < WARMUP; i++) {
      await viaSender();
      await bare();
    }
    const senderTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        senderTimes.push(await viaSender());
        bareTimes.push(await bare());
      } else {
        bareTimes.push(await bare());
        senderTimes.push(await viaSender());
      }
    }
    const senderMedian = median(senderTimes);
    const bareMedian = median(bareTimes);
    const ratio = senderMedian / bareMedian;
    return [
      {
        measure: `HttpSender.send, 1 KiB POST to loopback, median of ${ROUNDS}`,
        figure: Math.round(senderMedian * 1000) / 1000,
        unit: 'ms',
        baseline: Math.round(bareMedian * 1000) / 1000,
        ratio: Math.round(ratio * 1000) / 1000,
        budget: '≤ 1.15× bare undici.request',
        ok: ratio <= 1.15,
      },
    ];
  } finally {
    await sender.close();
    await agent.close();
    child.kill();
  }
}

async function serve(): Promise<void> {
  process.send?.({ origin: await listenBareJson() });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) runAsScript(run, { server: serve });
