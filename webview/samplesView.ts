/** The Samples tab: the action rendered against every sample, side by side. */
import type { SamplesReportParams, SamplesReportRow } from '../src/protocol/messages';
import { h, note } from './dom';
import { OUTCOMES } from './format';

function resultCell(row: SamplesReportRow): HTMLElement {
  if (!row.result) return h('td', 'muted', '—');
  const outcome = OUTCOMES[row.result.outcome] ?? OUTCOMES['network-error'];
  return h(
    'td',
    `outcome-${row.result.outcome}`,
    row.result.status !== undefined ? h('span', 'status-code mono', row.result.status) : null,
    ' ',
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

/** Renders the Samples tab's table. */
export function renderSamples(report: SamplesReportParams | undefined): Node[] {
  if (!report) return [note('Rendering the action against every sample…', 'empty')];
  if (report.rows.length === 0) return [note('No samples found. The built-in sample is used.', 'empty')];
  const table = h(
    'table',
    { class: 'grid', id: 'samples-table' },
    h('caption', 'visually-hidden', 'The action rendered against every sample'),
    h('thead', null, h('tr', null, ...['Sample', 'Unresolved', 'Problems', 'Body differences', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      ...report.rows.map((row, i) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, row.sample.name, row.sample.builtin ? h('span', 'tag tag-auto', 'built-in') : null),
          h(
            'td',
            null,
            row.unresolved.length === 0
              ? h('span', 'muted', 'none')
              : h('div', 'chips', ...row.unresolved.map((p) => h('code', 'chip mono warning-text', `{{${p}}}`))),
          ),
          h('td', row.problems > 0 ? 'warning-text' : 'muted', row.problems),
          h('td', null, i === 0 ? h('span', 'muted', 'reference') : row.bodyDiff.length === 0 ? h('span', 'muted', 'same') : diffView(row.bodyDiff)),
          resultCell(row),
        ),
      ),
    ),
  );
  return report.inProgress ? [table, note('Sending to every sample…')] : [table];
}
