/**
 * File discovery and reading shared by the CLI and the extension's Node-side logic: finding files
 * by glob (the semantics are in `glob.ts`), sample loading, and reading text files with messages a user can act on.
 */
import { readdir, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { BUILTIN_SAMPLE } from './builtinSample';
import { isGlob, unescapeGlob, walkGlob, type ReadDirectory } from './glob';
import { parseSample } from './sample';
import { readTextFile } from './textFile';
import type { Diagnostic, Sample } from './types';

export { readTextFile, type ReadTextResult } from './textFile';

/** The default glob of webhook action files. */
export const DEFAULT_ACTION_GLOB = '**/*.webhook.json';

/** The default glob of sample files. */
export const DEFAULT_SAMPLE_GLOB = '**/*.sample.json';

/** Lists a directory of the real file system, for `walkGlob`; symbolic links are neither files nor directories. */
function nodeDirectoryReader(cwd: string): ReadDirectory {
  return async (path) => {
    const entries = await readdir(resolve(cwd, path === '' ? '.' : path), { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, kind: entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other' }));
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
  const found = new Set<string>();
  const read = nodeDirectoryReader(cwd);
  for (const raw of globs.length > 0 ? globs : [DEFAULT_ACTION_GLOB]) {
    const pattern = toSlash(raw);
    if (!isGlob(pattern)) {
      found.add(resolve(cwd, sep === '\\' ? raw : unescapeGlob(raw)));
      continue;
    }
    const { files } = await walkGlob(read, pattern);
    for (const file of files) found.add(resolve(cwd, file));
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
