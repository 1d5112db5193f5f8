import * as vscode from 'vscode';

/** The commands offered above every webhook file, in order. */
export const CODE_LENS_COMMANDS: ReadonlyArray<readonly [title: string, command: string]> = [
  ['▶ Send test request', 'webhookStudio.sendTestRequest'],
  ['Preview', 'webhookStudio.openPreview'],
  ['Send to local inbox', 'webhookStudio.sendToInbox'],
  ['Copy as cURL', 'webhookStudio.copyAsCurl'],
];

/** `▶ Send test request · Preview · Send to local inbox · Copy as cURL` at the top of the file. */
export class ActionCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return CODE_LENS_COMMANDS.map(([title, command]) => new vscode.CodeLens(top, { title, command, arguments: [document.uri] }));
  }
}
