import * as vscode from 'vscode';
import type { Diagnostic, QuickFix } from '../core/types';
import { editorDiagnostics, type Analyzer } from './analysis';
import { DIAGNOSTIC_SOURCE, toVsDiagnostic, toVsRange, type PositionAt } from './convert';

/** The command a secret-moving quick fix runs: stores the secret, then applies the edits. */
export const APPLY_SECRET_FIX_COMMAND = 'webhookStudio.applySecretFix';

/** Converts a quick fix's offset edits into a WorkspaceEdit on `uri`. */
export function workspaceEditOf(uri: vscode.Uri, fix: QuickFix, at: PositionAt): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(uri, toVsRange(e.range, at), e.newText);
  return edit;
}

/**
 * Quick fixes from the core's `fixes`: near matches for unknown names, removing a GET body, moving a
 * hard-coded secret into secret storage (stored first, then the edit), and "Set secret" for a missing one.
 */
export class QuickFixProvider implements vscode.CodeActionProvider {
  /** The kinds this provider returns. */
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly analyzer: Analyzer) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0 && context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const version = document.version;
    const analysis = this.analyzer.cached(document.uri, version) ?? (await this.analyzer.analyze(document.uri, document.getText(), version));
    const at: PositionAt = (o) => document.positionAt(o);
    const actions: vscode.CodeAction[] = [];
    for (const d of editorDiagnostics(analysis.lint.diagnostics)) {
      const vsRange = toVsRange(d.range, at);
      if (!vsRange.intersection(range) && !ours.some((o) => o.range.isEqual(vsRange))) continue;
      const published = ours.filter((o) => o.code === d.code && o.range.isEqual(vsRange));
      const matching = published.length > 0 ? published : [toVsDiagnostic(d, at)];
      actions.push(...this.actionsFor(document, d, matching, at));
    }
    return actions;
  }

  private actionsFor(document: vscode.TextDocument, d: Diagnostic, matching: vscode.Diagnostic[], at: PositionAt): vscode.CodeAction[] {
    const actions = (d.fixes ?? []).map((fix, i) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = matching;
      action.isPreferred = i === 0;
      if (fix.storeSecret) {
        action.command = { title: fix.title, command: APPLY_SECRET_FIX_COMMAND, arguments: [document.uri, document.version, fix] };
      } else {
        action.edit = workspaceEditOf(document.uri, fix, at);
      }
      return action;
    });
    if (d.code === 'missing-secret') {
      const name = /secrets\.\s*([A-Za-z_][A-Za-z0-9_-]*)/.exec(document.getText(toVsRange(d.range, at)))?.[1];
      if (name) {
        const action = new vscode.CodeAction(`Set secret ${name}…`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = matching;
        action.isPreferred = true;
        action.command = { title: `Set secret ${name}…`, command: 'webhookStudio.setSecret', arguments: [name] };
        actions.push(action);
      }
    }
    return actions;
  }
}
