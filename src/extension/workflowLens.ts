import * as vscode from 'vscode';
import { parseWorkflow } from '../core/workflowModel';
import { positionsOf, toVsRange } from './convert';
import { stepUris, type WorkflowIndex } from './workflows';

/** The command that runs a workflow. */
export const RUN_WORKFLOW_COMMAND = 'webhookStudio.runWorkflow';

/**
 * On a `*.workflow.json`: **▶ Run workflow · Run to local inbox** at the top, and above each step its number
 * and file, which opens it.
 */
export class WorkflowCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText();
    const file = parseWorkflow(text);
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, { title: '▶ Run workflow', command: RUN_WORKFLOW_COMMAND, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Run to local inbox', command: RUN_WORKFLOW_COMMAND, arguments: [document.uri, { toInbox: true }] }),
    ];
    const at = positionsOf(text);
    const uris = stepUris(document.uri, file);
    file.steps.forEach((step, i) => {
      lenses.push(
        new vscode.CodeLens(toVsRange(step.range, at), { title: `Step ${i + 1}: open ${step.action}`, command: 'vscode.open', arguments: [uris[i]] }),
      );
    });
    return lenses;
  }
}

/** On an action that is a step of a workflow: **Step N of M · workflow name** (opens the workflow) and **▶ Run workflow**. */
export class StepCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly workflows: WorkflowIndex) {
    this.onDidChangeCodeLenses = workflows.onDidChange;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const found = await this.workflows.find(document.uri);
    if (!found) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const { position, workflow } = found;
    return [
      new vscode.CodeLens(top, {
        title: `Step ${position.step} of ${position.steps.length} · ${workflow.name}`,
        tooltip: `This action is step ${position.step} of the workflow in ${vscode.workspace.asRelativePath(workflow.uri)}`,
        command: 'vscode.open',
        arguments: [workflow.uri],
      }),
      new vscode.CodeLens(top, { title: '▶ Run workflow', command: RUN_WORKFLOW_COMMAND, arguments: [workflow.uri] }),
    ];
  }
}

/** A path from `from` (a folder) to `to`, with forward slashes, as a workflow step writes it. */
export function relativePath(from: string, to: string): string {
  const a = from.split('/').filter((p) => p !== '');
  const b = to.split('/').filter((p) => p !== '');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/**
 * Completion of a step's `"action"` in a `*.workflow.json`: the workspace's `*.webhook.json` files, as paths
 * relative to the workflow file, those in its own folder first.
 */
export class WorkflowStepCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly findActions: () => Thenable<readonly vscode.Uri[]>) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const typed = /"action"\s*:\s*"([^"]*)$/.exec(before);
    if (!typed) return undefined;
    const folder = vscode.Uri.joinPath(document.uri, '..').path;
    const start = position.translate(0, -typed[1]!.length);
    const after = document.lineAt(position.line).text.slice(position.character);
    const end = position.translate(0, /^[^"]*/.exec(after)![0].length);
    const paths = (await this.findActions())
      .map((uri) => relativePath(folder, uri.path))
      .sort((x, y) => Number(x.includes('/')) - Number(y.includes('/')) || x.localeCompare(y));
    return paths.map((path, i) => {
      const item = new vscode.CompletionItem(path, vscode.CompletionItemKind.File);
      item.range = new vscode.Range(start, end);
      item.sortText = String(i).padStart(5, '0');
      item.detail = 'webhook action';
      return item;
    });
  }
}
