import * as vscode from 'vscode';
import { parseActionDocument, templateAt, type TemplateContext } from '../core/document';
import type { OffsetRange } from '../core/types';

/** A template context found on one line, with a way back to editor positions. */
export interface LineTemplate {
  readonly context: TemplateContext;
  /** Editor range of an offset range of the line-local literal. */
  range(r: OffsetRange): vscode.Range;
  /** Editor position of a literal offset. */
  position(offset: number): vscode.Position;
}

/**
 * Finds the JSON string literal around `character` on one line: [start, end) with the quotes. A JSON
 * string cannot span lines, so completion and hover need only this line, whatever the file's size.
 */
export function stringLiteralAt(line: string, character: number): { start: number; end: number } | undefined {
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 47 /* / */ && line.charCodeAt(i + 1) === 47) return undefined;
    if (c === 47 && line.charCodeAt(i + 1) === 42 /* * */) {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 2;
      continue;
    }
    if (c !== 34 /* " */) {
      i++;
      continue;
    }
    const start = i++;
    while (i < line.length && line.charCodeAt(i) !== 34) i += line.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
    const end = Math.min(i + 1, line.length);
    if (character > start && (character < end || (i >= line.length && character <= line.length))) return { start, end };
    i = end;
  }
  return undefined;
}

/** The template context at a position, computed from the string literal on that line alone. */
export function templateContextAt(document: vscode.TextDocument, position: vscode.Position): LineTemplate | undefined {
  const line = document.lineAt(position.line).text;
  const literal = stringLiteralAt(line, position.character);
  if (!literal) return undefined;
  // Keys are not templated: a key is followed by a colon.
  if (/^\s*:/.test(line.slice(literal.end))) return undefined;
  const text = line.slice(literal.start, literal.end);
  if (!text.includes('{{')) return undefined;
  const context = templateAt(parseActionDocument(text), position.character - literal.start);
  if (!context) return undefined;
  const at = (o: number) => new vscode.Position(position.line, literal.start + o);
  return { context, position: at, range: (r) => new vscode.Range(at(r.start), at(r.end)) };
}
