/**
 * The receiver's contract (docs/architecture.md, "Contracts"): an OpenAPI document, already bundled into one object
 * with internal `$ref`s only, read into the operations an action can be linked to. Plain data and pure functions: the
 * parser and the schema validator live in `contract/stack.ts`, loaded only when an action has a contract.
 */
import type { JsonObject, JsonValue } from '../types';

/** Which OpenAPI a document is written in; it decides the JSON Schema dialect of its schemas. */
export type OpenApiVersion = '2.0' | '3.0' | '3.1';

/** One parameter of an operation, after `$ref`s to components are followed. */
export interface ContractParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  /** The JSON schema of the value (for Swagger 2.0, built from the parameter's own keywords). */
  readonly schema: JsonObject;
  /** Serialisation (OpenAPI 3: `style`/`explode`; Swagger 2.0's `collectionFormat` mapped to them). */
  readonly style: string;
  readonly explode: boolean;
  readonly description?: string;
}

/** The request body an operation accepts. */
export interface ContractBody {
  readonly required: boolean;
  /** Media type (as written, for example `application/json` or `application/*`) to its schema, if any. */
  readonly content: ReadonlyArray<{ readonly mediaType: string; readonly schema?: JsonObject }>;
  readonly description?: string;
}

/** One scheme of a security requirement, resolved from `components.securitySchemes`. */
export interface SecurityScheme {
  readonly name: string;
  readonly type: string;
  /** `http`: `bearer`, `basic`…; `apiKey`: where and under which name. */
  readonly scheme?: string;
  readonly in?: string;
  readonly keyName?: string;
}

/** An operation of the document: method, path template, parameters, body and security. */
export interface ContractOperation {
  readonly id?: string;
  /** Upper case: GET, POST, PATCH… */
  readonly method: string;
  readonly path: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters: readonly ContractParameter[];
  readonly body?: ContractBody;
  /** Alternatives (any one suffices), each a list of schemes that must all be met; empty list: none needed. */
  readonly security: ReadonlyArray<readonly SecurityScheme[]>;
  /** Server URLs that apply to this operation (operation, path or document level). */
  readonly servers: readonly string[];
}

/** A document read for checking. `raw` is the bundled document, normalised to the dialect's schema keywords. */
export interface ContractDocument {
  readonly version: OpenApiVersion;
  readonly title: string;
  readonly raw: JsonObject;
  readonly operations: readonly ContractOperation[];
}

/** The methods an operation may have in a document. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The URN under which the validator knows the document; schemas' `$ref`s are rebased onto it. */
export const DOCUMENT_URN = 'urn:webhook-studio:contract';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Unescapes one segment of a JSON pointer. */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Escapes one segment for a JSON pointer. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follows an internal `$ref` ("#/a/b") of `raw`; undefined when it does not resolve. */
export function resolvePointer(raw: JsonObject, ref: string): JsonValue | undefined {
  if (!ref.startsWith('#')) return undefined;
  let at: JsonValue | undefined = raw;
  const path = ref.slice(1);
  if (path === '') return raw;
  if (!path.startsWith('/')) return undefined;
  for (const seg of path.slice(1).split('/')) {
    const key = decodeURIComponent(unescapePointer(seg));
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObject(at) && Object.hasOwn(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

/** The object itself, or what its `$ref` chain leads to (at most 32 hops). */
export function deref(raw: JsonObject, value: JsonValue | undefined): JsonValue | undefined {
  let v = value;
  for (let i = 0; i < 32 && isObject(v) && typeof v.$ref === 'string'; i++) v = resolvePointer(raw, v.$ref);
  return v;
}

/** Reads a bundled OpenAPI 3.0/3.1 or Swagger 2.0 document. Returns a message when it is none of them. */
export function readContractDocument(bundled: unknown): { ok: true; doc: ContractDocument } | { ok: false; error: string } {
  if (!isObject(bundled)) return { ok: false, error: 'the document is not an object' };
  const openapi = str(bundled.openapi);
  const version: OpenApiVersion | undefined =
    bundled.swagger === '2.0' ? '2.0' : openapi?.startsWith('3.0') ? '3.0' : openapi?.startsWith('3.1') || openapi?.startsWith('3.2') ? '3.1' : undefined;
  if (!version)
    return { ok: false, error: `not an OpenAPI 3.0/3.1 or Swagger 2.0 document (openapi: ${JSON.stringify(bundled.openapi ?? bundled.swagger ?? null)})` };
  const raw = version === '3.1' ? bundled : normaliseLegacySchemas(bundled, version);
  const title = str(isObject(raw.info) ? raw.info.title : undefined) ?? 'the OpenAPI document';
  const schemes =
    isObject(raw.components) && isObject(raw.components.securitySchemes)
      ? raw.components.securitySchemes
      : isObject(raw.securityDefinitions)
        ? raw.securityDefinitions
        : {};
  const docServers = serversOf(raw, version, raw.servers);
  const operations: ContractOperation[] = [];
  const paths = isObject(raw.paths) ? raw.paths : {};
  for (const [path, item0] of Object.entries(paths)) {
    const item = deref(raw, item0);
    if (!isObject(item)) continue;
    const pathServers = Array.isArray(item.servers) && item.servers.length > 0 ? serversOf(raw, version, item.servers) : docServers;
    for (const m of METHODS) {
      const op = item[m];
      if (!isObject(op)) continue;
      const params = mergeParameters(raw, item.parameters, op.parameters);
      const parameters: ContractParameter[] = [];
      let body: ContractBody | undefined;
      for (const p of params) {
        if (version === '2.0' && p.in === 'body') {
          const consumes = (Array.isArray(op.consumes) ? op.consumes : Array.isArray(raw.consumes) ? raw.consumes : ['application/json']).filter(
            (c) => typeof c === 'string',
          );
          const schema = isObject(p.schema) ? p.schema : undefined;
          body = { required: p.required === true, content: consumes.map((mediaType) => ({ mediaType, schema })), description: str(p.description) };
          continue;
        }
        const param = readParameter(p, version);
        if (param) parameters.push(param);
      }
      if (version !== '2.0') body = readBody(raw, op.requestBody);
      const security = readSecurity(raw, Array.isArray(op.security) ? op.security : Array.isArray(raw.security) ? raw.security : [], schemes);
      const servers = Array.isArray(op.servers) && op.servers.length > 0 ? serversOf(raw, version, op.servers) : pathServers;
      operations.push({
        id: str(op.operationId),
        method: m.toUpperCase(),
        path,
        summary: str(op.summary),
        description: str(op.description),
        parameters,
        body,
        security,
        servers,
      });
    }
  }
  return { ok: true, doc: { version, title, raw, operations } };
}

function mergeParameters(raw: JsonObject, pathLevel: JsonValue | undefined, opLevel: JsonValue | undefined): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  for (const list of [pathLevel, opLevel]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = deref(raw, entry);
      if (isObject(p) && typeof p.name === 'string' && typeof p.in === 'string') byKey.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p);
    }
  }
  return [...byKey.values()];
}

/** Swagger 2.0 parameter keywords that are JSON Schema keywords of the value. */
const V2_SCHEMA_KEYS = [
  'type',
  'format',
  'items',
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
  'default',
];

function readParameter(p: JsonObject, version: OpenApiVersion): ContractParameter | undefined {
  const where = p.in;
  if (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie') return undefined;
  let schema: JsonObject;
  let style: string;
  let explode: boolean;
  if (version === '2.0') {
    schema = Object.fromEntries(V2_SCHEMA_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]!]));
    const format = str(p.collectionFormat) ?? 'csv';
    style = format === 'ssv' ? 'spaceDelimited' : format === 'pipes' ? 'pipeDelimited' : where === 'query' ? 'form' : 'simple';
    explode = format === 'multi';
  } else {
    schema = isObject(p.schema)
      ? p.schema
      : isObject(p.content)
        ? (Object.values(p.content).map((c) => (isObject(c) && isObject(c.schema) ? c.schema : undefined))[0] ?? {})
        : {};
    style = str(p.style) ?? (where === 'query' || where === 'cookie' ? 'form' : 'simple');
    explode = typeof p.explode === 'boolean' ? p.explode : style === 'form';
  }
  return { name: p.name as string, in: where, required: p.required === true || where === 'path', schema, style, explode, description: str(p.description) };
}

function readBody(raw: JsonObject, requestBody: JsonValue | undefined): ContractBody | undefined {
  const rb = deref(raw, requestBody);
  if (!isObject(rb)) return undefined;
  const content = isObject(rb.content) ? rb.content : {};
  return {
    required: rb.required === true,
    content: Object.entries(content).map(([mediaType, media]) => ({ mediaType, schema: isObject(media) && isObject(media.schema) ? media.schema : undefined })),
    description: str(rb.description),
  };
}

function readSecurity(raw: JsonObject, requirements: readonly JsonValue[], schemes: JsonObject): SecurityScheme[][] {
  const out: SecurityScheme[][] = [];
  for (const req of requirements) {
    if (!isObject(req)) continue;
    const all: SecurityScheme[] = [];
    for (const name of Object.keys(req)) {
      const s = deref(raw, schemes[name]);
      if (!isObject(s)) continue;
      const type = str(s.type) ?? '';
      // Swagger 2.0's `basic` is OpenAPI 3's http basic.
      if (type === 'basic') all.push({ name, type: 'http', scheme: 'basic' });
      else all.push({ name, type, scheme: str(s.scheme)?.toLowerCase(), in: str(s.in), keyName: str(s.name) });
    }
    out.push(all);
  }
  return out;
}

function serversOf(raw: JsonObject, version: OpenApiVersion, servers: JsonValue | undefined): string[] {
  if (version === '2.0') {
    const host = str(raw.host);
    const base = str(raw.basePath) ?? '';
    if (!host) return [base || '/'];
    const schemes = Array.isArray(raw.schemes) && raw.schemes.length > 0 ? raw.schemes.filter((s) => typeof s === 'string') : ['https'];
    return schemes.map((s) => `${s}://${host}${base}`);
  }
  if (!Array.isArray(servers) || servers.length === 0) return ['/'];
  const out: string[] = [];
  for (const s of servers) if (isObject(s) && typeof s.url === 'string') out.push(s.url);
  return out.length > 0 ? out : ['/'];
}

/**
 * OpenAPI 3.0 and Swagger 2.0 schemas are a dialect of draft 4/5: `nullable` (and `x-nullable`) adds null, and
 * `exclusiveMinimum`/`exclusiveMaximum` are booleans beside `minimum`/`maximum`. They are rewritten once, on a copy, into
 * the draft-07 forms the validator knows, so that every schema of the document means what its authors wrote.
 */
function normaliseLegacySchemas(doc: JsonObject, version: OpenApiVersion): JsonObject {
  const nullKey = version === '2.0' ? 'x-nullable' : 'nullable';
  const seen = new WeakMap<object, JsonValue>();
  const walk = (v: JsonValue): JsonValue => {
    if (typeof v !== 'object' || v === null) return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const arr: JsonValue[] = [];
      seen.set(v, arr);
      for (const x of v) arr.push(walk(x));
      return arr;
    }
    let o: JsonObject = {};
    seen.set(v, o);
    for (const [k, x] of Object.entries(v)) o[k] = walk(x);
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof o[flag] === 'boolean') {
        if (o[flag] === true && typeof o[bound] === 'number') {
          o[flag] = o[bound];
          delete o[bound];
        } else delete o[flag];
      }
    }
    if (o[nullKey] === true) {
      delete o[nullKey];
      if (typeof o.type === 'string') o.type = [o.type, 'null'];
      if (Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
      if (o.type === undefined) {
        // No type to widen: null or whatever the rest of the schema allows.
        const rest = o;
        o = { anyOf: [{ type: 'null' }, rest] };
        seen.set(v, o);
      }
    }
    return o;
  };
  return walk(doc) as JsonObject;
}

/** One server URL as a pattern: `{variable}`s match one path segment (or their enum), the rest literally. */
function serverPattern(url: string): { regex: RegExp; absolute: boolean } {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.startsWith('//');
  const trimmed = url.replace(/\/+$/, '');
  const source = trimmed
    .split(/(\{[^}]*\})/)
    .map((part) => (part.startsWith('{') && part.endsWith('}') ? '[^/?#]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { regex: new RegExp(`^${url.startsWith('//') ? 'https?:' : ''}${source}(?=/|$)`, 'i'), absolute };
}

/** A path template as a pattern whose named groups are its parameters; `d` gives each group's indices. */
export function pathPattern(template: string): { regex: RegExp; names: string[]; literalLength: number } {
  const names: string[] = [];
  let literalLength = 0;
  const source = template
    .split(/(\{[^}]*\})/)
    .map((part) => {
      if (part.startsWith('{') && part.endsWith('}')) {
        names.push(part.slice(1, -1));
        return `([^/]*)`;
      }
      literalLength += part.length;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}/?$`, 'd'), names, literalLength };
}

/** Where a rendered URL's path starts below a server of the operation, or undefined when no server matches. */
export function pathBelowServer(url: URL, servers: readonly string[]): { path: string; offset: number } | undefined {
  const withoutQuery = `${url.origin}${url.pathname}`;
  for (const s of servers) {
    const { regex, absolute } = serverPattern(s);
    const subject = absolute ? withoutQuery : url.pathname;
    const m = regex.exec(subject);
    if (!m) continue;
    const offset = (absolute ? 0 : url.origin.length) + m[0].length;
    return { path: withoutQuery.slice(offset) || '/', offset };
  }
  return undefined;
}

/** The result of looking up an operation. */
export type OperationLookup = { readonly ok: true; readonly operation: ContractOperation } | { readonly ok: false; readonly message: string };

/** Finds the operation with an `operationId`; the message names near ids when there is none. */
export function operationById(doc: ContractDocument, id: string): OperationLookup {
  const op = doc.operations.find((o) => o.id === id);
  if (op) return { ok: true, operation: op };
  const lower = id.toLowerCase();
  const near = doc.operations
    .map((o) => o.id)
    .filter((x): x is string => x !== undefined && (x.toLowerCase().includes(lower) || lower.includes(x.toLowerCase())))
    .slice(0, 5);
  return {
    ok: false,
    message: `${doc.title} has no operation "${id}".${near.length > 0 ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ' Check "contract.operation" against the operationIds of the document.'}`,
  };
}

/**
 * Finds the operation a request is for, by method and by its URL against the servers and path templates (OpenAPI's
 * rule: a template with more literal text wins over one with more parameters). Ambiguity and no match are messages.
 */
export function operationByRequest(doc: ContractDocument, method: string, url: string): OperationLookup {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'the URL did not render to an absolute URL, so no operation of the contract can be matched to it.' };
  }
  const matches: Array<{ op: ContractOperation; literal: number }> = [];
  const otherMethods = new Set<string>();
  let belowAnyServer = false;
  for (const op of doc.operations) {
    const below = pathBelowServer(parsed, op.servers);
    if (!below) continue;
    belowAnyServer = true;
    const p = pathPattern(op.path);
    if (!p.regex.test(below.path)) continue;
    if (op.method !== method) {
      otherMethods.add(op.method);
      continue;
    }
    matches.push({ op, literal: p.literalLength });
  }
  if (matches.length === 0) {
    if (!belowAnyServer) {
      const servers = [...new Set(doc.operations.flatMap((o) => o.servers))].slice(0, 3);
      return {
        ok: false,
        message: `${parsed.origin}${parsed.pathname} is not below any server of ${doc.title} (${servers.join(', ')}). Set "contract.operation" or fix the URL.`,
      };
    }
    const extra = otherMethods.size > 0 ? ` That path takes ${[...otherMethods].join(', ')}.` : '';
    return {
      ok: false,
      message: `no operation of ${doc.title} matches ${method} ${parsed.pathname}.${extra} Set "contract.operation" or fix the method and URL.`,
    };
  }
  const best = Math.max(...matches.map((m) => m.literal));
  const top = matches.filter((m) => m.literal === best);
  if (top.length > 1) {
    return {
      ok: false,
      message: `${method} ${parsed.pathname} matches ${top.length} operations of ${doc.title} (${top.map((m) => m.op.id ?? m.op.path).join(', ')}). Set "contract.operation" to the one meant.`,
    };
  }
  return { ok: true, operation: top[0]!.op };
}

/** How an operation is named in messages. */
export function operationName(op: ContractOperation): string {
  return op.id ?? `${op.method} ${op.path}`;
}
