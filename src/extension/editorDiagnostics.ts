import type { Diagnostic } from '../core/types';

/**
 * The diagnostics the extension shows: JSON syntax and schema problems are left to the editor's own JSON
 * support (which validates against the contributed schemas), so they are not reported twice.
 */
export function editorDiagnostics(all: readonly Diagnostic[]): Diagnostic[] {
  return all.filter((d) => d.code !== 'invalid-json' && d.code !== 'schema');
}
