/** Pretty-printing of JSON text that keeps every token exactly as written (big numbers, escapes). */

const OPEN = new Set(['{', '[']);
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return text.length;
}

/**
 * Re-indents JSON text, or returns undefined when it is not valid JSON. Tokens are copied verbatim,
 * unlike JSON.stringify(JSON.parse(…)), which would round numbers beyond 2^53 and rewrite escapes.
 */
export function prettyJson(text: string, indent = '  '): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  let depth = 0;
  const newline = (): string => '\n' + indent.repeat(depth);
  let i = nextSignificant(text, 0);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out.push(text.slice(i, end));
      i = end;
    } else if (OPEN.has(c)) {
      const close = c === '{' ? '}' : ']';
      const next = nextSignificant(text, i + 1);
      if (text[next] === close) {
        out.push(c + close);
        i = next + 1;
      } else {
        depth++;
        out.push(c + newline());
        i++;
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out.push(newline() + c);
      i++;
    } else if (c === ',') {
      out.push(',' + newline());
      i++;
    } else if (c === ':') {
      out.push(': ');
      i++;
    } else if (WHITESPACE.has(c)) {
      i++;
    } else {
      let end = i + 1;
      while (end < text.length && !WHITESPACE.has(text[end]!) && !',:]}'.includes(text[end]!)) end++;
      out.push(text.slice(i, end));
      i = end;
    }
  }
  return out.join('');
}
