/**
 * Builds the preview panel's payloads from an analysis: the Request tab's state and the Samples tab's
 * report. Secret material is masked here (`core/redact.ts`), before anything is posted, unless revealed.
 */
import type { ActionDocument } from '../../core/document';
import { escapeHeaderText, isInvalidHeader } from '../../core/headerText';
import { lint } from '../../core/lint';
import { isSecretSpan, MASK, maskSegments, redactText, toPlainRequest } from '../../core/redact';
import { urlSecrets } from '../../core/secretShapes';
import type { RenderedRequest, RenderOptions, RenderResult, Sample, Span } from '../../core/types';
import type { BodyBreakView, HeaderView, ProblemView, SampleOption, SamplesReportRow, StateParams, UrlSegment } from '../../protocol/messages';
import { prettyJson } from '../../protocol/prettyJson';
import { urlSegments } from '../../protocol/views';
import type { Analysis } from '../analysis';
import { editorDiagnostics } from '../editorDiagnostics';

/** What a state needs besides the analysis. */
export interface StateInputs {
  readonly fileUri: string;
  /** Workspace-relative path, for display. */
  readonly file: string;
  /** The request to show: the analysis's own render, or one with real secret values when revealed. */
  readonly request: RenderedRequest;
  /** Where that request's body stops being JSON (body-not-json), from the same render. */
  readonly bodyBreak?: RenderResult['bodyBreak'];
  readonly revealed: boolean;
  readonly trusted: boolean;
  readonly samples: readonly SampleOption[];
  readonly selectedSample: string;
  readonly escaping: StateParams['escaping'];
}

/** The URL cut into pieces by provenance, secret pieces masked unless revealed (runs of them become one mask). */
export function maskedSegments(request: RenderedRequest, revealed: boolean): UrlSegment[] {
  return maskSegments(urlSegments(request.url, request.urlSpans), revealed);
}

/** Decoded query pairs of a URL, for display; none when it does not parse. */
export function queryPairs(url: string): Array<readonly [string, string]> {
  try {
    return [...new URL(url).searchParams.entries()].map(([k, v]) => [k, v] as const);
  } catch {
    return [];
  }
}

/**
 * Most problems the panel lists. A file can have thousands (one per template); listing them all made each
 * update of the 1 MiB benchmark file three times slower, and the Problems view lists every one anyway.
 */
export const MAX_PANEL_PROBLEMS = 200;

/** Bodies past this size are posted without their pretty form: the page pretty-prints them itself, so the message stays half as big. */
export const MAX_PRETTY_BODY = 256 * 1024;

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * The file's problems with 1-based positions, as the panel lists them: errors first, at most
 * `MAX_PANEL_PROBLEMS`. JSON syntax errors are listed too (the editor leaves them to its JSON support, but
 * the panel must say why it will not send): first, since the rest of the file is read around them.
 */
export function problemViews(analysis: Analysis): ProblemView[] {
  // Syntax errors of our own (unquoted-template) are lint diagnostics too: listed once.
  const all = [...analysis.doc.syntax.filter((d) => d.code === 'invalid-json'), ...editorDiagnostics(analysis.lint.diagnostics)];
  const shown =
    all.length <= MAX_PANEL_PROBLEMS
      ? all
      : [...all].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.range.start - b.range.start).slice(0, MAX_PANEL_PROBLEMS);
  return shown.map((d) => {
    const start = analysis.doc.lines.positionAt(d.range.start);
    const end = analysis.doc.lines.positionAt(d.range.end);
    return {
      code: d.code,
      severity: d.severity,
      message: d.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  });
}

/** True when the definition has a body the method does not send. */
export function bodyDropped(doc: ActionDocument): boolean {
  return doc.model.body !== undefined && (doc.model.method === 'GET' || doc.model.method === 'DELETE');
}

/** A header as the Request tab lists it; one that cannot be sent is marked, its line breaks and NULs escaped. */
export function headerView(name: string, value: string, origin: HeaderView['origin'], secret: boolean): HeaderView {
  if (!isInvalidHeader(name, value)) return { name, value, origin, secret };
  return { name: escapeHeaderText(name), value: escapeHeaderText(value), origin, secret, invalid: true };
}

/**
 * A body break as the page shows it: its offset moved into the body as shown, where each secret is one
 * mask; a break inside a secret is shown at its mask.
 */
export function shownBreak(found: NonNullable<RenderResult['bodyBreak']>, spans: readonly Span[], revealed: boolean): BodyBreakView {
  if (revealed) return { offset: found.offset, message: found.message };
  let shift = 0;
  let last = -1;
  for (const s of spans) {
    if (!isSecretSpan(s) || s.end <= s.start || s.start < last) continue;
    if (found.offset < s.start) break;
    if (found.offset < s.end) return { offset: s.start + shift, message: found.message };
    shift += MASK.length - (s.end - s.start);
    last = s.end;
  }
  return { offset: found.offset + shift, message: found.message };
}

/** The literal secret values `hardcoded-secret` found in the file (what its quick fixes would store). */
function literalSecretsOf(analysis: Analysis): string[] {
  const fixed = analysis.lint.diagnostics.flatMap((d) =>
    d.code === 'hardcoded-secret' ? (d.fixes ?? []).flatMap((f) => (f.storeSecret ? [f.storeSecret.value] : [])) : [],
  );
  // Those without a fix (a value a template would not render back byte for byte) are masked all the same.
  return [...fixed, ...urlSecrets(analysis.doc.model.url?.value ?? '').map((u) => u.value)];
}

/** The Request tab's state of an analysis. */
export function buildState(analysis: Analysis, inputs: StateInputs): StateParams {
  const { request, revealed } = inputs;
  const plain = toPlainRequest(request, revealed);
  // Literal secrets the hardcoded-secret lint found in the URL are masked too (so is the Query table, made from the URL).
  const literals = revealed ? [] : literalSecretsOf(analysis);
  const segments = maskedSegments(request, revealed).map((s) => (literals.length > 0 ? { ...s, text: redactText(s.text, literals) } : s));
  const url = segments.map((s) => s.text).join('');
  const headers: HeaderView[] = request.headers.map((h, i) => headerView(h.name, plain.headers[i]![1], h.origin, h.spans.some(isSecretSpan)));
  const pretty = plain.body === null || plain.body.length > MAX_PRETTY_BODY ? undefined : prettyJson(plain.body);
  return {
    fileUri: inputs.fileUri,
    file: inputs.file,
    name: analysis.doc.model.name ?? '',
    method: request.method,
    url,
    urlSegments: segments,
    headers,
    query: queryPairs(url),
    body: plain.body,
    ...(pretty !== undefined ? { bodyPretty: pretty } : {}),
    ...(bodyDropped(analysis.doc) ? { bodyDropped: true } : {}),
    ...(inputs.bodyBreak && plain.body !== null ? { bodyBreak: shownBreak(inputs.bodyBreak, request.bodySpans, revealed) } : {}),
    escaping: inputs.escaping,
    // A file that is not valid JSON is never sent (the send pipeline refuses it), whatever its render says.
    sendable: analysis.lint.render.sendable && !analysis.doc.syntax.some((d) => d.severity === 'error'),
    problems: problemViews(analysis),
    unresolved: [...new Set(analysis.lint.render.unresolved.map((u) => u.path))],
    samples: inputs.samples,
    selectedSample: inputs.selectedSample,
    revealed,
    trusted: inputs.trusted,
  };
}

/** Past this many cells (changed lines of one body times those of the other) the diff compares line by line instead. */
export const MAX_DIFF_CELLS = 4_000_000;

/**
 * Lines of `next` that differ from `base`, in order: `- old` and `+ new`, from a longest-common-subsequence
 * diff (so as few lines as possible), where a removal comes before the insertion that replaces it. Lines the
 * two share at the start and at the end are left out first, so a change in a large body costs only its
 * middle; when that middle is still too large, lines are compared by position.
 */
export function lineDiff(base: string, next: string): string[] {
  if (base === next) return [];
  const all = base.split('\n');
  const other = next.split('\n');
  let head = 0;
  while (head < all.length && head < other.length && all[head] === other[head]) head++;
  let tail = 0;
  while (tail < all.length - head && tail < other.length - head && all[all.length - 1 - tail] === other[other.length - 1 - tail]) tail++;
  const a = all.slice(head, all.length - tail);
  const b = other.slice(head, other.length - tail);
  if (a.length * b.length > MAX_DIFF_CELLS) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] === b[i]) continue;
      if (a[i] !== undefined) out.push(`- ${a[i]}`);
      if (b[i] !== undefined) out.push(`+ ${b[i]}`);
    }
    return out;
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out;
}

/** What the samples report is computed from. */
export interface ReportInputs {
  readonly doc: ActionDocument;
  readonly samples: readonly { readonly option: SampleOption; readonly sample: Sample }[];
  /** Every sample in play, for namespace checks. */
  readonly inPlay: readonly Sample[];
  readonly options: RenderOptions;
  readonly secretExists: (name: string) => boolean;
  /** Results of a send to all so far, by sample id. */
  readonly results?: ReadonlyMap<string, NonNullable<SamplesReportRow['result']>>;
}

/** The action rendered against every sample: unresolved variables, problem counts and body differences. */
export function buildSamplesReport(inputs: ReportInputs): SamplesReportRow[] {
  let reference: string | undefined;
  return inputs.samples.map(({ option, sample }) => {
    const samples = inputs.inPlay.includes(sample) ? inputs.inPlay : [...inputs.inPlay, sample];
    const result = lint(inputs.doc, { samples, selected: sample, options: inputs.options, secretExists: inputs.secretExists });
    const body = toPlainRequest(result.render.request, false).body ?? '';
    const shown = prettyJson(body) ?? body;
    reference ??= shown;
    const sent = inputs.results?.get(option.id);
    return {
      sample: option,
      unresolved: [...new Set(result.render.unresolved.map((u) => u.path))],
      problems: editorDiagnostics(result.diagnostics).length,
      bodyDiff: lineDiff(reference, shown),
      ...(sent ? { result: sent } : {}),
    };
  });
}
