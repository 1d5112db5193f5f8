import * as vscode from 'vscode';
import { catalogueChildren, catalogueField, CATALOGUE, type CatalogueField } from '../core/catalogue';
import { fileRange } from '../core/document';
import { lookupPath, namespacesOf, SECRETS_NAMESPACE, valueToText } from '../core/sample';
import type { JsonValue } from '../core/types';
import { readSettings } from './config';
import { valuesTable } from './markdown';
import type { PlayContext } from './workflows';
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
 * found at that path in every sample and in the platform's catalogue, with the selected sample's
 * value (or the field's description) as detail. Adds the closing `}}` when the template is not closed yet. The table of every sample's
 * value is the item's documentation, resolved for the focused item only.
 */
export class TemplateCompletionProvider implements vscode.CompletionItemProvider<TemplateCompletionItem> {
  constructor(
    private readonly samples: { inPlay(uri: vscode.Uri): Promise<PlayContext> },
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

    const { samples, selected } = await this.samples.inPlay(document.uri);
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
      const inSamples = namespacesOf(samples);
      const items = inSamples.map((ns, i) => {
        const item = branch(ns, vscode.CompletionItemKind.Module, `namespace · ${describe(selected.data[ns], separator)}`, i);
        const about = CATALOGUE.find((c) => c.name === ns)?.description;
        if (about) item.documentationOf = () => new vscode.MarkdownString(about);
        return item;
      });
      for (const ns of CATALOGUE) {
        if (inSamples.includes(ns.name)) continue;
        const item = branch(ns.name, vscode.CompletionItemKind.Module, `platform · ${shorten(ns.description)}`, items.length);
        item.documentationOf = () => new vscode.MarkdownString(`${ns.description}${ns.userKeys ? `\n\n${ns.userKeys}` : ''}\n\n*No sample sets it.*`);
        items.push(item);
      }
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
    const fields = new Map<string, { object: boolean; field?: CatalogueField }>();
    for (const sample of samples) {
      const at = lookupPath(sample.data, parent);
      if (!at.found || !isObject(at.value)) continue;
      for (const [key, value] of Object.entries(at.value)) {
        const known = fields.get(key);
        fields.set(key, { object: (known?.object ?? false) || isObject(value) });
      }
    }
    // The platform's fields, whether or not a sample has them (docs/architecture.md, "Merge fields").
    for (const child of catalogueChildren(parent)) {
      const known = fields.get(child.name);
      fields.set(child.name, {
        object: (known?.object ?? false) || child.branch,
        field: child.field ?? catalogueField([...parent, { name: child.name, indexes: [] }]),
      });
    }
    const items = [...fields].map(([name, info], i) => {
      const path = [...parent, { name, indexes: [] }];
      const value = lookupPath(selected.data, path);
      const inSome = samples.some((s) => lookupPath(s.data, path).found);
      const detail = value.found
        ? describe(value.value, separator)
        : inSome
          ? `not in "${selected.name}"`
          : info.field
            ? `platform · ${shorten(info.field.description)}`
            : 'no sample';
      const item = info.object ? branch(name, vscode.CompletionItemKind.Module, detail, i) : leaf(name, vscode.CompletionItemKind.Field, detail, i);
      item.documentationOf = () => {
        const md = new vscode.MarkdownString();
        if (info.field) md.appendMarkdown(`${fieldAbout(info.field)}\n\n`);
        md.appendMarkdown(inSome ? valuesTable(samples, path, separator) : NO_SAMPLE_SETS);
        return md;
      };
      return item;
    });
    return new vscode.CompletionList(items, false);
  }
}

/** What hover and completion say of a path that no sample sets. */
export const NO_SAMPLE_SETS = '*No sample sets this: the platform sends an empty string.*';

/** A catalogue field's description, its example and whether the platform documents it, as Markdown. */
export function fieldAbout(field: CatalogueField): string {
  const example = typeof field.example === 'string' ? field.example : JSON.stringify(field.example);
  return `${field.description}${field.unverified ? ' *(reported by users; the platform does not document it)*' : ''} Example: \`${example.replace(/`/g, "'")}\``;
}

/** A one-line description of a sample value for completion details. */
function describe(value: JsonValue | undefined, separator: string): string {
  if (value === undefined) return 'absent';
  if (isObject(value)) return `{ ${Object.keys(value).slice(0, 4).join(', ')}${Object.keys(value).length > 4 ? ', …' : ''} }`;
  return shorten(valueToText(value, separator) || '(empty)');
}
