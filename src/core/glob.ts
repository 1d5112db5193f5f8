/**
 * Glob semantics shared by the CLI and the extension: how a pattern matches `/`-separated paths, which
 * directories a search never enters, and a bounded directory walk over any file system.
 *
 * Patterns follow picomatch's POSIX rules: `**` any directories, `*` any characters but `/`, `?` one
 * character, `[abc]` and `[!abc]`, `{a,b}`, and `\` escapes the next character (`a\[1\].json` names `a[1].json`).
 * Wildcards match names starting with a dot too, as VS Code's own globs do.
 */
import picomatch from 'picomatch/posix';

/**
 * Directories a search never enters below the fixed part of its glob: dependencies, build output and
 * every hidden directory (`.git`, `.vscode-test`, …). Names are globs over one directory name.
 */
export const SKIPPED_DIRECTORIES: readonly string[] = ['node_modules', 'dist', 'out', '.*'];

const MATCH_OPTIONS = { dot: true } as const;
let isSkippedName: ((name: string) => boolean) | undefined;

/** True when a search does not enter a directory of this name. */
export function isSkippedDirectory(name: string): boolean {
  isSkippedName ??= picomatch([...SKIPPED_DIRECTORIES], MATCH_OPTIONS);
  return isSkippedName(name);
}

/** True when the pattern holds unescaped glob syntax; otherwise it names one file. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** A pattern's `\` escapes removed: the file name a pattern without wildcards stands for. */
export function unescapeGlob(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

/** A literal path as a glob that matches only it: every glob character escaped with `\`. */
export function escapeGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, '\\$&');
}

/** A glob split into the directory a search for it starts from and the rest, matched below that directory. */
export interface GlobParts {
  /** The fixed leading directories, still escaped as in the glob (`''` when the glob starts with a wildcard). */
  readonly base: string;
  /** The rest of the glob, relative to `base`. */
  readonly rest: string;
}

/** Splits a glob at its first directory holding a wildcard. */
export function splitGlob(glob: string): GlobParts {
  const scanned = picomatch.scan(glob);
  if (!scanned.isGlob) return { base: '', rest: glob };
  return { base: scanned.base, rest: scanned.glob };
}

const withSlash = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);

/** `[!…]` as picomatch spells a negated class, `[^…]` (VS Code's globs take both); escapes are kept. */
function negatedClasses(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      out += glob.slice(i, i + 2);
      i++;
    } else if (c === '[' && glob[i + 1] === '!') {
      out += '[^';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * A test of `/`-separated relative paths against a glob (the whole path must match).
 *
 * The glob is matched one directory level at a time: `**` against any number of levels, every other part
 * against one name. One regular expression for the whole glob backtracks exponentially on globs that repeat
 * `**` between names twenty levels deep (seconds to minutes per path); level by level the cost is at most
 * the glob's parts times the path's levels. Globs with braces that hold a `/`, with extglob groups
 * (`@(a|b)`) or with `**` inside a part (`**.json`) are left to one expression.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  // A leading `./` names the folder the paths are relative to, as picomatch takes it.
  const parts = globParts(glob.replace(/^(?:\.\/)+/, ''));
  if (!parts) return picomatch(negatedClasses(glob), MATCH_OPTIONS);
  // A path spelled exactly as the glob matches it, as in picomatch: `a[1].json` names the file `a[1].json` too.
  return (path) => path === glob || matchParts(parts, path === '' ? [] : path.split('/'));
}

/** One `/`-separated part of a glob: `**`, or a test of one name. */
type GlobPart = { readonly globstar: true; readonly atLeastOne?: boolean } | { readonly globstar: false; readonly test: (name: string) => boolean };

/** The parts of a glob, consecutive `**` as one; undefined when a `/` stands inside braces, there is an extglob group, or `**` shares a part. */
function globParts(glob: string): GlobPart[] | undefined {
  if (glob === '') return undefined;
  const texts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(glob, i) ?? i;
    // picomatch gives `**` right after an extglob group a meaning of its own: such globs are left to it whole.
    else if (c === '(') return undefined;
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '/') {
      if (depth > 0) return undefined;
      texts.push(glob.slice(start, i));
      start = i + 1;
    }
  }
  texts.push(glob.slice(start));
  // `**` beside other characters in a part (`**{a,b}.`) means something of its own to picomatch, which can
  // reach across levels: such globs are left to it whole.
  if (texts.some((t) => t !== '**' && /(?:^|[^\\])\*\*/.test(t))) return undefined;
  const parts: GlobPart[] = [];
  texts.forEach((text, i) => {
    if (text === '**') {
      // As picomatch has it, `a/**` matches `a` itself but `a*/**` only what is inside: a trailing `**` after a
      // part ending in `*` stands for at least one more name.
      const last = texts.slice(i).every((t) => t === '**');
      const before = i > 0 ? texts[i - 1] : undefined;
      const atLeastOne = last && before !== undefined && /(?:^|[^\\])\*$/.test(before);
      if (!parts.at(-1)?.globstar) parts.push({ globstar: true, atLeastOne });
    } else {
      parts.push({ globstar: false, test: nameMatcher(text) });
    }
  });
  return parts;
}

/** Whether the path's names match the parts: a table of which part matches from which name on, filled from the end. */
function matchParts(parts: readonly GlobPart[], names: readonly string[]): boolean {
  const width = names.length + 1;
  let next = new Uint8Array(width);
  next[names.length] = 1;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    const here = new Uint8Array(width);
    for (let j = names.length; j >= 0; j--) {
      if (part.globstar && part.atLeastOne) here[j] = j < names.length && (next[j + 1] || here[j + 1]) ? 1 : 0;
      else if (part.globstar) here[j] = next[j] || (j < names.length && here[j + 1]) ? 1 : 0;
      else here[j] = j < names.length && next[j + 1] && part.test(names[j]!) ? 1 : 0;
    }
    next = here;
  }
  return next[0] === 1;
}

/** One token of a glob part: a literal character, `?`, `*` or a character class. */
type NameToken =
  { readonly kind: 'char'; readonly char: string } | { readonly kind: 'any' } | { readonly kind: 'star' } | { readonly kind: 'class'; readonly test: RegExp };

/** A test of one name against one part of a glob without `/`. */
function nameMatcher(part: string): (name: string) => boolean {
  const tokens = nameTokens(part);
  if (!tokens) {
    const matches = picomatch(negatedClasses(part), MATCH_OPTIONS);
    return (name) => matches(name);
  }
  return (name) => matchTokens(tokens, [...name]);
}

/** The tokens of a glob part, or undefined when it has braces or extglob groups (left to picomatch). */
function nameTokens(part: string): NameToken[] | undefined {
  const tokens: NameToken[] = [];
  const chars = [...part];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      tokens.push({ kind: 'char', char: chars[i + 1] ?? '\\' });
      i++;
    } else if (c === '*') {
      if (chars[i + 1] === '(') return undefined;
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?' || c === '+' || c === '@' || c === '!') {
      if (chars[i + 1] === '(') return undefined;
      tokens.push(c === '?' ? { kind: 'any' } : { kind: 'char', char: c });
    } else if (c === '{') {
      return undefined;
    } else if (c === '[') {
      const text = chars.join('');
      const offset = chars.slice(0, i).join('').length;
      const end = classEnd(text, offset);
      if (end === undefined) {
        tokens.push({ kind: 'char', char: c });
        continue;
      }
      const source = text.slice(offset, end + 1);
      tokens.push({ kind: 'class', test: picomatch.makeRe(negatedClasses(source), MATCH_OPTIONS) });
      i += [...source].length - 1;
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  return tokens;
}

/** Wildcard matching by the usual two pointers: on a mismatch, the last `*` takes one more character. */
function matchTokens(tokens: readonly NameToken[], name: readonly string[]): boolean {
  let t = 0;
  let n = 0;
  let star = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token && token.kind !== 'star' && tokenMatches(token, name[n]!)) {
      t++;
      n++;
    } else if (token?.kind === 'star') {
      star = t++;
      starName = n;
    } else if (star >= 0) {
      t = star + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

function tokenMatches(token: NameToken, char: string): boolean {
  if (token.kind === 'any') return char !== '/';
  if (token.kind === 'char') return token.char === char;
  return token.kind === 'class' && token.test.test(char);
}

/** The index of the `]` closing the class opened at `open`, or undefined when it is not closed (then `[` is literal). */
function classEnd(glob: string, open: number): number | undefined {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') i++;
    else if (c === '[' && glob[i + 1] === ':') {
      const close = glob.indexOf(':]', i + 2);
      if (close >= 0) i = close + 1;
    } else if (c === '/') return undefined;
    else if (c === ']') return i;
  }
  return undefined;
}

/**
 * What is wrong with a glob that picomatch would take silently as matching nothing: a character range
 * whose ends are the wrong way round (`[z-a]`). Undefined when nothing is.
 */
export function globProblem(glob: string): string | undefined {
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '[') continue;
    const end = classEnd(glob, i);
    if (end === undefined) continue;
    const inside = [...glob.slice(i + 1, end).replace(/^[!^]/, '')];
    for (let k = 0; k + 2 < inside.length; k++) {
      if (inside[k] === '\\') {
        k++;
        continue;
      }
      const [from, dash, to] = [inside[k]!, inside[k + 1], inside[k + 2]!];
      if (dash === '-' && to !== '\\' && from.codePointAt(0)! > to.codePointAt(0)!) {
        return `[${glob.slice(i + 1, end)}] holds the range ${from}-${to}, whose ends are the wrong way round (write ${to}-${from})`;
      }
      if (dash === '-') k += 2;
    }
    i = end;
  }
  return undefined;
}

/**
 * A test of paths relative to the search root: true when a directory between the glob's fixed part and
 * the file is a skipped one, so a search for the glob leaves the file out whatever its name.
 */
export function inSkippedDirectory(glob: string): (path: string) => boolean {
  const prefix = fixedPrefix(glob);
  return (path) => {
    const below = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    return below.split('/').slice(0, -1).some(isSkippedDirectory);
  };
}

/**
 * A test of paths relative to the search root: true when the path matches the glob and no directory
 * between the glob's fixed part and the file is a skipped one.
 */
export function searchMatcher(glob: string): (path: string) => boolean {
  const prefix = fixedPrefix(glob);
  const matches = globMatcher(splitGlob(glob).rest);
  const skipped = inSkippedDirectory(glob);
  return (path) => path.startsWith(prefix) && !skipped(path) && matches(path.slice(prefix.length));
}

/** The glob's fixed directories as a path prefix (`''` or ending in `/`), escapes removed. */
function fixedPrefix(glob: string): string {
  const { base } = splitGlob(glob);
  return base === '' ? '' : withSlash(unescapeGlob(base));
}

/**
 * The glob of what a search for `glob` leaves out, for a file finder that takes an exclude pattern
 * (VS Code's `findFiles`): everything in a skipped directory below the glob's fixed part.
 */
export function skippedDirectoriesGlob(glob: string): string {
  const { base } = splitGlob(glob);
  return `${base === '' ? '' : withSlash(base)}**/{${SKIPPED_DIRECTORIES.join(',')}}/**`;
}

/** One entry of a directory listing. */
export interface DirectoryEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'other';
}

/** Lists a directory given by its `/`-separated path relative to the walk's root (`''` for the root). */
export type ReadDirectory = (path: string) => Promise<readonly DirectoryEntry[]>;

/** Bounds of a walk. */
export interface WalkLimits {
  /** Directory levels entered below the start (the start's own entries are depth 1). */
  readonly maxDepth: number;
  /** Entries listed in all; the walk stops once it has seen this many. */
  readonly maxEntries: number;
}

/** A directory a walk had to enter but could not list. */
export interface UnreadableDirectory {
  /** `/`-separated, relative to the root (`''` for the root). */
  readonly path: string;
  /** Why, in a user's words. */
  readonly error: string;
}

/** Files a walk found, and whether a bound stopped it before the end. */
export interface WalkResult {
  /** Matching files, as `/`-separated paths relative to the root, sorted. */
  readonly files: string[];
  /** Why the walk stopped early, or undefined when it saw everything. */
  readonly truncated?: 'depth' | 'entries';
  /** Directories that could not be listed, sorted; absent when there was none. */
  readonly unreadable?: UnreadableDirectory[];
}

const UNBOUNDED: WalkLimits = { maxDepth: Number.POSITIVE_INFINITY, maxEntries: Number.POSITIVE_INFINITY };

/**
 * Walks the directories a search for `glob` covers, breadth first, and returns the files matching it.
 * The walk starts at the glob's fixed part, never enters skipped directories, and stops at the limits.
 * A directory that cannot be listed is passed over and named in `unreadable`.
 */
export async function walkGlob(read: ReadDirectory, glob: string, limits: WalkLimits = UNBOUNDED): Promise<WalkResult> {
  const { base } = splitGlob(glob);
  const start = unescapeGlob(base);
  const matches = searchMatcher(glob);
  const files: string[] = [];
  const unreadable: UnreadableDirectory[] = [];
  let truncated: WalkResult['truncated'];
  let seen = 0;
  let level = [start];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > limits.maxDepth) {
      truncated = 'depth';
      break;
    }
    const listings = await Promise.all(
      level.map(async (dir) => {
        try {
          return { dir, entries: await read(dir) };
        } catch (error) {
          unreadable.push({ path: dir, error: listingErrorMessage(error) });
          return { dir, entries: [] };
        }
      }),
    );
    const next: string[] = [];
    for (const { dir, entries } of listings) {
      for (const entry of entries) {
        if (seen >= limits.maxEntries) {
          truncated = 'entries';
          break;
        }
        seen++;
        const path = dir === '' ? entry.name : withSlash(dir) + entry.name;
        if (entry.kind === 'directory') {
          if (!isSkippedDirectory(entry.name)) next.push(path);
        } else if (entry.kind === 'file' && matches(path)) {
          files.push(path);
        }
      }
      if (truncated) break;
    }
    if (truncated) break;
    level = next;
  }
  files.sort();
  unreadable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, ...(truncated ? { truncated } : {}), ...(unreadable.length > 0 ? { unreadable } : {}) };
}

/** Why a directory could not be listed, from a file-system error's code. */
function listingErrorMessage(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'NoPermissions':
      return 'permission denied';
    case 'ENOENT':
    case 'FileNotFound':
      return 'it no longer exists';
    case 'ELOOP':
      return 'a symlink loop';
    default:
      return `it cannot be listed (${typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown error'})`;
  }
}
