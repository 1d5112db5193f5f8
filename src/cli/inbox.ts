/** `webhook-studio inbox`: a capture server on 127.0.0.1 that prints every request until Ctrl+C. */
import { captureToRawText, startInbox } from '../core/inbox';
import { integerOption, parseCommandArgs } from './args';
import { colorsFor, printable, type CliIo } from './io';
import { USAGE } from './usage';

/** Runs `inbox` until interrupted; resolves with the exit code. */
export async function runInbox(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { port: { type: 'string' }, status: { type: 'string' }, body: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (values.help) {
    io.out(`${USAGE['inbox']}\n`);
    return 0;
  }
  const port = integerOption(values.port, '--port', 0, 65535);
  const status = integerOption(values.status, '--status', 200, 599);
  let inbox;
  try {
    inbox = await startInbox({ port, status, body: values.body });
  } catch (error) {
    io.err(`webhook-studio: the inbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const c = colorsFor(io.stdoutIsTTY, io.env);
  io.out(`Local inbox listening on ${c.bold(inbox.url)} — send requests there; Ctrl+C stops it.\n`);
  const subscription = inbox.onCapture((capture) => {
    io.out(`\n${c.dim(`── #${capture.id} ${capture.time} ${capture.bodySize} body bytes${capture.bodyTruncated ? ' (truncated)' : ''} ──`)}\n`);
    io.out(`${printable(captureToRawText(capture))}\n`);
  });
  await io.interrupted();
  subscription.dispose();
  await inbox.close();
  io.out('\nInbox stopped.\n');
  return 0;
}
