import { join } from 'node:path';
import type * as ContractStackModule from './lazy/contractStack';

/** What the lazily loaded contract stack exports. */
export type ContractStack = typeof ContractStackModule;

let loaded: ContractStack | undefined;

/**
 * Loads `dist/contractStack.js` next to the extension bundle. The path is computed at run time so the bundler leaves the
 * module out of `dist/extension.js`.
 */
export function loadContractStack(): ContractStack {
  const file = join(__dirname, 'contractStack.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time path the bundler must not follow
  loaded ??= require(file) as ContractStack;
  return loaded;
}
