/** Display formatting of sizes, times and outcome classes. */
import type { RecordView } from '../src/protocol/messages';

/** Bytes as B, KiB or MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Milliseconds, or seconds above ten thousand. */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The label and codicon of each result class, as the platform's execution log reads them. */
export const OUTCOMES: Record<RecordView['outcome'], { label: string; detail: string; icon: string }> = {
  accepted: { label: 'Accepted', detail: 'the receiver took the request', icon: 'pass' },
  redirect: { label: 'Redirect', detail: 'redirects are not followed unless enabled', icon: 'arrow-right' },
  rejected: { label: 'Rejected', detail: 'usually authentication or payload format', icon: 'warning' },
  'receiver-error': { label: 'Receiver error', detail: 'the receiver failed while handling it', icon: 'error' },
  'network-error': { label: 'Network error', detail: 'no response was received', icon: 'debug-disconnect' },
};
