/** `webhook-studio send <file>`: renders, sends, prints the outcome; exit 0 only on a 2xx. */
import { resolve } from 'node:path';
import { buildRecord, formatRecord, JsonLinesLog } from '../core/executionLog';
import { HttpSender, proxyFromEnv } from '../core/http';
import { captureToRawText, inboxUrlFor, startInbox, type Inbox } from '../core/inbox';
import { shouldRefreshOn } from '../core/oauth';
import { toPlainRequest } from '../core/redact';
import { redactText } from '../core/secretSources';
import type { Capture, ExecutionRecord, PlainRequest, RenderResult, SendResult } from '../core/types';
import { integerOption, parseCommandArgs } from './args';
import { colorsFor, printable, withSpinner, type CliIo } from './io';
import { USAGE } from './usage';
import { analyse, cliTokens, COMMON_OPTIONS, diagnosticLine, diagnosticsJson, openSession, readAction, renderOptions, shownPath, UsageError } from './session';

/** Runs `send`; resolves with the exit code. */
export async function runSend(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_OPTIONS, inbox: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' }, log: { type: 'string' } },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['send']}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`send takes one file, got ${positionals.length}`, true);
  const timeoutMs = integerOption(values.timeout, '--timeout', 1, 3_600_000);
  const action = await readAction(positionals[0], io);
  const session = await openSession(values, io);
  const c = colorsFor(io.stderrIsTTY, io.env);
  const oauth = cliTokens(action.doc, session.secrets, io.env, io.seen);
  for (const connection of oauth.connections) {
    const ready = await oauth.tokens.ensureToken(connection);
    if (!ready.ok) {
      io.err(`webhook-studio: ${ready.error.message}\n  hint: ${ready.error.hint} (see webhook-studio send --help)\n`);
      return 1;
    }
  }
  const options = renderOptions(session, oauth.source);
  let analysed = analyse(action.doc, session, options);
  const problems = diagnosticsJson(action.doc.text, analysed.diagnostics).filter((d) => d.severity !== 'info');
  for (const d of problems) io.err(`${diagnosticLine(action.shown, d, c)}\n`);
  const refusal = action.doc.syntax.some((d) => d.severity === 'error') ? 'the file is not valid JSON (see above)' : refuse(analysed.render);
  if (refusal) {
    io.err(`webhook-studio: not sent: ${refusal}\n`);
    return 1;
  }

  let inbox: Inbox | undefined;
  const sender = () => new HttpSender({ proxy: proxyFromEnv(io.env), alwaysAllowedOrigins: inbox ? [inbox.url] : [] });
  let http: HttpSender | undefined;
  try {
    if (values.inbox) inbox = await startInbox();
    http = sender();
    const target = (request: PlainRequest): PlainRequest => (inbox ? { ...request, url: inboxUrlFor(request.url, inbox.url) } : request);
    const sendOnce = (render: RenderResult) =>
      withSpinner(io, `sending to ${hostOf(target(toPlainRequest(render.request, true)).url)}…`, http!.send(target(toPlainRequest(render.request, true)), { timeoutMs }));
    let result = await sendOnce(analysed.render);
    const connection = oauth.connections[0];
    if (result.ok && connection !== undefined && shouldRefreshOn(result.response.status) && oauth.tokens.canRefresh(connection)) {
      oauth.tokens.invalidate(connection);
      const again = await oauth.tokens.ensureToken(connection);
      if (again.ok) {
        analysed = analyse(action.doc, session, options);
        result = await sendOnce(analysed.render);
      }
    }
    const masked = target(toPlainRequest(analysed.render.request, false));
    const record = redactRecord(
      buildRecord({ file: shownPath(action.path, io.cwd), sample: session.selected.name, request: masked, result, inbox: inbox !== undefined }),
      io.seen,
    );
    const capture = inbox ? await inbox.waitForCapture(result.ok ? 1000 : 0) : undefined;

    if (values.log !== undefined) await new JsonLinesLog(resolve(io.cwd, values.log)).append(record);
    if (values.json) {
      io.out(`${JSON.stringify(capture ? { ...record, capture: captureJson(capture, io.seen) } : record)}\n`);
    } else {
      io.out(`${colourOutcome(formatRecord(record), record, colorsFor(io.stdoutIsTTY, io.env))}\n`);
      if (capture) io.out(`\nReceived by the local inbox:\n${printable(redactText(captureToRawText(capture), io.seen))}\n`);
    }
    return exitCodeOf(result);
  } finally {
    await http?.close();
    await inbox?.close();
  }
}

/** Why a rendered request must not be sent, or undefined. */
function refuse(render: RenderResult): string | undefined {
  if (!render.sendable) return 'the request has errors (see above)';
  const missing = new Set(render.unresolved.map((u) => u.path).filter((p) => p.startsWith('secrets.') || p.startsWith('oauth2:')));
  if (missing.size === 0) return undefined;
  return [...missing]
    .map((path) =>
      path.startsWith('oauth2:')
        ? `no access token for OAuth connection "${path.slice(7)}" (see send --help)`
        : `secret ${path.slice(8)} is not set: pass --secret ${path.slice(8)}=… or set WEBHOOK_STUDIO_SECRET_${path.slice(8)}`,
    )
    .join('; ');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function exitCodeOf(result: SendResult): number {
  return result.ok && result.response.status >= 200 && result.response.status < 300 ? 0 : 1;
}

/** The record with every secret value redacted from every string, response included (a server may echo them). */
function redactRecord(record: ExecutionRecord, secrets: Set<string>): ExecutionRecord {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value, secrets);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(record) as ExecutionRecord;
}

function captureJson(capture: Capture, secrets: Set<string>) {
  return {
    method: capture.method,
    target: redactText(capture.target, secrets),
    httpVersion: capture.httpVersion,
    headers: capture.rawHeaders.map(([name, value]) => [name, redactText(value, secrets)]),
    body: redactText(new TextDecoder().decode(capture.body), secrets),
    bodySize: capture.bodySize,
    bodyTruncated: capture.bodyTruncated,
  };
}

function colourOutcome(text: string, record: ExecutionRecord, c: ReturnType<typeof colorsFor>): string {
  const paint = record.outcome === 'accepted' ? c.green : record.outcome === 'redirect' ? c.yellow : c.red;
  const lines = text.split('\n');
  if (lines.length > 1) lines[1] = paint(lines[1]!);
  return lines.join('\n');
}
