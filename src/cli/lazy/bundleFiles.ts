/**
 * Loads the other files of the CLI bundle (`dist/cli-<command>.js`, `dist/cli-undici.js`) from beside the
 * running file. Only the bundle uses this module (see scripts/cliBuild.mjs); from source the commands are
 * imported. The path is computed at run time, so the bundler leaves each file out of the one that loads it.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

let flagsSet = false;

/** The exports of `name`, a file next to the running bundle file. */
export function loadBundleFile(name: string): unknown {
  if (!flagsSet) {
    // undici parses HTTP with a WebAssembly module, compiled on the first connection. A CLI process sends a
    // request or two and exits: V8's baseline compiler is enough, and without this flag V8 optimises the
    // parser on background threads that the process then waits for at exit (100 ms and more on a busy
    // machine).
    setFlagsFromString('--liftoff-only');
    flagsSet = true;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(__dirname, name)) as unknown;
}
