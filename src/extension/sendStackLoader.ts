import { join } from 'node:path';
import type * as SendStackModule from './lazy/sendStack';

/** What the lazily loaded send stack exports. */
export type SendStack = typeof SendStackModule;

let loaded: SendStack | undefined;

/**
 * Loads `dist/sendStack.js` next to the extension bundle. The path is computed at run time so the bundler
 * leaves the module out of `dist/extension.js`.
 */
export function loadSendStack(): SendStack {
  const file = join(__dirname, 'sendStack.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time path the bundler must not follow
  loaded ??= require(file) as SendStack;
  return loaded;
}
