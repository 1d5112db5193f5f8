/**
 * The data shapes the core hands to its adapters (CLI, extension, webview via the protocol).
 * Everything here is plain data: serialisable, no classes, no I/O.
 */

/** A JSON value as parsed from a file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A half-open range [start, end) of UTF-16 offsets into a file's text. */
export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

/** A zero-based line and UTF-16 character position, as editors count them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** How serious a diagnostic is. */
export type Severity = 'error' | 'warning' | 'info';

/** The stable lint codes (docs/architecture.md, "Lint codes"), in the order the README lists them. */
export const LINT_CODES = [
  'unknown-variable',
  'unknown-namespace',
  'unsupported-expression',
  'unclosed-template',
  'string-coercion',
  'json-unsafe-value',
  'body-on-get',
  'invalid-url',
  'private-address',
  'plain-http',
  'hardcoded-secret',
  'auth-conflict',
  'invalid-header',
  'missing-secret',
  'body-not-json',
  'unquoted-template',
  'absent-in-sample',
  'unsaved-response',
  'trigger-namespace',
  'invalid-expect',
  'contract-violation',
] as const;

/** A stable lint code. */
export type LintCode = (typeof LINT_CODES)[number];

/** Every code a diagnostic can carry: the lint codes, plus JSON syntax and schema violations. */
export type DiagnosticCode = LintCode | 'invalid-json' | 'schema';

/** One replacement in a file's text. */
export interface TextEdit {
  readonly range: OffsetRange;
  readonly newText: string;
}

/** A quick fix an editor can apply: text edits, and optionally a secret to put into the store first. */
export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** Moves a literal into secret storage under this name before the edits apply. Never printed. */
  readonly storeSecret?: { readonly name: string; readonly value: string };
}

/** A problem found in a file, with its exact range. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly range: OffsetRange;
  readonly fixes?: readonly QuickFix[];
}

/** The four methods the platform offers. */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where a piece of rendered text came from. */
export type SpanSource =
  /** a `{{path}}` template resolved against the sample (range: the template in the file) */
  | { readonly kind: 'variable'; readonly path: string; readonly range: OffsetRange }
  /** a `{{secrets.NAME}}` template */
  | { readonly kind: 'secret'; readonly name: string; readonly range: OffsetRange }
  /** credential material made by the auth scheme (Basic's base64, an OAuth access token) */
  | {
      readonly kind: 'credential';
      readonly scheme: 'basic' | 'oauth2' | 'bearer' | 'apiKey';
      /** oauth2: the connection whose token it is. */
      readonly connection?: string;
      /** basic: what the user name and password were made of, secrets by name only (for replay). */
      readonly basic?: { readonly user: readonly RecipePiece[]; readonly password: readonly RecipePiece[] };
    };

/**
 * One piece of the text a mask of a recorded request stands for, never holding a secret value: text that is
 * not secret, a secret by name (and how it was encoded where it stood), an OAuth token by connection, Basic
 * credentials by their parts, or a piece that cannot be restored (such as a token written in the file).
 */
export type RecipePiece =
  | string
  | { readonly secret: string; readonly encoding?: 'uri' | 'json' }
  | { readonly token: string }
  | { readonly basic: { readonly user: readonly RecipePiece[]; readonly password: readonly RecipePiece[] } }
  | { readonly credential: 'bearer' | 'apiKey'; readonly pieces: readonly RecipePiece[] }
  | { readonly unrestorable: string };

/**
 * How to make a recorded request again without the log holding a secret: for each field of the masked
 * request (URL, each header value, body), what each mask in it stands for, in order.
 */
export interface ReplayRecipe {
  /** The receiver's URL, masked (an inbox send's record points at the inbox). */
  readonly url: string;
  readonly fills: {
    readonly url: readonly (readonly RecipePiece[])[];
    readonly headers: readonly (readonly (readonly RecipePiece[])[])[];
    readonly body: readonly (readonly RecipePiece[])[];
  };
}

/** A piece [start, end) of a rendered string and its source. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly source: SpanSource;
}

/** Who put a header on the request. */
export type HeaderOrigin = 'user' | 'auth' | 'auto';

/** One header of a rendered request, in wire order. */
export interface RenderedHeader {
  readonly name: string;
  readonly value: string;
  readonly origin: HeaderOrigin;
  /** Provenance of pieces of `value`. */
  readonly spans: readonly Span[];
}

/** The exact request the platform would send: what the preview shows is what the sender sends. */
export interface RenderedRequest {
  readonly method: Method;
  /** Absolute URL, exactly as it goes on the wire (WHATWG-serialised). Empty when it did not render to a URL. */
  readonly url: string;
  readonly urlSpans: readonly Span[];
  readonly headers: readonly RenderedHeader[];
  /** Body bytes as text (UTF-8 on the wire), or null when none is sent. */
  readonly body: string | null;
  readonly bodySpans: readonly Span[];
}

/** A template whose value was missing or null in the sample (or a secret not in the store). */
export interface UnresolvedVariable {
  readonly path: string;
  readonly range: OffsetRange;
}

/** What rendering an action against a sample produced. */
export interface RenderResult {
  readonly request: RenderedRequest;
  /** False when the platform would refuse to send it (invalid URL, header injection, auth conflict). */
  readonly sendable: boolean;
  /** The render-time errors that make it unsendable (codes invalid-url, invalid-header, auth-conflict). */
  readonly problems: readonly Diagnostic[];
  readonly unresolved: readonly UnresolvedVariable[];
  /** Names of the secrets the request uses (resolved or not). */
  readonly secretsUsed: readonly string[];
  /** OAuth connection names the request uses. */
  readonly connectionsUsed: readonly string[];
  /** Where the rendered body stops being JSON (`body-not-json`): an offset into `request.body` and what broke it. */
  readonly bodyBreak?: { readonly offset: number; readonly message: string };
  /** True when a `right_now` field was read from the clock: the request changes with time. */
  readonly usesClock?: boolean;
}

/** A request as plain name/value data, e.g. for the sender, a log record or `render --format json`. */
export interface PlainRequest {
  readonly method: Method;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
}

/** Sample data for one workflow run: top-level keys are namespaces (contact, opportunity, workflow, …). */
export interface Sample {
  /** Shown in the UI; from the file's `name`, else the file name. */
  readonly name: string;
  /** Path of the sample file; undefined for the built-in sample. */
  readonly file?: string;
  /** The namespaces (every top-level key except `name` and `$schema`). */
  readonly data: JsonObject;
  readonly builtin: boolean;
}

/** How templates in the body are substituted (docs/architecture.md, "Rendering"). */
export type EscapingMode = 'json' | 'text';

/** Looks up secret values that the adapter already loaded. Returns undefined when not set. */
export interface SecretSource {
  get(name: string): string | undefined;
}

/** Looks up the current OAuth 2.0 access token of a named connection. */
export interface TokenSource {
  token(connection: string): string | undefined;
}

/** Options of one render. */
export interface RenderOptions {
  readonly escaping: EscapingMode;
  /** Joins array values; default ", ". */
  readonly arraySeparator: string;
  readonly secrets: SecretSource;
  readonly tokens: TokenSource;
  /** What "now" is for `{{right_now.*}}`; default the system clock. */
  readonly clock?: { now(): Date };
  /** The IANA time zone of `right_now` when the sample's `location.timezone` is not set; default UTC. */
  readonly timeZone?: string;
  /** What a tag the platform does not know renders as (docs/architecture.md, "Rendering"); default `empty`. */
  readonly unknownTag?: UnknownTagMode;
}

/**
 * A tag neither the catalogue nor the sample has: `empty` renders the empty string (as the platform does for
 * a field that is not set), `marker` renders `##{}##` (what one developer report says the platform sends for
 * a tag it does not know). The platform's behaviour is not documented, so it is a setting.
 */
export type UnknownTagMode = 'empty' | 'marker';

/** A minimal logger port; adapters pass theirs (output channel, stderr). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/** The result classes of the platform's execution log (docs/architecture.md, "The send path"). */
export type OutcomeClass = 'accepted' | 'redirect' | 'rejected' | 'receiver-error' | 'network-error';

/** Classified network failures (docs/architecture.md, "The send path"). */
export type SendErrorCode =
  | 'refused'
  | 'dns'
  | 'connect-timeout'
  | 'headers-timeout'
  | 'body-timeout'
  | 'timeout'
  | 'cancelled'
  | 'reset'
  | 'tls-expired'
  | 'tls-self-signed'
  | 'tls-hostname'
  | 'tls'
  | 'malformed-response'
  | 'blocked-address'
  | 'too-many-redirects'
  | 'invalid-request'
  | 'oauth'
  | 'unknown';

/** A network failure as the user sees it: a short message and a hint. Never holds a secret. */
export interface SendError {
  readonly code: SendErrorCode;
  readonly message: string;
  readonly hint: string;
}

/** A response as read (body capped and decoded). */
export interface ResponseData {
  readonly status: number;
  readonly statusText: string;
  /** Headers in received order, names as received. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Decoded body bytes, at most the cap. */
  readonly body: Uint8Array;
  /** Bytes of decoded body read (≤ cap when truncated). */
  readonly size: number;
  /** Full size when known (Content-Length, or counted while discarding), else undefined. */
  readonly fullSize?: number;
  readonly truncated: boolean;
  /** Redirect hops followed before this response, oldest first. */
  readonly redirects: ReadonlyArray<{ readonly status: number; readonly location: string }>;
}

/** Timings of one send, in milliseconds. */
export interface Timings {
  readonly firstByteMs?: number;
  readonly totalMs: number;
}

/** What a send produced: a response or a classified error. */
export type SendResult =
  | { readonly ok: true; readonly response: ResponseData; readonly timings: Timings; readonly outcome: OutcomeClass }
  | { readonly ok: false; readonly error: SendError; readonly timings: Timings; readonly outcome: 'network-error' };

/** One request as captured by the local inbox, exactly as received. */
export interface Capture {
  readonly id: number;
  readonly time: string;
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly target: string;
  readonly httpVersion: string;
  /** Raw header lines in received order and case. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  /** Body bytes, at most the inbox cap. */
  readonly body: Uint8Array;
  readonly bodySize: number;
  readonly bodyTruncated: boolean;
  /** The inbox rule that answered, `default` when none matched. */
  readonly rule?: string;
  /** What the inbox answered, and after how long it was asked to wait. */
  readonly answer?: { readonly status: number; readonly delayMs: number; readonly note?: string };
  /** What the real receiver said when the inbox forwards its captures; set once it answered. */
  readonly forward?: ForwardOutcome;
}

/** The result of one check of a response against the action's `expect` (docs/architecture.md, "Expectations"). */
export interface CheckResult {
  /** What was checked: `status`, `header content-type`, `json $.id`, `maxMs`, `schema`, or `expect` for an unusable entry. */
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly passed: boolean;
  /** The entry in the action file the check comes from (its key). */
  readonly range: OffsetRange;
}

/** What became of one capture passed on to the real receiver. */
export type ForwardOutcome =
  | {
      readonly url: string;
      readonly ok: true;
      readonly status: number;
      readonly statusText: string;
      readonly headers: ReadonlyArray<readonly [string, string]>;
      /** The receiver's body as text (UTF-8, invalid bytes replaced), up to the cap. */
      readonly bodyPreview: string;
      readonly size: number;
      readonly truncated: boolean;
      readonly timings: Timings;
    }
  | { readonly url: string; readonly ok: false; readonly error: SendError; readonly timings?: Timings };

/** An execution log record (docs/architecture.md, "Execution records"). Holds only redacted data. */
export interface ExecutionRecord {
  readonly id: string;
  readonly time: string;
  readonly file: string;
  readonly sample: string;
  readonly request: PlainRequest;
  readonly response?: {
    readonly status: number;
    readonly statusText: string;
    readonly headers: ReadonlyArray<readonly [string, string]>;
    /** Body preview as text (UTF-8, invalid bytes replaced), up to the cap. */
    readonly bodyPreview: string;
    readonly size: number;
    readonly fullSize?: number;
    readonly truncated: boolean;
    readonly redirects: ReadonlyArray<{ readonly status: number; readonly location: string }>;
  };
  readonly timings: Timings;
  readonly outcome: OutcomeClass;
  readonly error?: SendError;
  /** True when the request went to the local inbox. */
  readonly inbox?: boolean;
  /** The checks of the action's `expect`, in file order; absent when it has none or no response came. */
  readonly checks?: readonly CheckResult[];
  /** How to send the request again with the secrets re-read (absent in records from before replay existed). */
  readonly replay?: ReplayRecipe;
  /** The id of the record this send replayed. */
  readonly replayOf?: string;
}
