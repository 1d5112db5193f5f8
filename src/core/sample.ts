import { findNodeAtLocation, type Node, type Segment } from 'jsonc-parser';
import { basename } from 'node:path';
import { parseJsonc } from './jsonc';
import type { PathSegment } from './template';
import type { Diagnostic, JsonObject, JsonValue, OffsetRange, Sample } from './types';

/** Keys of a sample file that are not namespaces. */
const NON_NAMESPACE_KEYS = new Set(['name', '$schema', 'description']);

/** The namespace reserved for secrets: never read from a sample. */
export const SECRETS_NAMESPACE = 'secrets';

/** A parsed sample file: the sample when usable, and its problems. */
export interface ParsedSample {
  readonly sample?: Sample;
  readonly diagnostics: readonly Diagnostic[];
  readonly root?: Node;
}

/** Parses a `*.sample.json` file. Never throws: problems come back as diagnostics with ranges. */
export function parseSample(text: string, file: string): ParsedSample {
  const { root, diagnostics } = parseJsonc(text);
  if (!root) return { diagnostics };
  if (root.type !== 'object') {
    return {
      root,
      diagnostics: [
        ...diagnostics,
        {
          code: 'schema',
          severity: 'error',
          message: 'A sample must be a JSON object with namespaces such as "contact" and "opportunity".',
          range: { start: root.offset, end: root.offset + root.length },
        },
      ],
    };
  }
  const data: JsonObject = {};
  let name: string | undefined;
  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (key === 'name' && typeof valueNode.value === 'string') name = valueNode.value;
    if (NON_NAMESPACE_KEYS.has(key) || key === SECRETS_NAMESPACE) continue;
    setOwn(data, key, nodeValue(valueNode));
  }
  return {
    root,
    diagnostics,
    sample: { name: name ?? basename(file).replace(/\.sample\.json$/i, ''), file, data, builtin: false },
  };
}

/** The JSON value of a node, with duplicate keys resolved last-wins as JSON.parse does. */
function nodeValue(node: Node): JsonValue {
  switch (node.type) {
    case 'object': {
      const out: JsonObject = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) setOwn(out, String(k.value), nodeValue(v));
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as JsonValue;
  }
}

/**
 * Sets a key as the object's own data property, as JSON.parse does: a plain assignment of `__proto__`
 * would change the prototype instead, and the key would vanish from the sample.
 */
function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The result of looking a path up in sample data. */
export type Lookup =
  | { readonly found: true; readonly value: JsonValue }
  /** `depth`: how many segments resolved before the miss; `parent`: the value there. */
  | { readonly found: false; readonly depth: number; readonly parent: JsonValue };

/** Resolves path segments (namespace first) against sample data. */
export function lookupPath(data: JsonObject, segments: readonly Pick<PathSegment, 'name' | 'indexes'>[]): Lookup {
  let cur: JsonValue = data;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg.name)) {
      return { found: false, depth: i, parent: cur };
    }
    cur = cur[seg.name]!;
    for (const ix of seg.indexes) {
      if (!Array.isArray(cur) || ix >= cur.length) return { found: false, depth: i, parent: cur };
      cur = cur[ix]!;
    }
  }
  return { found: true, value: cur };
}

/** Converts a value to the text the platform substitutes (docs/architecture.md, "Rendering"). Null and missing become "". */
export function valueToText(value: JsonValue | undefined, arraySeparator: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => valueToText(v, arraySeparator)).join(arraySeparator);
  return JSON.stringify(value);
}

/** The range in a sample file's text of the value at a path, for go-to-definition. */
export function locateInSample(text: string, segments: readonly Pick<PathSegment, 'name' | 'indexes'>[]): OffsetRange | undefined {
  const { root } = parseJsonc(text);
  if (!root) return undefined;
  const path: Segment[] = [];
  let best: Node | undefined;
  for (const seg of segments) {
    path.push(seg.name);
    const named = findNodeAtLocation(root, path);
    if (!named) break;
    best = named;
    for (const ix of seg.indexes) {
      path.push(ix);
      const indexed = findNodeAtLocation(root, path);
      if (!indexed) break;
      best = indexed;
    }
  }
  if (!best) return undefined;
  // Point at the property key when there is one: that is where a reader looks for "the field".
  const prop = best.parent?.type === 'property' ? best.parent.children?.[0] : undefined;
  const target = prop ?? best;
  return { start: target.offset, end: target.offset + target.length };
}

/** Every namespace of the given samples, in first-seen order. */
export function namespacesOf(samples: readonly Sample[]): string[] {
  const seen = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.data)) seen.add(k);
  return [...seen];
}

/**
 * Picks a sample by path or by name, as `--sample` does (docs/architecture.md, "The CLI"): an exact path match first, then an exact
 * name, then a case-insensitive name.
 */
export function findSample(samples: readonly Sample[], pathOrName: string, resolvePath: (p: string) => string): Sample | undefined {
  const asPath = resolvePath(pathOrName);
  return (
    samples.find((s) => s.file !== undefined && resolvePath(s.file) === asPath) ??
    samples.find((s) => s.name === pathOrName) ??
    samples.find((s) => s.name.toLowerCase() === pathOrName.toLowerCase())
  );
}
