/** `webhook-studio run <workflow>`: sends the steps of a workflow in order, each with the responses saved so far. */
import { dirname, resolve } from 'node:path';
import { parseActionDocument } from '../core/document';
import { formatRecord, JsonLinesLog } from '../core/executionLog';
import { captureToRawText } from '../core/inbox';
import { lint } from '../core/lint';
import { readTextFile } from '../core/workspace';
import { runWorkflow, type WorkflowStepInput, type WorkflowStepResult } from '../core/workflow';
import { validateWorkflow } from '../core/workflowSchema';
import { savesResponse, TRIGGER_NAMESPACES, type WorkflowPosition } from '../core/workflowModel';
import { integerOption, parseCommandArgs } from './args';
import { colorsFor, printable, withSpinner, type CliIo } from './io';
import { withTransport } from './transport';
import { USAGE } from './usage';
import { cliTokens, COMMON_OPTIONS, diagnosticLine, diagnosticsJson, openSession, renderOptions, schemaCompilerFor, shownPath, UsageError } from './session';

/** Runs `run`; resolves with the exit code: 0 when every step was accepted, 1 when one failed or the workflow has errors. */
export async function runRun(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_OPTIONS, inbox: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' }, log: { type: 'string' } },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['run']}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'a workflow file is required' : `run takes one workflow file, got ${positionals.length}`, true);
  const timeoutMs = integerOption(values.timeout, '--timeout', 1, 3_600_000);
  const path = resolve(io.cwd, positionals[0]!);
  const shown = shownPath(path, io.cwd);
  const read = await readTextFile(path);
  if (!read.ok) throw new UsageError(`${shown}: ${read.error}`);
  const workflow = validateWorkflow(read.text);
  const c = colorsFor(io.stderrIsTTY, io.env);
  const errors = diagnosticsJson(read.text, workflow.diagnostics).filter((d) => d.severity === 'error');
  if (errors.length > 0 || workflow.steps.length === 0) {
    for (const d of errors) io.err(`${diagnosticLine(shown, d, c)}\n`);
    if (errors.length === 0) io.err(`webhook-studio: ${shown}: the workflow has no steps\n`);
    io.err(`webhook-studio: not run: ${shown} has errors\n`);
    return 1;
  }
  const session = await openSession(values, io);
  const name = workflow.name ?? shown;

  // Every step's file, read once: its saveResponse is what later steps' lint needs.
  const steps: Array<WorkflowStepInput & { shown: string }> = [];
  for (const step of workflow.steps) {
    const file = resolve(dirname(path), step.action);
    const stepShown = shownPath(file, io.cwd);
    const text = await readTextFile(file);
    steps.push(text.ok ? { file: stepShown, shown: stepShown, doc: parseActionDocument(text.text) } : { file: stepShown, shown: stepShown, error: text.error });
  }
  const position = (step: number): WorkflowPosition => ({
    workflow: name,
    step,
    steps: steps.map((s) => ({ shown: s.shown, saveResponse: s.doc ? savesResponse(s.doc) : false })),
    ...(workflow.trigger !== undefined ? { trigger: workflow.trigger, triggerNamespaces: TRIGGER_NAMESPACES[workflow.trigger] ?? [] } : {}),
  });

  const out = colorsFor(io.stdoutIsTTY, io.env);
  const printed: unknown[] = [];
  const compileSchema = await schemaCompilerFor(steps.flatMap((s) => (s.doc ? [s.doc] : [])));
  return withTransport(io, values.inbox === true, async (t) => {
    if (!values.json)
      io.out(
        `Workflow "${printable(name)}", sample "${printable(session.selected.name)}": ${steps.length} step(s)${t.inbox ? ` to the local inbox ${t.inbox.url}` : ''}\n`,
      );
    const result = await runWorkflow({
      name,
      steps,
      sample: session.selected,
      send: {
        escaping: session.escaping,
        arraySeparator: session.arraySeparator,
        unknownTag: session.unknownTag,
        clock: session.clock,
        timeZone: session.timeZone,
        secrets: session.secrets,
        tokens: cliTokens(steps[0]!.doc ?? parseActionDocument('{}'), session.secrets, io.env, io.seen).tokens,
        transport: t.http,
        inbox: t.inbox,
        timeoutMs,
        signal: t.signal,
        log: values.log !== undefined ? new JsonLinesLog(resolve(io.cwd, values.log)) : undefined,
        knownSecrets: () => io.seen,
        ...(compileSchema ? { compileSchema } : {}),
        around: (masked, exchange) => withSpinner(io, `sending to ${hostOf(masked.url)}…`, exchange()),
      },
      perStep: (doc, step) => {
        const oauth = cliTokens(doc, session.secrets, io.env, io.seen);
        // The step's problems, with what the earlier steps save: as `send` prints them.
        const linted = lint(doc, {
          samples: session.samples,
          selected: session.selected,
          options: renderOptions(session, oauth.source),
          workflow: position(step),
        });
        for (const d of diagnosticsJson(doc.text, linted.diagnostics).filter((x) => x.severity !== 'info'))
          io.err(`${diagnosticLine(steps[step - 1]!.shown, d, c)}\n`);
        return { tokens: oauth.tokens };
      },
      onStep: (step) => {
        if (values.json) printed.push(stepJson(step));
        else io.out(`\n${stepText(step, steps.length, out)}\n`);
      },
    });
    const failed = result.steps.filter((s) => !s.ok).length;
    if (values.json) io.out(`${JSON.stringify({ workflow: name, sample: session.selected.name, ok: result.ok, steps: printed })}\n`);
    else io.out(`\n${failed === 0 ? out.green(`${steps.length} step(s) accepted`) : out.red(`${failed} of ${steps.length} step(s) failed`)}\n`);
    return result.ok ? 0 : 1;
  });
}

function stepText(step: WorkflowStepResult, count: number, c: ReturnType<typeof colorsFor>): string {
  const head = c.bold(`━━ Step ${step.step} of ${count} · ${step.file}`);
  if (step.error !== undefined) return `${head}\n${c.red('✗ not sent:')} ${printable(step.error)}`;
  const result = step.result!;
  if (!result.sent) return `${head}\n${c.red('✗ not sent:')} ${printable(result.reason)}`;
  const lines = [head, formatRecord(result.record)];
  if (result.capture) lines.push('', 'Received by the local inbox:', printable(captureToRawText(result.capture)));
  if (step.saved !== undefined) lines.push('', `Saved as custom_webhook.${step.step}.response: ${printable(JSON.stringify(step.saved)).slice(0, 400)}`);
  if (result.logError !== undefined) lines.push(`record not written to --log: ${printable(result.logError)}`);
  return lines.join('\n');
}

function stepJson(step: WorkflowStepResult): unknown {
  const result = step.result;
  return {
    step: step.step,
    file: step.file,
    ok: step.ok,
    ...(step.error !== undefined ? { error: step.error } : {}),
    ...(result && !result.sent ? { refused: { code: result.code, reason: result.reason } } : {}),
    ...(result?.sent ? { record: result.record } : {}),
    ...(step.saved !== undefined ? { saved: step.saved } : {}),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
