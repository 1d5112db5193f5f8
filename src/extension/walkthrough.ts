import * as vscode from 'vscode';
import { EXAMPLE_ACTION_FILE, EXAMPLE_SAMPLE_FILE, exampleActionText, exampleSampleText } from '../core/exampleFiles';
import type { StudioLog } from './log';
import type { Refusal } from './send';

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

/** Options of `webhookStudio.createExample`: `reveal` puts the cursor on that variable and shows its hover. */
export interface ExampleOptions {
  readonly reveal?: string;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Writes `text` to `uri` unless a file is there already: a user's file is never overwritten. */
async function writeIfAbsent(uri: vscode.Uri, text: string): Promise<boolean> {
  if (await exists(uri)) return false;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return true;
}

/** The range of the first `{{path}}` template in the document, braces excluded. */
function variableRange(document: vscode.TextDocument, path: string): vscode.Range | undefined {
  const at = document.getText().search(new RegExp(`\\{\\{\\s*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`));
  if (at < 0) return undefined;
  return new vscode.Range(document.positionAt(at + 2), document.positionAt(at + 2 + path.length));
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
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const range = options.reveal ? variableRange(editor.document, options.reveal) : undefined;
  if (range) {
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand('editor.action.showHover');
  }
  return { uri, sample, created };
}

/** Registers the commands only the getting-started walkthrough needs. */
export function registerWalkthroughCommands(log: StudioLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CREATE_EXAMPLE_COMMAND, async (options?: unknown): Promise<ExampleOpened | Refusal> => {
      const reveal = typeof options === 'object' && options !== null && typeof (options as ExampleOptions).reveal === 'string' ? (options as ExampleOptions).reveal : undefined;
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
