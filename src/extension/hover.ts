import * as vscode from 'vscode';
import { catalogueField } from '../core/catalogue';
import { isRightNowField, rightNow } from '../core/clock';
import { fileRange } from '../core/document';
import type { PathSegment } from '../core/template';
import type { WorkflowPosition } from '../core/workflowModel';
import { lookupPath, SECRETS_NAMESPACE, valueToText } from '../core/sample';
import { clockOf, readSettings } from './config';
import { fieldAbout, NO_SAMPLE_SETS } from './completion';
import { cell, valuesTable } from './markdown';
import type { PlayContext } from './workflows';
import type { SecretStore } from './secrets';
import { templateContextAt } from './templateContext';

/**
 * Hover on a template: its value for the selected sample and a table for every sample; a secret shows
 * only whether it is set; an unsupported expression says why it is sent literally.
 */
export class TemplateHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly samples: { inPlay(uri: vscode.Uri): Promise<PlayContext> },
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
    const { samples, selected, workflow } = await this.samples.inPlay(document.uri);
    const settings = readSettings(document.uri);
    const separator = settings.arraySeparator;
    const value = lookupPath(selected.data, token.segments);
    const inSome = samples.some((s) => lookupPath(s.data, token.segments).found);
    const field = catalogueField(token.segments);
    md.appendMarkdown(`\`{{${token.path}}}\` in sample *${cell(selected.name)}*:\n\n`);
    const clockField =
      namespace === 'right_now' && token.segments.length === 2 && isRightNowField(token.segments[1]!.name) ? token.segments[1]!.name : undefined;
    if (!value.found && clockField) {
      const location = selected.data['location'];
      const own = typeof location === 'object' && location !== null && !Array.isArray(location) ? location['timezone'] : undefined;
      const zone = typeof own === 'string' && own !== '' ? own : settings.timeZone;
      md.appendCodeblock(rightNow(clockField, clockOf(settings).now(), zone), 'text');
      md.appendMarkdown(`\n*From the clock, in ${cell(zone)}: the value changes with time${settings.now ? ' (fixed by webhookStudio.render.now)' : ''}.*\n\n`);
    } else if (!value.found || value.value === null) {
      md.appendMarkdown(`*${value.found ? 'null' : 'absent in the selected sample'} — renders empty*\n\n`);
    } else {
      const text = valueToText(value.value, separator);
      md.appendCodeblock(text.length > 500 ? `${text.slice(0, 500)}…` : text, 'text');
      if (typeof value.value !== 'string') md.appendMarkdown(`\nSent as text: \`${JSON.stringify(text).slice(0, 80).replace(/`/g, "'")}\`\n\n`);
    }
    const saver = savedResponseStep(token.segments, workflow?.position);
    if (saver)
      md.appendMarkdown(
        `\nSaved by step ${saver.step} (${cell(saver.shown)}): its newest response for this sample, else the sample's own \`custom_webhook\` data.\n\n`,
      );
    else if (field) md.appendMarkdown(`\n${fieldAbout(field)}\n\n`);
    if (!inSome && !clockField) md.appendMarkdown(`\n${NO_SAMPLE_SETS}\n`);
    else if (samples.length > 1 && inSome) md.appendMarkdown(`\n${valuesTable(samples, token.segments, separator)}\n`);
    return new vscode.Hover(md, range);
  }
}

/** The earlier, saving step a `custom_webhook.N.response…` path reads in a workflow. */
function savedResponseStep(segments: readonly PathSegment[], position: WorkflowPosition | undefined): { step: number; shown: string } | undefined {
  if (!position || segments[0]?.name !== 'custom_webhook' || segments[2]?.name !== 'response' || !/^\d+$/.test(segments[1]?.name ?? '')) return undefined;
  const step = Number(segments[1]!.name);
  const saver = position.steps[step - 1];
  return saver && saver.saveResponse && step < position.step ? { step, shown: saver.shown } : undefined;
}
