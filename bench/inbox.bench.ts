/**
 * Inbox throughput against a bare node:http server answering the same `200 {"ok":true}` (DESIGN §15:
 * the inbox sustains ≥ 0.8× the bare requests/s). Each server runs in its own child process and a third
 * process drives the same bounded load at each in turn, interleaved, so both see the same machine state.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { startInbox } from '../src/core/inbox';
import type { BenchRow } from './benchRow';

const CONNECTIONS = 50;
const RUN_MS = 2_000;
const WARMUP_MS = 2_000;
const ROUNDS = 5;
const BODY_BYTES = 1024;
const ANSWER = '{"ok":true}';

type Role = 'inbox-server' | 'bare-server' | 'load';

interface LoadCommand {
  readonly origin: string;
  readonly durationMs: number;
}

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
}

function startChild(role: Role): ChildProcess {
  return fork(__filename, [`--role=${role}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('benchmark child did not answer in time')), timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
  });
}

async function drive(load: ChildProcess, origin: string, durationMs: number): Promise<LoadResult> {
  const command: LoadCommand = { origin, durationMs };
  const answer = nextMessage<LoadResult>(load, durationMs + 30_000);
  load.send(command);
  const result = await answer;
  if (result.errors > 0) throw new Error(`${result.errors} requests to ${origin} failed during the benchmark`);
  return result;
}


/** Runs the interleaved load and returns the inbox's requests/s against the bare server's. */
export async function run(): Promise<BenchRow[]> {
  const children = [startChild('bare-server'), startChild('inbox-server'), startChild('load')];
  const [bare, inbox, load] = children as [ChildProcess, ChildProcess, ChildProcess];
  try {
    const [bareOrigin, inboxOrigin] = await Promise.all([
      nextMessage<{ origin: string }>(bare, 30_000),
      nextMessage<{ origin: string }>(inbox, 30_000),
    ]);
    await nextMessage<{ ready: true }>(load, 30_000);
    await drive(load, bareOrigin.origin, WARMUP_MS);
    await drive(load, inboxOrigin.origin, WARMUP_MS);
    const bareRates: number[] = [];
    const inboxRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first so drift in machine load favours neither.
      const order = round % 2 === 0 ? (['bare', 'inbox'] as const) : (['inbox', 'bare'] as const);
      for (const which of order) {
        const result = await drive(load, which === 'bare' ? bareOrigin.origin : inboxOrigin.origin, RUN_MS);
        (which === 'bare' ? bareRates : inboxRates).push((result.requests * 1000) / result.elapsedMs);
        if (process.env.BENCH_VERBOSE) console.log(which, Math.round((result.requests * 1000) / result.elapsedMs));
      }
    }
    // Best of the rounds: other work on the machine can only slow a run down, never speed it up.
    const bareRps = Math.max(...bareRates);
    const inboxRps = Math.max(...inboxRates);
    const ratio = inboxRps / bareRps;
    return [
      {
        measure: `inbox requests/s (1 KiB POST, ${CONNECTIONS} connections, best of ${ROUNDS}×${RUN_MS / 1000} s)`,
        figure: Math.round(inboxRps),
        unit: 'req/s',
        baseline: Math.round(bareRps),
        ratio: Math.round(ratio * 1000) / 1000,
        budget: '≥ 0.8× bare node:http',
        ok: ratio >= 0.8,
      },
    ];
  } finally {
    for (const child of children) child.kill();
  }
}

async function serveInbox(): Promise<void> {
  const inbox = await startInbox();
  process.send?.({ origin: inbox.url });
}

async function serveBare(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function generateLoad(): Promise<void> {
  const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(BODY_BYTES - 11) }));
  process.on('message', (message) => {
    const { origin, durationMs } = message as LoadCommand;
    void (async () => {
      const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
      let requests = 0;
      let errors = 0;
      const started = performance.now();
      const deadline = started + durationMs;
      const worker = async (): Promise<void> => {
        while (performance.now() < deadline) {
          try {
            const response = await pool.request({
              path: '/hooks/bench?source=load',
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            });
            await response.body.dump();
            requests++;
          } catch {
            errors++;
          }
        }
      };
      await Promise.all(Array.from({ length: CONNECTIONS }, worker));
      const elapsedMs = performance.now() - started;
      await pool.close();
      const result: LoadResult = { requests, errors, elapsedMs };
      process.send?.(result);
    })();
  });
  process.send?.({ ready: true });
}

function printRows(rows: readonly BenchRow[]): void {
  for (const row of rows) {
    console.log(
      `${row.ok ? 'ok  ' : 'FAIL'} ${row.measure}: ${row.figure} ${row.unit} vs ${row.baseline} ${row.unit} bare → ${row.ratio}× (budget ${row.budget})`,
    );
  }
}

if (require.main === module) {
  const role = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  const main =
    role === 'inbox-server' ? serveInbox : role === 'bare-server' ? serveBare : role === 'load' ? generateLoad : async () => printRows(await run());
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
