import type * as vscode from 'vscode';

/** Composition root: wires services and providers; does no work up front. */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

/** Nothing to release beyond `context.subscriptions`. */
export function deactivate(): void {}
