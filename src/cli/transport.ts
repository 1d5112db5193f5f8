/**
 * The transport a sending command runs with: a local inbox when asked for (the only origin always allowed
 * past the private-address policy), an HTTP sender with the environment's proxy, and an abort signal that
 * Ctrl+C fires. `withTransport` closes both whatever the command does.
 */
import { HttpSender, proxyFromEnv } from '../core/http';
import { startInbox, type Inbox } from '../core/inbox';
import type { CliIo } from './io';

/** What a sending command sends through. */
export interface CliTransport {
  readonly http: HttpSender;
  readonly inbox: Inbox | undefined;
  readonly signal: AbortSignal;
}

/** Runs `work` with a sender (and a local inbox when `toInbox`), closing both afterwards. */
export async function withTransport<T>(io: CliIo, toInbox: boolean, work: (t: CliTransport) => Promise<T>): Promise<T> {
  let inbox: Inbox | undefined;
  let http: HttpSender | undefined;
  const cancel = new AbortController();
  void io.interrupted().then(() => cancel.abort());
  try {
    if (toInbox) inbox = await startInbox();
    http = new HttpSender({ proxy: proxyFromEnv(io.env), alwaysAllowedOrigins: inbox ? [inbox.url] : [] });
    return await work({ http, inbox, signal: cancel.signal });
  } finally {
    await http?.close();
    await inbox?.close();
  }
}
