import * as vscode from 'vscode';
import { fileRange } from '../core/document';
import { lookupPath, SECRETS_NAMESPACE, valueToText } from '../core/sample';
import { readSettings } from './config';
import { cell, valuesTable } from './markdown';
import type { SampleStore } from './samples';
import type { SecretStore } from './secrets';
import { templateContextAt } from './templateContext';

/**
 * Hover on a template: its value for the selected sample and a table for every sample; a secret shows
 * only whether it is set; an unsupported expression says why it is sent literally.
 */
export class TemplateHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly samples: SampleStore,
    private readonly secrets: SecretStore,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = templateContextAt(document, position);
    const token = found?.context.token;
    if (!found || !token) return undefined;
    const range = found.range(fileRange(found.context.string, token.start, token.end));
    const md = new vscode.MarkdownString();
    if (token.kind === 'unsupported') {
      md.appendMarkdown(`**Unsupported expression** \`${token.raw.replace(/`/g, "'")}\`\n\n`);
      md.appendMarkdown(
        'Only plain paths such as `{{contact.first_name}}` are filled in. Filters, expressions and spaces in names are not: the platform sends this text literally.',
      );
      return new vscode.Hover(md, range);
    }
    if (token.kind !== 'variable') return undefined;
    const namespace = token.segments[0]!.name;
    if (namespace === SECRETS_NAMESPACE) {
      const name = token.segments.length === 2 ? token.segments[1]!.name : undefined;
      if (name === undefined) {
        md.appendMarkdown('A secret is written `{{secrets.NAME}}`.');
        return new vscode.Hover(md, range);
      }
      await this.secrets.ready();
      const set = this.secrets.has(name);
      md.appendMarkdown(`**Secret** \`${name}\` — ${set ? '*set*' : '*not set*'}\n\n`);
      md.appendMarkdown(
        set
          ? 'Read from VS Code secret storage at send time; shown as `••••••` everywhere.'
          : 'Run **Webhook Studio: Set Secret…** to store it, or enter it when you send.',
      );
      return new vscode.Hover(md, range);
    }
    const { samples, selected } = await this.samples.inPlay();
    const separator = readSettings(document.uri).arraySeparator;
    const value = lookupPath(selected.data, token.segments);
    md.appendMarkdown(`\`{{${token.path}}}\` in sample *${cell(selected.name)}*:\n\n`);
    if (!value.found || value.value === null) {
      md.appendMarkdown(`*${value.found ? 'null' : 'not in this sample'} — renders empty*\n\n`);
    } else {
      const text = valueToText(value.value, separator);
      md.appendCodeblock(text.length > 500 ? `${text.slice(0, 500)}…` : text, 'text');
      if (typeof value.value !== 'string') md.appendMarkdown(`\nSent as text: \`${JSON.stringify(text).slice(0, 80).replace(/`/g, "'")}\`\n\n`);
    }
    if (samples.length > 1) md.appendMarkdown(`\n${valuesTable(samples, token.segments, separator)}\n`);
    return new vscode.Hover(md, range);
  }
}
