import * as vscode from 'vscode';
import { parseActionDocument } from '../core/document';
import { EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE, exampleActionText, exampleSampleText } from '../core/exampleFiles';
import { EXAMPLE_WORKFLOW_FILES, exampleWorkflowFiles } from '../core/exampleWorkflow';
import { fileExists, isWebhookUri } from './convert';
import type { StudioLog } from './log';
import { isRefusal, type Refusal } from './send';

/** Command that writes the example action and sample into the workspace and opens the action. */
export const CREATE_EXAMPLE_COMMAND = 'webhookStudio.createExample';

/** What `webhookStudio.createExample` returns. */
export interface ExampleOpened {
  /** The example action, now open in an editor. */
  readonly uri: vscode.Uri;
  readonly sample: vscode.Uri;
  /** Workspace-relative paths of the files this call wrote; empty when both were there already. */
  readonly created: readonly string[];
}

/** Command that writes the example workflow (when absent), opens it and runs it to the local inbox. */
export const CREATE_WORKFLOW_EXAMPLE_COMMAND = 'webhookStudio.createWorkflowExample';

/** Command the walkthrough's buttons run: `[step, ...arguments]`. */
export const RUN_STEP_COMMAND = 'webhookStudio.runWalkthroughStep';

/** The command each walkthrough step runs. */
export const STEP_COMMANDS: Readonly<Record<string, string>> = {
  createExample: CREATE_EXAMPLE_COMMAND,
  selectSample: 'webhookStudio.selectSample',
  hoverVariable: CREATE_EXAMPLE_COMMAND,
  openPreview: 'webhookStudio.openPreview',
  setSecret: 'webhookStudio.setSecret',
  sendToInbox: 'webhookStudio.sendToInbox',
  runWorkflow: CREATE_WORKFLOW_EXAMPLE_COMMAND,
};

/** The context key a step's `onContext` completion event waits for. */
export function stepDoneContextKey(step: string): string {
  return `webhookStudio.walkthrough.${step}Done`;
}

/**
 * How long a step waits before it runs: the walkthrough focuses the step 250 ms after one of its buttons is
 * pressed, which would close a picker or a hover opened at once, or leave an input box without the focus.
 */
export const STEP_DELAY_MS = 450;

/** Options of `webhookStudio.createExample`: `reveal` puts the cursor on that variable and shows its hover. */
export interface ExampleOptions {
  readonly reveal?: string;
}

/** Writes `text` to `uri` unless a file is there already: a user's file is never overwritten. */
async function writeIfAbsent(uri: vscode.Uri, text: string): Promise<boolean> {
  if (await fileExists(uri)) return false;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return true;
}

/** The file range of the first template of `path` in a string of the action (comments are no templates), braces excluded. */
function variableRange(document: vscode.TextDocument, path: string): vscode.Range | undefined {
  for (const ts of parseActionDocument(document.getText()).templated) {
    const i = ts.tokens.findIndex((t) => t.kind === 'variable' && t.path === path);
    const range = ts.ranges[i];
    if (range) return new vscode.Range(document.positionAt(range.start + 2), document.positionAt(range.end - 2));
  }
  return undefined;
}

/**
 * Where the example opens: beside the active editor when that is no text editor (the walkthrough itself,
 * when it ran before the walkthrough could make room beside it), so the example never covers it.
 */
function exampleColumn(): vscode.ViewColumn | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab && !(tab.input instanceof vscode.TabInputText) ? vscode.ViewColumn.Beside : undefined;
}

/** Creates (when absent) and opens the example; with `reveal`, moves the cursor onto that variable and shows its hover. */
export async function openExample(log: StudioLog, options: ExampleOptions = {}): Promise<ExampleOpened | Refusal> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    const reason = 'Open a folder first: the example is written into it.';
    log.warn(reason);
    void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`, 'Open Folder…').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.files.openFolder');
    });
    return { refused: true, reason };
  }
  const uri = vscode.Uri.joinPath(folder, EXAMPLE_ACTION_FILE);
  const sample = vscode.Uri.joinPath(folder, EXAMPLE_SAMPLE_FILE);
  const created: string[] = [];
  // The sample first, so the action is linted against it from the moment it opens.
  if (await writeIfAbsent(sample, exampleSampleText())) created.push(EXAMPLE_SAMPLE_FILE);
  if (await writeIfAbsent(uri, exampleActionText())) created.push(EXAMPLE_ACTION_FILE);
  if (created.length > 0) log.info(`example written: ${created.join(', ')}`);
  const column = exampleColumn();
  const editor = await vscode.window.showTextDocument(uri, { preview: false, ...(column ? { viewColumn: column } : {}) });
  const range = options.reveal ? variableRange(editor.document, options.reveal) : undefined;
  if (range) {
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand('editor.action.showHover');
  }
  return { uri, sample, created };
}

/**
 * Runs a walkthrough step's command once the walkthrough has taken the focus back, with the webhook file in
 * sight focused (so the sample shows in the status bar and the preview opens beside it); on success, sets the
 * step's context key, which completes the step (a command run from here does not count as `onCommand`).
 */
async function runStep(step: unknown, args: unknown[]): Promise<unknown> {
  const command = typeof step === 'string' && Object.hasOwn(STEP_COMMANDS, step) ? STEP_COMMANDS[step] : undefined;
  if (!command) return { refused: true, reason: `no walkthrough step "${String(step)}"` } satisfies Refusal;
  await new Promise((resolve) => setTimeout(resolve, STEP_DELAY_MS));
  const inSight = vscode.window.visibleTextEditors.find((e) => isWebhookUri(e.document.uri));
  if (inSight && command !== CREATE_EXAMPLE_COMMAND) await vscode.window.showTextDocument(inSight.document, { viewColumn: inSight.viewColumn, preview: false });
  const result = await vscode.commands.executeCommand(command, ...args);
  if (!isRefusal(result)) await vscode.commands.executeCommand('setContext', stepDoneContextKey(step as string), true);
  return result;
}

/**
 * Writes the example workflow and its two actions beside the example (never over a file that is there), opens
 * the workflow and runs it to the local inbox, whose answer carries the id step 2 reads.
 */
async function openWorkflowExample(log: StudioLog): Promise<unknown> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    const reason = 'Open a folder first: the example workflow is written into it.';
    log.warn(reason);
    void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`);
    return { refused: true, reason } satisfies Refusal;
  }
  // The sample the steps are filled from, as the first example has it.
  await writeIfAbsent(vscode.Uri.joinPath(folder, EXAMPLE_SAMPLE_FILE), exampleSampleText());
  for (const [name, text] of Object.entries(exampleWorkflowFiles())) await writeIfAbsent(vscode.Uri.joinPath(folder, name), text);
  const workflow = vscode.Uri.joinPath(folder, EXAMPLE_WORKFLOW_FILES.workflow);
  await vscode.window.showTextDocument(workflow, { preview: false });
  return vscode.commands.executeCommand('webhookStudio.runWorkflow', workflow, { toInbox: true });
}

/** Registers the commands only the getting-started walkthrough needs. */
export function registerWalkthroughCommands(log: StudioLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(RUN_STEP_COMMAND, (step?: unknown, ...args: unknown[]) => runStep(step, args)),
    vscode.commands.registerCommand(CREATE_WORKFLOW_EXAMPLE_COMMAND, () => openWorkflowExample(log)),
    vscode.commands.registerCommand(CREATE_EXAMPLE_COMMAND, async (options?: unknown): Promise<ExampleOpened | Refusal> => {
      const reveal =
        typeof options === 'object' && options !== null && typeof (options as ExampleOptions).reveal === 'string'
          ? (options as ExampleOptions).reveal
          : undefined;
      try {
        return await openExample(log, reveal ? { reveal } : {});
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        log.error(`createExample failed: ${message}`);
        void vscode.window.showErrorMessage(`Webhook Studio: ${message}`);
        return { refused: true, reason: message };
      }
    }),
  ];
}
