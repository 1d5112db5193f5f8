/** `webhook-studio replay <log file>`: sends a recorded request again, byte for byte, with its secrets re-read; or writes it as an action to edit. */
import { writeFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatRecord, JsonLinesLog } from '../core/executionLog';
import { captureToRawText } from '../core/inbox';
import { recipeConnections } from '../core/recipe';
import { editableAction, pickRecord, replayPlan } from '../core/replay';
import { sendAction } from '../core/sendAction';
import { escapeForTerminal } from '../core/text';
import { integerOption, parseCommandArgs } from './args';
import { colorsFor, printable, withSpinner, type CliIo } from './io';
import { withTransport } from './transport';
import { captureJson, colourOutcome, hostOf, refusalText } from './send';
import { exitCodeOfRecord } from './exitCodes';
import { cliTokensFor, openSecrets, shownPath, UsageError } from './session';
import { USAGE } from './usage';

/** Runs `replay`; resolves with the exit code. */
export async function runReplay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      id: { type: 'string' },
      to: { type: 'string' },
      inbox: { type: 'boolean' },
      edit: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      log: { type: 'string' },
      secret: { type: 'string', multiple: true },
      'env-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['replay']}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'a log file (as send --log writes it) is required' : `replay takes one log file, got ${positionals.length}`,
      true,
    );
  if (values.to !== undefined && values.inbox) throw new UsageError('give --to or --inbox, not both', true);
  const origin = values.to === undefined ? undefined : originOf(values.to);
  const timeoutMs = integerOption(values.timeout, '--timeout', 1, 3_600_000);
  const logPath = resolve(io.cwd, positionals[0]!);
  const shown = shownPath(logPath, io.cwd);
  try {
    if (!(await stat(logPath)).isFile()) throw new UsageError(`${shown}: not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${shown}: no such file`);
  }
  const source = new JsonLinesLog(logPath);
  const problem = await source.check();
  if (problem !== undefined) throw new UsageError(`${shown}: ${problem}`);
  const picked = pickRecord(await source.list(), values.id);
  if (!picked.ok) throw new UsageError(`${shown}: ${picked.error}`);
  const record = picked.record;

  if (values.edit !== undefined) {
    const target = resolve(io.cwd, values.edit);
    try {
      // 'wx': an existing file is never overwritten.
      await writeFile(target, editableAction(record), { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        `${shownPath(target, io.cwd)}: ${code === 'EEXIST' ? 'exists already; give a new file name' : `cannot be written (${code ?? 'error'})`}`,
      );
    }
    io.out(
      `Wrote record ${record.id} as ${shownPath(target, io.cwd)}: edit it, then send it with webhook-studio send ${escapeForTerminal(shownPath(target, io.cwd))}\n`,
    );
    return 0;
  }

  const secrets = await openSecrets(values, io);
  const planned = replayPlan(record, secrets, origin);
  if (!planned.ok) {
    io.err(`webhook-studio: not sent: ${planned.error}\n`);
    return 1;
  }
  const oauth = cliTokensFor(recipeConnections(record.replay), secrets, io.env, io.seen);
  return withTransport(io, values.inbox === true, async (t) => {
    const result = await sendAction({
      replay: planned.plan.replay,
      sample: planned.plan.sample,
      file: planned.plan.file,
      escaping: 'json',
      arraySeparator: ', ',
      secrets,
      tokens: oauth.tokens,
      transport: t.http,
      inbox: t.inbox,
      timeoutMs,
      signal: t.signal,
      log: values.log !== undefined ? new JsonLinesLog(resolve(io.cwd, values.log)) : undefined,
      knownSecrets: () => io.seen,
      around: (masked, exchange) => withSpinner(io, `replaying to ${hostOf(masked.url)}…`, exchange()),
    });
    if (!result.sent) {
      io.err(`webhook-studio: not sent: ${refusalText(result)}\n`);
      return 1;
    }
    const { record: sent, capture } = result;
    if (result.logError !== undefined) io.err(`webhook-studio: --log ${values.log}: record not written: ${result.logError}\n`);
    if (values.json) {
      io.out(`${JSON.stringify(capture ? { ...sent, capture: captureJson(capture), differences: result.differences } : sent)}\n`);
    } else {
      io.out(`Replay of record ${record.id} (${record.time})\n`);
      io.out(`${colourOutcome(formatRecord(sent), sent, colorsFor(io.stdoutIsTTY, io.env))}\n`);
      if (capture) {
        io.out(`\nReceived by the local inbox:\n${printable(captureToRawText(capture))}\n`);
        const differences = result.differences ?? [];
        io.out(
          differences.length === 0
            ? '\nThe same request as recorded, byte for byte (transport headers aside).\n'
            : `\nDiffers from the record: ${differences.join('; ')}\n`,
        );
      }
    }
    return exitCodeOfRecord(sent);
  });
}

/** The origin `--to` names; a path, query or fragment is refused (the recorded ones are kept). */
function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--to ${escapeForTerminal(value)} is not an absolute URL, e.g. http://localhost:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--to must be http:// or https://, got ${escapeForTerminal(url.protocol)}`);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError('--to takes an origin (scheme, host and port): the recorded path and query are kept; to change them, use --edit');
  }
  return url.origin;
}
