/** Strict option parsing with messages in the CLI's own words. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usageError';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` strictly against `options`; unknown options and missing values become usage errors. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, allowPositionals: boolean) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(argumentMessage(error), true);
  }
  // `--sample=` gives an empty value: for a file or a name that is a missing value, not a file called "".
  for (const [name, value] of Object.entries(parsed.values)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (!MAY_BE_EMPTY.has(name) && values.includes('')) throw new UsageError(`option --${name} needs a value`, true);
  }
  return parsed;
}

/** Options whose value may be empty text: a separator of nothing, an empty answer body. */
const MAY_BE_EMPTY = new Set(['array-separator', 'body']);

function argumentMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.split(' ')[0] ?? quoted;
      // Node says "argument missing" at the end of the line and "argument is ambiguous" when the next word starts with "-".
      if (/argument missing/.test(message)) return `option ${option} needs a value`;
      if (/argument is ambiguous/.test(message)) return `option ${option} needs a value (a value starting with "-" is written ${option}=-…)`;
      return `option ${option} takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return message;
  }
}

/** A whole number within bounds, or a usage error naming the option. */
export function integerOption(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}
