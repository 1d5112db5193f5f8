/**
 * What authoring needs from an operation's schemas (docs/architecture.md, "Contracts"): the properties of the body at a
 * path (for completion of keys), one property's schema in words (for hover), and the operation an action is linked
 * to. Pure: `$ref`s are followed inside the bundled document.
 */
import type { ActionDocument } from '../document';
import type { JsonObject, JsonValue } from '../types';
import { readContractLink } from './link';
import { deref, operationById, operationByRequest, type ContractDocument, type OperationLookup } from './model';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One property an object schema names. */
export interface SchemaProperty {
  readonly name: string;
  readonly schema: JsonObject;
  readonly required: boolean;
}

/** The operation an action is linked to: by its `contract.operation`, else by method and rendered URL. */
export function linkedOperation(action: ActionDocument, doc: ContractDocument, method: string, url: string): OperationLookup {
  const link = readContractLink(action);
  if (link?.operation) return operationById(doc, link.operation.value);
  return operationByRequest(doc, method, url);
}

/** The schema itself with `$ref`s followed, `allOf` members merged and, for a choice, its first object alternative. */
export function flatten(raw: JsonObject, schema: JsonValue | undefined, depth = 0): JsonObject {
  const s = deref(raw, schema);
  if (!isObject(s) || depth > 16) return {};
  const members = [...(Array.isArray(s.allOf) ? s.allOf : [])];
  const choice = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (choice && s.properties === undefined) {
    const objectLike = choice.map((c) => flatten(raw, c, depth + 1)).find((c) => isObject(c.properties) || c.type === 'object' || c.type === 'array');
    if (objectLike) members.push(objectLike);
  }
  if (members.length === 0) return s;
  const out: JsonObject = { ...s };
  delete out.allOf;
  const props: JsonObject = isObject(s.properties) ? { ...s.properties } : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []);
  for (const m of members) {
    const f = flatten(raw, m, depth + 1);
    if (isObject(f.properties)) Object.assign(props, f.properties);
    if (Array.isArray(f.required)) for (const r of f.required) if (typeof r === 'string') required.add(r);
    for (const [k, v] of Object.entries(f)) if (out[k] === undefined && k !== 'properties' && k !== 'required') out[k] = v;
  }
  if (Object.keys(props).length > 0) out.properties = props;
  if (required.size > 0) out.required = [...required];
  return out;
}

/** The schema at a path of the value (object keys and array indexes), or undefined when the schema does not say. */
export function schemaAtPath(raw: JsonObject, schema: JsonValue | undefined, path: ReadonlyArray<string | number>): JsonObject | undefined {
  let at = flatten(raw, schema);
  for (const seg of path) {
    if (typeof seg === 'number') {
      const items = Array.isArray(at.prefixItems) && at.prefixItems[seg] !== undefined ? at.prefixItems[seg] : at.items;
      if (items === undefined) return undefined;
      at = flatten(raw, items);
    } else {
      const props = isObject(at.properties) ? at.properties : undefined;
      const next = props && Object.hasOwn(props, seg) ? props[seg] : isObject(at.additionalProperties) ? at.additionalProperties : undefined;
      if (next === undefined) return undefined;
      at = flatten(raw, next);
    }
  }
  return at;
}

/** The properties of an object schema, required ones first, each in file order. */
export function propertiesOf(raw: JsonObject, schema: JsonObject): SchemaProperty[] {
  const flat = flatten(raw, schema);
  const props = isObject(flat.properties) ? flat.properties : {};
  const required = new Set(Array.isArray(flat.required) ? flat.required : []);
  const all = Object.entries(props).map(([name, s]) => ({ name, schema: flatten(raw, s), required: required.has(name) }));
  return [...all.filter((p) => p.required), ...all.filter((p) => !p.required)];
}

/** A schema's type in a few words: `string (email)`, `integer ≥ 1`, `array of string`, `"a" | "b"`. */
export function typeText(raw: JsonObject, schema: JsonObject): string {
  if (Array.isArray(schema.enum))
    return (
      schema.enum
        .slice(0, 6)
        .map((v) => JSON.stringify(v))
        .join(' | ') + (schema.enum.length > 6 ? ' | …' : '')
    );
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const t = Array.isArray(schema.type)
    ? schema.type.filter((x): x is string => typeof x === 'string').join(' | ')
    : typeof schema.type === 'string'
      ? schema.type
      : isObject(schema.properties)
        ? 'object'
        : 'any';
  if (t === 'array') return `array of ${typeText(raw, flatten(raw, schema.items))}`;
  return typeof schema.format === 'string' ? `${t} (${schema.format})` : t;
}

/** A schema as Markdown lines for a hover or a completion item's documentation. */
export function schemaMarkdown(raw: JsonObject, name: string, schema: JsonObject, required: boolean): string {
  const lines = [`**${name}**: \`${typeText(raw, schema).replace(/`/g, "'")}\`${required ? ' — *required*' : ''}`];
  const rules: string[] = [];
  for (const [k, label] of [
    ['pattern', 'pattern'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['minimum', 'minimum'],
    ['maximum', 'maximum'],
    ['minItems', 'min items'],
    ['maxItems', 'max items'],
  ] as const) {
    const v = schema[k];
    if (typeof v === 'string' || typeof v === 'number') rules.push(`${label} \`${String(v).replace(/`/g, "'")}\``);
  }
  if (schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'))) rules.push('may be null');
  if (rules.length > 0) lines.push(rules.join(' · '));
  if (typeof schema.description === 'string') lines.push(schema.description.slice(0, 1000));
  if (schema.example !== undefined) lines.push(`Example: \`${JSON.stringify(schema.example).slice(0, 120).replace(/`/g, "'")}\``);
  return lines.join('\n\n');
}
