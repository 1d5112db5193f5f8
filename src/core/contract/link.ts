/**
 * The `"contract"` block of an action (docs/architecture.md, "Contracts"): which OpenAPI document and, optionally, which
 * operation the receiver's request must satisfy. Read from the syntax tree, which only files that have the block build.
 */
import type { Node } from 'jsonc-parser';
import type { ActionDocument } from '../document';
import type { OffsetRange } from '../types';

/** A string value of the block and where it is. */
export interface LinkValue {
  readonly value: string;
  readonly range: OffsetRange;
}

/** The contract an action names. */
export interface ContractLink {
  /** Path (relative to the action file) or http(s) URL of the document. */
  readonly openapi?: LinkValue;
  readonly operation?: LinkValue;
  /** The `"contract"` key, for diagnostics about the block as a whole. */
  readonly keyRange: OffsetRange;
}

const rangeOf = (n: Node): OffsetRange => ({ start: n.offset, end: n.offset + n.length });

/** The last top-level property named `key` (as JSON.parse keeps it), or undefined. */
export function topLevelProperty(doc: ActionDocument, key: string): { key: Node; value: Node } | undefined {
  const root = doc.root;
  if (!root || root.type !== 'object') return undefined;
  let found: { key: Node; value: Node } | undefined;
  for (const prop of root.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (k?.value === key && v) found = { key: k, value: v };
  }
  return found;
}

/** Reads the `"contract"` block; undefined when the action has none. */
export function readContractLink(doc: ActionDocument): ContractLink | undefined {
  // Most files have no contract: they are not parsed into a tree for this.
  if (!doc.text.includes('"contract"')) return undefined;
  const prop = topLevelProperty(doc, 'contract');
  if (!prop) return undefined;
  const link: { openapi?: LinkValue; operation?: LinkValue; keyRange: OffsetRange } = { keyRange: rangeOf(prop.key) };
  if (prop.value.type !== 'object') return link;
  for (const p of prop.value.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v || v.type !== 'string') continue;
    if (k.value === 'openapi') link.openapi = { value: String(v.value), range: rangeOf(v) };
    else if (k.value === 'operation') link.operation = { value: String(v.value), range: rangeOf(v) };
  }
  return link;
}

/** True when a contract location is a URL to fetch rather than a file. */
export function isContractUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}
