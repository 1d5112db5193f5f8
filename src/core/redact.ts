import { MASK } from './render';
import type { PlainRequest, RenderedRequest, Span } from './types';

/** True for spans whose text must never be shown unless the user asks: secrets and credentials. */
export function isSecretSpan(span: Span): boolean {
  return span.source.kind === 'secret' || span.source.kind === 'credential';
}

/** Replaces every secret or credential span of `text` with the mask (overlapping spans merged). */
export function maskSpans(text: string, spans: readonly Span[]): string {
  const ranges = spans
    .filter((s) => isSecretSpan(s) && s.end > s.start)
    .map((s) => [s.start, s.end] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  let i = 0;
  while (i < ranges.length) {
    let [start, end] = ranges[i]!;
    while (i + 1 < ranges.length && ranges[i + 1]![0] <= end) end = Math.max(end, ranges[++i]![1]);
    i++;
    if (start < at) start = at;
    out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
}

/** The request as plain data: with secrets masked unless `reveal` is set. */
export function toPlainRequest(request: RenderedRequest, reveal = false): PlainRequest {
  const mask = (text: string, spans: readonly Span[]) => (reveal ? text : maskSpans(text, spans));
  return {
    method: request.method,
    url: mask(request.url, request.urlSpans),
    headers: request.headers.map((h) => [h.name, mask(h.value, h.spans)] as const),
    body: request.body === null ? null : mask(request.body, request.bodySpans),
  };
}

/** Every secret or credential value that occurs in the request, for last-line-of-defence redaction. */
export function secretValuesOf(request: RenderedRequest): string[] {
  const values = new Set<string>();
  const collect = (text: string, spans: readonly Span[]) => {
    for (const s of spans) if (isSecretSpan(s) && s.end > s.start) values.add(text.slice(s.start, s.end));
  };
  collect(request.url, request.urlSpans);
  for (const h of request.headers) collect(h.value, h.spans);
  if (request.body !== null) collect(request.body, request.bodySpans);
  return [...values];
}
