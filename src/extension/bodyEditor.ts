/**
 * *Edit Body as Platform Text* (docs/architecture.md, "The editor"): a string body opened as a document of
 * its own, the text exactly as it goes into the platform's body field, with no JSON string escapes. The
 * document lives in the `webhook-body` scheme and has no file of its own: every edit is written through
 * into the action's `"body"` string at once (so the preview, lint and sends follow as you type), saving it
 * saves the action, and completion, hover, definition and the action's diagnostics work in it.
 */
import * as vscode from 'vscode';
import { stripComments } from 'jsonc-parser';
import { decodedOffset, parseActionDocument, type TemplatedString } from '../core/document';
import { DIAGNOSTIC_SOURCE } from './convert';

/** The scheme of body documents. */
export const BODY_SCHEME = 'webhook-body';

/** The body document of an action: `webhook-body:/…/name.webhook.json.body.txt?<action uri>`. */
export function bodyUriOf(action: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: BODY_SCHEME, path: `${action.path}.body.txt`, query: action.toString() });
}

/** The action a body document belongs to. */
export function actionUriOf(body: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(body.query);
}

/** The action's string body, with where it sits in the action's text. */
function stringBody(text: string): TemplatedString | undefined {
  return parseActionDocument(text).model.bodyText;
}

/** The position in a JSON string literal's line of each character of a raw line, and the literal itself. */
function literalLine(raw: string): { text: string; toLiteral: number[] } {
  const toLiteral: number[] = [];
  let text = '"';
  for (const ch of raw) {
    for (let k = 0; k < ch.length; k++) toLiteral.push(text.length);
    text += JSON.stringify(ch).slice(1, -1);
  }
  toLiteral.push(text.length);
  return { text: `${text}"`, toLiteral };
}

/**
 * The document the template providers read, for one line of a body document: that line as the JSON
 * string literal it is in the action, so the providers need not know about body documents.
 */
function asLiteral(document: vscode.TextDocument, position: vscode.Position) {
  const raw = document.lineAt(position.line).text;
  const { text, toLiteral } = literalLine(raw);
  const fromLiteral = (character: number): number => {
    let i = 0;
    while (i + 1 < toLiteral.length && toLiteral[i + 1]! <= character) i++;
    return i;
  };
  const view = {
    uri: actionUriOf(document.uri),
    lineAt: () => ({ text }),
  } as unknown as vscode.TextDocument;
  const toBody = (r: vscode.Range) => new vscode.Range(r.start.line, fromLiteral(r.start.character), r.end.line, fromLiteral(r.end.character));
  return { view, position: new vscode.Position(position.line, toLiteral[position.character] ?? text.length - 1), toBody };
}

/** Registers the body documents: their file system, the write-through, the providers and diagnostics. */
export function registerBodyEditor(providers: {
  readonly completion: vscode.CompletionItemProvider;
  readonly hover: vscode.HoverProvider;
  readonly definition: vscode.DefinitionProvider;
  readonly triggers: readonly string[];
}): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  const collection = vscode.languages.createDiagnosticCollection('webhook-studio-body');
  const writing = new Map<string, Promise<unknown>>();
  const selector: vscode.DocumentSelector = { scheme: BODY_SCHEME };

  const actionDocument = (body: vscode.Uri) => vscode.workspace.openTextDocument(actionUriOf(body));
  /** Replaces the action's body string with `text`; false when the action has no string body any more. */
  const writeThrough = async (body: vscode.Uri, text: string): Promise<boolean> => {
    const action = await actionDocument(body);
    const ts = stringBody(action.getText());
    if (!ts) return false;
    if (ts.value === text) return true;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(action.uri, new vscode.Range(action.positionAt(ts.node.offset), action.positionAt(ts.node.offset + ts.node.length)), JSON.stringify(text));
    return vscode.workspace.applyEdit(edit);
  };
  const queue = (body: vscode.Uri, text: string): Promise<unknown> => {
    const key = body.toString();
    const next = (writing.get(key) ?? Promise.resolve()).then(() => writeThrough(body, text));
    writing.set(key, next);
    return next;
  };

  const fileSystem: vscode.FileSystemProvider = {
    onDidChangeFile: changed.event,
    watch: () => new vscode.Disposable(() => undefined),
    stat: async (uri) => {
      const action = await vscode.workspace.fs.stat(actionUriOf(uri));
      return { type: vscode.FileType.File, ctime: action.ctime, mtime: action.mtime, size: action.size };
    },
    readFile: async (uri) => {
      const ts = stringBody((await actionDocument(uri)).getText());
      if (!ts) throw vscode.FileSystemError.FileNotFound(uri);
      return new TextEncoder().encode(ts.value);
    },
    writeFile: async (uri, content) => {
      await writing.get(uri.toString());
      if (!(await writeThrough(uri, new TextDecoder().decode(content)))) throw vscode.FileSystemError.Unavailable('the action has no string body any more');
      await (await actionDocument(uri)).save();
    },
    readDirectory: () => [],
    createDirectory: () => undefined,
    delete: () => undefined,
    rename: () => undefined,
  };

  const publish = (action: vscode.TextDocument) => {
    const bodyUri = bodyUriOf(action.uri);
    const body = vscode.workspace.textDocuments.find((d) => d.uri.toString() === bodyUri.toString());
    if (!body) return;
    const ts = stringBody(action.getText());
    if (!ts || ts.value !== body.getText()) return;
    const start = ts.node.offset;
    const end = ts.node.offset + ts.node.length;
    const at = (p: vscode.Position) => body.positionAt(decodedOffset(ts, action.offsetAt(p)));
    const mapped = vscode.languages
      .getDiagnostics(action.uri)
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && action.offsetAt(d.range.start) >= start && action.offsetAt(d.range.end) <= end)
      .map((d) => {
        const copy = new vscode.Diagnostic(new vscode.Range(at(d.range.start), at(d.range.end)), d.message, d.severity);
        copy.code = d.code;
        copy.source = d.source;
        return copy;
      });
    collection.set(body.uri, mapped);
  };

  return [
    changed,
    collection,
    vscode.workspace.registerFileSystemProvider(BODY_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      if (e.document.uri.scheme === BODY_SCHEME) {
        void queue(e.document.uri, e.document.getText());
        return;
      }
      // The action changed elsewhere: an open body document with no edits of its own reads it again.
      const bodyUri = bodyUriOf(e.document.uri);
      const body = vscode.workspace.textDocuments.find((d) => d.uri.toString() === bodyUri.toString());
      if (body && !body.isDirty && !writing.has(bodyUri.toString()) && stringBody(e.document.getText())?.value !== body.getText()) {
        changed.fire([{ type: vscode.FileChangeType.Changed, uri: bodyUri }]);
      }
    }),
    vscode.languages.onDidChangeDiagnostics((e) => {
      for (const uri of e.uris) {
        const action = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (action && uri.scheme !== BODY_SCHEME) publish(action);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === BODY_SCHEME) collection.delete(d.uri);
    }),
    vscode.languages.registerCompletionItemProvider(
      selector,
      {
        async provideCompletionItems(document, position, token, context) {
          const { view, position: at, toBody } = asLiteral(document, position);
          const result = await providers.completion.provideCompletionItems(view, at, token, context);
          const items = result instanceof vscode.CompletionList ? result.items : (result ?? []);
          for (const item of items) if (item.range instanceof vscode.Range) item.range = toBody(item.range);
          return result;
        },
        resolveCompletionItem: providers.completion.resolveCompletionItem?.bind(providers.completion),
      },
      ...providers.triggers,
    ),
    vscode.languages.registerHoverProvider(selector, {
      async provideHover(document, position, token) {
        const { view, position: at, toBody } = asLiteral(document, position);
        const hover = await providers.hover.provideHover(view, at, token);
        if (hover?.range) hover.range = toBody(hover.range);
        return hover;
      },
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition(document, position, token) {
        const { view, position: at } = asLiteral(document, position);
        return providers.definition.provideDefinition(view, at, token);
      },
    }),
  ];
}

/**
 * Opens the body of an action as platform text. An object body is first moved to the platform's text
 * form (its JSON text, comments left out); an action without a body gets an empty one.
 */
export async function openBodyEditor(action: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(action);
  const text = document.getText();
  const doc = parseActionDocument(text);
  if (!doc.model.bodyText) {
    if (doc.syntax.some((d) => d.severity === 'error'))
      throw new Error('the file is not valid JSON: fix it first (its problems say where), then edit the body.');
    const edit = new vscode.WorkspaceEdit();
    const range = doc.model.body;
    if (range) {
      const platformText = stripComments(text.slice(range.start, range.end)).trim();
      edit.replace(action, new vscode.Range(document.positionAt(range.start), document.positionAt(range.end)), JSON.stringify(platformText));
    } else {
      const close = text.lastIndexOf('}');
      if (close < 0) throw new Error('the file holds no JSON object.');
      const before = text.slice(0, close).trimEnd();
      const comma = before.endsWith('{') || before.endsWith(',') ? '' : ',';
      edit.insert(action, document.positionAt(before.length), `${comma}\n  "body": ""`);
    }
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the body could not be moved to the platform text form.');
  }
  const body = await vscode.workspace.openTextDocument(bodyUriOf(action));
  return vscode.window.showTextDocument(body, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}
