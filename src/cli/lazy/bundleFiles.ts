/**
 * Loads the other files of the CLI bundle (`dist/cli-<command>.js`, `dist/cli-undici.js`) as `require` would,
 * with V8's code cache: the first run of a command writes the code V8 compiled for it, later runs start from
 * it instead of parsing and compiling again, which is most of what a small command costs beyond Node's own
 * start. Only the bundle uses this module (see scripts/cliBuild.mjs); from source the commands are imported.
 *
 * The cache lives in a folder of the user's own under the system's temporary folder, one per V8 version.
 * Anything unexpected (no such folder, another owner, a cache V8 rejects) only means compiling as usual.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/** Files loaded so far in this process, shared by every copy of this module (each bundle file has one). */
const LOADED_KEY = Symbol.for('webhook-studio.bundle-files');
const loaded: Map<string, unknown> = ((globalThis as { [LOADED_KEY]?: Map<string, unknown> })[LOADED_KEY] ??= new Map<string, unknown>());

/** The exports of `name`, a file next to the running bundle file. */
export function loadBundleFile(name: string): unknown {
  const file = join(__dirname, name);
  if (loaded.has(file)) return loaded.get(file);
  // undici parses HTTP with a WebAssembly module, compiled on the first connection. A CLI process sends a
  // request or two and exits: V8's baseline compiler is enough, and without this flag V8 optimises the
  // parser on background threads that the process then waits for at exit (100 ms and more on a busy
  // machine). Set before the first file is compiled, because V8 checks a code cache against the flags.
  setFlagsFromString('--liftoff-only');
  // The build puts a `#!` line on every file; inside the function wrapper it must be a comment.
  const source = readFileSync(file, 'utf8').replace(/^#!/, '//');
  const cacheFile = cacheFileFor(file);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Written at exit, so the cache also holds the functions this run compiled.
    process.once('exit', () => writeCache(cacheFile, script));
  }
  const module = { exports: {} as unknown };
  loaded.set(file, module.exports);
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  loaded.set(file, module.exports);
  return module.exports;
}

/** Where the code cache of `file` lives, or undefined when there is no private folder for it. */
function cacheFileFor(file: string): string | undefined {
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const root = join(tmpdir(), `webhook-studio-code-cache${uid === undefined ? '' : `-${uid}`}`);
    makeFolder(root);
    const info = lstatSync(root);
    // Code read from here runs: only from a real folder of this user that nobody else can write to.
    if (!info.isDirectory() || (uid !== undefined && (info.uid !== uid || (info.mode & 0o022) !== 0))) return undefined;
    const folder = join(root, process.versions.v8);
    makeFolder(folder);
    const { size, mtimeMs } = statSync(file);
    return join(folder, `${file.replace(/[^A-Za-z0-9._-]/g, '_')}-${size}-${Math.trunc(mtimeMs)}.cache`);
  } catch {
    return undefined;
  }
}

/** Creates one folder level, private to the user; an existing one is fine (its owner is checked by the caller). */
function makeFolder(path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function writeCache(cacheFile: string, script: Script): void {
  try {
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    // A cache that cannot be written is only a slower next start.
  }
}
