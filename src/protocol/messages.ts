/**
 * The typed protocol between the extension host and the preview panel's webview.
 * Both bundles import this file, so it holds only plain types, message constants and small pure
 * validators; core types are imported as types only and never reach the webview bundle.
 */
import type { DiagnosticCode, EscapingMode, HeaderOrigin, Method, OutcomeClass, SendErrorCode, Severity } from '../core/types';

declare const paramsTag: unique symbol;

/** A message type: its method name, with its params type carried for the type checker only. */
export interface MessageType<M extends string, P> {
  readonly method: M;
  readonly [paramsTag]?: P;
}

/** Declares a message type: `message<Params>()('method')`; leave Params out for a message without params. */
export function message<P = undefined>(): <const M extends string>(method: M) => MessageType<M, P> {
  return (method) => ({ method });
}

/** The object that travels through postMessage for a message type. */
export type Wire<T> =
  T extends MessageType<infer M, infer P> ? ([P] extends [undefined] ? { readonly method: M } : { readonly method: M; readonly params: P }) : never;

/** Builds the wire object of a message type. */
export function createMessage<M extends string, P>(type: MessageType<M, P>, ...params: [P] extends [undefined] ? [] : [P]): Wire<MessageType<M, P>> {
  return (params.length === 0 ? { method: type.method } : { method: type.method, params: params[0] }) as Wire<MessageType<M, P>>;
}

/** The panel's tabs. */
export type Tab = 'request' | 'response' | 'samples' | 'workflow';

/** Every tab, in display order. */
export const TABS: readonly Tab[] = ['request', 'response', 'samples', 'workflow'];

/** A piece of the rendered URL and where it came from, for subtle highlighting. */
export interface UrlSegment {
  readonly text: string;
  readonly source: 'literal' | 'variable' | 'secret' | 'credential';
  /** The template path (variable) or secret name (secret). */
  readonly path?: string;
}

/** Where a rendered body stops being JSON: an offset into the body as shown, and the body-not-json message. */
export interface BodyBreakView {
  readonly offset: number;
  readonly message: string;
}

/** One request header as the panel shows it. */
export interface HeaderView {
  readonly name: string;
  /** As sent; when `secret` and the panel is not revealed, the secret parts are already masked by the host. */
  readonly value: string;
  readonly origin: HeaderOrigin;
  /** The value carries secret material. */
  readonly secret: boolean;
  /**
   * The header cannot be sent (the `invalid-header` problem): its name is not a token, or its value holds a
   * line break or NUL; `name` and `value` then show those characters escaped (`\r`, `\n`, `\0`).
   */
  readonly invalid?: true;
}

/** A problem of the file, positioned for display: lines and columns are 1-based. */
export interface ProblemView {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** An entry of the sample picker. */
export interface SampleOption {
  readonly id: string;
  readonly name: string;
  readonly builtin: boolean;
}

/** The rendered request of the active file, as the Request tab shows it. */
export interface StateParams {
  /** The file's Uri as a string, persisted for the panel serializer. */
  readonly fileUri: string;
  /** Workspace-relative path, for display. */
  readonly file: string;
  readonly name: string;
  readonly method: Method;
  /** The full URL as sent (secret parts redacted unless revealed). */
  readonly url: string;
  /** `url` cut into pieces by provenance; their texts concatenate to `url`. */
  readonly urlSegments: readonly UrlSegment[];
  readonly headers: readonly HeaderView[];
  /** Decoded query parameters, for display. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** The body as sent, or null when none is sent. */
  readonly body: string | null;
  /** The body pretty-printed, when it parses as JSON. */
  readonly bodyPretty?: string;
  /** The definition has a body that the method (GET, DELETE) does not send. */
  readonly bodyDropped?: boolean;
  /** Where the body as shown stops being JSON (body-not-json): the platform would skip the step. */
  readonly bodyBreak?: BodyBreakView;
  readonly escaping: EscapingMode;
  readonly sendable: boolean;
  readonly problems: readonly ProblemView[];
  /** Template paths that did not resolve against the selected sample. */
  readonly unresolved: readonly string[];
  readonly samples: readonly SampleOption[];
  readonly selectedSample: string;
  readonly revealed: boolean;
  /** Workspace trust: sending is refused in an untrusted workspace. */
  readonly trusted: boolean;
  /** The file's place in a workflow, when it is a step of one: the panel offers *Run workflow*. */
  readonly workflow?: { readonly name: string; readonly step: number; readonly steps: number };
  /** True when a `{{right_now.*}}` was read from the clock: the request changes with time. */
  readonly usesClock?: boolean;
  /**
   * The last result of this file with this sample, attached when the state is for another file or sample
   * than the one posted before: the page shows it in place of the previous file's (or none when absent).
   */
  readonly lastResult?: ResultParams;
}

/** What is in flight. */
export type SendKind = 'send' | 'inbox' | 'all';

/** A send started; the panel shows progress and a Cancel button until a result or an error arrives. */
export interface SendingParams {
  readonly kind: SendKind;
  /** Epoch milliseconds. */
  readonly startedAt: number;
}

/** An execution record as the Response tab shows it (docs/architecture.md, "Execution records"); holds only redacted data. */
export interface RecordView {
  readonly id: string;
  readonly time: string;
  readonly file: string;
  readonly sample: string;
  readonly outcome: OutcomeClass;
  /** Absent on a network error. */
  readonly status?: number;
  readonly statusText?: string;
  readonly timings: { readonly firstByteMs?: number; readonly totalMs: number };
  /** Bytes of decoded body read. */
  readonly size: number;
  /** Full size when known. */
  readonly fullSize?: number;
  readonly truncated: boolean;
  /** The cap the body was truncated at, in bytes. */
  readonly capBytes?: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly bodyText: string;
  /** The response declared or parsed as JSON: show it pretty-printed. */
  readonly bodyIsJson: boolean;
  readonly redirects: ReadonlyArray<{ readonly status: number; readonly location: string }>;
  readonly error?: { readonly code: SendErrorCode; readonly message: string; readonly hint: string };
  readonly inbox?: boolean;
  /** The results of the action's `expect`, in file order (secrets masked). */
  readonly checks?: readonly CheckView[];
}

/** One check of a response against `expect`, as the Response tab lists it. */
export interface CheckView {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly passed: boolean;
}

/** A request as the local inbox captured it, raw. */
export interface CaptureView {
  /** Request line, header lines and body, as received. */
  readonly rawText: string;
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly bodyText: string;
  readonly bodyTruncated?: boolean;
}

/** The request that was meant to be sent (redacted), for the side-by-side view of inbox sends. */
export interface IntendedView {
  /** Request line, header lines and body. */
  readonly rawText: string;
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
}

/** Whose result it is: the file and the sample it was sent with. The page shows a result only under these. */
export interface ResultOwner {
  readonly fileUri: string;
  /** The sample's id, as in `StateParams.selectedSample`. */
  readonly sampleId: string;
}

/** The outcome of a send, or a past record to show. */
export interface ResultParams {
  readonly owner: ResultOwner;
  readonly record: RecordView;
  readonly capture?: CaptureView;
  readonly intended?: IntendedView;
}

/** One row of the Samples tab. */
export interface SamplesReportRow {
  readonly sample: SampleOption;
  readonly unresolved: readonly string[];
  readonly problems: number;
  /** Lines of the body that differ from the first sample's body. */
  readonly bodyDiff: readonly string[];
  readonly result?: { readonly status?: number; readonly outcome: OutcomeClass };
}

/** The action rendered against every sample. */
export interface SamplesReportParams {
  readonly rows: readonly SamplesReportRow[];
  /** True while *Send to all* is still under way; a report without it ends the progress of a send to all. */
  readonly inProgress?: boolean;
}

/** One step of a workflow run, as the Workflow tab shows it (secrets masked). */
export interface WorkflowStepView {
  readonly step: number;
  readonly file: string;
  readonly ok: boolean;
  readonly method?: string;
  readonly url?: string;
  readonly requestBody?: string | null;
  readonly status?: number;
  readonly statusText?: string;
  readonly outcome?: OutcomeClass;
  readonly responseBody?: string;
  /** Why nothing was sent, or the network error. */
  readonly error?: string;
  /** The response saved for later steps, as JSON text. */
  readonly saved?: string;
}

/** A workflow run, step by step; `inProgress` while steps are still being sent. */
export interface WorkflowRunParams {
  readonly name: string;
  readonly file: string;
  readonly sample: string;
  readonly total: number;
  readonly ok: boolean;
  readonly steps: readonly WorkflowStepView[];
  readonly inProgress?: boolean;
}

/** A failure to report in the panel (not a send's network error, which is a result). */
export interface ErrorParams {
  readonly message: string;
}

/** One way a real delivery differs from the preview, as the panel lists it (never a secret value). */
export interface DeliveryDifferenceView {
  readonly part: 'method' | 'target' | 'header' | 'body';
  readonly where: string;
  readonly message: string;
  readonly cause: string;
}

/** A capture of a real delivery compared with the preview of a file and sample. */
export interface DeliveryDiffParams {
  /** The file and sample it was compared with; shown only under the same pair. */
  readonly owner: { readonly fileUri: string; readonly sampleId: string };
  /** The capture file's name, for display. */
  readonly capture: string;
  readonly format: 'har' | 'http' | 'webhook.site';
  /** The captured request line, `POST /v1/leads?…`. */
  readonly request: string;
  readonly sample: string;
  readonly match: boolean;
  readonly differences: readonly DeliveryDifferenceView[];
  readonly notes: readonly string[];
}

/** Host → webview: the rendered request of the active file. */
export const StateMessage = message<StateParams>()('state');
/** Host → webview: a send started. */
export const SendingMessage = message<SendingParams>()('sending');
/** Host → webview: a send finished (response or network error). */
export const ResultMessage = message<ResultParams>()('result');
/** Host → webview: the Samples tab's table. */
export const SamplesReportMessage = message<SamplesReportParams>()('samplesReport');
/** Host → webview: show a past execution record. */
export const LogRecordMessage = message<ResultParams>()('logRecord');
/** Host → webview: something failed; ends any progress. */
export const ErrorMessage = message<ErrorParams>()('error');
/** Host → webview: a real delivery compared with the preview. */
export const DeliveryDiffMessage = message<DeliveryDiffParams>()('deliveryDiff');

/** Host → webview: a workflow run, step by step (again after each step). */
export const WorkflowRunMessage = message<WorkflowRunParams>()('workflowRun');
/** Webview → host: run the workflow the shown file is a step of. */
export const RunWorkflowMessage = message()('runWorkflow');
/** Webview → host: the webview is listening; send the state. */
export const ReadyMessage = message()('ready');
/** Webview → host: send the test request. */
export const SendMessage = message()('send');
/** Webview → host: send to the local inbox. */
export const SendToInboxMessage = message()('sendToInbox');
/** Webview → host: copy the request as cURL. */
export const CopyCurlMessage = message()('copyCurl');
/** Webview → host: pick a sample. */
export const SelectSampleMessage = message<{ readonly id: string }>()('selectSample');
/** Webview → host: reveal or hide secrets. */
export const SetRevealMessage = message<{ readonly revealed: boolean }>()('setReveal');
/** Webview → host: jump to a problem (1-based line and column). */
export const OpenProblemMessage = message<{ readonly line: number; readonly column: number }>()('openProblem');
/** Webview → host: the active tab changed (e.g. to render the samples report lazily). */
export const ShowTabMessage = message<{ readonly tab: Tab }>()('showTab');
/** Webview → host: send the request once per sample. */
export const SendToAllMessage = message()('sendToAll');
/** Webview → host: cancel what is in flight. */
export const CancelMessage = message()('cancel');
/** Webview → host: send the request once per sample, every one to the local inbox. */
export const SendAllToInboxMessage = message()('sendAllToInbox');

/** Every message the host posts to the webview. */
export type HostToWebview = Wire<
  | typeof StateMessage
  | typeof SendingMessage
  | typeof ResultMessage
  | typeof SamplesReportMessage
  | typeof LogRecordMessage
  | typeof ErrorMessage
  | typeof DeliveryDiffMessage
  | typeof WorkflowRunMessage
>;

/** Every message the webview posts to the host. */
export type WebviewToHost = Wire<
  | typeof ReadyMessage
  | typeof SendMessage
  | typeof SendToInboxMessage
  | typeof CopyCurlMessage
  | typeof SelectSampleMessage
  | typeof SetRevealMessage
  | typeof OpenProblemMessage
  | typeof ShowTabMessage
  | typeof SendToAllMessage
  | typeof CancelMessage
  | typeof RunWorkflowMessage
  | typeof SendAllToInboxMessage
>;

/** What the webview persists with `setState`; the panel serializer reads `fileUri` and `tab` back. */
export interface PanelState {
  readonly fileUri: string;
  readonly tab: Tab;
  readonly state?: StateParams;
  readonly result?: ResultParams;
  /** The result is a past record opened from the execution logs. */
  readonly past?: boolean;
}

/** Longest sample id accepted from the webview. */
export const MAX_ID_LENGTH = 512;
/** Longest Uri string accepted from persisted state. */
export const MAX_URI_LENGTH = 8192;
/** Largest line or column accepted from the webview. */
export const MAX_POSITION = 10_000_000;

type Fields = Record<string, unknown>;

/** Own data properties of a plain object with exactly the allowed keys, or undefined. */
function plainFields(raw: unknown, required: readonly string[], optional: readonly string[] = []): Fields | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const fields: Fields = Object.create(null) as Fields;
  for (const key of Reflect.ownKeys(raw)) {
    if (typeof key !== 'string' || (!required.includes(key) && !optional.includes(key))) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(raw, key);
    // An accessor could answer differently on each read; only plain data is accepted.
    if (descriptor === undefined || !('value' in descriptor)) return undefined;
    fields[key] = descriptor.value;
  }
  return required.every((key) => key in fields) ? fields : undefined;
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_POSITION;
}

function isTab(value: unknown): value is Tab {
  return typeof value === 'string' && (TABS as readonly string[]).includes(value);
}

const NO_PARAMS: ReadonlySet<string> = new Set([
  ReadyMessage.method,
  SendMessage.method,
  SendToInboxMessage.method,
  CopyCurlMessage.method,
  SendToAllMessage.method,
  CancelMessage.method,
  RunWorkflowMessage.method,
  SendAllToInboxMessage.method,
]);

/** Validates a message from the webview; returns a fresh copy of it, or undefined when malformed in any way. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  const head = plainFields(raw, ['method'], ['params']);
  if (head === undefined || typeof head.method !== 'string') return undefined;
  const method = head.method;
  if (NO_PARAMS.has(method)) {
    return 'params' in head ? undefined : ({ method } as WebviewToHost);
  }
  switch (method) {
    case SelectSampleMessage.method: {
      const p = plainFields(head.params, ['id']);
      return p && isBoundedString(p.id, MAX_ID_LENGTH) ? createMessage(SelectSampleMessage, { id: p.id }) : undefined;
    }
    case SetRevealMessage.method: {
      const p = plainFields(head.params, ['revealed']);
      return p && typeof p.revealed === 'boolean' ? createMessage(SetRevealMessage, { revealed: p.revealed }) : undefined;
    }
    case OpenProblemMessage.method: {
      const p = plainFields(head.params, ['line', 'column']);
      return p && isPosition(p.line) && isPosition(p.column) ? createMessage(OpenProblemMessage, { line: p.line, column: p.column }) : undefined;
    }
    case ShowTabMessage.method: {
      const p = plainFields(head.params, ['tab']);
      return p && isTab(p.tab) ? createMessage(ShowTabMessage, { tab: p.tab }) : undefined;
    }
    default:
      return undefined;
  }
}

/** Reads the file Uri and tab back from a persisted panel state; undefined when it is not one. */
export function parsePanelState(raw: unknown): { readonly fileUri: string; readonly tab: Tab } | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const fileUri: unknown = Object.getOwnPropertyDescriptor(raw, 'fileUri')?.value;
  const tab: unknown = Object.getOwnPropertyDescriptor(raw, 'tab')?.value;
  if (!isBoundedString(fileUri, MAX_URI_LENGTH) || !isTab(tab)) return undefined;
  return { fileUri, tab };
}

const HOST_METHODS: ReadonlySet<string> = new Set([
  StateMessage.method,
  SendingMessage.method,
  ResultMessage.method,
  SamplesReportMessage.method,
  LogRecordMessage.method,
  ErrorMessage.method,
  DeliveryDiffMessage.method,
  WorkflowRunMessage.method,
]);

/** A shape check of a message from the host: a known method with an object of params. */
export function isHostMessage(raw: unknown): raw is HostToWebview {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const { method, params } = raw as { method?: unknown; params?: unknown };
  return typeof method === 'string' && HOST_METHODS.has(method) && typeof params === 'object' && params !== null && !Array.isArray(params);
}
