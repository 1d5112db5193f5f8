/**
 * The contract check of every sample (docs/architecture.md, "Contracts"): what `validate` reports, what the editor shows
 * on demand, and what a command that sends every sample can call before sending. Pure: the check comes from the face.
 */
import type { ActionDocument } from '../document';
import { render } from '../render';
import type { Diagnostic, RenderOptions, Sample } from '../types';
import type { ContractCheck } from './check';

/** The contract violations of every sample's render, in sample order, each naming its sample. */
export function checkAllSamples(doc: ActionDocument, samples: readonly Sample[], options: RenderOptions, check: ContractCheck): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const sample of samples) {
    for (const d of check(doc, render(doc, sample, options), sample)) {
      // The same structural problem (a missing field, an unknown operation) is named once per range and message.
      const key = `${d.range.start}|${d.range.end}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}
