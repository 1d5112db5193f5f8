/**
 * The CLI's exit codes (docs/architecture.md, "The CLI"): 0 ok; 1 checks failed (lint error, expectation,
 * a refused send, a non-2xx response); 2 usage or unreadable input; 3 network, TLS or timeout failures only,
 * so CI can tell "the action is wrong" from "the receiver is down".
 */
import type { ExecutionRecord, SendErrorCode } from '../core/types';

/** The exit codes by meaning. */
export const EXIT = { ok: 0, failed: 1, usage: 2, network: 3 } as const;

// Failures of reaching the receiver; the others (a blocked address, a redirect loop, an OAuth refusal, an
// invalid request, Cancel) say something about the action or the run, not about the receiver being down.
const NETWORK: ReadonlySet<SendErrorCode> = new Set([
  'refused',
  'dns',
  'connect-timeout',
  'headers-timeout',
  'body-timeout',
  'timeout',
  'reset',
  'tls-expired',
  'tls-self-signed',
  'tls-hostname',
  'tls',
  'malformed-response',
  'unknown',
]);

/** True for a network, TLS or timeout failure (exit 3). */
export function isNetworkFailure(code: SendErrorCode): boolean {
  return NETWORK.has(code);
}

/** The exit code of one sent record: 0 for a 2xx whose checks all passed, 3 for a network failure, else 1. */
export function exitCodeOfRecord(record: ExecutionRecord): number {
  if (record.error && isNetworkFailure(record.error.code)) return EXIT.network;
  if (!record.response) return EXIT.failed;
  if (record.checks?.some((c) => !c.passed)) return EXIT.failed;
  // An expected status decides alone; without one, anything but a 2xx fails.
  if (record.checks?.some((c) => c.name === 'status')) return EXIT.ok;
  return record.outcome === 'accepted' ? EXIT.ok : EXIT.failed;
}
