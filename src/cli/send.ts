/** `webhook-studio send <file>`: renders, sends, checks `expect`, prints the outcome; exit 0, 1 or 3 (see exitCodes.ts). */
import { resolve } from 'node:path';
import { formatRecord, JsonLinesLog } from '../core/executionLog';
import { captureToRawText } from '../core/inbox';
import { sendAction, type SendRefusal } from '../core/sendAction';
import type { Capture, ExecutionRecord } from '../core/types';
import { integerOption, parseCommandArgs } from './args';
import { exitCodeOfRecord } from './exitCodes';
import { colorsFor, printable, withSpinner, type CliIo } from './io';
import { withTransport } from './transport';
import { USAGE } from './usage';
import {
  analyse,
  cliTokens,
  COMMON_OPTIONS,
  diagnosticLine,
  diagnosticsJson,
  openSession,
  readAction,
  renderOptions,
  schemaCompilerFor,
  shownPath,
  UsageError,
} from './session';

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
  const options = renderOptions(session, oauth.source);
  const analysed = analyse(action.doc, session, options);
  const problems = diagnosticsJson(action.doc.text, analysed.diagnostics).filter((d) => d.severity !== 'info');
  for (const d of problems) io.err(`${diagnosticLine(action.shown, d, c)}\n`);

  const compileSchema = await schemaCompilerFor([action.doc]);
  return withTransport(io, values.inbox === true, async (t) => {
    const result = await sendAction({
      doc: action.doc,
      sample: session.selected,
      file: shownPath(action.path, io.cwd),
      escaping: session.escaping,
      arraySeparator: session.arraySeparator,
      unknownTag: session.unknownTag,
      clock: session.clock,
      timeZone: session.timeZone,
      secrets: session.secrets,
      tokens: oauth.tokens,
      transport: t.http,
      inbox: t.inbox,
      timeoutMs,
      signal: t.signal,
      log: values.log !== undefined ? new JsonLinesLog(resolve(io.cwd, values.log)) : undefined,
      knownSecrets: () => io.seen,
      ...(compileSchema ? { compileSchema } : {}),
      around: (masked, exchange) => withSpinner(io, `sending to ${hostOf(masked.url)}…`, exchange()),
    });
    if (!result.sent) {
      io.err(`webhook-studio: not sent: ${refusalText(result)}\n`);
      return 1;
    }
    const { record, capture } = result;
    if (result.logError !== undefined) io.err(`webhook-studio: --log ${values.log}: record not written: ${result.logError}\n`);
    if (values.json) {
      io.out(`${JSON.stringify(capture ? { ...record, capture: captureJson(capture) } : record)}\n`);
    } else {
      io.out(`${colourOutcome(formatRecord(record), record, colorsFor(io.stdoutIsTTY, io.env))}\n`);
      if (capture) io.out(`\nReceived by the local inbox:\n${printable(captureToRawText(capture))}\n`);
    }
    return exitCodeOfRecord(record);
  });
}

/** A refusal in the CLI's words: what is wrong and, for missing secrets, how to give them. */
export function refusalText(refusal: SendRefusal): string {
  switch (refusal.code) {
    case 'invalid-json':
      return 'the file is not valid JSON (see above)';
    case 'body-not-json':
      return 'the body is not JSON once rendered (see above): the platform would skip this step';
    case 'unsendable':
      return 'the request has errors (see above)';
    case 'missing-secret':
      return refusal.missingSecrets.map((name) => `secret ${name} is not set: pass --secret ${name}=… or set WEBHOOK_STUDIO_SECRET_${name}`).join('; ');
    case 'log':
      return `${refusal.reason} (--log)`;
    case 'cancelled':
      return 'cancelled';
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A capture (already redacted) as `send --json` prints it. */
export function captureJson(capture: Capture) {
  return {
    method: capture.method,
    target: capture.target,
    httpVersion: capture.httpVersion,
    headers: capture.rawHeaders.map(([name, value]) => [name, value]),
    body: new TextDecoder().decode(capture.body),
    bodySize: capture.bodySize,
    bodyTruncated: capture.bodyTruncated,
  };
}

export function colourOutcome(text: string, record: ExecutionRecord, c: ReturnType<typeof colorsFor>): string {
  const paint = record.outcome === 'accepted' ? c.green : record.outcome === 'redirect' ? c.yellow : c.red;
  const lines = text.split('\n');
  if (lines.length > 1) lines[1] = paint(lines[1]!);
  return lines.map((line) => (line.startsWith('  ✓ ') ? c.green(line) : line.startsWith('  ✗ ') ? c.red(line) : line)).join('\n');
}
