import * as vscode from 'vscode';
import { STANDARD_CONTACT_FIELDS } from '../core/builtinSample';
import { fileRange } from '../core/document';
import { lookupPath, namespacesOf, SECRETS_NAMESPACE, valueToText } from '../core/sample';
import type { JsonValue } from '../core/types';
import { readSettings } from './config';
import { valuesTable } from './markdown';
import type { SampleStore } from './samples';
import type { SecretStore } from './secrets';
import { templateContextAt } from './templateContext';

/** Characters that open completion: the braces of `{{` and the dot between path segments. */
export const COMPLETION_TRIGGERS = ['{', '.'];

const DETAIL_MAX = 60;

/** Splits a typed path (`contact.tags[0].na`) into segments. */
function typedSegments(text: string): Array<{ name: string; indexes: number[] }> {
  return text.split('.').map((part) => {
    const name = /^[^[]*/.exec(part)![0];
    const indexes = [...part.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return { name, indexes };
  });
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > DETAIL_MAX ? `${flat.slice(0, DETAIL_MAX - 1)}…` : flat;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A completion item whose documentation is made only when the editor asks for it (`resolveCompletionItem`):
 * the list the workbench receives, and re-filters on every keystroke, carries labels, details and edits alone.
 */
export class TemplateCompletionItem extends vscode.CompletionItem {
  documentationOf?: () => vscode.MarkdownString;
}

/**
 * Completion of `{{…}}` templates inside strings: namespaces and `secrets` after `{{`, then the fields
 * found at that path in every sample (plus the standard contact fields), with the selected sample's
 * value as detail. Adds the closing `}}` when the template is not closed yet. The table of every sample's
 * value is the item's documentation, resolved for the focused item only.
 */
export class TemplateCompletionProvider implements vscode.CompletionItemProvider<TemplateCompletionItem> {
  constructor(
    private readonly samples: SampleStore,
    private readonly secrets: SecretStore,
  ) {}

  resolveCompletionItem(item: TemplateCompletionItem): TemplateCompletionItem {
    if (item.documentationOf && item.documentation === undefined) item.documentation = item.documentationOf();
    item.documentationOf = undefined;
    return item;
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionList<TemplateCompletionItem> | undefined> {
    const found = templateContextAt(document, position);
    const typing = found?.context.typing;
    if (!found || !typing) return undefined;
    const { context } = found;
    const ts = context.string;
    const segments = typedSegments(typing.text);
    const partialStart = typing.start + typing.text.lastIndexOf('.') + 1;
    const rest = /^[A-Za-z0-9_-]*/.exec(ts.value.slice(context.offset))![0];
    const replace = found.range(fileRange(ts, partialStart, context.offset + rest.length));
    const after = ts.value.slice(context.offset + rest.length);
    const close = after.indexOf('}}');
    const reopen = after.indexOf('{{');
    const closing = close >= 0 && (reopen < 0 || reopen > close) ? '' : '}}';

    const { samples, selected } = await this.samples.inPlay();
    const separator = readSettings(document.uri).arraySeparator;
    const leaf = (label: string, kind: vscode.CompletionItemKind, detail: string, sort: number): TemplateCompletionItem => {
      const item = new TemplateCompletionItem(label, kind);
      item.range = replace;
      item.insertText = label + closing;
      item.detail = detail;
      item.sortText = String(sort).padStart(5, '0');
      return item;
    };
    const branch = (label: string, kind: vscode.CompletionItemKind, detail: string, sort: number): TemplateCompletionItem => {
      const item = leaf(label, kind, detail, sort);
      item.insertText = `${label}.`;
      item.command = { title: 'Suggest fields', command: 'editor.action.triggerSuggest' };
      return item;
    };

    if (segments.length === 1) {
      const items = namespacesOf(samples).map((ns, i) =>
        branch(ns, vscode.CompletionItemKind.Module, `namespace · ${describe(selected.data[ns], separator)}`, i),
      );
      items.push(branch(SECRETS_NAMESPACE, vscode.CompletionItemKind.Module, 'secret storage', items.length));
      return new vscode.CompletionList(items, false);
    }

    if (segments[0]!.name === SECRETS_NAMESPACE) {
      if (segments.length !== 2) return new vscode.CompletionList([], false);
      await this.secrets.ready();
      const items = this.secrets.list().map((name, i) => {
        const item = leaf(name, vscode.CompletionItemKind.Constant, 'secret · set', i);
        item.documentationOf = () => new vscode.MarkdownString(`Secret \`${name}\`, read from VS Code secret storage at send time. Its value is never shown.`);
        return item;
      });
      return new vscode.CompletionList(items, false);
    }

    const parent = segments.slice(0, -1);
    const fields = new Map<string, { object: boolean; documentation?: string }>();
    for (const sample of samples) {
      const at = lookupPath(sample.data, parent);
      if (!at.found || !isObject(at.value)) continue;
      for (const [key, value] of Object.entries(at.value)) {
        const known = fields.get(key);
        fields.set(key, { object: (known?.object ?? false) || isObject(value), documentation: known?.documentation });
      }
    }
    if (parent.length === 1 && parent[0]!.name === 'contact' && parent[0]!.indexes.length === 0) {
      for (const f of STANDARD_CONTACT_FIELDS) {
        const known = fields.get(f.name);
        fields.set(f.name, { object: known?.object ?? false, documentation: f.description });
      }
    }
    const items = [...fields].map(([name, info], i) => {
      const path = [...parent, { name, indexes: [] }];
      const value = lookupPath(selected.data, path);
      const detail = value.found ? describe(value.value, separator) : `not in "${selected.name}"`;
      const item = info.object ? branch(name, vscode.CompletionItemKind.Module, detail, i) : leaf(name, vscode.CompletionItemKind.Field, detail, i);
      item.documentationOf = () => {
        const md = new vscode.MarkdownString();
        if (info.documentation) md.appendMarkdown(`${info.documentation}\n\n`);
        md.appendMarkdown(valuesTable(samples, path, separator));
        return md;
      };
      return item;
    });
    return new vscode.CompletionList(items, false);
  }
}

/** A one-line description of a sample value for completion details. */
function describe(value: JsonValue | undefined, separator: string): string {
  if (value === undefined) return 'absent';
  if (isObject(value)) return `{ ${Object.keys(value).slice(0, 4).join(', ')}${Object.keys(value).length > 4 ? ', …' : ''} }`;
  return shorten(valueToText(value, separator) || '(empty)');
}
