/** The `webhook-studio` dispatcher: picks the command and loads only the code that command needs. */
import { version } from '../../package.json';
import type { CliIo } from './io';
import { escapeForTerminal } from '../core/text';
import { isUsageError } from './usageError';
import { USAGE, usageOf } from './usage';

type Command = (args: string[], io: CliIo) => Promise<number>;

// Each command is loaded on demand, so `send` does not pay for the schema validators and `validate` not for undici
// (in the bundle each command is a file of its own, see scripts/cliBuild.mjs).
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.js')).runValidate,
  render: async () => (await import('./render.js')).runRender,
  send: async () => (await import('./send.js')).runSend,
  inbox: async () => (await import('./inbox.js')).runInbox,
  demo: async () => (await import('./demo.js')).runDemo,
  'import-curl': async () => (await import('./importCurl.js')).runImportCurl,
  diff: async () => (await import('./diff.js')).runDiff,
  run: async () => (await import('./run.js')).runRun,
  test: async () => (await import('./test.js')).runTest,
  scaffold: async () => (await import('./scaffold.js')).runScaffold,
  replay: async () => (await import('./replay.js')).runReplay,
};

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`${USAGE.main}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.out(`${USAGE.main}\n`);
      return 0;
    }
    const text = usageOf(topic);
    if (text === undefined) {
      io.err(`webhook-studio: no help topic "${escapeForTerminal(topic)}"\n\n${USAGE.main}\n`);
      return 2;
    }
    io.out(`${text}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${version}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const what = name.startsWith('-') ? `unknown option ${escapeForTerminal(name)}` : `unknown command "${escapeForTerminal(name)}"`;
    io.err(`webhook-studio: ${what}\n\n${USAGE.main}\n`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    // A usage error may quote what was typed: control characters in it are shown escaped, never sent to the terminal.
    io.err(`webhook-studio: ${escapeForTerminal(error.message)}\n`);
    if (error.showUsage) io.err(`\n${usageOf(name) ?? USAGE.main}\n`);
    return 2;
  }
}
