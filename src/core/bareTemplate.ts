/**
 * Templates written outside a string in an action file (`"email": {{contact.email}}`): what a platform
 * user types, since the platform's body field takes tags unquoted, but a JSON syntax error in an object
 * body (docs/architecture.md, "Lint codes"). Each gets its own `unquoted-template` error with two fixes,
 * and the syntax errors it causes are not listed besides it.
 */
import { parseTree, stripComments, type Node } from 'jsonc-parser';
import { parseJsonc, PARSE_OPTIONS } from './jsonc';
import type { Diagnostic, OffsetRange, QuickFix } from './types';

const TAG = /\{\{[^{}"\n]*\}\}/y;

/** The ranges of `{{…}}` that stand outside strings and comments. One pass over the characters. */
export function findBareTemplates(text: string): OffsetRange[] {
  const found: OffsetRange[] = [];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i + 2);
      i = end < 0 ? length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? length : end + 1;
    } else if (c === 0x7b && text.charCodeAt(i + 1) === 0x7b) {
      TAG.lastIndex = i;
      const m = TAG.exec(text);
      if (m) {
        found.push({ start: i, end: i + m[0].length });
        i += m[0].length - 1;
      }
    }
  }
  return found;
}

/**
 * The syntax diagnostics of a file with bare templates: one `unquoted-template` error per template, then
 * the syntax errors that remain once each template is read as a value. Undefined when there are none.
 */
export function bareTemplateDiagnostics(text: string): Diagnostic[] | undefined {
  const bare = findBareTemplates(text);
  if (bare.length === 0) return undefined;
  // Each template stands in for a value: a number of the same length keeps every offset.
  let patched = '';
  let at = 0;
  for (const r of bare) {
    patched += text.slice(at, r.start) + '0'.padEnd(r.end - r.start, ' ');
    at = r.end;
  }
  patched += text.slice(at);
  const rest = parseJsonc(patched).diagnostics;
  const body = bodyValueRange(patched);
  const out: Diagnostic[] = bare.map((r) => {
    const tag = text.slice(r.start, r.end);
    const fixes: QuickFix[] = [{ title: `Quote ${tag} (sends text)`, edits: [{ range: r, newText: JSON.stringify(tag) }] }];
    if (body && r.start >= body.start && r.end <= body.end) {
      // The body as written is the platform's body text; comments are not part of it.
      const platformText = stripComments(text.slice(body.start, body.end));
      fixes.push({
        title: "Move the body to the platform's text form (keeps the tag unquoted)",
        edits: [{ range: body, newText: JSON.stringify(platformText) }],
      });
    }
    return {
      code: 'unquoted-template',
      severity: 'error',
      message: `${tag} is not in quotes: in a JSON body a template stands inside a string. Quote it to send text, or write the body as the platform's text (a string "body") to keep it unquoted, e.g. to send a number.`,
      range: r,
      fixes,
    };
  });
  return [...out, ...rest];
}

/** The range of the top-level `"body"` value of a file that parses. */
function bodyValueRange(text: string): OffsetRange | undefined {
  const root = parseTree(text, [], PARSE_OPTIONS);
  if (root?.type !== 'object') return undefined;
  let body: Node | undefined;
  for (const prop of root.children ?? []) if (prop.children?.[0]?.value === 'body') body = prop.children[1];
  return body ? { start: body.offset, end: body.offset + body.length } : undefined;
}
