/**
 * The results of `webhook-studio test` and the reporters that write them: JUnit XML, JSON, TAP 13 and GitHub
 * workflow-command annotations. Every reporter is a pure function of the report; what they hold is already
 * redacted (records are redacted by the send path, diagnostics hold no secret values).
 */
import type { DiagnosticJson } from './session';

/** One failed check, lint problem or refusal of a case, with where in the action file it comes from. */
export interface CaseFailure {
  /** The check (`json $.email`), `lint`, or `send` for a refused send. */
  readonly name: string;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly line: number;
  readonly column: number;
}

/** One action × one sample. */
export interface CaseResult {
  readonly sample: string;
  /** `error`: no response came (network, TLS, timeout); `failed`: a check failed or the send was refused. */
  readonly status: 'passed' | 'failed' | 'error';
  readonly durationMs: number;
  /** How many checks ran, passed or not. */
  readonly checks: number;
  readonly failures: readonly CaseFailure[];
  /** For `error`: the network error, in words. */
  readonly error?: string;
  /** The request and response (redacted), kept for cases that did not pass. */
  readonly output?: string;
}

/** One action file: its lint result and its cases. */
export interface ActionReport {
  /** The file as shown (relative to the working directory). */
  readonly file: string;
  readonly name: string;
  /** Errors, and warnings when they fail the run (`--fail-on warning`). */
  readonly lint: readonly DiagnosticJson[];
  readonly lintFailed: boolean;
  readonly cases: CaseResult[];
}

/** Counts of a run. */
export interface Totals {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
}

/** Everything a run produced. */
export interface TestReport {
  readonly actions: readonly ActionReport[];
  readonly totals: Totals;
  readonly durationMs: number;
  readonly startedAt: string;
}

/** The reporters `--reporter` takes. */
export const REPORTERS = ['junit', 'json', 'tap', 'github'] as const;
/** A reporter's name. */
export type ReporterName = (typeof REPORTERS)[number];

/** Counts of one action's tests: its lint test and its cases. */
export function actionTotals(action: ActionReport): Totals {
  const failed = action.cases.filter((c) => c.status === 'failed').length + (action.lintFailed ? 1 : 0);
  const errors = action.cases.filter((c) => c.status === 'error').length;
  const tests = action.cases.length + 1;
  return { tests, passed: tests - failed - errors, failed, errors };
}

/** The lint test of an action as a case: passed unless its lint failed. */
function lintCase(action: ActionReport): CaseResult {
  return {
    sample: 'lint',
    status: action.lintFailed ? 'failed' : 'passed',
    durationMs: 0,
    checks: action.lint.length,
    failures: action.lintFailed
      ? action.lint.map((d) => ({ name: `lint ${d.code}`, message: `${d.severity} ${d.code}: ${d.message}`, line: d.line, column: d.column }))
      : [],
  };
}

function failureText(f: CaseFailure): string {
  if (f.expected === undefined) return f.message;
  return `${f.name}: expected ${f.expected}, got ${f.actual ?? ''}`;
}

// XML 1.0 allows tab, line feed and carriage return among the controls; others are shown escaped, never written raw.
function xml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * JUnit XML as CI systems read it: one `testsuite` per action (its lint test, then one `testcase` per
 * sample), a `failure` per failed check, an `error` for a network failure, timings, and the request and
 * response as `system-out` for cases that did not pass.
 */
export function junitReport(report: TestReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const t = report.totals;
  lines.push(
    `<testsuites name="webhook-studio test" tests="${t.tests}" failures="${t.failed}" errors="${t.errors}" skipped="0" time="${seconds(report.durationMs)}" timestamp="${report.startedAt}">`,
  );
  for (const action of report.actions) {
    const at = actionTotals(action);
    const time = action.cases.reduce((sum, c) => sum + c.durationMs, 0);
    lines.push(
      `  <testsuite name="${xml(action.file)}" tests="${at.tests}" failures="${at.failed}" errors="${at.errors}" skipped="0" time="${seconds(time)}" timestamp="${report.startedAt}" file="${xml(action.file)}">`,
    );
    for (const c of [lintCase(action), ...action.cases]) {
      const open = `    <testcase name="${xml(c.sample)}" classname="${xml(action.name)}" time="${seconds(c.durationMs)}" file="${xml(action.file)}"`;
      if (c.status === 'passed' && c.output === undefined) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (c.status === 'error') lines.push(`      <error message="${xml(c.error ?? 'no response')}" type="network">${xml(c.error ?? '')}</error>`);
      for (const f of c.failures) {
        const type = f.name.startsWith('lint') ? 'lint' : f.name === 'send' ? 'send' : 'expect';
        lines.push(
          `      <failure message="${xml(failureText(f))}" type="${type}">${xml(`${failureText(f)}\nat ${action.file}:${f.line}:${f.column}`)}</failure>`,
        );
      }
      if (c.output !== undefined) lines.push(`      <system-out>${xml(c.output)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** The whole report as one JSON object. */
export function jsonReport(report: TestReport): string {
  return `${JSON.stringify({
    totals: report.totals,
    durationMs: Math.round(report.durationMs),
    startedAt: report.startedAt,
    actions: report.actions.map((a) => ({ file: a.file, name: a.name, lintFailed: a.lintFailed, lint: a.lint, cases: a.cases })),
  })}\n`;
}

/** TAP version 13: one test point per lint test and per case, failures as YAML (JSON strings) under it. */
export function tapReport(report: TestReport): string {
  const lines = ['TAP version 13'];
  let n = 0;
  for (const action of report.actions) {
    for (const c of [lintCase(action), ...action.cases]) {
      n++;
      const title = `${action.file} › ${c.sample}`.replace(/#/g, '\\#');
      lines.push(`${c.status === 'passed' ? 'ok' : 'not ok'} ${n} - ${title}`);
      if (c.status === 'passed') continue;
      lines.push('  ---');
      if (c.error !== undefined) lines.push(`  error: ${JSON.stringify(c.error)}`);
      if (c.failures.length > 0) {
        lines.push('  failures:');
        for (const f of c.failures) {
          lines.push(`    - name: ${JSON.stringify(f.name)}`);
          lines.push(`      message: ${JSON.stringify(f.message)}`);
          if (f.expected !== undefined) lines.push(`      expected: ${JSON.stringify(f.expected)}`, `      actual: ${JSON.stringify(f.actual ?? '')}`);
          lines.push(`      at: ${JSON.stringify(`${action.file}:${f.line}:${f.column}`)}`);
        }
      }
      lines.push(`  duration_ms: ${Math.round(c.durationMs)}`, '  ...');
    }
  }
  lines.push(`1..${n}`, '');
  return lines.join('\n');
}

// Workflow commands: data escapes %, CR and LF; property values also : and ,.
function ghData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProperty(text: string): string {
  return ghData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions annotations: one `::error` per failed check at its `expect` entry, per lint problem, per network error. */
export function githubReport(report: TestReport): string {
  const lines: string[] = [];
  const annotate = (level: 'error' | 'warning', file: string, line: number, column: number, title: string, message: string) =>
    lines.push(`::${level} file=${ghProperty(file)},line=${line},col=${column},title=${ghProperty(title)}::${ghData(message)}`);
  for (const action of report.actions) {
    if (action.lintFailed) {
      for (const d of action.lint) annotate(d.severity === 'error' ? 'error' : 'warning', action.file, d.line, d.column, `lint ${d.code}`, d.message);
    }
    for (const c of action.cases) {
      if (c.status === 'error') annotate('error', action.file, 1, 1, `${action.name} › ${c.sample}`, `no response: ${c.error ?? ''}`);
      for (const f of c.failures) annotate('error', action.file, f.line, f.column, `${action.name} › ${c.sample}`, failureText(f));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The text a reporter writes. */
export function reportText(name: ReporterName, report: TestReport): string {
  switch (name) {
    case 'junit':
      return junitReport(report);
    case 'json':
      return jsonReport(report);
    case 'tap':
      return tapReport(report);
    case 'github':
      return githubReport(report);
  }
}
