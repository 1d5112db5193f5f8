import * as vscode from 'vscode';
import { lookupPath, locateInSample, SECRETS_NAMESPACE } from '../core/sample';
import { toVsRange, positionsOf } from './convert';
import type { SampleStore } from './samples';
import { templateContextAt } from './templateContext';
import type { WorkflowIndex } from './workflows';

/**
 * Go to definition from a template to the field in the sample file (the selected sample first); from a saved
 * response `{{custom_webhook.N.response…}}` of a workflow step, to step N's action file.
 */
export class TemplateDefinitionProvider implements vscode.DefinitionProvider {
  constructor(
    private readonly samples: SampleStore,
    private readonly workflows: WorkflowIndex,
  ) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[] | undefined> {
    const token = templateContextAt(document, position)?.context.token;
    if (token?.kind !== 'variable' || token.segments[0]!.name === SECRETS_NAMESPACE) return undefined;
    const step = token.segments[0]!.name === 'custom_webhook' && /^\d+$/.test(token.segments[1]?.name ?? '') ? Number(token.segments[1]!.name) : undefined;
    if (step !== undefined) {
      const found = await this.workflows.find(document.uri);
      const target = found?.workflow.steps[step - 1];
      if (target) return [new vscode.Location(target, await saveResponseRange(target))];
    }
    const { samples, selected } = await this.samples.inPlay(document.uri);
    const candidates = [selected, ...samples.filter((s) => s !== selected)].filter((s) => s.file !== undefined);
    const withPath = candidates.filter((s) => lookupPath(s.data, token.segments).found);
    const withNamespace = candidates.filter((s) => Object.hasOwn(s.data, token.segments[0]!.name));
    for (const sample of withPath.length > 0 ? withPath : withNamespace) {
      const file = await this.samples.textOf(sample);
      if (!file) continue;
      const range = locateInSample(file.text, token.segments);
      if (range) return [new vscode.Location(file.uri, toVsRange(range, positionsOf(file.text)))];
    }
    return undefined;
  }
}

/** The `"saveResponse"` key of a step's file, else its first character. */
async function saveResponseRange(uri: vscode.Uri): Promise<vscode.Range> {
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const at = document.getText().indexOf('"saveResponse"');
    return at >= 0 ? new vscode.Range(document.positionAt(at), document.positionAt(at + '"saveResponse"'.length)) : new vscode.Range(0, 0, 0, 0);
  } catch {
    return new vscode.Range(0, 0, 0, 0);
  }
}
