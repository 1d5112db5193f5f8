/**
 * *Copy for the platform* (docs/architecture.md, "Rendering"): an action as it is typed into the
 * platform's Custom Webhook form, templates intact: the method, the URL, the auth, the header rows, the
 * query rows, the Content-Type and the body text. Nothing is rendered and no secret value is read: a
 * `{{secrets.NAME}}` stays a template.
 */
import { getNodeValue } from 'jsonc-parser';
import type { ActionDocument } from './document';

/** The platform's form of an action, field by field. */
export interface PlatformForm {
  readonly method: string;
  readonly url: string;
  /** The auth drop-down and its fields, as written. */
  readonly auth: readonly (readonly [string, string])[];
  readonly headers: readonly (readonly [string, string])[];
  readonly query: readonly (readonly [string, string])[];
  readonly contentType: string;
  /** The body field's text (JSON bodies), or undefined. */
  readonly body?: string;
  /** The key/value rows of a form body. */
  readonly formRows?: readonly (readonly [string, string])[];
}

/** Reads the platform's form of an action. A file with syntax errors gives what could be read. */
export function platformForm(doc: ActionDocument): PlatformForm {
  const m = doc.model;
  const rows = (entries: typeof m.headers) => entries.flatMap((e) => e.values.map((v) => [e.name, v.value] as const));
  const auth: Array<readonly [string, string]> = [];
  const a = m.auth;
  switch (a.type) {
    case 'bearer':
      auth.push(['Auth', 'Bearer token'], ['Token', a.token?.value ?? '']);
      break;
    case 'apiKey':
      auth.push(['Auth', 'API key'], ['Key', a.header?.name ?? ''], ['Value', a.value?.value ?? '']);
      break;
    case 'basic':
      auth.push(['Auth', 'Basic'], ['Username', a.username?.value ?? ''], ['Password', a.password?.value ?? '']);
      break;
    case 'oauth2':
      auth.push(['Auth', 'OAuth2'], ['Token', a.connection?.value ?? '']);
      break;
    case 'invalid':
      auth.push(['Auth', a.written]);
      break;
    case 'none':
      break;
  }
  const form = m.bodyType === 'form';
  const written = m.headers.find((h) => h.name.toLowerCase() === 'content-type')?.values[0]?.value;
  const base = {
    method: m.method ?? 'GET',
    url: m.url?.value ?? '',
    auth,
    headers: rows(m.headers),
    query: rows(m.query),
    contentType: written ?? (form ? 'application/x-www-form-urlencoded' : 'application/json'),
  };
  if (m.body === undefined) return base;
  if (m.bodyText) return { ...base, body: m.bodyText.value };
  const node = doc.bodyNode();
  if (!node) return base;
  const value: unknown = getNodeValue(node);
  if (form && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const formRows = Object.entries(value as Record<string, unknown>).flatMap(([name, v]) =>
      (Array.isArray(v) ? v : [v]).map((item) => [name, typeof item === 'string' ? item : JSON.stringify(item)] as const),
    );
    return { ...base, formRows };
  }
  // The object as its JSON text: templates sit inside its strings, as they do in the platform's field.
  return { ...base, body: JSON.stringify(value, null, 2) };
}

/** The form as text to paste from, one field or row a line. */
export function platformFormText(form: PlatformForm): string {
  const lines = [`Method: ${form.method}`, `URL: ${form.url}`];
  for (const [name, value] of form.auth) lines.push(`${name}: ${value}`);
  const table = (title: string, entries: readonly (readonly [string, string])[]) => {
    if (entries.length === 0) return;
    lines.push('', `${title}:`);
    for (const [name, value] of entries) lines.push(`  ${name}\t${value}`);
  };
  table('Headers (key, value)', form.headers);
  table('Query parameters (key, value)', form.query);
  lines.push('', `Content-Type: ${form.contentType}`);
  if (form.formRows) table('Body (key, value)', form.formRows);
  else if (form.body !== undefined) lines.push('', 'Body:', form.body);
  return `${lines.join('\n')}\n`;
}
