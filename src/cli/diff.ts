/** `webhook-studio diff <capture> <action>`: a real delivery compared with our rendering for the same sample. */
import { resolve } from 'node:path';
import { diffDelivery } from '../core/capture';
import { readCapture } from '../core/captureFile';
import { render } from '../core/render';
import { secretValuesOf, toPlainRequest } from '../core/redact';
import { readTextFile } from '../core/textFile';
import { parseCommandArgs } from './args';
import { colorsFor, type CliIo } from './io';
import { USAGE } from './usage';
import { cliTokens, COMMON_OPTIONS, openSession, readAction, renderOptions, shownPath, UsageError } from './session';

/** Runs `diff`; resolves with 0 when the delivery matches, 1 when it differs, 2 when the capture cannot be read. */
export async function runDiff(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, json: { type: 'boolean' } }, true);
  if (values.help) {
    io.out(`${USAGE['diff']}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`diff takes a capture file and an action file, got ${positionals.length} argument(s)`, true);
  const [capturePath, actionPath] = positionals as [string, string];
  const path = resolve(io.cwd, capturePath);
  const shown = shownPath(path, io.cwd);
  const read = await readTextFile(path);
  if (!read.ok) throw new UsageError(`${shown}: ${read.error}`);
  const capture = readCapture(read.text);
  const c = colorsFor(io.stderrIsTTY, io.env);
  if (!capture.ok) {
    const where = capture.line !== undefined ? `${shown}:${capture.line}:${capture.column ?? 1}` : shown;
    io.err(`${c.bold(where)} ${c.red('error')} ${capture.error}\n`);
    return 2;
  }

  const action = await readAction(actionPath, io);
  const syntax = action.doc.syntax.find((d) => d.severity === 'error');
  if (syntax) throw new UsageError(`${action.shown}: the file is not valid JSON: ${syntax.message}`);
  const session = await openSession(values, io);
  const { source } = cliTokens(action.doc, session.secrets, io.env, io.seen);
  const rendered = render(action.doc, session.selected, renderOptions(session, source)).request;
  const secrets = secretValuesOf(rendered);
  for (const s of secrets) io.seen.add(s);
  const result = diffDelivery(toPlainRequest(rendered, true), capture.request, { arraySeparator: session.arraySeparator, secrets });

  const match = result.differences.length === 0;
  if (values.json === true) {
    io.out(
      `${JSON.stringify({ match, format: capture.request.format, sample: session.selected.name, differences: result.differences, notes: result.notes })}\n`,
    );
    return match ? 0 : 1;
  }
  const which = capture.request.note ? ` (${capture.request.note})` : '';
  io.out(
    `${shown}: ${capture.request.format} capture${which}, ${capture.request.method} ${capture.request.target}\n` +
      `  against ${action.shown} rendered for the sample "${session.selected.name}"\n`,
  );
  for (const d of result.differences)
    io.out(`  ${c.yellow(d.part.padEnd(6))} ${c.bold(d.where)}: ${d.message}\n         ${c.dim(`likely cause: ${d.cause}`)}\n`);
  for (const n of result.notes) io.out(`  ${c.dim(n)}\n`);
  io.out(
    match
      ? `${c.green('match')}: method, target, headers and body are the same (transport headers aside)\n`
      : `${result.differences.length} difference(s) (transport headers such as Host and Content-Length aside)\n`,
  );
  return match ? 0 : 1;
}
