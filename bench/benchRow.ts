/** One printed benchmark figure, compared with its baseline and budget (DESIGN §15). */
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
