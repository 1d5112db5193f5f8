import * as vscode from 'vscode';
import { LineIndex } from '../core/text';
import type { Diagnostic, OffsetRange, Severity } from '../core/types';

/** The `source` of every diagnostic the extension publishes. */
export const DIAGNOSTIC_SOURCE = 'webhook-studio';

/** Maps an offset of a text to an editor position. */
export type PositionAt = (offset: number) => vscode.Position;

/** Offset → position for a text that is not open in an editor. */
export function positionsOf(text: string): PositionAt {
  const lines = new LineIndex(text);
  return (offset) => {
    const p = lines.positionAt(offset);
    return new vscode.Position(p.line, p.character);
  };
}

/** An editor range from an offset range. */
export function toVsRange(range: OffsetRange, at: PositionAt): vscode.Range {
  return new vscode.Range(at(range.start), at(range.end));
}

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** An editor diagnostic from a core one: same code, `source` webhook-studio. */
export function toVsDiagnostic(d: Diagnostic, at: PositionAt): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toVsRange(d.range, at), d.message, SEVERITIES[d.severity]);
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  return out;
}

/** True for `*.webhook.json` files. */
export function isWebhookUri(uri: vscode.Uri): boolean {
  return /\.webhook\.json$/i.test(uri.path);
}

/** The document selector of every provider. */
export const WEBHOOK_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonc', pattern: '**/*.webhook.json' },
  { language: 'json', pattern: '**/*.webhook.json' },
];

/** True when something exists at `uri`. */
export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
