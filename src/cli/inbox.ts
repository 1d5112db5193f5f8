/** `webhook-studio inbox`: a capture server on 127.0.0.1 that prints every request, the rule that answered it and, with --forward, what the receiver said, until Ctrl+C. */
import { resolve } from 'node:path';
import { captureToRawText, startInbox, type InboxForwarder } from '../core/inbox';
import { forwarder, forwardUrlProblem } from '../core/inboxForward';
import { parseRulesText, plainAnswer, withDefault, type InboxRulesSpec } from '../core/inboxRules';
import { escapeForTerminal } from '../core/text';
import { readTextFile } from '../core/textFile';
import type { Capture, ForwardOutcome } from '../core/types';
import { integerOption, parseCommandArgs } from './args';
import { colorsFor, printable, type CliIo, type Colors } from './io';
import { shownPath, UsageError } from './session';
import { USAGE } from './usage';

/** Runs `inbox` until interrupted; resolves with the exit code. */
export async function runInbox(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      port: { type: 'string' },
      status: { type: 'string' },
      body: { type: 'string' },
      rules: { type: 'string' },
      forward: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.out(`${USAGE['inbox']}\n`);
    return 0;
  }
  const port = integerOption(values.port, '--port', 0, 65535);
  const status = integerOption(values.status, '--status', 200, 599);
  const c = colorsFor(io.stdoutIsTTY, io.env);
  let rules: InboxRulesSpec | undefined;
  if (values.rules !== undefined) {
    rules = await readRulesOption(values.rules, io);
    if (!rules) {
      io.err(`webhook-studio: the inbox did not start: ${escapeForTerminal(values.rules)} has errors\n`);
      return 1;
    }
  }
  if (rules && (status !== undefined || values.body !== undefined)) {
    rules = withDefault(rules, plainAnswer(status ?? rules.default?.status ?? 200, values.body ?? '{"ok":true}', 'application/json'));
  }
  if (values.forward !== undefined) {
    const problem = forwardUrlProblem(values.forward);
    if (problem) throw new UsageError(`--forward: ${problem}`);
  }
  let inbox;
  let closeForward: (() => Promise<void>) | undefined;
  try {
    inbox = await startInbox({ port, status, body: values.body, rules });
    if (values.forward !== undefined) {
      const problem = forwardUrlProblem(values.forward, inbox.url);
      if (problem) {
        await inbox.close();
        throw new UsageError(`--forward: ${problem}`);
      }
      // undici is loaded only when the inbox forwards.
      const { HttpSender, proxyFromEnv } = await import('../core/http/index.js');
      const sender = new HttpSender({ proxy: proxyFromEnv(io.env) });
      closeForward = () => sender.close();
      const forward: InboxForwarder = forwarder({ url: values.forward, transport: sender });
      inbox.setForward(forward);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`webhook-studio: the inbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  io.out(`Local inbox listening on ${c.bold(inbox.url)} — send requests there; Ctrl+C stops it.\n`);
  if (rules) io.out(`Answering by ${inbox.ruleNames().length} rule(s) of ${escapeForTerminal(values.rules ?? '')}, then the default answer.\n`);
  if (values.forward !== undefined) io.out(`Forwarding every request to ${escapeForTerminal(values.forward)}.\n`);
  const subscription = inbox.onCapture((capture) => {
    io.out(
      `\n${c.dim(`── #${capture.id} ${capture.time} ${capture.bodySize} body bytes${capture.bodyTruncated ? ' (truncated)' : ''} · ${answerLine(capture)} ──`)}\n`,
    );
    io.out(`${printable(captureToRawText(capture))}\n`);
  });
  const updates = inbox.onUpdate((capture) => {
    if (capture.forward) io.out(`\n${forwardText(capture.id, capture.forward, c)}\n`);
  });
  await io.interrupted();
  subscription.dispose();
  updates.dispose();
  await inbox.close();
  await closeForward?.();
  io.out('\nInbox stopped.\n');
  return 0;
}

/** How the inbox answered a capture: status, rule and delay. */
export function answerLine(capture: Capture): string {
  const answer = capture.answer;
  if (!answer) return 'answered';
  const rule = capture.rule === 'default' || capture.rule === undefined ? 'the default answer' : `rule "${capture.rule}"`;
  const delay = answer.delayMs > 0 ? ` after ${answer.delayMs / 1000} s` : '';
  const late = answer.delayMs > 30_000 ? ' (past 30 s: the platform would give up)' : '';
  return `answered ${answer.status} by ${rule}${delay}${late}${answer.note ? ` (${answer.note})` : ''}`;
}

/** What the receiver said to a forwarded capture, as the terminal shows it. */
function forwardText(id: number, outcome: ForwardOutcome, c: Colors): string {
  if (!outcome.ok)
    return `${c.dim(`── #${id} receiver ${outcome.url} ──`)}\n${c.red(outcome.error.message)}${outcome.error.hint ? `\n${outcome.error.hint}` : ''}`;
  const paint = outcome.status < 300 ? c.green : outcome.status < 400 ? c.yellow : c.red;
  let text = `${c.dim(`── #${id} receiver ${outcome.url} answered in ${Math.round(outcome.timings.totalMs)} ms ──`)}\n${paint(`${outcome.status} ${outcome.statusText}`)}\n`;
  for (const [name, value] of outcome.headers) text += `${name}: ${value}\n`;
  return printable(`${text}\n${outcome.bodyPreview}${outcome.truncated ? `\n… (${outcome.size} bytes, cut)` : ''}`);
}

/**
 * Reads the rules file a `--rules` option names, printing its problems with their line and column;
 * undefined when it has errors. A file that cannot be read is a usage error.
 */
export async function readRulesOption(file: string, io: CliIo): Promise<InboxRulesSpec | undefined> {
  const path = resolve(io.cwd, file);
  const shown = shownPath(path, io.cwd);
  const read = await readTextFile(path);
  if (!read.ok) throw new UsageError(`--rules ${shown}: ${read.error}`);
  const parsed = parseRulesText(read.text);
  const ce = colorsFor(io.stderrIsTTY, io.env);
  for (const p of parsed.problems) {
    const label = p.severity === 'error' ? ce.red('error') : ce.yellow('warning');
    io.err(`${escapeForTerminal(shown)}:${p.line}:${p.column} ${label} ${escapeForTerminal(p.message)}\n`);
  }
  return parsed.spec;
}
