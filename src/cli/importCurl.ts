/** `webhook-studio import-curl [file|-] [-o out.webhook.json]`: a curl command read into a new action file. */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fromCurl } from '../core/curl';
import { literalSecretFixes, moveLiteralSecrets } from '../core/literalSecrets';
import { readTextFile } from '../core/textFile';
import { parseCommandArgs } from './args';
import { colorsFor, type CliIo } from './io';
import { USAGE } from './usage';
import { shownPath } from './session';
import { UsageError } from './usageError';

/** Runs `import-curl`; resolves with 0 when the file was written, 1 when the import refused or the output exists. */
export async function runImportCurl(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { output: { type: 'string', short: 'o' }, 'move-secrets': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['import-curl']}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`import-curl takes one file (or - for standard input), got ${positionals.length}`, true);
  const source = positionals[0] ?? '-';
  let command: string;
  if (source === '-') {
    if (io.stdinIsTTY) io.err('Paste the curl command, then press Ctrl+D:\n');
    command = await io.readStdin();
  } else {
    const path = resolve(io.cwd, source);
    const read = await readTextFile(path);
    if (!read.ok) throw new UsageError(`${shownPath(path, io.cwd)}: ${read.error}`);
    command = read.text;
  }

  const c = colorsFor(io.stderrIsTTY, io.env);
  const imported = fromCurl(command);
  if (!imported.ok) {
    io.err(`${c.red('error')} ${imported.error}\n`);
    return 1;
  }
  for (const w of imported.warnings) io.err(`${c.yellow('warning')} ${w}\n`);

  let text = imported.text;
  if (values['move-secrets'] === true) {
    const moved = moveLiteralSecrets(text);
    text = moved.text;
    if (moved.secrets.length > 0) {
      const names = moved.secrets.map((s) => s.name);
      io.err(
        `${c.blue('note')} the file uses ${names.map((n) => `{{secrets.${n}}}`).join(', ')} instead of the literal values; give them when sending with --secret NAME=… or WEBHOOK_STUDIO_SECRET_NAME (or the editor's secret storage)\n`,
      );
    }
  } else {
    const fixes = literalSecretFixes(text);
    if (fixes.length > 0) {
      io.err(
        `${c.yellow('warning')} the file holds ${fixes.length} literal secret(s) (${fixes.map((f) => f.storeSecret!.name).join(', ')}): --move-secrets writes {{secrets.…}} templates instead\n`,
      );
    }
  }

  if (values.output === undefined) {
    // The file is what was asked for: its literal values are the user's own command.
    io.outRaw(text);
    return 0;
  }
  const out = resolve(io.cwd, values.output);
  const shown = shownPath(out, io.cwd);
  let handle;
  try {
    handle = await open(out, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      io.err(`${c.red('error')} ${shown} exists: import-curl never overwrites a file. Choose another name with -o, or remove it first.\n`);
      return 1;
    }
    throw new UsageError(`${shown}: cannot be written (${code ?? 'unknown error'})`);
  }
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  io.err(`wrote ${shown}\n`);
  return 0;
}
