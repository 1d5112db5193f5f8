/** Shell words of a cURL command: splitting a pasted POSIX shell command into words, and quoting one. */

/** Quotes a word for a POSIX shell: single quotes, each `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The words of a command, with notes on what was read in a way a shell would not; or why it cannot be read. */
export type WordsResult = { ok: true; words: string[]; warnings: string[] } | { ok: false; error: string };

/** After a backslash at the start of a word: blanks up to a line break, or at least one blank. */
const CONTINUATION = /[ \t]*(\r?\n|[ \t])/y;

const OPERATORS = new Set(['|', ';', '&', '<', '>', '(', ')', '`']);

/** Splits a shell command into words: quotes, `$'…'`, backslash escapes and line continuations. */
export function shellWords(command: string): WordsResult {
  const words: string[] = [];
  const warnings: string[] = [];
  const variables = new Set<string>();
  let joined = false;
  let i = 0;
  const n = command.length;
  const noteVariable = (at: number) => {
    const m = /^\$(\{?[A-Za-z_][A-Za-z0-9_]*\}?)/.exec(command.slice(at));
    if (m) variables.add(m[1]!.replace(/[{}]/g, ''));
  };
  outer: while (i < n) {
    const c = command[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || (c === '\n' && words.length === 0)) {
      i++;
      continue;
    }
    CONTINUATION.lastIndex = i + 1;
    if (c === '\\' && CONTINUATION.test(command)) {
      // A line continuation, also when blanks follow the backslash or the line break was lost (an input
      // box joins pasted lines, leaving "\ " where each line ended): a word never starts with "\ ".
      i++;
      while (i < n && (command[i] === ' ' || command[i] === '\t')) i++;
      if (command[i] === '\r' && command[i + 1] === '\n') i += 2;
      else if (command[i] === '\n') i++;
      else joined = true;
      continue;
    }
    if (c === '\n' && words.length > 0) {
      // An unescaped line break ends the command, as in a shell. A next line that starts with an option
      // is read on, since that is a continuation whose backslash was lost.
      const rest = command.slice(i + 1).replace(/^(?:[ \t\r\n]|#[^\n]*)*/, '');
      if (rest === '') break;
      const line = command.slice(0, n - rest.length).split('\n').length;
      if (!rest.startsWith('-')) {
        warnings.push(`The text holds more than one command: only the first curl command is imported (the text from line ${line} on was ignored).`);
        break;
      }
      warnings.push(
        `Line ${line} starts with an option but the line before does not end in "\\": it was read as part of the command (a shell would run it as a command of its own).`,
      );
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && command[i] !== '\n') i++;
      continue;
    }
    let word = '';
    while (i < n) {
      const ch = command[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') break;
      if (OPERATORS.has(ch)) {
        if (word !== '') words.push(word);
        warnings.push(`Everything from "${ch}" on was ignored: only the curl command itself is imported.`);
        break outer;
      }
      if (ch === "'") {
        const end = command.indexOf("'", i + 1);
        if (end < 0) return { ok: false, error: 'A single quote is not closed.' };
        word += command.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '$' && command[i + 1] === "'") {
        const r = ansiCString(command, i + 2);
        if (!r.ok) return r;
        word += r.text;
        i = r.next;
      } else if (ch === '"') {
        i++;
        for (;;) {
          if (i >= n) return { ok: false, error: 'A double quote is not closed.' };
          const d = command[i]!;
          if (d === '"') {
            i++;
            break;
          }
          if (d === '\\' && i + 1 < n && '$`"\\\n'.includes(command[i + 1]!)) {
            if (command[i + 1] !== '\n') word += command[i + 1];
            i += 2;
            continue;
          }
          if (d === '$') noteVariable(i);
          word += d;
          i++;
        }
      } else if (ch === '\\') {
        if (i + 1 >= n) {
          i++;
          continue;
        }
        if (command[i + 1] === '\n') i += 2;
        else if (command[i + 1] === '\r' && command[i + 2] === '\n') i += 3;
        else {
          word += command[i + 1];
          i += 2;
        }
      } else {
        if (ch === '$') noteVariable(i);
        word += ch;
        i++;
      }
    }
    words.push(word);
  }
  if (joined) warnings.push('Each "\\ " between words was read as the end of a line continued with "\\" (the lines were joined when pasted).');
  for (const v of variables) {
    warnings.push(`The shell variable $${v} was not expanded: replace it with its value, or with {{secrets.${v}}} for a secret.`);
  }
  return { ok: true, words, warnings };
}

const C_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Reads the inside of `$'…'` from `start` (after the opening quote). */
function ansiCString(s: string, start: number): { ok: true; text: string; next: number } | { ok: false; error: string } {
  let text = '';
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") return { ok: true, text, next: i + 1 };
    if (c !== '\\' || i + 1 >= s.length) {
      text += c;
      i++;
      continue;
    }
    const e = s[i + 1]!;
    const hex = (max: number) => /^[0-9a-fA-F]+/.exec(s.slice(i + 2, i + 2 + max))?.[0];
    if (Object.hasOwn(C_ESCAPES, e)) {
      text += C_ESCAPES[e];
      i += 2;
    } else if (e === 'x' && hex(2)) {
      const h = hex(2)!;
      text += String.fromCharCode(parseInt(h, 16));
      i += 2 + h.length;
    } else if ((e === 'u' || e === 'U') && hex(e === 'u' ? 4 : 8)) {
      const h = hex(e === 'u' ? 4 : 8)!;
      const cp = parseInt(h, 16);
      text += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      i += 2 + h.length;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
      text += String.fromCharCode(parseInt(oct, 8) & 0xff);
      i += 1 + oct.length;
    } else {
      text += '\\' + e;
      i += 2;
    }
  }
  return { ok: false, error: "A $'…' string is not closed." };
}
