/** Turns send outcomes and execution records into the panel's result payloads, and keeps the last one of each file and sample. */
import { DEFAULT_PREVIEW_BYTES } from '../../core/executionLog';
import type { ExecutionRecord } from '../../core/types';
import type { ResultOwner, ResultParams } from '../../protocol/messages';
import { toCaptureView, toIntendedView, toRecordView } from '../../protocol/views';
import type { SendOutcome } from '../send';

/**
 * The body bytes a record shows at most: the sender's cap, or the record's own preview cap when smaller.
 * The truncation notice names this figure, so it must be what the panel really holds.
 */
export function shownCap(maxResponseBytes: number): number {
  return Math.min(maxResponseBytes, DEFAULT_PREVIEW_BYTES);
}

/** The result of a send as the Response tab shows it: the record, and for inbox sends the capture next to the intended request. */
export function resultOf(outcome: SendOutcome, maxResponseBytes: number, owner: ResultOwner): ResultParams {
  const record = outcome.record;
  return {
    owner: { ...owner },
    record: toRecordView(record, shownCap(maxResponseBytes)),
    ...(outcome.capture ? { capture: toCaptureView(outcome.capture) } : {}),
    ...(record.inbox ? { intended: toIntendedView(record.request) } : {}),
  };
}

/** A past execution record as the Response tab shows it, under the file (and sample) it is shown with. */
export function pastResultOf(record: ExecutionRecord, maxResponseBytes: number, owner: ResultOwner): ResultParams {
  return {
    owner: { ...owner },
    record: toRecordView(record, shownCap(maxResponseBytes)),
    ...(record.inbox ? { intended: toIntendedView(record.request) } : {}),
  };
}

/** How many file-and-sample pairs keep their last result; the oldest is forgotten first. */
export const MAX_KEPT_RESULTS = 50;

/** The last result of each file and sample, so that coming back to a file shows its own response. */
export class ResultStore {
  private readonly results = new Map<string, ResultParams>();

  constructor(private readonly max = MAX_KEPT_RESULTS) {}

  static key(owner: ResultOwner): string {
    return JSON.stringify([owner.fileUri, owner.sampleId]);
  }

  /** Keeps `result` as the last one of its owner. */
  set(result: ResultParams): void {
    const key = ResultStore.key(result.owner);
    this.results.delete(key);
    this.results.set(key, result);
    while (this.results.size > this.max) this.results.delete(this.results.keys().next().value!);
  }

  /** The last result of `owner`, if any. */
  get(owner: ResultOwner): ResultParams | undefined {
    return this.results.get(ResultStore.key(owner));
  }

  get size(): number {
    return this.results.size;
  }
}
