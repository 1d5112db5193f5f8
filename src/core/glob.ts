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

/** A test of `/`-separated relative paths against a glob (the whole path must match). */
export function globMatcher(glob: string): (path: string) => boolean {
  return picomatch(negatedClasses(glob), MATCH_OPTIONS);
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

/** Files a walk found, and whether a bound stopped it before the end. */
export interface WalkResult {
  /** Matching files, as `/`-separated paths relative to the root, sorted. */
  readonly files: string[];
  /** Why the walk stopped early, or undefined when it saw everything. */
  readonly truncated?: 'depth' | 'entries';
}

const UNBOUNDED: WalkLimits = { maxDepth: Number.POSITIVE_INFINITY, maxEntries: Number.POSITIVE_INFINITY };

/**
 * Walks the directories a search for `glob` covers, breadth first, and returns the files matching it.
 * The walk starts at the glob's fixed part, never enters skipped directories, and stops at the limits.
 * A directory that cannot be listed is passed over.
 */
export async function walkGlob(read: ReadDirectory, glob: string, limits: WalkLimits = UNBOUNDED): Promise<WalkResult> {
  const { base } = splitGlob(glob);
  const start = unescapeGlob(base);
  const matches = searchMatcher(glob);
  const files: string[] = [];
  let truncated: WalkResult['truncated'];
  let seen = 0;
  let level = [start];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > limits.maxDepth) {
      truncated = 'depth';
      break;
    }
    const listings = await Promise.all(level.map(async (dir) => ({ dir, entries: await read(dir).catch(() => []) })));
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
  return truncated ? { files, truncated } : { files };
}
