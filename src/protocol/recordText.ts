/**
 * How an execution record's time and outcome read, the same in the Execution Logs view and in the panel: one
 * time format (UTC, to the second) so a row and the record it opens say the same.
 */
import type { OutcomeClass } from '../core/types';

/** A record's ISO time as `2026-12-01 09:30:05 UTC`; text that is not a time is returned as is. */
export function formatRecordTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The short name of each outcome class. */
export const OUTCOME_NAMES: Record<OutcomeClass, string> = {
  accepted: 'accepted',
  redirect: 'redirect',
  rejected: 'rejected',
  'receiver-error': 'receiver error',
  'network-error': 'network error',
};
