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
