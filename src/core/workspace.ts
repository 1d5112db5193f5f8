/**
 * File discovery and reading shared by the CLI and the extension's Node-side logic: glob matching,
 * sample loading, and reading text files with messages a user can act on.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BUILTIN_SAMPLE } from './builtinSample';
import { parseSample } from './sample';
import { readTextFile } from './textFile';

export { readTextFile, type ReadTextResult } from './textFile';
import type { Diagnostic, Sample } from './types';

/** Directories never searched: dependencies, build output, and hidden directories such as `.git`. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist']);

/** The default glob of webhook action files. */
export const DEFAULT_ACTION_GLOB = '**/*.webhook.json';

/** The default glob of sample files. */
export const DEFAULT_SAMPLE_GLOB = '**/*.sample.json';

/** True when the pattern holds glob syntax; otherwise it names one file. */
export function isGlob(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/**
 * Converts a glob (`**` any directories, `*` any characters but `/`, `?` one character, `[abc]`,
 * `{a,b}`) to a regular expression matching whole `/`-separated relative paths.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        i++;
        if (glob[i + 1] === '/' && atStart) {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** The directory part of a glob before its first wildcard: where a walk for it starts. */
function staticPrefix(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

/** Every file under `dir`, as absolute paths; skipped and hidden directories are not entered. */
async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  await Promise.all(
    entries.map(async (entry) => {
      const full = resolve(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.')) return;
        await walk(full, out);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }),
  );
}

const toSlash = (p: string) => (sep === '\\' ? p.replace(/\\/g, '/') : p);

/**
 * Absolute paths of the files matching any of the globs, relative to `cwd`, sorted and without
 * duplicates. A pattern without wildcards names a file and is returned as is, whether it exists or
 * not, so the caller can say why it cannot be read.
 */
export async function findFiles(globs: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const raw of globs.length > 0 ? globs : [DEFAULT_ACTION_GLOB]) {
    const pattern = toSlash(raw);
    if (!isGlob(pattern)) {
      found.add(resolve(cwd, raw));
      continue;
    }
    const absolute = isAbsolute(raw);
    const prefix = staticPrefix(pattern);
    const base = resolve(cwd, prefix === '' ? '.' : prefix);
    const rest = prefix === '' ? pattern : pattern.slice(prefix.length + 1);
    const matcher = globToRegExp(absolute && prefix === '' ? pattern.replace(/^\/+/, '') : rest);
    const files: string[] = [];
    await walk(base, files);
    for (const file of files) {
      if (matcher.test(toSlash(relative(base, file)))) found.add(file);
    }
  }
  return [...found].sort();
}

/** A sample file's problems, with its text so they can be placed by line and column. */
export interface SampleFileProblems {
  readonly file: string;
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** The samples of a directory tree and the problems of their files. */
export interface LoadedSamples {
  /** Sorted by path; the built-in sample alone when there is none. */
  readonly samples: Sample[];
  /** Files with problems (unreadable, invalid JSON, not an object). */
  readonly diagnostics: SampleFileProblems[];
}

/** Finds and parses the samples under `cwd`; when none is usable, the built-in sample. */
export async function loadSamples(cwd: string, glob: string = DEFAULT_SAMPLE_GLOB): Promise<LoadedSamples> {
  const files = await findFiles([glob], cwd);
  const read = await Promise.all(files.map(async (file) => ({ file, result: await readTextFile(file) })));
  const samples: Sample[] = [];
  const diagnostics: SampleFileProblems[] = [];
  for (const { file, result } of read) {
    if (!result.ok) {
      diagnostics.push({ file, text: '', diagnostics: [{ code: 'invalid-json', severity: 'error', message: result.error, range: { start: 0, end: 0 } }] });
      continue;
    }
    const parsed = parseSample(result.text, file);
    if (parsed.sample) samples.push(parsed.sample);
    if (parsed.diagnostics.length > 0) diagnostics.push({ file, text: result.text, diagnostics: parsed.diagnostics });
  }
  return { samples: samples.length > 0 ? samples : [BUILTIN_SAMPLE], diagnostics };
}

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
