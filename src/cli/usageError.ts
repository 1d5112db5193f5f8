/**
 * The CLI's usage error (exit 2): bad options, missing or unreadable input. Its own module so the
 * dispatcher can recognise one without loading what the commands need.
 */

/**
 * Marks a UsageError. Each lazily loaded command bundle carries its own copy of this class, so the
 * dispatcher recognises one by this mark rather than with `instanceof`.
 */
const USAGE_ERROR = Symbol.for('webhook-studio.usage-error');

/** A usage error (exit 2): bad options, missing or unreadable input. */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;
  /** Print the command's usage after the message. */
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** True for a UsageError, from this bundle or another. */
export function isUsageError(error: unknown): error is UsageError {
  return typeof error === 'object' && error !== null && (error as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
}
