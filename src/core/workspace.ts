/**
 * File discovery and reading shared by the CLI and the extension's Node-side logic: finding files
 * by glob (the semantics are in `glob.ts`), sample loading, and reading text files with messages a user can act on.
 */
import { readdir, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { BUILTIN_SAMPLE } from './builtinSample';
import { isGlob, unescapeGlob, walkGlob, type DirectoryEntry, type ReadDirectory } from './glob';
import { parseSample } from './sample';
import { readTextFile } from './textFile';
import type { Diagnostic, Sample } from './types';

export { readTextFile, type ReadTextResult } from './textFile';

/** The default glob of webhook action files. */
export const DEFAULT_ACTION_GLOB = '**/*.webhook.json';

/** The default glob of sample files. */
export const DEFAULT_SAMPLE_GLOB = '**/*.sample.json';

/**
 * Lists a directory of the real file system, for `walkGlob`. A symbolic link counts as a file unless it leads
 * to a directory: a link to a file is followed when the file is read, and a broken link or a loop is found
 * by a search for its name and then reported by the read. Links to directories are not entered, so no link
 * can lead a search in circles.
 */
function nodeDirectoryReader(cwd: string): ReadDirectory {
  return async (path) => {
    const dir = resolve(cwd, path === '' ? '.' : path);
    const entries = await readdir(dir, { withFileTypes: true });
    return Promise.all(
      entries.map(async (entry): Promise<DirectoryEntry> => {
        if (entry.isDirectory()) return { name: entry.name, kind: 'directory' };
        if (entry.isFile()) return { name: entry.name, kind: 'file' };
        if (!entry.isSymbolicLink()) return { name: entry.name, kind: 'other' };
        const target = await stat(resolve(dir, entry.name)).catch(() => undefined);
        return { name: entry.name, kind: target?.isDirectory() ? 'other' : 'file' };
      }),
    );
  };
}

const toSlash = (p: string) => (sep === '\\' ? p.replace(/\\/g, '/') : p);

/**
 * Absolute paths of the files matching any of the globs, relative to `cwd`, sorted and without
 * duplicates; directories in `SKIPPED_DIRECTORIES` are not entered. A pattern without wildcards names a
 * file (its `\` escapes removed) and is returned as is, whether it exists or not, so the caller can say
 * why it cannot be read.
 */
export async function findFiles(globs: readonly string[], cwd: string): Promise<string[]> {
  return (await searchFiles(globs, cwd)).files;
}

/** What a search found, and the directories it had to enter but could not list. */
export interface FoundFiles {
  /** Absolute paths, sorted, without duplicates. */
  readonly files: string[];
  /** Absolute paths of the directories that could not be listed, with why; sorted. */
  readonly unreadable: { readonly path: string; readonly error: string }[];
}

/**
 * `findFiles` with the directories the search could not list. A glob that is also the name of an existing file
 * (`a[1].webhook.json`) stands for that file.
 */
export async function searchFiles(globs: readonly string[], cwd: string): Promise<FoundFiles> {
  const found = new Set<string>();
  const unreadable = new Map<string, string>();
  const read = nodeDirectoryReader(cwd);
  for (const raw of globs.length > 0 ? globs : [DEFAULT_ACTION_GLOB]) {
    const pattern = toSlash(raw);
    if (!isGlob(pattern)) {
      found.add(resolve(cwd, sep === '\\' ? raw : unescapeGlob(raw)));
      continue;
    }
    if (await isFile(resolve(cwd, raw))) {
      found.add(resolve(cwd, raw));
      continue;
    }
    const walked = await walkGlob(read, pattern);
    for (const file of walked.files) found.add(resolve(cwd, file));
    for (const dir of walked.unreadable ?? []) unreadable.set(resolve(cwd, dir.path === '' ? '.' : dir.path), dir.error);
  }
  return { files: [...found].sort(), unreadable: [...unreadable].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, error]) => ({ path, error })) };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
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
  /** Directories the search for samples could not list, with why. */
  readonly unreadable: FoundFiles['unreadable'];
}

/** Finds and parses the samples under `cwd` matching the glob or globs; when none is usable, the built-in sample. */
export async function loadSamples(cwd: string, glob: string | readonly string[] = DEFAULT_SAMPLE_GLOB): Promise<LoadedSamples> {
  const { files, unreadable } = await searchFiles(typeof glob === 'string' ? [glob] : glob, cwd);
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
  return { samples: samples.length > 0 ? samples : [BUILTIN_SAMPLE], diagnostics, unreadable };
}

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
