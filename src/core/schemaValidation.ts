/**
 * Validates a parsed `*.webhook.json` or `*.sample.json` against its JSON schema (draft 2020-12) and turns
 * the errors into diagnostics whose ranges point into the file's text. The validators are ajv's, compiled
 * ahead of time by `scripts/schemaValidators.mjs` into `schemaValidators.generated.ts`, so nothing is
 * compiled at run time and ajv itself is not loaded.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { getNodeValue, visit } from 'jsonc-parser';
import type { Node } from 'jsonc-parser';
import { nestingProblem, PARSE_OPTIONS } from './jsonc';
import actionSchema from '../../schemas/webhook-action.schema.json';
import sampleSchema from '../../schemas/webhook-sample.schema.json';
import workflowSchema from '../../schemas/webhook-workflow.schema.json';
import inboxSchema from '../../schemas/webhook-inbox.schema.json';
import * as generated from './schemaValidators.generated';
import type { Diagnostic, OffsetRange } from './types';

/** Which of the file formats a document is. */
export type SchemaKind = 'action' | 'sample' | 'workflow' | 'inbox';

/** Keywords the schemas carry for VS Code's JSON editor; ajv must know them to compile in strict mode. */
export const EDITOR_SCHEMA_KEYWORDS: readonly string[] = generated.EDITOR_SCHEMA_KEYWORDS;

type SchemaObject = { readonly [key: string]: unknown };

const SCHEMAS: Record<SchemaKind, SchemaObject> = { action: actionSchema, sample: sampleSchema, workflow: workflowSchema, inbox: inboxSchema };
const ROOT_LABEL: Record<SchemaKind, string> = { action: 'The webhook action', sample: 'The sample', workflow: 'The workflow', inbox: 'The inbox rules' };

/** The precompiled validators: strict, every error reported, each error with its schema (`verbose`). */
const VALIDATORS = { action: generated.action, sample: generated.sample, workflow: generated.workflow, inbox: generated.inbox } as unknown as Record<
  SchemaKind,
  ValidateFunction
>;

/** Validates a parsed document against the action or sample schema; ranges are offsets into its text. */
export function validateSchema(kind: SchemaKind, root: Node | undefined): Diagnostic[] {
  if (!root) return [];
  const validate = VALIDATORS[kind];
  const data: unknown = getNodeValue(root);
  if (validate(data)) return [];
  return diagnosticsOf(kind, validate, root, data);
}

/**
 * Validates the text of a document, building its syntax tree (`tree`) only when the value breaks the schema:
 * a tree holds several objects per JSON value, many times the text's size, while the value alone is
 * smaller and is dropped once checked. Gives the same diagnostics as `validateSchema(kind, tree())`.
 */
export function validateSchemaOfText(kind: SchemaKind, text: string, tree: () => Node | undefined): Diagnostic[] {
  if (nestingProblem(text)) return validateSchema(kind, tree());
  const value = valueOfText(text);
  if (value.ok && (value.empty || VALIDATORS[kind](value.data))) return [];
  return validateSchema(kind, tree());
}

/** The value of JSONC text as getNodeValue gives it from the tree (objects without a prototype, last duplicate wins); not ok on a syntax error. */
function valueOfText(text: string): { ok: boolean; empty: boolean; data?: unknown } {
  let ok = true;
  let empty = true;
  let data: unknown;
  const parents: Array<Record<string, unknown> | unknown[]> = [];
  const keys: Array<string | undefined> = [];
  let key: string | undefined;
  const put = (value: unknown) => {
    empty = false;
    const parent = parents[parents.length - 1];
    if (!parent) data = value;
    else if (Array.isArray(parent)) parent.push(value);
    else if (key !== undefined) parent[key] = value;
  };
  const open = (container: Record<string, unknown> | unknown[]) => {
    put(container);
    parents.push(container);
    keys.push(key);
    key = undefined;
  };
  const close = () => {
    parents.pop();
    key = keys.pop();
  };
  visit(
    text,
    {
      onObjectBegin: () => open(Object.create(null) as Record<string, unknown>),
      onArrayBegin: () => open([]),
      onObjectEnd: close,
      onArrayEnd: close,
      onObjectProperty: (name) => {
        key = name;
      },
      onLiteralValue: put,
      onError: () => {
        ok = false;
      },
    },
    PARSE_OPTIONS,
  );
  return { ok, empty, data };
}

function diagnosticsOf(kind: SchemaKind, validate: ValidateFunction, root: Node, data: unknown): Diagnostic[] {
  const located = collapseDiscriminatedOneOf(collapseWithMessage(validate.errors ?? []), SCHEMAS[kind], data);
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const item of located) {
    const diagnostic = toDiagnostic(kind, item, root, data);
    if (!diagnostic) continue;
    const key = `${diagnostic.range.start}:${diagnostic.range.end}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/**
 * An `anyOf` or `oneOf` that carries its own `errorMessage` says in one sentence what its branches would
 * say in several: keep that error alone and drop those of its branches.
 */
function collapseWithMessage(errors: readonly ErrorObject[]): ErrorObject[] {
  // ajv reports a branch's errors before the anyOf/oneOf error that wraps them, whether the branch is inline or a $ref.
  const owners = errors
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && isObject(e.parentSchema) && typeof e.parentSchema.errorMessage === 'string');
  if (owners.length === 0) return [...errors];
  const under = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`);
  return errors.filter((e, i) => !owners.some((o) => o.i > i && under(e.instancePath, o.e.instancePath)));
}

/** An ajv error, plus the variant it belongs to when it came from a `oneOf` chosen by its `type`. */
interface ContextualError {
  readonly error: ErrorObject;
  readonly variant?: string;
}

/**
 * A `oneOf` whose branches are told apart by `properties.type.const` (the auth schemes) makes ajv
 * report every branch's failure. Only the branch named by the document's `type` is meaningful: keep its
 * errors, drop the rest and the `oneOf` error itself. When no branch matches, one enum error remains.
 */
function collapseDiscriminatedOneOf(errors: readonly ErrorObject[], schema: SchemaObject, data: unknown): ContextualError[] {
  const dropped = new Set<ErrorObject>();
  const variantOf = new Map<ErrorObject, string>();
  const extra: ErrorObject[] = [];
  for (const oneOf of errors.filter((e) => e.keyword === 'oneOf')) {
    const branches = resolvePointer(schema, oneOf.schemaPath);
    if (!Array.isArray(branches)) continue;
    const resolved = branches.map((branch: unknown, i) => {
      const ref = isObject(branch) && typeof branch.$ref === 'string' ? branch.$ref : undefined;
      const path = ref?.startsWith('#') ? ref : `${oneOf.schemaPath}/${i}`;
      return { path, discriminator: discriminatorOf(resolvePointer(schema, path)) };
    });
    if (resolved.some((b) => b.discriminator === undefined)) continue;
    const value = valueAt(data, oneOf.instancePath);
    const typeValue = isObject(value) ? value.type : undefined;
    const chosen = resolved.find((b) => b.discriminator === typeValue);
    const inside = (e: ErrorObject): boolean => e.instancePath === oneOf.instancePath || e.instancePath.startsWith(`${oneOf.instancePath}/`);
    dropped.add(oneOf);
    for (const e of errors) {
      if (!inside(e)) continue;
      const branch = resolved.find((b) => e.schemaPath.startsWith(`${b.path}/`));
      if (!branch) continue;
      if (branch === chosen) variantOf.set(e, String(typeValue));
      else dropped.add(e);
    }
    const typeReported = errors.some(
      (e) =>
        !dropped.has(e) &&
        (e.instancePath === `${oneOf.instancePath}/type` ||
          (e.instancePath === oneOf.instancePath && e.keyword === 'required' && e.params.missingProperty === 'type')),
    );
    if (!chosen && isObject(value) && !typeReported) {
      const allowedValues = resolved.map((b) => b.discriminator);
      const missing = !('type' in value);
      extra.push({
        keyword: missing ? 'required' : 'enum',
        instancePath: missing ? oneOf.instancePath : `${oneOf.instancePath}/type`,
        schemaPath: oneOf.schemaPath,
        params: missing ? { missingProperty: 'type' } : { allowedValues },
        parentSchema: missing ? { properties: { type: { enum: allowedValues } } } : {},
      });
    }
  }
  return [...errors.filter((e) => !dropped.has(e)), ...extra].map((error) => {
    const variant = variantOf.get(error);
    return variant === undefined ? { error } : { error, variant };
  });
}

/** The `const` of a branch's `properties.type`, if the branch is discriminated that way. */
function discriminatorOf(branch: unknown): string | undefined {
  if (!isObject(branch) || !isObject(branch.properties)) return undefined;
  const type = branch.properties.type;
  return isObject(type) && typeof type.const === 'string' ? type.const : undefined;
}

/** Writes one diagnostic for an ajv error, or none for wrapper errors whose inner error says it all. */
function toDiagnostic(kind: SchemaKind, item: ContextualError, root: Node, data: unknown): Diagnostic | undefined {
  const { error, variant } = item;
  if (error.keyword === 'propertyNames') return undefined;
  const segments = pointerSegments(error.instancePath);
  const node = nodeAt(root, segments) ?? root;
  const label = segments.length === 0 ? ROOT_LABEL[kind] : displayPath(segments);
  const parent = isObject(error.parentSchema) ? error.parentSchema : {};
  const customMessage = typeof parent.errorMessage === 'string' ? parent.errorMessage : undefined;
  const diagnostic = (range: OffsetRange, message: string): Diagnostic => ({
    code: 'schema',
    severity: 'error',
    message,
    range,
  });

  if (error.propertyName !== undefined) {
    const name = error.propertyName;
    const explanation =
      (error.keyword === 'pattern' && typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : customMessage) ??
      `Must match ${JSON.stringify(parent.pattern ?? '')}.`;
    const message = explanation.includes(`\`${name}\``) ? explanation : `Invalid name "${name}". ${explanation}`;
    return diagnostic(keyRange(node, name) ?? nodeRange(node), message);
  }

  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      const allowed = enumOf(propertySchema(SCHEMAS[kind], parent, missing));
      const suffix = allowed ? `: one of ${allowed.join(', ')}` : '';
      const message =
        variant !== undefined ? `${label} of type ${variant} needs "${missing}".` : `${label} is missing required property "${missing}"${suffix}.`;
      return diagnostic(requiredRange(node), message);
    }
    case 'additionalProperties': {
      const extraKey = String(error.params.additionalProperty);
      const allowedKeys = isObject(parent.properties) ? Object.keys(parent.properties) : [];
      const known = allowedKeys.filter((k) => k !== 'type');
      const message =
        variant !== undefined
          ? `${label} of type ${variant} does not take "${extraKey}"${known.length ? `; it takes ${known.join(', ')}` : ''}.`
          : `Unknown property "${extraKey}"${segments.length ? ` in ${label}` : ''}. Allowed: ${allowedKeys.join(', ')}.`;
      return diagnostic(keyRange(node, extraKey) ?? nodeRange(node), message);
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      return diagnostic(
        nodeRange(node),
        customMessage ?? `${label} must be one of ${allowed.join(', ')}, not ${JSON.stringify(valueAt(data, error.instancePath))}.`,
      );
    }
    case 'const':
      return diagnostic(nodeRange(node), customMessage ?? `${label} must be ${JSON.stringify(error.params.allowedValue)}.`);
    case 'type': {
      const types = ([] as string[]).concat(error.params.type as string | string[]);
      const expected = types.map((t) => describeType(t, parent)).join(' or ');
      const actual = describeValue(valueAt(data, error.instancePath));
      return diagnostic(nodeRange(node), customMessage ?? `${label} must be ${expected}, not ${actual}.`);
    }
    case 'minLength':
      return diagnostic(
        nodeRange(node),
        customMessage ??
          (error.params.limit === 1 ? `${label} must not be empty.` : `${label} must be at least ${String(error.params.limit)} characters long.`),
      );
    case 'pattern': {
      const explanation =
        typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : (customMessage ?? `It must match ${String(error.params.pattern)}.`);
      return diagnostic(nodeRange(node), `${label} is invalid. ${explanation}`);
    }
    default:
      return diagnostic(nodeRange(node), customMessage ?? `${label} ${error.message ?? 'is invalid'}.`);
  }
}

/** Words for a JSON schema type in a message: "a string", "a list of strings", … */
function describeType(type: string, schema: SchemaObject): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'array': {
      const items = isObject(schema.items) ? schema.items : undefined;
      return items?.type === 'string' ? 'a list of strings' : 'a list';
    }
    case 'object':
      return 'an object';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return type;
  }
}

/** Words for what a value actually is: "a number", "null", … */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return String(value);
    default:
      return 'an object';
  }
}

/** `auth.token`, `headers["X Bad"]`, `query.tag[1]` for a JSON pointer's segments. */
function displayPath(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The decoded segments of a JSON pointer such as `/headers/a~1b`. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a JSON pointer names inside `data`. */
function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isObject(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

/** The sub-schema a schema path such as `#/$defs/authBearer` names. */
function resolvePointer(schema: SchemaObject, path: string): unknown {
  return valueAt(schema, path.startsWith('#') ? path.slice(1) : path);
}

/** The schema of one property in an object schema, if it declares it. */
function propertySchema(root: SchemaObject, schema: SchemaObject, name: string): SchemaObject | undefined {
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  const property = properties?.[name];
  if (!isObject(property)) return undefined;
  if (typeof property.$ref === 'string') {
    const target = resolvePointer(root, property.$ref);
    if (isObject(target)) return target;
  }
  return property;
}

/** The enum of a schema as strings, if it has one. */
function enumOf(schema: SchemaObject | undefined): string[] | undefined {
  return schema && Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
}

/**
 * The value node at a path. On a duplicate key the last occurrence is the one whose value counts
 * (as `getNodeValue` builds it), so that is the one returned.
 */
function nodeAt(root: Node, segments: readonly string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of segments) {
    if (!node) return undefined;
    if (node.type === 'array') node = node.children?.[Number(segment)];
    else if (node.type === 'object') node = lastProperty(node, segment)?.children?.[1];
    else return undefined;
  }
  return node;
}

/** The last property node of an object with this key and a value. */
function lastProperty(object: Node, key: string): Node | undefined {
  const properties = object.children ?? [];
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i];
    if (property?.children?.[0]?.value === key && property.children[1]) return property;
  }
  return undefined;
}

/** The range of a property's key (quotes included) in an object node. */
function keyRange(object: Node, key: string): OffsetRange | undefined {
  const keyNode = object.type === 'object' ? lastProperty(object, key)?.children?.[0] : undefined;
  return keyNode ? nodeRange(keyNode) : undefined;
}

/** Where a missing property is reported: the key of the object that lacks it, else its opening brace. */
function requiredRange(object: Node): OffsetRange {
  const keyNode = object.parent?.type === 'property' ? object.parent.children?.[0] : undefined;
  return keyNode ? nodeRange(keyNode) : { start: object.offset, end: object.offset + 1 };
}

/** The whole text of a node. */
function nodeRange(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

/** True for a plain JSON object (not null, not an array). */
function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
