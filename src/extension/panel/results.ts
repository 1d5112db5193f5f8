/** Turns send outcomes and execution records into the panel's result payloads. */
import { DEFAULT_PREVIEW_BYTES } from '../../core/executionLog';
import type { ExecutionRecord } from '../../core/types';
import type { ResultParams } from '../../protocol/messages';
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
export function resultOf(outcome: SendOutcome, maxResponseBytes: number): ResultParams {
  const record = outcome.record;
  return {
    record: toRecordView(record, shownCap(maxResponseBytes)),
    ...(outcome.capture ? { capture: toCaptureView(outcome.capture) } : {}),
    ...(record.inbox ? { intended: toIntendedView(record.request) } : {}),
  };
}

/** A past execution record as the Response tab shows it. */
export function pastResultOf(record: ExecutionRecord, maxResponseBytes: number): ResultParams {
  return {
    record: toRecordView(record, shownCap(maxResponseBytes)),
    ...(record.inbox ? { intended: toIntendedView(record.request) } : {}),
  };
}
