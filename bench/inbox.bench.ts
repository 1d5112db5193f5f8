/**
 * Inbox throughput against a bare node:http server answering the same `200 {"ok":true}` (docs/architecture.md, "Performance budgets":
 * the inbox sustains ≥ 0.8× the bare requests/s), with its default answer and with rules on (`RULES`: four rules
 * that do not match, one of them on a path of the JSON body, then one that does). Each server runs in its own child
 * process and another process drives the same bounded load at each in turn, interleaved, so all see the same machine state.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import { startInbox } from '../src/core/inbox';
import type { InboxRulesSpec } from '../src/core/inboxRules';
import { listenBareJson, runAsScript, type BenchRow } from './benchRow';

const CONNECTIONS = 50;
const RUN_MS = 2_000;
const WARMUP_MS = 2_000;
const ROUNDS = 5;
const BODY_BYTES = 1024;

type Role = 'inbox-server' | 'rules-server' | 'bare-server' | 'load';

/** Rules as a receiver rehearsal has them: the request is checked against each before the one that answers. */
const RULES: InboxRulesSpec = {
  rules: [
    { name: 'deletes', match: { method: 'DELETE' }, respond: { status: 204 } },
    { name: 'other path', match: { path: '/leads/**' }, respond: { status: 201 } },
    { name: 'signed', match: { headers: { 'x-signature': 'abc' } }, respond: { status: 401 } },
    { name: 'no data', match: { path: '/hooks/**', body: { data: { missing: true } } }, respond: { status: 422, body: { error: 'data is required' } } },
    { name: 'accepted', match: { method: 'POST', path: '/hooks/*' }, respond: { status: 200, body: { ok: true } } },
  ],
};

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

/** CPU time (µs, user + system) a server child has used so far. */
async function cpuOf(server: ChildProcess): Promise<number> {
  const answer = nextMessage<{ cpuMicros: number }>(server, 10_000);
  server.send('cpu');
  return (await answer).cpuMicros;
}

interface Measured {
  readonly rate: number;
  readonly cpuPerRequest: number;
}

async function measure(load: ChildProcess, server: ChildProcess, origin: string, durationMs: number): Promise<Measured> {
  const before = await cpuOf(server);
  const result = await drive(load, origin, durationMs);
  const after = await cpuOf(server);
  return { rate: (result.requests * 1000) / result.elapsedMs, cpuPerRequest: (after - before) / result.requests };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Runs the interleaved load and returns the inbox's requests/s against the bare server's, and the
 * server CPU time per request of both (a figure other work on the machine disturbs much less).
 */
export async function run(): Promise<BenchRow[]> {
  const children = [startChild('bare-server'), startChild('inbox-server'), startChild('rules-server'), startChild('load')];
  const [bare, inbox, ruled, load] = children as [ChildProcess, ChildProcess, ChildProcess, ChildProcess];
  try {
    const [bareOrigin, inboxOrigin, rulesOrigin] = await Promise.all([
      nextMessage<{ origin: string }>(bare, 30_000),
      nextMessage<{ origin: string }>(inbox, 30_000),
      nextMessage<{ origin: string }>(ruled, 30_000),
    ]);
    await nextMessage<{ ready: true }>(load, 30_000);
    const servers = {
      bare: { child: bare, origin: bareOrigin.origin },
      inbox: { child: inbox, origin: inboxOrigin.origin },
      rules: { child: ruled, origin: rulesOrigin.origin },
    };
    await drive(load, servers.bare.origin, WARMUP_MS);
    await drive(load, servers.inbox.origin, WARMUP_MS);
    await drive(load, servers.rules.origin, WARMUP_MS);
    const runs: Record<'bare' | 'inbox' | 'rules', Measured[]> = { bare: [], inbox: [], rules: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate which server goes first so drift in machine load favours none.
      const orders = [
        ['bare', 'inbox', 'rules'],
        ['inbox', 'rules', 'bare'],
        ['rules', 'bare', 'inbox'],
      ] as const;
      const order = orders[round % orders.length]!;
      for (const which of order) {
        const measured = await measure(load, servers[which].child, servers[which].origin, RUN_MS);
        runs[which].push(measured);
        if (process.env.BENCH_VERBOSE) console.log(which, Math.round(measured.rate), 'req/s', measured.cpuPerRequest.toFixed(1), 'µs CPU/req');
      }
    }
    // Best of the rounds: other work on the machine can only slow a run down, never speed it up.
    const bareRps = Math.max(...runs.bare.map((m) => m.rate));
    const inboxRps = Math.max(...runs.inbox.map((m) => m.rate));
    const rulesRps = Math.max(...runs.rules.map((m) => m.rate));
    const bareCpu = Math.min(...runs.bare.map((m) => m.cpuPerRequest));
    const inboxCpu = Math.min(...runs.inbox.map((m) => m.cpuPerRequest));
    const rulesCpu = Math.min(...runs.rules.map((m) => m.cpuPerRequest));
    const load1k = `1 KiB POST, ${CONNECTIONS} connections, best of ${ROUNDS}×${RUN_MS / 1000} s`;
    return [
      {
        measure: `inbox requests/s (${load1k})`,
        figure: Math.round(inboxRps),
        unit: 'req/s',
        baseline: Math.round(bareRps),
        ratio: round3(inboxRps / bareRps),
        budget: '≥ 0.8× bare node:http',
        ok: inboxRps / bareRps >= 0.8,
      },
      {
        measure: `inbox server CPU per request (${load1k})`,
        figure: round3(inboxCpu),
        unit: 'µs',
        baseline: round3(bareCpu),
        ratio: round3(inboxCpu / bareCpu),
        budget: '≤ 1.25× bare node:http (the CPU side of ≥ 0.8× req/s)',
        ok: inboxCpu / bareCpu <= 1.25,
      },
      {
        measure: `inbox requests/s, rules on (${RULES.rules!.length} rules, the last answers; ${load1k})`,
        figure: Math.round(rulesRps),
        unit: 'req/s',
        baseline: Math.round(bareRps),
        ratio: round3(rulesRps / bareRps),
        budget: '≥ 0.8× bare node:http',
        ok: rulesRps / bareRps >= 0.8,
      },
      {
        measure: `inbox server CPU per request, rules on (${load1k})`,
        figure: round3(rulesCpu),
        unit: 'µs',
        baseline: round3(bareCpu),
        ratio: round3(rulesCpu / bareCpu),
        // Higher than the default answer's: the fourth rule parses every 1 KiB body as JSON, which a bare server never does.
        budget: '≤ 1.5× bare node:http (a body rule parses each body as JSON)',
        ok: rulesCpu / bareCpu <= 1.5,
      },
    ];
  } finally {
    for (const child of children) child.kill();
  }
}

function answerCpuQueries(): void {
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const usage = process.cpuUsage();
    process.send?.({ cpuMicros: usage.user + usage.system });
  });
}

async function serveInbox(): Promise<void> {
  const inbox = await startInbox();
  answerCpuQueries();
  process.send?.({ origin: inbox.url });
}

async function serveRules(): Promise<void> {
  const inbox = await startInbox({ rules: RULES });
  answerCpuQueries();
  process.send?.({ origin: inbox.url });
}

async function serveBare(): Promise<void> {
  const origin = await listenBareJson();
  answerCpuQueries();
  process.send?.({ origin });
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

if (require.main === module) runAsScript(run, { 'inbox-server': serveInbox, 'rules-server': serveRules, 'bare-server': serveBare, load: generateLoad });
