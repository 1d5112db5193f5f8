/**
 * Contracts in the CLI (docs/architecture.md, "Contracts"): where an action's OpenAPI document is, reading it once per
 * run, fetching URL documents into the cache when `--fetch-contracts` is given, and the diagnostics of every sample.
 * The parser and the validator (`dist/cli-contract.js`) are loaded only when an action has a contract.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ActionDocument } from '../core/document';
import { isContractUrl, readContractLink } from '../core/contract/link';
import { checkAllSamples } from '../core/contract/samples';
import type { ContractCheck } from '../core/contract/check';
import type { ContractDocument } from '../core/contract/model';
import type { Diagnostic, RenderOptions, Sample } from '../core/types';

type Stack = typeof import('../core/contract/stack.js');

/** The folder fetched documents are cached in: `--contract-cache`, else `$XDG_CACHE_HOME/webhook-studio/contracts`, else `~/.cache/…`. */
export function contractCacheDir(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (option !== undefined) return resolve(cwd, option);
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'webhook-studio', 'contracts');
}

/** A document as read for this run: the check, or why there is none. */
type Loaded =
  | { readonly ok: true; readonly doc: ContractDocument; readonly check: ContractCheck }
  | { readonly ok: false; readonly error: string; readonly severity: 'error' | 'warning' };

/** Reads each contract document once per run. Another command (one that sends every sample) can use it as `validate` does. */
export class CliContracts {
  private stack: Stack | undefined;
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private readonly fetched = new Map<string, Promise<{ ok: true } | { ok: false; error: string }>>();

  constructor(
    private readonly cacheDir: string,
    private readonly fetch: boolean,
  ) {}

  private async load(): Promise<Stack> {
    return (this.stack ??= await import('../core/contract/stack.js'));
  }

  /** The document an action names, read (and for a URL with `fetch`, fetched first). */
  async documentFor(actionPath: string, location: string): Promise<Loaded> {
    const stack = await this.load();
    let file = resolve(dirname(actionPath), location);
    if (isContractUrl(location)) {
      file = stack.contractCacheFile(this.cacheDir, location);
      if (this.fetch) {
        let pending = this.fetched.get(location);
        if (!pending) this.fetched.set(location, (pending = stack.fetchContract(location, file)));
        const got = await pending;
        if (!got.ok) return { ok: false, error: `cannot fetch ${location}: ${got.error}`, severity: 'error' };
      }
    }
    let pending = this.loaded.get(file);
    if (!pending) {
      pending = stack.loadContractFile(file).then((r): Loaded => {
        if (r.ok) return { ok: true, doc: r.doc, check: stack.contractCheck(r.doc) };
        if (isContractUrl(location) && /file not found/.test(r.error)) {
          return { ok: false, error: `${location} is not fetched yet: run with --fetch-contracts to fetch it into ${this.cacheDir}.`, severity: 'warning' };
        }
        return { ok: false, error: `the OpenAPI document cannot be read: ${r.error}`, severity: 'error' };
      });
      this.loaded.set(file, pending);
    }
    return pending;
  }

  /** The contract diagnostics of an action over every sample; none when it has no contract. */
  async diagnostics(doc: ActionDocument, actionPath: string, samples: readonly Sample[], options: RenderOptions): Promise<Diagnostic[]> {
    const link = readContractLink(doc);
    if (!link?.openapi) return [];
    const loaded = await this.documentFor(actionPath, link.openapi.value);
    const stack = await this.load();
    if (!loaded.ok) return [stack.contractProblem(link, loaded.error, loaded.severity)];
    return checkAllSamples(doc, samples, options, loaded.check);
  }
}
