import * as vscode from 'vscode';
import { findNodeAtLocation, getLocation, type JSONPath } from 'jsonc-parser';
import { contactTemplateFor } from '../core/contract/fieldNames';
import type { ContractDocument, ContractOperation, ContractParameter } from '../core/contract/model';
import { operationName } from '../core/contract/model';
import { linkedOperation, propertiesOf, schemaAtPath, schemaMarkdown, typeText } from '../core/contract/schemaInfo';
import type { JsonObject } from '../core/types';
import type { Analysis, Analyzer } from './analysis';
import type { ContractService } from './contracts';

/** Characters that open completion of body keys, query names and header names. */
export const CONTRACT_COMPLETION_TRIGGERS = ['"'];

/** Where the cursor is, for the contract: a key in the body (with the object's path), a query name or a header name. */
type Place = { readonly kind: 'body'; readonly object: JSONPath } | { readonly kind: 'query' | 'headers' };

function placeOf(path: JSONPath, atKey: boolean): Place | undefined {
  if (!atKey || path.length < 2) return undefined;
  if (path[0] === 'body') return { kind: 'body', object: path.slice(1, -1) };
  if ((path[0] === 'query' || path[0] === 'headers') && path.length === 2) return { kind: path[0] };
  return undefined;
}

/** The operation of an action and its JSON body schema, once its contract is loaded. */
async function operationOf(
  analyzer: Analyzer,
  contracts: ContractService,
  document: vscode.TextDocument,
): Promise<{ a: Analysis; contract: ContractDocument; op: ContractOperation } | undefined> {
  const a = await analyzer.analyze(document.uri, document.getText(), document.version);
  const contract = await contracts.documentFor(document.uri, a.doc);
  if (!contract) return undefined;
  const req = a.lint.render.request;
  const found = linkedOperation(a.doc, contract, req.method, req.url);
  return found.ok ? { a, contract, op: found.operation } : undefined;
}

function bodySchema(op: ContractOperation): JsonObject | undefined {
  const content = op.body?.content ?? [];
  return (content.find((c) => /(^|[/+])json$/i.test(c.mediaType.split(';')[0]!.trim())) ?? content[0])?.schema;
}

function paramMarkdown(contract: ContractDocument, p: ContractParameter): string {
  return schemaMarkdown(contract.raw, p.name, { ...p.schema, ...(p.description ? { description: p.description } : {}) }, p.required);
}

/**
 * Completion from the linked operation: the body's property names at the cursor's object (with type, required and
 * description; a contact template as value where the name is a contact field), the query parameter names and the
 * header parameter names.
 */
export class ContractCompletionProvider implements vscode.CompletionItemProvider {
  constructor(
    private readonly analyzer: Analyzer,
    private readonly contracts: ContractService,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    if (!this.contracts.mentionsContract(document)) return undefined;
    const offset = document.offsetAt(position);
    const location = getLocation(document.getText(), offset);
    const place = placeOf(location.path, location.isAtPropertyKey);
    if (!place) return undefined;
    const found = await operationOf(this.analyzer, this.contracts, document);
    if (!found) return undefined;
    const { a, contract, op } = found;
    // Inside a key's quotes the whole key is replaced; elsewhere a new property is inserted.
    const keyNode =
      location.previousNode?.type === 'string' && offset > location.previousNode.offset && offset <= location.previousNode.offset + location.previousNode.length
        ? location.previousNode
        : undefined;
    const range = keyNode ? new vscode.Range(document.positionAt(keyNode.offset), document.positionAt(keyNode.offset + keyNode.length)) : undefined;
    const container = place.kind === 'body' ? ['body', ...place.object] : [place.kind];
    const root = a.doc.root;
    const objectNode = root ? findNodeAtLocation(root, container) : undefined;
    const present = new Set((objectNode?.children ?? []).map((p) => String(p.children?.[0]?.value)).filter((k) => k !== String(keyNode?.value)));

    const item = (name: string, detail: string, md: string, value: string | undefined, sort: string): vscode.CompletionItem => {
      const it = new vscode.CompletionItem({ label: name, description: detail }, vscode.CompletionItemKind.Property);
      it.documentation = new vscode.MarkdownString(`${md}\n\n*${operationName(op)}* · ${contract.title}`);
      it.detail = detail;
      it.sortText = sort;
      it.filterText = `"${name}"`;
      it.insertText = keyNode ? `"${name}"` : new vscode.SnippetString(`"${name}": ${value ?? '"$1"'}`);
      if (range) it.range = range;
      return it;
    };

    if (place.kind === 'body') {
      const schema = bodySchema(op);
      const at = schema ? schemaAtPath(contract.raw, schema, place.object) : undefined;
      if (!at) return undefined;
      return propertiesOf(contract.raw, at)
        .filter((p) => !present.has(p.name))
        .map((p, i) => {
          const type = typeText(contract.raw, p.schema);
          const template = contactTemplateFor(p.name);
          const value = template && /^string|^any/.test(type) ? `"\${1:${template}}"` : undefined;
          return item(
            p.name,
            `${type}${p.required ? ' · required' : ''}`,
            schemaMarkdown(contract.raw, p.name, p.schema, p.required),
            value,
            `${p.required ? 0 : 1}${String(i).padStart(4, '0')}`,
          );
        });
    }
    const where = place.kind === 'query' ? 'query' : 'header';
    return op.parameters
      .filter((p) => p.in === where && !present.has(p.name))
      .map((p, i) =>
        item(
          p.name,
          `${typeText(contract.raw, p.schema)}${p.required ? ' · required' : ''}`,
          paramMarkdown(contract, p),
          undefined,
          `${p.required ? 0 : 1}${String(i).padStart(4, '0')}`,
        ),
      );
  }
}

/** Hover on a body key, query name or header name: its schema in the linked operation. */
export class ContractHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analyzer: Analyzer,
    private readonly contracts: ContractService,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.contracts.mentionsContract(document)) return undefined;
    const offset = document.offsetAt(position);
    const location = getLocation(document.getText(), offset);
    if (!location.isAtPropertyKey || location.path.length < 2) return undefined;
    const [top, ...rest] = location.path;
    if (top !== 'body' && top !== 'query' && top !== 'headers') return undefined;
    const found = await operationOf(this.analyzer, this.contracts, document);
    if (!found) return undefined;
    const { contract, op } = found;
    const node = location.previousNode;
    const range = node ? new vscode.Range(document.positionAt(node.offset), document.positionAt(node.offset + node.length)) : undefined;
    let md: string | undefined;
    if (top === 'body') {
      const schema = bodySchema(op);
      const parent = schema ? schemaAtPath(contract.raw, schema, rest.slice(0, -1)) : undefined;
      const name = String(rest[rest.length - 1]);
      const prop = parent ? propertiesOf(contract.raw, parent).find((p) => p.name === name) : undefined;
      md = prop
        ? schemaMarkdown(contract.raw, name, prop.schema, prop.required)
        : parent
          ? `**${name}** is not a property the receiver's schema names here.`
          : undefined;
    } else if (rest.length === 1) {
      const name = String(rest[0]);
      const where = top === 'query' ? 'query' : 'header';
      const p = op.parameters.find((x) => x.in === where && (where === 'header' ? x.name.toLowerCase() === name.toLowerCase() : x.name === name));
      md = p ? paramMarkdown(contract, p) : `**${name}** is not a ${where} parameter of the operation.`;
    }
    if (!md) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(`${md}\n\n*${operationName(op)}* · ${contract.title}`), range);
  }
}
