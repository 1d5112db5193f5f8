import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
/** One printed benchmark figure, compared with its baseline and budget (docs/architecture.md, "Performance budgets"). */
export interface BenchRow {
  measure: string;
  figure: number;
  unit: string;
  baseline: number;
  ratio: number;
  budget: string;
  ok: boolean;
}

/** Prints rows one a line, as a benchmark run on its own shows them. */
export function printRows(rows: readonly BenchRow[]): void {
  for (const row of rows) {
    console.log(
      `${row.ok ? 'ok  ' : 'FAIL'} ${row.measure}: ${row.figure} ${row.unit} vs ${row.baseline} ${row.unit} baseline → ${row.ratio}× (budget ${row.budget})`,
    );
  }
}

/**
 * Runs a benchmark file given on the command line: the role named by `--role=NAME` (a child process the
 * benchmark forks), else the benchmark itself with its rows printed.
 */
export function runAsScript(run: () => Promise<BenchRow[]>, roles: Record<string, () => Promise<void>> = {}): void {
  const role = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  const main = role !== undefined && roles[role] ? roles[role] : async () => printRows(await run());
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** The median of a list of figures. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Forks `file` in the given role and waits for the origin its server reports over IPC. */
export function startServerRole(file: string, role = 'server'): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(file, [`--role=${role}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('benchmark server did not start')), 30_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ child, origin: (message as { origin: string }).origin });
    });
  });
}

/** The answer of the bare baseline servers, the same as the inbox's default. */
const BARE_ANSWER = '{"ok":true}';

/** A bare node:http server on loopback that reads each request and answers 200 with BARE_ANSWER. */
export async function listenBareJson(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BARE_ANSWER.length });
      res.end(BARE_ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
