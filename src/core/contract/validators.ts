/**
 * JSON Schema validation of values against a contract's schemas (docs/architecture.md, "Contracts"), with the document's
 * dialect: ajv's draft-07 for OpenAPI 3.0 and Swagger 2.0 (their `nullable` and boolean exclusive bounds already
 * rewritten by `readContractDocument`), ajv's 2020-12 for OpenAPI 3.1. The whole document is added once under
 * `DOCUMENT_URN`, so `$ref`s inside schemas resolve, recursive ones included; each schema is compiled on first use.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObject, JsonValue } from '../types';
import { DOCUMENT_URN, type ContractDocument } from './model';

/** A violation of a schema: where in the value, which keyword, and the keyword's parameters. */
export type SchemaError = ErrorObject;

const INT32 = { min: -2147483648, max: 2147483647 };

/** Validates values against the schemas of one document. */
export class SchemaValidators {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<JsonObject, ValidateFunction | string>();

  constructor(readonly doc: ContractDocument) {
    const options: Options = { strict: false, allErrors: true, validateSchema: false, logger: false, unicodeRegExp: false };
    this.ajv = doc.version === '3.1' ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    // OpenAPI's own formats: numbers' widths and strings whose content is not checked.
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    for (const f of ['float', 'double']) this.ajv.addFormat(f, { type: 'number', validate: () => true });
    for (const f of ['binary', 'password', 'html', 'text']) this.ajv.addFormat(f, () => true);
    this.ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    this.ajv.addSchema(doc.raw, DOCUMENT_URN);
  }

  /** The violations of `value` against `schema` (a schema object of the document); a schema that cannot compile is named. */
  validate(schema: JsonObject, value: unknown): { errors: SchemaError[]; broken?: string } {
    let fn = this.compiled.get(schema);
    if (fn === undefined) {
      try {
        fn = this.ajv.compile(rebase(schema) as JsonObject);
      } catch (error) {
        fn = error instanceof Error ? error.message : String(error);
      }
      this.compiled.set(schema, fn);
    }
    if (typeof fn === 'string') return { errors: [], broken: fn };
    if (fn(value)) return { errors: [] };
    return { errors: pruneAlternatives(fn.errors ?? []) };
  }
}

/** A copy of a schema whose internal `$ref`s ("#/…") point into the document added under `DOCUMENT_URN`. */
function rebase(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = (k === '$ref' || k === '$dynamicRef') && typeof v === 'string' && v.startsWith('#') ? `${DOCUMENT_URN}${v}` : rebase(v);
  return out;
}

/**
 * With `allErrors`, a failed `anyOf`/`oneOf` also lists every branch's own failures; only the alternative's failure is
 * kept, so one wrong value is one diagnostic.
 */
function pruneAlternatives(errors: readonly SchemaError[]): SchemaError[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (alternatives.some((a) => e.schemaPath.startsWith(a))) return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The rule an error breaks, in words for a message. */
export function ruleOf(e: SchemaError): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'pattern':
      return `pattern ${String(p.pattern)}`;
    case 'format':
      return `format ${String(p.format)}`;
    case 'type':
      return `type ${Array.isArray(p.type) ? p.type.join(' or ') : String(p.type)}`;
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      const shown = allowed.slice(0, 8).map((v) => JSON.stringify(v));
      return `one of ${shown.join(', ')}${allowed.length > 8 ? `, … (${allowed.length} values)` : ''}`;
    }
    case 'const':
      return `exactly ${JSON.stringify(p.allowedValue)}`;
    case 'minLength':
      return `at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `at most ${String(p.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'minItems':
      return `at least ${String(p.limit)} items`;
    case 'maxItems':
      return `at most ${String(p.limit)} items`;
    case 'multipleOf':
      return `a multiple of ${String(p.multipleOf)}`;
    case 'anyOf':
    case 'oneOf':
      return `${e.keyword === 'oneOf' ? 'exactly one' : 'one'} of its alternatives (${e.keyword})`;
    default:
      return `${e.keyword}: ${e.message ?? 'a different value'}`;
  }
}
