/** `webhook-studio render <file>`: the exact request, as HTTP text, JSON or cURL. */
import { toCurl } from '../core/curl';
import { platformForm, platformFormText } from '../core/platformForm';
import { toPlainRequest } from '../core/redact';
import { validateSchemaOfText } from '../core/schemaValidation';
import { parseCommandArgs } from './args';
import { toHttpText } from './httpText';
import { colorsFor, type CliIo } from './io';
import { USAGE } from './usage';
import { analyse, cliTokens, COMMON_OPTIONS, diagnosticLine, diagnosticsJson, openSession, readAction, renderOptions, UsageError } from './session';

const FORMATS = new Set(['http', 'json', 'curl']);

/** Runs `render`; resolves with the exit code (1 when the action has errors). */
export async function runRender(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_OPTIONS, format: { type: 'string' }, 'reveal-secrets': { type: 'boolean' }, 'platform-form': { type: 'boolean' } },
    true,
  );
  if (values.help) {
    io.out(`${USAGE['render']}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`render takes one file, got ${positionals.length}`, true);
  const format = values.format ?? 'http';
  if (!FORMATS.has(format)) throw new UsageError(`--format must be http, json or curl, not "${format}"`, true);
  const action = await readAction(positionals[0], io);
  if (values['platform-form']) {
    // The file as written: nothing is rendered, so no sample or secret is needed.
    const syntax = diagnosticsJson(action.doc.text, [...action.doc.syntax]);
    const c = colorsFor(io.stderrIsTTY, io.env);
    for (const d of syntax) io.err(`${diagnosticLine(action.shown, d, c)}\n`);
    io.out(platformFormText(platformForm(action.doc)));
    return syntax.some((d) => d.severity === 'error') ? 1 : 0;
  }
  const session = await openSession(values, io);
  const { source } = cliTokens(action.doc, session.secrets, io.env, io.seen);
  const schema = action.doc.syntax.some((d) => d.severity === 'error') ? [] : validateSchemaOfText('action', action.doc.text, () => action.doc.root);
  const { diagnostics, render } = analyse(action.doc, session, renderOptions(session, source), schema);
  const reveal = values['reveal-secrets'] === true;
  const request = toPlainRequest(render.request, reveal);
  const shownDiagnostics = diagnosticsJson(action.doc.text, diagnostics);
  const write = (text: string): void => (reveal ? io.outRaw(text) : io.out(text));

  if (format === 'json') {
    const object = {
      method: request.method,
      url: request.url,
      headers: request.headers.map(([name, value]) => [name, value]),
      body: request.body,
      unresolved: render.unresolved.map((u) => u.path),
      diagnostics: shownDiagnostics,
    };
    write(`${JSON.stringify(object)}\n`);
  } else {
    const c = colorsFor(io.stderrIsTTY, io.env);
    for (const d of shownDiagnostics) {
      if (d.severity !== 'info') io.err(`${diagnosticLine(action.shown, d, c)}\n`);
    }
    write(`${format === 'curl' ? toCurl(request) : toHttpText(request)}\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
