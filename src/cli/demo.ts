/**
 * `webhook-studio demo [DIR]`: starts a local inbox, sends every example to it with fixed demo
 * secrets, and shows that what arrived is byte for byte what was rendered.
 */
import { resolve } from 'node:path';
import { parseActionDocument } from '../core/document';
import { HttpSender } from '../core/http';
import { captureToRawText, startInbox } from '../core/inbox';
import { MASK } from '../core/redact';
import { sendAction, type TokenProvider } from '../core/sendAction';
import type { SecretSource } from '../core/types';
import { findFiles, isDirectory, loadSamples, readTextFile } from '../core/workspace';
import { parseCommandArgs } from './args';
import { toHttpText } from './httpText';
import { colorsFor, printable, type CliIo } from './io';
import { UsageError, shownPath } from './session';
import { USAGE } from './usage';

/** Runs `demo`; resolves with 0 when every capture matched its request. */
export async function runDemo(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    io.out(`${USAGE['demo']}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('demo takes at most one directory', true);
  const dir = positionals[0] !== undefined ? resolve(io.cwd, positionals[0]) : resolve(__dirname, '..', 'examples');
  if (!(await isDirectory(dir))) throw new UsageError(`${shownPath(dir, io.cwd)}: not a directory`);
  const files = await findFiles(['*.webhook.json'], dir);
  if (files.length === 0) throw new UsageError(`${shownPath(dir, io.cwd)}: no *.webhook.json files`);
  const { samples } = await loadSamples(dir);
  const sample = samples[0]!;

  const secretNames = new Set<string>();
  const secrets: SecretSource = {
    get(name) {
      secretNames.add(name);
      const value = `demo-${name.toLowerCase()}-7f3a9c`;
      io.seen.add(value);
      return value;
    },
  };
  const tokens: TokenProvider = {
    token(connection) {
      secretNames.add(`oauth2 connection "${connection}"`);
      const value = `demo-oauth-${connection}-token-51c2`;
      io.seen.add(value);
      return value;
    },
    ensureToken: () => Promise.resolve({ ok: true }),
    canRefresh: () => false,
    invalidate: () => undefined,
  };
  const c = colorsFor(io.stdoutIsTTY, io.env);
  const inbox = await startInbox();
  const sender = new HttpSender({ alwaysAllowedOrigins: [inbox.url] });
  let matched = 0;
  try {
    io.out(`Local inbox on ${c.bold(inbox.url)}; sample "${sample.name}"; ${files.length} examples from ${shownPath(dir, io.cwd)}\n`);
    for (const file of files) {
      const shown = shownPath(file, io.cwd);
      const read = await readTextFile(file);
      if (!read.ok) {
        io.out(`\n${c.red('✗')} ${shown}: ${read.error}\n`);
        continue;
      }
      const doc = parseActionDocument(read.text);
      io.out(`\n${c.bold(`━━ ${doc.model.name ?? shown}`)} ${c.dim(`(${shown})`)}\n`);
      const result = await sendAction({
        doc,
        sample,
        file: shown,
        escaping: 'text',
        arraySeparator: ', ',
        secrets,
        tokens,
        transport: sender,
        inbox,
        timeoutMs: 10_000,
        knownSecrets: () => io.seen,
        around: (masked, exchange) => {
          io.out(`${c.dim('Intended request:')}\n${indent(toHttpText(masked))}\n`);
          return exchange();
        },
      });
      if (!result.sent) {
        io.out(`${c.red('✗ not sendable:')} ${result.reason}\n`);
        continue;
      }
      const { record, capture, differences = [] } = result;
      if (capture) io.out(`${c.dim('Received by the inbox:')}\n${indent(printable(captureToRawText(capture)))}\n`);
      if (record.response) {
        io.out(
          `${c.dim('Response:')} ${record.response.status} ${record.response.statusText} · ${record.outcome} · ${Math.round(record.timings.totalMs)} ms · ${printable(record.response.bodyPreview)}\n`,
        );
      } else {
        io.out(`${c.dim('Response:')} ${c.red(record.error?.message ?? record.outcome)}\n`);
      }
      if (differences.length === 0) {
        matched++;
        io.out(`${c.green('✓ received byte for byte as rendered')} (method, target, headers in order, body)\n`);
      } else {
        io.out(`${c.red('✗ differs:')} ${differences.join('; ')}\n`);
      }
    }
  } finally {
    await sender.close();
    await inbox.close();
  }
  if (secretNames.size > 0)
    io.out(
      `\nDemo secrets (fixed fake values, shown masked): ${[...secretNames]
        .sort()
        .map((n) => `${n}=${MASK}`)
        .join(', ')}\n`,
    );
  const ok = matched === files.length;
  const summary = `${matched} of ${files.length} examples received byte for byte as rendered.`;
  io.out(`${ok ? c.green(summary) : c.red(summary)}\n`);
  return ok ? 0 : 1;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
