/** What the commands share: the file a command acts on, and a refusal the user sees. */
import * as vscode from 'vscode';
import { isWebhookUri } from './convert';
import type { StudioLog } from './log';
import type { Refusal } from './send';

/** Refuses a command: logged, shown as a warning, and returned so callers and tests can tell. */
export function refusal(reason: string, log: StudioLog): Refusal {
  log.warn(reason);
  void vscode.window.showWarningMessage(`Webhook Studio: ${reason}`);
  return { refused: true, reason };
}

/** The webhook file a command acts on: its Uri argument, else the active editor's file. */
export function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isWebhookUri(active)) return active;
  // Run from the walkthrough or a view, no text editor has focus: the webhook file in sight is meant.
  return vscode.window.visibleTextEditors.map((e) => e.document.uri).find(isWebhookUri);
}
