/**
 * `webhook-studio demo [DIR]`: starts a local inbox, sends every example to it with fixed demo
 * secrets, and shows that what arrived is byte for byte what was rendered.
 */
import { resolve } from 'node:path';
import { parseActionDocument } from '../core/document';
import { HttpSender } from '../core/http';
import { captureToRawText, inboxUrlFor, startInbox } from '../core/inbox';
import { secretValuesOf, toPlainRequest } from '../core/redact';
import { render } from '../core/render';
import { REDACTED, redactText } from '../core/secretSources';
import type { Capture, PlainRequest, SecretSource, TokenSource } from '../core/types';
import { findFiles, isDirectory, loadSamples, readTextFile } from '../core/workspace';
import { parseCommandArgs } from './args';
import { toHttpText, requestTarget } from './httpText';
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
  const tokens: TokenSource = {
    token(connection) {
      secretNames.add(`oauth2 connection "${connection}"`);
      const value = `demo-oauth-${connection}-token-51c2`;
      io.seen.add(value);
      return value;
    },
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
      const result = render(doc, sample, { escaping: 'json', arraySeparator: ', ', secrets, tokens });
      for (const value of secretValuesOf(result.request)) io.seen.add(value);
      io.out(`\n${c.bold(`━━ ${doc.model.name ?? shown}`)} ${c.dim(`(${shown})`)}\n`);
      if (!result.sendable) {
        io.out(`${c.red('✗ not sendable:')} ${result.problems.map((p) => p.message).join(' ')}\n`);
        continue;
      }
      const intended = toPlainRequest(result.request, true);
      const wire: PlainRequest = { ...intended, url: inboxUrlFor(intended.url, inbox.url) };
      io.out(`${c.dim('Intended request:')}\n${indent(toHttpText({ ...toPlainRequest(result.request, false), url: wire.url }))}\n`);
      inbox.clear();
      const sent = await sender.send(wire, { timeoutMs: 10_000 });
      const capture = await inbox.waitForCapture(sent.ok ? 1000 : 0);
      if (capture) io.out(`${c.dim('Received by the inbox:')}\n${indent(printable(redactText(captureToRawText(capture), io.seen)))}\n`);
      if (sent.ok) {
        io.out(`${c.dim('Response:')} ${sent.response.status} ${sent.response.statusText} · ${sent.outcome} · ${Math.round(sent.timings.totalMs)} ms · ${printable(new TextDecoder().decode(sent.response.body))}\n`);
      } else {
        io.out(`${c.dim('Response:')} ${c.red(sent.error.message)}\n`);
      }
      const differences = capture ? compareCapture(wire, capture) : ['nothing arrived at the inbox'];
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
  if (secretNames.size > 0) io.out(`\nDemo secrets (fixed fake values, shown masked): ${[...secretNames].sort().map((n) => `${n}=${REDACTED}`).join(', ')}\n`);
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

/**
 * What differs between the request as rendered and as captured. Headers the client adds for the
 * transport (Host, Connection, Content-Length) are not part of the rendered request and are skipped;
 * every rendered header must arrive in order with the same name and value.
 */
export function compareCapture(intended: PlainRequest, capture: Capture): string[] {
  const out: string[] = [];
  if (capture.method !== intended.method) out.push(`method ${capture.method} instead of ${intended.method}`);
  const { target } = requestTarget(intended.url);
  if (capture.target !== target) out.push(`target ${capture.target} instead of ${target}`);
  const names = new Set(intended.headers.map(([n]) => n.toLowerCase()));
  const received = capture.rawHeaders.filter(([n]) => names.has(n.toLowerCase()));
  const same = received.length === intended.headers.length && received.every(([n, v], i) => n === intended.headers[i]![0] && v === intended.headers[i]![1]);
  if (!same) out.push('headers differ in name, value or order');
  const body = Buffer.from(intended.body ?? '', 'utf8');
  if (capture.bodyTruncated || !body.equals(Buffer.from(capture.body))) out.push(`body of ${capture.bodySize} bytes instead of ${body.length}`);
  return out;
}
