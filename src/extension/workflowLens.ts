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
