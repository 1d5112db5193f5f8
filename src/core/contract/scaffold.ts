/**
 * A new action from an OpenAPI operation (docs/architecture.md, "Contracts"): the method, the first server's URL with
 * the path template filled, every required query parameter, header and body field present, the auth the operation's
 * security asks for with a secret, and templates for the fields whose names are standard contact fields.
 */
import type { JsonObject, JsonValue } from '../types';
import { contactTemplateFor } from './fieldNames';
import { deref, operationById, operationName, type ContractDocument, type ContractOperation } from './model';

const PLATFORM_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the scaffold writes, or why it cannot. */
export type ScaffoldResult = { readonly ok: true; readonly action: JsonObject; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * Builds the action for `operationId`; `openapi` is what its `contract.openapi` says (a path relative to the new file,
 * or the URL).
 */
export function scaffoldAction(doc: ContractDocument, operationId: string, openapi: string): ScaffoldResult {
  const found = operationById(doc, operationId);
  if (!found.ok) return { ok: false, error: found.message };
  const op = found.operation;
  if (!PLATFORM_METHODS.has(op.method)) {
    return { ok: false, error: `operation ${operationName(op)} is ${op.method}; the platform sends only GET, POST, PUT and DELETE.` };
  }
  const gen = new Values(doc.raw);
  const action: JsonObject = { name: op.summary ?? operationName(op) };
  const description = op.description?.split('\n').find((l) => l.trim() !== '' && !l.startsWith('>'));
  if (description) action.description = description.trim().slice(0, 200);
  action.method = op.method;
  action.url = urlOf(doc, op, gen);
  const auth = authOf(doc, op);
  if (auth) action.auth = auth;

  const headers: JsonObject = {};
  const query: JsonObject = {};
  for (const p of op.parameters) {
    if (!p.required || p.in === 'path' || p.in === 'cookie') continue;
    if (p.in === 'header' && ['accept', 'content-type', 'authorization'].includes(p.name.toLowerCase())) continue;
    const value = gen.text(p.name, p.schema);
    if (p.in === 'query') query[p.name] = value;
    else headers[p.name] = value;
  }
  const media = op.body?.content.find((c) => /(^|[/+])json$/i.test(c.mediaType.split(';')[0]!.trim())) ?? op.body?.content[0];
  const sendsBody = op.method === 'POST' || op.method === 'PUT';
  if (media && sendsBody && media.mediaType.toLowerCase() !== 'application/json') headers['Content-Type'] = media.mediaType;
  if (Object.keys(headers).length > 0) action.headers = headers;
  if (Object.keys(query).length > 0) action.query = query;
  action.contract = { openapi, operation: operationId };
  if (media && sendsBody) action.body = media.schema ? gen.value(media.schema, 0, undefined) : {};
  return { ok: true, action, text: `${JSON.stringify(action, null, 2)}\n` };
}

function urlOf(doc: ContractDocument, op: ContractOperation, gen: Values): string {
  const server = op.servers.find((s) => /^https?:\/\//i.test(s)) ?? op.servers[0] ?? '/';
  const variables = new Map<string, string>();
  for (const s of Array.isArray(doc.raw.servers) ? doc.raw.servers : []) {
    if (!isObject(s) || s.url !== server || !isObject(s.variables)) continue;
    for (const [name, v] of Object.entries(s.variables)) if (isObject(v) && typeof v.default === 'string') variables.set(name, v.default);
  }
  let base = server.replace(/\{([^}]*)\}/g, (_m, name: string) => variables.get(name) ?? name).replace(/\/+$/, '');
  // A document that names no absolute server: the receiver's host is the user's to fill in.
  if (!/^https?:\/\//i.test(base)) base = `https://api.example.com${base.startsWith('/') ? base : `/${base}`}`.replace(/\/+$/, '');
  const path = op.path.replace(/\{([^}]*)\}/g, (_m, name: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    const value = gen.text(name, p?.schema ?? {});
    return value.startsWith('{{') ? value : encodeURIComponent(value);
  });
  return `${base}${path}`;
}

function authOf(doc: ContractDocument, op: ContractOperation): JsonObject | undefined {
  if (op.security.length === 0 || op.security.some((a) => a.length === 0)) return undefined;
  const scheme = op.security[0]![0]!;
  const prefix =
    doc.title
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toUpperCase()
      .split('_')
      .slice(0, 2)
      .join('_') || 'API';
  if (scheme.type === 'http' && scheme.scheme === 'basic')
    return { type: 'basic', username: `{{secrets.${prefix}_USER}}`, password: `{{secrets.${prefix}_PASSWORD}}` };
  if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.keyName)
    return { type: 'apiKey', header: scheme.keyName, value: `{{secrets.${prefix}_API_KEY}}` };
  if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return { type: 'bearer', token: `{{secrets.${prefix}_TOKEN}}` };
  return undefined;
}

/** Example values for schemas: a contact template where the name fits and the type is text, else a value of the schema. */
class Values {
  constructor(private readonly raw: JsonObject) {}

  private schema(s: JsonValue | undefined): JsonObject {
    const d = deref(this.raw, s);
    if (!isObject(d)) return {};
    // allOf: the members' properties and required lists together.
    if (Array.isArray(d.allOf)) {
      const merged: JsonObject = { ...d };
      delete merged.allOf;
      const props: JsonObject = isObject(d.properties) ? { ...d.properties } : {};
      const required = new Set(Array.isArray(d.required) ? d.required.filter((x) => typeof x === 'string') : []);
      for (const member of d.allOf) {
        const m = this.schema(member);
        if (isObject(m.properties)) Object.assign(props, m.properties);
        if (Array.isArray(m.required)) for (const r of m.required) if (typeof r === 'string') required.add(r);
        for (const k of ['type', 'format', 'enum', 'example', 'default', 'pattern', 'minLength'])
          if (merged[k] === undefined && m[k] !== undefined) merged[k] = m[k];
      }
      if (Object.keys(props).length > 0) merged.properties = props;
      if (required.size > 0) merged.required = [...required];
      return merged;
    }
    const alternative = Array.isArray(d.oneOf) ? d.oneOf[0] : Array.isArray(d.anyOf) ? d.anyOf.find((x) => !(isObject(x) && x.type === 'null')) : undefined;
    if (alternative !== undefined && d.type === undefined && d.properties === undefined) return this.schema(alternative);
    return d;
  }

  private typeOf(s: JsonObject): string | undefined {
    if (typeof s.type === 'string') return s.type;
    if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === 'string' && t !== 'null');
    if (isObject(s.properties)) return 'object';
    return undefined;
  }

  /** A value as text, for the URL, the query and headers. */
  text(name: string, schema: JsonValue): string {
    const s = this.schema(schema);
    const template = contactTemplateFor(name);
    if (template && this.accepts(s)) return template;
    const v = this.value(s, 0, undefined);
    return typeof v === 'string' ? v : v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  /** True when a template's text could fit: a string without an enum, const or pattern that a contact value would miss. */
  private accepts(s: JsonObject): boolean {
    const t = this.typeOf(s);
    return (t === undefined || t === 'string') && s.enum === undefined && s.const === undefined;
  }

  value(schema: JsonValue, depth: number, name: string | undefined): JsonValue {
    const s = this.schema(schema);
    if (name !== undefined) {
      const template = contactTemplateFor(name);
      if (template && this.accepts(s)) return template;
    }
    if (s.const !== undefined) return s.const;
    if (s.example !== undefined && isSimple(s.example)) return s.example;
    if (Array.isArray(s.examples) && s.examples.length > 0 && isSimple(s.examples[0]!)) return s.examples[0]!;
    if (s.default !== undefined && isSimple(s.default)) return s.default;
    if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((x) => x !== null) ?? null;
    const t = this.typeOf(s);
    switch (t) {
      case 'integer':
      case 'number':
        return typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 1;
      case 'boolean':
        return false;
      case 'null':
        return null;
      case 'array': {
        const min = typeof s.minItems === 'number' ? s.minItems : 0;
        return depth > 6 || min === 0 ? [] : Array.from({ length: min }, () => this.value(s.items ?? {}, depth + 1, undefined));
      }
      case 'object': {
        const out: JsonObject = {};
        if (depth > 6) return out;
        const props = isObject(s.properties) ? s.properties : {};
        const required = new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []);
        for (const [key, sub] of Object.entries(props)) {
          const template = contactTemplateFor(key);
          const wanted = required.has(key) || (template !== undefined && this.accepts(this.schema(sub)));
          if (wanted) out[key] = this.value(sub, depth + 1, key);
        }
        // A required property the schema does not describe still has to be there.
        for (const key of required) if (!(key in out)) out[key] = contactTemplateFor(key) ?? 'example';
        return out;
      }
      default:
        return this.stringFor(s);
    }
  }

  private stringFor(s: JsonObject): string {
    switch (s.format) {
      case 'email':
        return 'someone@example.com';
      case 'date-time':
        return '2026-01-01T00:00:00Z';
      case 'date':
        return '2026-01-01';
      case 'uri':
      case 'url':
        return 'https://example.com';
      case 'uuid':
        return '00000000-0000-4000-8000-000000000000';
      default: {
        const min = typeof s.minLength === 'number' ? s.minLength : 0;
        return 'example'.padEnd(min, 'x');
      }
    }
  }
}

function isSimple(v: JsonValue): boolean {
  return v === null || typeof v !== 'object' || (Array.isArray(v) ? v.every(isSimple) : Object.values(v).every(isSimple));
}
