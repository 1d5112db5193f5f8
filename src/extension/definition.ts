import * as vscode from 'vscode';
import { lookupPath, locateInSample, SECRETS_NAMESPACE } from '../core/sample';
import { toVsRange, positionsOf } from './convert';
import type { SampleStore } from './samples';
import { templateContextAt } from './templateContext';

/** Go to definition from a template to the field in the sample file (the selected sample first). */
export class TemplateDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly samples: SampleStore) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[] | undefined> {
    const token = templateContextAt(document, position)?.context.token;
    if (token?.kind !== 'variable' || token.segments[0]!.name === SECRETS_NAMESPACE) return undefined;
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
