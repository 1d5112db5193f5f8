/** The Workflow tab: the steps of the last workflow run in order, each with its request, response and outcome. */
import type { StateParams, WorkflowRunParams, WorkflowStepView } from '../src/protocol/messages';
import { prettyJson } from '../src/protocol/prettyJson';
import { h, icon, note, section } from './dom';
import { OUTCOMES } from './format';

function body(text: string | null | undefined, id: string): HTMLElement {
  if (text === null || text === undefined || text === '') return note('No body.');
  return h('pre', { class: 'code mono', id, tabindex: 0 }, prettyJson(text) ?? text);
}

function stepCard(step: WorkflowStepView): HTMLElement {
  const outcome = step.outcome ? OUTCOMES[step.outcome] : undefined;
  const status = step.status !== undefined ? `${step.status} ${step.statusText ?? ''}`.trim() : undefined;
  const head = h(
    'div',
    'step-head',
    h('span', 'step-number', `Step ${step.step}`),
    h('span', { class: 'file mono', title: step.file }, step.file),
    h(
      'span',
      { class: `step-outcome outcome-${step.outcome ?? 'network-error'}`, 'data-ok': String(step.ok) },
      icon(step.ok ? 'pass' : (outcome?.icon ?? 'error')),
      ' ',
      status ?? (step.error !== undefined && !step.outcome ? 'Not sent' : (outcome?.label ?? 'Not sent')),
      status && outcome ? ` · ${outcome.label}` : '',
    ),
  );
  const parts: HTMLElement[] = [head];
  if (step.method && step.url) parts.push(h('div', 'url mono step-url', h('span', `method method-${step.method.toLowerCase()}`, step.method), ' ', step.url));
  if (step.error !== undefined) parts.push(note(step.error, 'error-text'));
  if (step.method) parts.push(h('details', null, h('summary', null, 'Request body'), body(step.requestBody, `step-${step.step}-request`)));
  if (step.responseBody !== undefined)
    parts.push(h('details', { open: true }, h('summary', null, 'Response body'), body(step.responseBody, `step-${step.step}-response`)));
  if (step.saved !== undefined)
    parts.push(h('p', 'note saved', icon('save'), ' Saved as ', h('code', 'mono', `custom_webhook.${step.step}.response`), ' for the later steps'));
  return h('li', { class: `step-card ${step.ok ? 'step-ok' : 'step-failed'}`, 'data-step': step.step }, ...parts);
}

/** Renders the Workflow tab from the last run and the shown file's place in its workflow. */
export function renderWorkflow(run: WorkflowRunParams | undefined, state: StateParams | undefined): Node[] {
  const place = state?.workflow;
  const intro = place
    ? note(
        `This action is step ${place.step} of ${place.steps} in "${place.name}". Run workflow sends every step in order, each with the responses saved so far.`,
      )
    : note('This action is not a step of a workflow (*.workflow.json). Add it to one to run the steps in order.');
  if (!run) return [intro, note('No workflow run yet.', 'empty')];
  const failed = run.steps.filter((s) => !s.ok).length;
  const summary = run.inProgress
    ? `Running: ${run.steps.length} step(s) done…`
    : failed === 0
      ? `All ${run.steps.length} step(s) accepted.`
      : `${failed} of ${run.steps.length} step(s) failed; the others ran, as on the platform.`;
  return [
    intro,
    section(
      `Run of "${run.name}" · sample ${run.sample}`,
      'sec-workflow-run',
      h('p', { class: `note run-summary ${failed === 0 ? '' : 'warning-text'}`.trim(), id: 'workflow-summary', role: 'status' }, summary),
      h('ol', { class: 'steps', id: 'workflow-steps' }, ...run.steps.map(stepCard)),
    ),
  ];
}
