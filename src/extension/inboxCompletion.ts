import * as vscode from 'vscode';

/** The files the inbox rules completion serves. */
export const INBOX_RULES_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonc', pattern: '**/*.inbox.json' },
  { language: 'json', pattern: '**/*.inbox.json' },
];

/** What answer templates of inbox rules can read (docs/architecture.md, "The local inbox"). */
const REQUEST_FIELDS: readonly { readonly path: string; readonly detail: string }[] = [
  { path: 'request.method', detail: 'the request method' },
  { path: 'request.path', detail: 'the path, without the query' },
  { path: 'request.target', detail: 'the path and query as received' },
  { path: 'request.query.', detail: 'a query parameter by name (its first value)' },
  { path: 'request.headers.', detail: 'a header by lower-case name (repeated ones joined with ", ")' },
  { path: 'request.body.', detail: 'a path into the JSON body, e.g. request.body.contact.email' },
];

/** Completion of `{{request.…}}` templates in `*.inbox.json` files; the keys come from the schema. */
export class InboxRulesCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const open = before.lastIndexOf('{{');
    if (open < 0 || before.indexOf('}}', open) >= 0) return [];
    const typed = before.slice(open + 2).trimStart();
    if (!/^[A-Za-z0-9_.[\]-]*$/.test(typed)) return [];
    const range = new vscode.Range(position.line, position.character - typed.length, position.line, position.character);
    return REQUEST_FIELDS.filter((f) => f.path.startsWith(typed) || typed.startsWith(f.path)).map((f) => {
      const item = new vscode.CompletionItem(f.path, f.path.endsWith('.') ? vscode.CompletionItemKind.Module : vscode.CompletionItemKind.Field);
      item.detail = f.detail;
      item.range = range;
      return item;
    });
  }
}
