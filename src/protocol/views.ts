/**
 * Pure conversions from core data to the panel's message payloads, for the host side.
 * Core types are imported as types only.
 */
import type { Capture, ExecutionRecord, PlainRequest, Span } from '../core/types';
import type { CaptureView, IntendedView, RecordView, UrlSegment } from './messages';

/** Cuts a rendered URL into literal and template-derived pieces; the pieces concatenate to `url`. */
export function urlSegments(url: string, spans: readonly Span[]): UrlSegment[] {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  const segments: UrlSegment[] = [];
  let at = 0;
  for (const span of ordered) {
    const start = Math.max(at, Math.min(span.start, url.length));
    const end = Math.max(start, Math.min(span.end, url.length));
    if (start > at) segments.push({ text: url.slice(at, start), source: 'literal' });
    if (end > start) {
      const { source } = span;
      const path = source.kind === 'variable' ? source.path : source.kind === 'secret' ? source.name : undefined;
      segments.push(path === undefined ? { text: url.slice(start, end), source: source.kind } : { text: url.slice(start, end), source: source.kind, path });
    }
    at = end;
  }
  if (at < url.length) segments.push({ text: url.slice(at), source: 'literal' });
  return segments;
}

function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** True when a body should be shown as JSON: it parses, and it is declared JSON or looks like an object or array. */
export function isJsonBody(headers: ReadonlyArray<readonly [string, string]>, bodyText: string): boolean {
  const type = headerValue(headers, 'content-type') ?? '';
  const declared = /^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim());
  if (!declared && !/^\s*[[{]/.test(bodyText)) return false;
  try {
    JSON.parse(bodyText);
    return true;
  } catch {
    return false;
  }
}

/** An execution record as the Response tab shows it; `capBytes` is the body cap, for the truncation notice. */
export function toRecordView(record: ExecutionRecord, capBytes?: number): RecordView {
  const response = record.response;
  const base = {
    id: record.id,
    time: record.time,
    file: record.file,
    sample: record.sample,
    outcome: record.outcome,
    timings: { ...record.timings },
    size: response?.size ?? 0,
    truncated: response?.truncated ?? false,
    headers: response?.headers.map(([n, v]) => [n, v] as const) ?? [],
    bodyText: response?.bodyPreview ?? '',
    bodyIsJson: response ? isJsonBody(response.headers, response.bodyPreview) : false,
    redirects: response?.redirects.map((r) => ({ ...r })) ?? [],
  };
  return {
    ...base,
    ...(response ? { status: response.status, statusText: response.statusText } : {}),
    ...(response?.fullSize !== undefined ? { fullSize: response.fullSize } : {}),
    ...(capBytes !== undefined ? { capBytes } : {}),
    ...(record.error ? { error: { ...record.error } } : {}),
    ...(record.inbox ? { inbox: true } : {}),
    ...(record.checks ? { checks: record.checks.map((c) => ({ name: c.name, expected: c.expected, actual: c.actual, passed: c.passed })) } : {}),
  };
}

/** A capture of the local inbox as raw text (request line, header lines as received, body). */
export function toCaptureView(capture: Capture): CaptureView {
  const bodyText = new TextDecoder('utf-8').decode(capture.body);
  const lines = [`${capture.method} ${capture.target} HTTP/${capture.httpVersion}`, ...capture.rawHeaders.map(([n, v]) => `${n}: ${v}`)];
  return {
    rawText: lines.join('\n') + '\n\n' + bodyText,
    method: capture.method,
    target: capture.target,
    headers: capture.rawHeaders.map(([n, v]) => [n, v] as const),
    bodyText,
    ...(capture.bodyTruncated ? { bodyTruncated: true } : {}),
  };
}

/** The intended (redacted) request as raw text, in the same layout as a capture, for comparing the two. */
export function toIntendedView(request: PlainRequest): IntendedView {
  let target = request.url;
  let host: string | undefined;
  try {
    const parsed = new URL(request.url);
    target = parsed.pathname + parsed.search;
    host = parsed.host;
  } catch {
    // An unparsable URL is shown as it is.
  }
  const headerLines = request.headers.map(([n, v]) => `${n}: ${v}`);
  if (host !== undefined && headerValue(request.headers, 'host') === undefined) headerLines.unshift(`Host: ${host}`);
  return {
    rawText: [`${request.method} ${target} HTTP/1.1`, ...headerLines].join('\n') + '\n\n' + (request.body ?? ''),
    method: request.method,
    url: request.url,
    headers: request.headers.map(([n, v]) => [n, v] as const),
    body: request.body,
  };
}
