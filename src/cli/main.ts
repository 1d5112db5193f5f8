/** Entry of the `webhook-studio` command line: runs the command and turns any failure into a message. */
import { main } from './cli';
import { processIo } from './io';
import { redactText } from '../core/redact';

const io = processIo();

/** Prints an unexpected failure without a stack trace and without any secret value. */
function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`webhook-studio: ${redactText(message, io.seen)}\n`);
  process.exitCode = 2;
}

process.on('uncaughtException', (error) => {
  fail(error);
  process.exit(2);
});
process.on('unhandledRejection', (error) => {
  fail(error);
  process.exit(2);
});
// A closed pipe (`| head`) ends the output, not the process with an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fail(error);
});

/** Resolves once everything written so far has been handed to the operating system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

// Exit as soon as the output is out: a connection or timer some library keeps open must not hold the
// process (the CLI's own resources are closed by the commands before they return).
main(process.argv.slice(2), io).then(
  async (code) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  },
  (error: unknown) => fail(error),
);
