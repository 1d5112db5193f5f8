/**
 * The contract check (docs/architecture.md, "Contracts"): one sample's rendered request, exactly as the platform would
 * send it, against the operation it is linked to. Each violation is a `contract-violation` diagnostic on the template
 * (or literal) that produced the value, found through the render's provenance spans; a missing required field sits on
 * the object (body, query, headers) that lacks it.
 */
import { visit, type Node } from 'jsonc-parser';
import type { ActionDocument } from '../document';
import { MASK, isSecretSpan } from '../redact';
import type { Diagnostic, JsonObject, JsonValue, OffsetRange, RenderResult, Sample, Severity, Span } from '../types';
import { readContractLink, topLevelProperty, type ContractLink } from './link';
import {
  deref,
  operationById,
  operationByRequest,
  operationName,
  pathBelowServer,
  pathPattern,
  unescapePointer,
  type ContractDocument,
  type ContractOperation,
  type ContractParameter,
  type SecurityScheme,
} from './model';
import { ruleOf, SchemaValidators, type SchemaError } from './validators';

/** Checks one sample's render of an action; what lint calls for the selected sample. */
export type ContractCheck = (doc: ActionDocument, render: RenderResult, sample: Sample) => readonly Diagnostic[];

/** At most this many violations are listed per sample: past it, the request is far from the contract anyway. */
const MAX_PER_SAMPLE = 100;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A check of actions against one document (validators compiled once, shared by every sample). */
export function contractCheck(contract: ContractDocument): ContractCheck {
  const validators = new SchemaValidators(contract);
  return (doc, render, sample) => {
    const link = readContractLink(doc);
    if (!link) return [];
    return new Checker(doc, render, sample, contract, validators, link).run();
  };
}

/** A diagnostic of the block itself: the document could not be read, or is not fetched yet. */
export function contractProblem(link: ContractLink, message: string, severity: Severity = 'error'): Diagnostic {
  return { code: 'contract-violation', severity, message, range: link.openapi?.range ?? link.keyRange };
}

class Checker {
  private readonly out: Diagnostic[] = [];
  private readonly url: URL | undefined;
  private op!: ContractOperation;

  constructor(
    private readonly doc: ActionDocument,
    private readonly render: RenderResult,
    private readonly sample: Sample,
    private readonly contract: ContractDocument,
    private readonly validators: SchemaValidators,
    private readonly link: ContractLink,
  ) {
    try {
      this.url = new URL(render.request.url);
    } catch {
      this.url = undefined;
    }
  }

  run(): Diagnostic[] {
    const req = this.render.request;
    const lookup = this.link.operation ? operationById(this.contract, this.link.operation.value) : operationByRequest(this.contract, req.method, req.url);
    if (!lookup.ok) {
      this.push(this.link.operation?.range ?? this.urlRange(), lookup.message);
      return this.out;
    }
    this.op = lookup.operation;
    if (this.op.method !== req.method) {
      const four = ['GET', 'POST', 'PUT', 'DELETE'].includes(this.op.method);
      this.push(
        this.doc.model.methodRange ?? this.link.keyRange,
        `operation ${operationName(this.op)} is ${this.op.method}, the action sends ${req.method}.${four ? ` Set "method" to "${this.op.method}".` : ' The platform sends only GET, POST, PUT and DELETE: link another operation.'}`,
      );
    }
    if (this.url) {
      this.checkPath(this.url);
      this.checkQuery();
    }
    this.checkHeaders();
    this.checkSecurity();
    this.checkBody();
    return this.out.slice(0, MAX_PER_SAMPLE);
  }

  private push(range: OffsetRange, message: string, severity: Severity = 'error'): void {
    this.out.push({ code: 'contract-violation', severity, message, range });
  }

  private get who(): string {
    return `for sample "${this.sample.name}"`;
  }

  private get opText(): string {
    return `operation ${operationName(this.op)}`;
  }

  private urlRange(): OffsetRange {
    const n = this.doc.model.url?.node;
    return n ? { start: n.offset, end: n.offset + n.length } : this.link.keyRange;
  }

  /** The key of a top-level block (`"query"`, `"headers"`), else the URL. */
  private blockRange(key: string): OffsetRange {
    const p = topLevelProperty(this.doc, key);
    return p ? { start: p.key.offset, end: p.key.offset + p.key.length } : this.urlRange();
  }

  /**
   * Where a rendered piece came from: the templates whose spans overlap [start, end) of the rendered text, else the
   * literal `fallback`. The value is masked when a secret made it.
   */
  private source(spans: readonly Span[], start: number, end: number, fallback: OffsetRange): { range: OffsetRange; made: string; secret: boolean } {
    // An empty value (a template that rendered to nothing) is found by its position.
    const overlaps = (s: Span) => (start === end ? s.start <= start && s.end >= start : s.start < end && s.end > start);
    const hits = spans.filter((s) => overlaps(s) && s.source.kind !== 'credential');
    const secret = spans.some((s) => overlaps(s) && isSecretSpan(s));
    if (hits.length === 0) return { range: fallback, made: 'the literal', secret };
    const first = hits[0]!.source as { range: OffsetRange };
    const ranges = hits.map((h) => (h.source as { range: OffsetRange }).range);
    const templates = [...new Set(ranges.map((r) => this.doc.text.slice(r.start, r.end)))];
    return { range: first.range, made: `${templates.join(' + ')} gives`, secret };
  }

  private violation(src: { range: OffsetRange; made: string; secret: boolean }, value: unknown, where: string, rule: string): void {
    const shown = src.secret ? MASK : showValue(value);
    this.push(src.range, `${this.who}, ${src.made} ${shown} at ${where}; the receiver's schema wants ${rule} (${this.opText}).`);
  }

  // ---- path -------------------------------------------------------------------------------------------------

  private checkPath(url: URL): void {
    const below = pathBelowServer(url, this.op.servers);
    if (!below) {
      this.push(this.urlRange(), `${url.origin}${url.pathname} is not below a server of ${this.opText} (${this.op.servers.join(', ')}).`, 'warning');
      return;
    }
    const pattern = pathPattern(this.op.path);
    const m = pattern.regex.exec(below.path);
    const spans = this.render.request.urlSpans;
    if (!m) {
      this.push(this.urlRange(), `${this.who}, the path ${below.path} does not match ${this.opText}'s template ${this.op.path}.`);
      return;
    }
    pattern.names.forEach((name, i) => {
      const [s, e] = m.indices![i + 1]!;
      const start = below.offset + s;
      const end = below.offset + e;
      const raw = this.render.request.url.slice(start, end);
      const param = this.op.parameters.find((p) => p.in === 'path' && p.name === name);
      const src = this.source(spans, start, end, this.urlRange());
      const value = safeDecode(raw);
      if (value === '') {
        this.push(src.range, `${this.who}, path parameter "${name}" is empty; ${this.opText} needs a value in ${this.op.path}.`);
        return;
      }
      if (param) this.validateParam(param, coerce(value, this.schemaOf(param)), src, `path parameter "${name}"`);
    });
  }

  // ---- query ------------------------------------------------------------------------------------------------

  private checkQuery(): void {
    const full = this.render.request.url;
    const q = full.indexOf('?');
    const pairs: QueryPair[] = [];
    if (q >= 0) {
      const hash = full.indexOf('#', q);
      const end = hash < 0 ? full.length : hash;
      let at = q + 1;
      while (at <= end) {
        const amp = full.indexOf('&', at);
        const stop = amp < 0 || amp > end ? end : amp;
        const piece = full.slice(at, stop);
        if (piece !== '') {
          const eq = piece.indexOf('=');
          const rawName = eq < 0 ? piece : piece.slice(0, eq);
          pairs.push({ name: formDecode(rawName), value: eq < 0 ? '' : formDecode(piece.slice(eq + 1)), start: eq < 0 ? stop : at + eq + 1, end: stop });
        }
        at = stop + 1;
      }
    }
    const spans = this.render.request.urlSpans;
    const params = this.op.parameters.filter((p) => p.in === 'query');
    const known = new Set(params.map((p) => p.name));
    for (const alt of this.op.security) for (const s of alt) if (s.type === 'apiKey' && s.in === 'query' && s.keyName) known.add(s.keyName);
    for (const p of params) {
      const mine = p.style === 'deepObject' ? pairs.filter((x) => x.name.startsWith(`${p.name}[`)) : pairs.filter((x) => x.name === p.name);
      if (mine.length === 0) {
        if (p.required)
          this.push(this.blockRange('query'), `${this.opText} requires query parameter "${p.name}"${describe(p.description)}; the request has none.`);
        continue;
      }
      const schema = this.schemaOf(p);
      const fallback = this.queryEntryRange(p.name);
      const src = this.source(spans, mine[0]!.start, mine[mine.length - 1]!.end, fallback);
      this.validateParam(p, decodeQuery(p, mine, schema, this.contract.raw), src, `query parameter "${p.name}"`);
    }
    for (const x of pairs) {
      const base = x.name.replace(/\[.*$/, '');
      if (known.has(x.name) || known.has(base)) continue;
      const src = this.source(spans, x.start, x.end, this.queryEntryRange(x.name));
      const near = params.map((p) => p.name).slice(0, 12);
      this.push(
        src.range,
        `"${x.name}" is not a query parameter of ${this.opText}${near.length > 0 ? `; it takes ${near.map((n) => `"${n}"`).join(', ')}` : ', which takes none'}.`,
        'warning',
      );
    }
  }

  private queryEntryRange(name: string): OffsetRange {
    const entry = this.doc.model.query.find((e) => e.name === name);
    const v = entry?.values[0]?.node;
    return v ? { start: v.offset, end: v.offset + v.length } : (entry?.nameRange ?? this.urlRange());
  }

  // ---- headers and security ---------------------------------------------------------------------------------

  private header(name: string) {
    const lower = name.toLowerCase();
    return this.render.request.headers.find((h) => h.name.toLowerCase() === lower);
  }

  private headerEntryRange(name: string): OffsetRange {
    const lower = name.toLowerCase();
    const entry = this.doc.model.headers.find((e) => e.name.toLowerCase() === lower);
    const v = entry?.values[0]?.node;
    return v ? { start: v.offset, end: v.offset + v.length } : (entry?.nameRange ?? this.blockRange('headers'));
  }

  private checkHeaders(): void {
    for (const p of this.op.parameters) {
      if (p.in !== 'header' || IGNORED_HEADER_PARAMS.has(p.name.toLowerCase())) continue;
      const h = this.header(p.name);
      if (!h) {
        if (p.required) this.push(this.blockRange('headers'), `${this.opText} requires header "${p.name}"${describe(p.description)}; the request has none.`);
        continue;
      }
      const src = this.source(h.spans, 0, h.value.length, this.headerEntryRange(p.name));
      const schema = this.schemaOf(p);
      const value = isArrayType(schema, this.contract.raw)
        ? h.value.split(',').map((v) => coerce(v.trim(), itemsOf(schema, this.contract.raw)))
        : coerce(h.value, schema);
      this.validateParam(p, value, src, `header "${p.name}"`);
    }
  }

  private checkSecurity(): void {
    const alternatives = this.op.security;
    if (alternatives.length === 0 || alternatives.some((a) => a.length === 0)) return;
    if (alternatives.some((all) => all.every((s) => this.satisfies(s)))) return;
    const wanted = alternatives.map((all) => all.map(describeScheme).join(' and ')).join('; or ');
    const auth = this.doc.model.auth;
    const sent = auth.type === 'none' || auth.type === 'invalid' ? 'no auth' : `auth type ${auth.type}`;
    this.push(this.doc.model.authRange ?? this.urlRange(), `${this.opText} accepts ${wanted}; the action sends ${sent}.`);
  }

  private satisfies(s: SecurityScheme): boolean {
    const authz = this.header('authorization')?.value ?? '';
    switch (s.type) {
      case 'http':
        return s.scheme === undefined ? authz !== '' : authz.toLowerCase().startsWith(`${s.scheme} `);
      case 'oauth2':
      case 'openIdConnect':
        return authz.toLowerCase().startsWith('bearer ');
      case 'apiKey':
        if (!s.keyName) return true;
        if (s.in === 'header') return this.header(s.keyName) !== undefined;
        if (s.in === 'query') return this.url?.searchParams.has(s.keyName) ?? false;
        if (s.in === 'cookie') return (this.header('cookie')?.value ?? '').split(';').some((c) => c.trim().startsWith(`${s.keyName}=`));
        return true;
      default:
        // mutualTLS and the like are not part of the request text: not checked here.
        return true;
    }
  }

  // ---- body -------------------------------------------------------------------------------------------------

  private checkBody(): void {
    const spec = this.op.body;
    const req = this.render.request;
    const model = this.doc.model;
    if (req.body === null) {
      if (spec?.required) {
        const why = req.method === 'GET' || req.method === 'DELETE' ? `; ${req.method} sends none` : '';
        this.push(model.bodyKeyRange ?? model.methodRange ?? this.link.keyRange, `${this.opText} requires a request body${describe(spec.description)}${why}.`);
      }
      return;
    }
    if (!spec || spec.content.length === 0) return;
    const contentType = this.header('content-type');
    const mediaType = (contentType?.value ?? '').split(';')[0]!.trim().toLowerCase();
    const entry = spec.content.find((c) => mediaMatches(c.mediaType, mediaType));
    if (!entry) {
      const range = contentType && contentType.origin === 'user' ? this.headerEntryRange('content-type') : (model.bodyKeyRange ?? this.urlRange());
      this.push(range, `the body is sent as ${mediaType || 'no media type'}; ${this.opText} accepts ${spec.content.map((c) => c.mediaType).join(', ')}.`);
      return;
    }
    if (!entry.schema || !/(^|[/+])json$/.test(mediaType)) return;
    let value: unknown;
    try {
      value = JSON.parse(req.body);
    } catch {
      // Not JSON: lint reports that (body-not-json, json-unsafe-value); there is nothing to validate.
      return;
    }
    const { errors, broken } = this.validators.validate(entry.schema, value);
    if (broken) {
      this.push(this.link.openapi?.range ?? this.link.keyRange, `the body schema of ${this.opText} cannot be used: ${broken}`, 'warning');
      return;
    }
    if (errors.length === 0) return;
    const leaves = renderedLeaves(req.body, new Set(errors.map((e) => e.instancePath)));
    for (const e of errors) this.bodyViolation(e, value, leaves);
  }

  private bodyViolation(e: SchemaError, body: unknown, leaves: Map<string, [number, number]>): void {
    const p = e.params as Record<string, unknown>;
    const where = `body ${e.instancePath || '/'}`;
    if (e.keyword === 'required') {
      const missing = String(p.missingProperty);
      // The file's shape, the same for every sample: named without one.
      this.push(this.objectRange(e.instancePath), `the body lacks "${missing}" at ${where}, which the receiver's schema requires (${this.opText}).`);
      return;
    }
    if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
      const extra = String(p.additionalProperty ?? p.unevaluatedProperty);
      const range = this.keyRange(`${e.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      this.push(range, `the body has "${extra}" at ${where}, which the receiver's schema does not allow (${this.opText}).`);
      return;
    }
    const leaf = leaves.get(e.instancePath);
    const sourceNode = this.sourceNode(e.instancePath);
    const fallback = sourceNode && sourceNode.type !== 'object' && sourceNode.type !== 'array' ? rangeOfNode(sourceNode) : this.objectRange(e.instancePath);
    let src = leaf ? this.source(this.render.request.bodySpans, leaf[0], leaf[1], fallback) : { range: fallback, made: 'the literal', secret: false };
    // A template that rendered to nothing leaves no span: its string in the file still names it.
    if (src.made === 'the literal' && sourceNode?.type === 'string') {
      const ts = this.doc.stringOf(sourceNode, 'body');
      const tokens = ts.tokens.filter((t) => t.kind === 'variable');
      if (tokens.length > 0) {
        const ranges = ts.ranges.filter((_r, i) => ts.tokens[i]!.kind === 'variable');
        src = { range: ranges[0]!, made: `${[...new Set(ranges.map((r) => this.doc.text.slice(r.start, r.end)))].join(' + ')} gives`, secret: false };
      }
    }
    this.violation(src, pointerValue(body, e.instancePath), where, ruleOf(e));
  }

  /** The source node at a pointer of the body, when the file's body has the same shape there. */
  private sourceNode(pointer: string): Node | undefined {
    let node = this.doc.bodyNode();
    if (pointer === '') return node;
    for (const seg of pointer.slice(1).split('/').map(unescapePointer)) {
      if (!node) return undefined;
      if (node.type === 'object') {
        let next: Node | undefined;
        for (const prop of node.children ?? []) if (prop.children?.[0]?.value === seg) next = prop.children[1];
        node = next;
      } else if (node.type === 'array') node = node.children?.[Number(seg)];
      else return undefined;
    }
    return node;
  }

  /** Where an object of the body is named: the key of its property, or `"body"` for the body itself. */
  private objectRange(pointer: string): OffsetRange {
    const bodyKey = this.doc.model.bodyKeyRange ?? this.urlRange();
    if (pointer === '') return bodyKey;
    return this.keyRange(pointer);
  }

  /** The key of the property at a pointer (or the element itself, in an array), else the closest enclosing one. */
  private keyRange(pointer: string): OffsetRange {
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      const node = this.sourceNode(p);
      if (!node) continue;
      const parent = node.parent;
      if (parent?.type === 'property' && parent.children?.[0]) return rangeOfNode(parent.children[0]);
      return rangeOfNode(node);
    }
    return this.doc.model.bodyKeyRange ?? this.urlRange();
  }

  // ---- parameters -------------------------------------------------------------------------------------------

  private schemaOf(p: ContractParameter): JsonObject {
    const s = deref(this.contract.raw, p.schema);
    return isObject(s) ? s : {};
  }

  private validateParam(p: ContractParameter, value: unknown, src: { range: OffsetRange; made: string; secret: boolean }, where: string): void {
    const { errors } = this.validators.validate(p.schema, value);
    for (const e of errors) this.violation(src, e.instancePath === '' ? value : pointerValue(value, e.instancePath), `${where}${e.instancePath}`, ruleOf(e));
  }
}

interface QueryPair {
  readonly name: string;
  readonly value: string;
  /** Offsets of the value in the rendered URL. */
  readonly start: number;
  readonly end: number;
}

/** Header parameters OpenAPI says are described elsewhere (media types, security). */
const IGNORED_HEADER_PARAMS = new Set(['accept', 'content-type', 'authorization']);

function describe(description: string | undefined): string {
  if (!description) return '';
  const first = description.split(/\n|(?<=\.)\s/)[0]!.trim();
  return first ? ` (${first.length > 80 ? `${first.slice(0, 77)}…` : first.replace(/\.$/, '')})` : '';
}

function describeScheme(s: SecurityScheme): string {
  if (s.type === 'http' && s.scheme === 'bearer') return 'a bearer token (auth type "bearer")';
  if (s.type === 'http' && s.scheme === 'basic') return 'Basic credentials (auth type "basic")';
  if (s.type === 'http') return `HTTP ${s.scheme ?? ''} credentials in Authorization`;
  if (s.type === 'oauth2' || s.type === 'openIdConnect') return 'an OAuth 2.0 token (auth type "oauth2" or "bearer")';
  if (s.type === 'apiKey' && s.in === 'header') return `an API key in header "${s.keyName}" (auth type "apiKey" with header "${s.keyName}")`;
  if (s.type === 'apiKey') return `an API key in ${s.in} "${s.keyName}"`;
  return `${s.type} "${s.name}"`;
}

function mediaMatches(accepted: string, sent: string): boolean {
  const a = accepted.split(';')[0]!.trim().toLowerCase();
  if (a === sent || a === '*/*') return true;
  return a.endsWith('/*') && sent.startsWith(a.slice(0, -1));
}

function showValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function formDecode(s: string): string {
  return safeDecode(s.replace(/\+/g, ' '));
}

function typeOf(schema: JsonObject): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === 'string' && x !== 'null');
  return undefined;
}

function isArrayType(schema: JsonObject, raw: JsonObject): boolean {
  const s = deref(raw, schema);
  return isObject(s) && typeOf(s) === 'array';
}

function itemsOf(schema: JsonObject, raw: JsonObject): JsonObject {
  const items = deref(raw, schema.items);
  return isObject(items) ? items : {};
}

/** A parameter's text as the JSON value its schema's type describes (`"5"` for an integer is 5). */
function coerce(text: string, schema: JsonObject): JsonValue {
  const t = typeOf(schema);
  if ((t === 'integer' || t === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (t === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (t === 'null' && text === '') return null;
  return text;
}

/** The value of a query parameter from its pairs, decoded as its style and explode say. */
function decodeQuery(p: ContractParameter, pairs: readonly QueryPair[], schema: JsonObject, raw: JsonObject): JsonValue {
  if (p.style === 'deepObject') {
    const obj: JsonObject = {};
    for (const x of pairs) {
      const key = x.name.slice(p.name.length + 1).replace(/\]$/, '');
      const props = isObject(schema.properties) ? schema.properties : {};
      const propSchema = deref(raw, props[key]);
      obj[key] = coerce(x.value, isObject(propSchema) ? propSchema : {});
    }
    return obj;
  }
  if (typeOf(schema) === 'array') {
    const items = itemsOf(schema, raw);
    const separator = p.style === 'spaceDelimited' ? ' ' : p.style === 'pipeDelimited' ? '|' : ',';
    const values = p.explode && p.style === 'form' ? pairs.map((x) => x.value) : pairs.flatMap((x) => x.value.split(separator));
    return values.map((v) => coerce(v, items));
  }
  if (typeOf(schema) === 'object' && !p.explode) {
    const parts = pairs[0]!.value.split(',');
    const obj: JsonObject = {};
    for (let i = 0; i + 1 < parts.length; i += 2) obj[parts[i]!] = parts[i + 1]!;
    return obj;
  }
  return coerce(pairs[pairs.length - 1]!.value, schema);
}

/** The rendered text offsets of the literal values at the given pointers of a rendered JSON body. */
function renderedLeaves(body: string, wanted: ReadonlySet<string>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const pointerOf = (path: ReadonlyArray<string | number>) => path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  visit(body, {
    onLiteralValue: (_value, offset, length, _l, _c, pathSupplier) => {
      const ptr = pointerOf(pathSupplier());
      // A string's span covers its content, inside the quotes.
      if (wanted.has(ptr)) out.set(ptr, body.charCodeAt(offset) === 34 ? [offset + 1, offset + length - 1] : [offset, offset + length]);
    },
  });
  return out;
}

function pointerValue(value: unknown, pointer: string): unknown {
  let at = value;
  if (pointer === '') return at;
  for (const seg of pointer.slice(1).split('/').map(unescapePointer)) {
    if (Array.isArray(at)) at = at[Number(seg)];
    else if (isObject(at)) at = at[seg];
    else return undefined;
  }
  return at;
}

function rangeOfNode(n: Node): OffsetRange {
  return { start: n.offset, end: n.offset + n.length };
}
