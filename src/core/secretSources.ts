/**
 * Secret and token sources for the CLI, and plain in-memory sources. Redaction lives in `redact.ts`.
 */
import { parseEnv as nodeParseEnv } from 'node:util';
import type { SecretSource, TokenSource } from './types';

/** Environment variables with this prefix supply secrets to the CLI (`WEBHOOK_STUDIO_SECRET_NAME`). */
export const SECRET_ENV_PREFIX = 'WEBHOOK_STUDIO_SECRET_';

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A secret source that knows no secret. */
export const emptySecrets: SecretSource = { get: () => undefined };

/** A token source that knows no OAuth connection. */
export const noTokens: TokenSource = { token: () => undefined };

/** A secret source backed by a map of name → value. */
export function mapSecretSource(map: ReadonlyMap<string, string>): SecretSource {
  return { get: (name) => map.get(name) };
}

/** Inputs of the CLI's secret lookup, in precedence order. */
export interface CliSecretInputs {
  /** `NAME=VALUE` arguments of repeated `--secret` options; a later one wins over an earlier one. */
  readonly secrets: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Text of the `--env-file`, when one was given. */
  readonly envFileText?: string;
}

/** What building the CLI's secret source gave: the source, or a message that never holds a secret value. */
export type CliSecretResult = { readonly ok: true; readonly source: SecretSource } | { readonly ok: false; readonly error: string };

/**
 * Builds the CLI's secret source: `--secret NAME=VALUE` first, then the environment variable
 * `WEBHOOK_STUDIO_SECRET_NAME`, then the env file's `NAME` (or its `WEBHOOK_STUDIO_SECRET_NAME`).
 */
export function cliSecretSource(inputs: CliSecretInputs): CliSecretResult {
  const fromArgs = new Map<string, string>();
  for (const [index, argument] of inputs.secrets.entries()) {
    const parsed = parseSecretArgument(argument, index + 1);
    if (!parsed.ok) return parsed;
    fromArgs.set(parsed.name, parsed.value);
  }
  let fromFile: NodeJS.Dict<string> = {};
  if (inputs.envFileText !== undefined) {
    const parsedFile = parseEnvText(inputs.envFileText);
    if (!parsedFile.ok) return parsedFile;
    fromFile = parsedFile.values;
  }
  const env = inputs.env;
  const source: SecretSource = {
    get(name) {
      if (!SECRET_NAME.test(name)) return undefined;
      return fromArgs.get(name) ?? own(env, SECRET_ENV_PREFIX + name) ?? own(fromFile, name) ?? own(fromFile, SECRET_ENV_PREFIX + name);
    },
  };
  return { ok: true, source };
}

/** A string property of the object itself, never one inherited from its prototype (`valueOf`, `__proto__`). */
function own(values: NodeJS.Dict<string>, key: string): string | undefined {
  const value = Object.hasOwn(values, key) ? values[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

type ParsedArgument = { readonly ok: true; readonly name: string; readonly value: string } | { readonly ok: false; readonly error: string };

// Error messages name the option by its position only: without an '=' the whole argument may be the
// secret itself, and even a name-like prefix may be the start of one.
function parseSecretArgument(argument: string, position: number): ParsedArgument {
  const equals = argument.indexOf('=');
  if (equals < 0) {
    return { ok: false, error: `--secret number ${position} is not of the form NAME=VALUE (no '=' found)` };
  }
  const name = argument.slice(0, equals);
  if (!SECRET_NAME.test(name)) {
    return {
      ok: false,
      error: `--secret number ${position}: the name before '=' must start with a letter or '_' and hold only letters, digits, '_' and '-'`,
    };
  }
  return { ok: true, name, value: argument.slice(equals + 1) };
}

type ParsedEnv = { readonly ok: true; readonly values: NodeJS.Dict<string> } | { readonly ok: false; readonly error: string };

function parseEnvText(text: string): ParsedEnv {
  // util.parseEnv arrived in Node 20.12; the import is undefined on older runtimes.
  if (typeof nodeParseEnv !== 'function') {
    return { ok: false, error: '--env-file needs Node.js 20.12 or newer' };
  }
  return { ok: true, values: nodeParseEnv(text) };
}
