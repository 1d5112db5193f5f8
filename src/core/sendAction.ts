/**
 * The one send pipeline (docs/architecture.md, "The send path"). The editor, the CLI and the demo all
 * send through `sendAction`; they keep only what is theirs: prompts, progress and notifications in the
 * editor, printing in the CLI.
 *
 * The steps, in order: refuse a file that is not valid JSON, a body that does not parse as JSON once
 * rendered (body-not-json), or a request the platform would not send;
 * refuse unresolved secrets, and a log that cannot be written; ensure the OAuth tokens the action uses; render with them; point the
 * request at the local inbox when that is the target; send; after a 401 refresh a client-credentials
 * token once and send once more; build the record, redact it by value, append it to the log; for inbox
 * sends wait for the capture, redact it and compare it with what was sent. The response is checked against the
 * action's `expect` before the record is built, so the record carries the results.
 */
import type { Clock } from './clock';
import type { ActionDocument } from './document';
import { buildRecord } from './executionLog';
import { compareCapture } from './capture';
import { checkResponse, readExpect, type SchemaCompiler } from './expect';
import { inboxUrlFor } from './inbox';
import { isSecretSpan, redactCapture, redactRecord, redactText, secretValuesOf, toPlainRequest } from './redact';
import { recipeOf } from './recipe';
import { render } from './render';
import type {
  Capture,
  CheckResult,
  Diagnostic,
  EscapingMode,
  UnknownTagMode,
  ExecutionRecord,
  PlainRequest,
  RenderResult,
  Sample,
  SecretSource,
  SendError,
  SendResult,
  TokenSource,
} from './types';

/** What ensuring a token gave: ready, or an error fit to show (it never holds a secret or a token). */
export type EnsureTokenResult = { readonly ok: true } | { readonly ok: false; readonly error: SendError };

/** The OAuth port: tokens read synchronously once ensured, refreshed at most once per send. */
export interface TokenProvider extends TokenSource {
  ensureToken(connection: string): Promise<EnsureTokenResult>;
  /** True when the connection obtains its token from a token endpoint, so a 401 is worth one refresh. */
  canRefresh(connection: string): boolean;
  /** Forgets the cached token, so the next `ensureToken` asks the token endpoint again. */
  invalidate(connection: string): void;
}

/** Options of one exchange, as `HttpSender.send` takes them. */
export interface TransportOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly maxBodyBytes?: number;
  readonly followRedirects?: boolean;
  readonly sensitiveHeaders?: readonly string[];
}

/** The HTTP port: `HttpSender` in both adapters. */
export interface Transport {
  send(request: PlainRequest, options: TransportOptions): Promise<SendResult>;
}

/** The local inbox as a send target. */
export interface InboxTarget {
  /** Origin of the inbox, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  captures(): readonly Capture[];
  waitForCapture(timeoutMs: number, predicate?: (capture: Capture) => boolean): Promise<Capture | undefined>;
}

/** Where records are kept; the one owner of the log file in each adapter. */
export interface RecordSink {
  append(record: ExecutionRecord): Promise<void>;
  /** Why records cannot be kept there, asked before sending so a bad target costs no request. */
  check?(): Promise<string | undefined>;
}

/** A recorded request to send again (docs/architecture.md, "Replay"): the record's id, and its request made again with the tokens as they are now. */
export interface ReplaySource {
  readonly of: string;
  readonly render: (tokens: TokenSource) => RenderResult;
}

/** Everything one send needs: an action document to render, or a recorded request to replay. */
export interface SendActionInput {
  /** The action to render; not needed when `replay` is given. */
  readonly doc?: ActionDocument;
  /** A recorded request to send again instead of rendering `doc`. */
  readonly replay?: ReplaySource;
  readonly sample: Sample;
  /** The action's file as records name it (workspace-relative or as given on the command line). */
  readonly file: string;
  readonly escaping: EscapingMode;
  readonly arraySeparator: string;
  /** What a tag the platform does not know renders as; default `empty`. */
  readonly unknownTag?: UnknownTagMode;
  readonly secrets: SecretSource;
  readonly tokens: TokenProvider;
  readonly transport: Transport;
  /** Send to this inbox instead of the action's receiver. */
  readonly inbox?: InboxTarget;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly followRedirects?: boolean;
  readonly signal?: AbortSignal;
  readonly log?: RecordSink;
  /** Secret values known besides those in the request (every stored secret, every token): never shown. */
  readonly knownSecrets?: () => Iterable<string>;
  /**
   * Wraps each exchange, e.g. in a progress notification with Cancel or a spinner; gets the request with
   * secrets masked, and may give the exchange a signal of its own (combined with `signal`). Default: runs it.
   */
  readonly around?: (masked: PlainRequest, exchange: (signal?: AbortSignal) => Promise<SendResult>) => Promise<SendResult>;
  /** Compiles `expect.schema` for the checks (`compileResponseSchema` of core/responseSchema.ts). */
  readonly compileSchema?: SchemaCompiler;
  /** Told when a 401 made the pipeline refresh a token and send once more. */
  readonly onRefresh?: (connection: string) => void;
  /** What "now" is for `{{right_now.*}}`; default the system clock. */
  readonly clock?: Clock;
  /** The zone of `right_now` when the sample's `location.timezone` is not set; default UTC. */
  readonly timeZone?: string;
}

/** Why nothing was sent. */
export type RefusalCode = 'invalid-json' | 'body-not-json' | 'unsendable' | 'missing-secret' | 'log' | 'cancelled';

/** A send that did not happen, with a message fit to show. */
export interface SendRefusal {
  readonly sent: false;
  readonly code: RefusalCode;
  readonly reason: string;
  /** The errors behind `invalid-json`, `body-not-json` and `unsendable`. */
  readonly problems: readonly Diagnostic[];
  /** The secret names behind `missing-secret`. */
  readonly missingSecrets: readonly string[];
}

/** A send that happened (or failed on the network, or for want of a token): its record, redacted. */
export interface SendReport {
  readonly sent: true;
  readonly record: ExecutionRecord;
  /** For inbox sends: what the inbox received, redacted; undefined when nothing arrived in time. */
  readonly capture?: Capture;
  /** For inbox sends: how the capture differs from what was sent (empty when byte for byte equal). */
  readonly differences?: readonly string[];
  /** True when a 401 was answered by refreshing a token and sending once more. */
  readonly retried: boolean;
  /** Why the record could not be appended to the log, when it could not. */
  readonly logError?: string;
}

/** What `sendAction` gave. */
export type SendActionResult = SendRefusal | SendReport;

/** True for the response status after which a client-credentials token is refreshed and the send retried once. */
export function shouldRefreshOn(status: number): boolean {
  return status === 401;
}

/** How long an inbox send waits for its capture to be recorded. */
const CAPTURE_WAIT_MS = 2000;

/** Sends one action for one sample to its receiver or the inbox. Never throws for bad input or a failed exchange. */
export async function sendAction(input: SendActionInput): Promise<SendActionResult> {
  const syntax = input.doc?.syntax.filter((d) => d.severity === 'error') ?? [];
  if (syntax.length > 0) return refusal('invalid-json', `the file is not valid JSON: ${syntax[0]!.message}`, syntax);
  const { doc, replay } = input;
  if (!doc && !replay) throw new TypeError('sendAction needs an action document or a recorded request');
  const renderWith = replay
    ? () => replay.render(input.tokens)
    : () =>
        render(doc!, input.sample, {
          escaping: input.escaping,
          arraySeparator: input.arraySeparator,
          secrets: input.secrets,
          tokens: input.tokens,
          ...(input.clock ? { clock: input.clock } : {}),
          ...(input.timeZone ? { timeZone: input.timeZone } : {}),
          ...(input.unknownTag ? { unknownTag: input.unknownTag } : {}),
        });

  const rendered = renderWith();
  // The platform parses the body before it sends; one that does not parse is skipped there, so never sent here.
  const broken = rendered.problems.find((p) => p.code === 'body-not-json');
  if (broken) return refusal('body-not-json', broken.message, rendered.problems);
  if (!rendered.sendable) return refusal('unsendable', rendered.problems.map((p) => p.message).join(' '), rendered.problems);
  const missing = missingSecrets(rendered);
  if (missing.length > 0) return { ...refusal('missing-secret', missing.map((name) => `secret ${name} is not set`).join('; ')), missingSecrets: missing };
  const logProblem = await input.log?.check?.();
  if (logProblem !== undefined) return refusal('log', `the execution log cannot be written: ${logProblem}`);
  if (input.signal?.aborted) return refusal('cancelled', 'the send was cancelled');

  // Captures from before this send are never taken for its own, whatever happens below.
  const lastCapture = input.inbox ? Math.max(0, ...input.inbox.captures().map((c) => c.id)) : 0;
  const connections = rendered.connectionsUsed;
  for (const connection of connections) {
    const ensured = await input.tokens.ensureToken(connection);
    if (!ensured.ok) return finish(input, prepared(input, rendered), failed(ensured.error), false, lastCapture);
  }
  // Only a render that uses tokens changes once they are there.
  let request = prepared(input, connections.length > 0 ? renderWith() : rendered);
  let result = await exchange(input, request);
  const refreshable = connections.find((c) => input.tokens.canRefresh(c));
  let retried = false;
  if (result.ok && shouldRefreshOn(result.response.status) && refreshable !== undefined) {
    input.onRefresh?.(refreshable);
    input.tokens.invalidate(refreshable);
    const ensured = await input.tokens.ensureToken(refreshable);
    if (!ensured.ok) return finish(input, request, failed(ensured.error), true, lastCapture);
    request = prepared(input, renderWith());
    result = await exchange(input, request);
    retried = true;
  }
  return finish(input, request, result, retried, lastCapture);
}

/** A render with the request as it goes on the wire and masked, both pointed at the inbox when that is the target. */
interface Prepared {
  readonly rendered: RenderResult;
  readonly wire: PlainRequest;
  readonly masked: PlainRequest;
}

function prepared(input: SendActionInput, rendered: RenderResult): Prepared {
  const wire = toPlainRequest(rendered.request, true);
  const masked = toPlainRequest(rendered.request, false);
  if (!input.inbox) return { rendered, wire, masked };
  const origin = input.inbox.url;
  return { rendered, wire: { ...wire, url: inboxUrlFor(wire.url, origin) }, masked: { ...masked, url: inboxUrlFor(masked.url, origin) } };
}

function exchange(input: SendActionInput, { rendered, wire, masked }: Prepared): Promise<SendResult> {
  const options: TransportOptions = {
    timeoutMs: input.timeoutMs,
    signal: input.signal,
    maxBodyBytes: input.maxResponseBytes,
    followRedirects: input.followRedirects,
    sensitiveHeaders: rendered.request.headers.filter((h) => h.spans.some(isSecretSpan)).map((h) => h.name),
  };
  const run = (signal?: AbortSignal) => {
    const signals = [input.signal, signal].filter((s): s is AbortSignal => s !== undefined);
    return input.transport.send(wire, { ...options, signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0] });
  };
  return input.around ? input.around(masked, run) : run();
}

async function finish(
  input: SendActionInput,
  { rendered, wire, masked }: Prepared,
  result: SendResult,
  retried: boolean,
  lastCapture: number,
): Promise<SendReport> {
  const secrets = new Set<string>(secretValuesOf(rendered.request));
  for (const connection of rendered.connectionsUsed) {
    const token = input.tokens.token(connection);
    if (token) secrets.add(token);
  }
  for (const value of input.knownSecrets?.() ?? []) if (value) secrets.add(value);
  const checks = checksOf(input, result, (value) => secrets.add(value));
  const recipe = recipeOf(rendered.request, toPlainRequest(rendered.request, false).url, input.secrets);
  const built = buildRecord({
    file: input.file,
    sample: input.sample.name,
    request: masked,
    result,
    inbox: input.inbox !== undefined,
    ...(checks ? { checks } : {}),
  });
  const record = redactRecord({ ...built, replay: recipe, ...(input.replay ? { replayOf: input.replay.of } : {}) }, secrets);
  let logError: string | undefined;
  try {
    await input.log?.append(record);
  } catch (error) {
    logError = redactText(error instanceof Error ? error.message : String(error), secrets);
  }
  const base = { sent: true as const, record, retried, ...(logError !== undefined ? { logError } : {}) };
  if (!input.inbox) return base;
  const raw = await input.inbox.waitForCapture(result.ok ? CAPTURE_WAIT_MS : 0, (c) => c.id > lastCapture);
  if (!raw) return { ...base, differences: ['nothing arrived at the inbox'] };
  return { ...base, capture: redactCapture(raw, secrets), differences: compareCapture(wire, raw) };
}

/** The response checked against the action's `expect`, with the same sample; undefined without one or without a response. */
function checksOf(input: SendActionInput, result: SendResult, onSecret: (value: string) => void): CheckResult[] | undefined {
  // A replay sends a recorded request: it has no action file, so no expect.
  if (!result.ok || !input.doc) return undefined;
  const model = readExpect(input.doc);
  if (!model) return undefined;
  return checkResponse(model, result.response, {
    sample: input.sample,
    secrets: input.secrets,
    arraySeparator: input.arraySeparator,
    totalMs: result.timings.totalMs,
    ...(input.compileSchema ? { compileSchema: input.compileSchema } : {}),
    onSecret,
  });
}

/** Secrets and OAuth tokens the render could not resolve. */
function missingSecrets(rendered: RenderResult): string[] {
  const names = new Set<string>();
  for (const u of rendered.unresolved) if (u.path.startsWith('secrets.')) names.add(u.path.slice('secrets.'.length));
  return [...names];
}

function refusal(code: RefusalCode, reason: string, problems: readonly Diagnostic[] = []): SendRefusal {
  return { sent: false, code, reason, problems, missingSecrets: [] };
}

function failed(error: SendError): SendResult {
  return { ok: false, error, timings: { totalMs: 0 }, outcome: 'network-error' };
}
