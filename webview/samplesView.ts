/** The Samples tab: the action rendered against every sample, one card per sample. */
import type { SamplesReportParams, SamplesReportRow } from '../src/protocol/messages';
import { h, note } from './dom';
import { OUTCOMES } from './format';

function resultBadge(row: SamplesReportRow): HTMLElement | null {
  if (!row.result) return null;
  const outcome = OUTCOMES[row.result.outcome] ?? OUTCOMES['network-error'];
  return h(
    'span',
    `sample-result outcome-${row.result.outcome}`,
    row.result.status !== undefined ? h('span', 'status-code mono', row.result.status) : null,
    row.result.status !== undefined ? ' ' : null,
    outcome.label,
  );
}

function diffView(lines: readonly string[]): HTMLElement {
  const children: Array<HTMLElement | string> = [];
  lines.forEach((line, i) => {
    if (i > 0) children.push('\n');
    const kind = line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : 'diff-same';
    children.push(h('span', kind, line));
  });
  return h('pre', { class: 'diff mono', tabindex: 0 }, ...children);
}

/** A term and its details on one line that wraps at the card's full width (the details flow after the term). */
function fact(term: string, ...details: Array<HTMLElement | string | number>): HTMLElement {
  return h('div', 'fact', h('dt', null, term), h('dd', null, ...details));
}

/** One sample's card: its name and result, what is unresolved, its problems, and how its body differs. */
function sampleCard(row: SamplesReportRow, reference: boolean): HTMLElement {
  const differences = reference
    ? h('span', 'muted', 'reference: the others are compared with this body')
    : row.bodyDiff.length === 0
      ? h('span', 'muted', 'same body as the reference')
      : diffView(row.bodyDiff);
  return h(
    'article',
    { class: 'sample-card', role: 'listitem', 'data-sample': row.sample.id },
    h('header', 'sample-card-head', h('h3', null, row.sample.name, row.sample.builtin ? h('span', 'tag tag-auto', 'built-in') : null), resultBadge(row)),
    h(
      'dl',
      'sample-facts',
      fact(
        'Unresolved',
        row.unresolved.length === 0
          ? h('span', 'muted', 'none')
          : h('span', 'chips', ...row.unresolved.flatMap((p, i) => [i > 0 ? ' ' : null, h('code', 'chip mono warning-text', `{{${p}}}`)])),
      ),
      fact('Problems', h('span', row.problems > 0 ? 'warning-text' : 'muted', row.problems)),
    ),
    h('div', 'sample-diff', h('span', 'sample-diff-title', 'Body differences'), differences),
  );
}

/**
 * Renders the Samples tab: one card per sample, stacked, so each gets the panel's width at any size (a table of
 * five columns left 100 px for a diff and broke templates inside words at usual panel widths).
 */
export function renderSamples(report: SamplesReportParams | undefined): Node[] {
  if (!report) return [note('Rendering the action against every sample…', 'empty')];
  if (report.rows.length === 0) return [note('No samples found. The built-in sample is used.', 'empty')];
  const cards = h(
    'div',
    { id: 'samples-cards', role: 'list', 'aria-label': 'The action rendered against every sample' },
    ...report.rows.map((row, i) => sampleCard(row, i === 0)),
  );
  return report.inProgress ? [cards, note('Sending to every sample…')] : [cards];
}
