/** Entry of the `webhook-studio` command line: runs the command and turns any failure into a message. */
import { main } from './cli';
import { processIo } from './io';
import { redactText } from '../core/secretSources';

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

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => fail(error),
);
