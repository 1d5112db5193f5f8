/** The Response tab: status and class, timings, size, headers and body of a send, or a past record. */
import type { RecordView, ResultParams } from '../src/protocol/messages';
import { prettyJson } from '../src/protocol/prettyJson';
import { formatRecordTime } from '../src/protocol/recordText';
import { h, icon, kvTable, note, section } from './dom';
import { OUTCOMES, formatBytes, formatMs } from './format';

function statusLine(record: RecordView): HTMLElement {
  const outcome = OUTCOMES[record.outcome] ?? OUTCOMES['network-error'];
  return h(
    'div',
    { class: `status outcome-${record.outcome}`, id: 'response-status', role: 'status' },
    icon(outcome.icon, 'status-icon'),
    record.status !== undefined ? h('span', 'status-code mono', record.status) : null,
    record.statusText ? h('span', 'status-text', record.statusText) : null,
    h('span', 'outcome-label', outcome.label),
    h('span', 'outcome-detail', outcome.detail),
  );
}

function networkError(record: RecordView): HTMLElement | null {
  if (!record.error) return null;
  return h(
    'div',
    { class: 'banner banner-error', id: 'response-error' },
    h('p', 'error-message', record.error.message),
    record.error.hint ? h('p', 'error-hint', record.error.hint) : null,
    h('p', 'note mono', record.error.code),
  );
}

function meta(record: RecordView): HTMLElement {
  const parts: string[] = [];
  if (record.timings.firstByteMs !== undefined) parts.push(`First byte ${formatMs(record.timings.firstByteMs)}`);
  parts.push(`Total ${formatMs(record.timings.totalMs)}`);
  if (record.status !== undefined) parts.push(formatBytes(record.size));
  return h('p', { class: 'meta', id: 'response-meta' }, parts.join(' · '));
}

/** The results of `expect`, each check with the expected and the actual value; failures first draw the eye by colour only. */
function checksView(record: RecordView): HTMLElement | null {
  const checks = record.checks;
  if (!checks || checks.length === 0) return null;
  const failed = checks.filter((c) => !c.passed).length;
  const title = failed === 0 ? `Expectations: all ${checks.length} passed` : `Expectations: ${failed} of ${checks.length} failed`;
  return section(
    title,
    'sec-checks',
    h(
      'table',
      { class: 'checks', id: 'response-checks' },
      h('caption', 'visually-hidden', 'Expectations'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Check'), h('th', { scope: 'col' }, 'Expected'), h('th', { scope: 'col' }, 'Actual'))),
      h(
        'tbody',
        null,
        ...checks.map((c) =>
          h(
            'tr',
            { class: c.passed ? 'check-passed' : 'check-failed' },
            h(
              'td',
              'check-name',
              icon(c.passed ? 'pass' : 'error', 'check-icon'),
              h('span', 'visually-hidden', c.passed ? 'passed: ' : 'failed: '),
              h('span', 'mono', c.name),
            ),
            h('td', 'kv-value mono', c.expected),
            h('td', 'kv-value mono', c.actual),
          ),
        ),
      ),
    ),
  );
}

function truncation(record: RecordView): HTMLElement | null {
  if (!record.truncated) return null;
  const cap = formatBytes(record.capBytes ?? record.size);
  const of = record.fullSize !== undefined ? ` of ${formatBytes(record.fullSize)}` : ' (full size unknown)';
  return note(`Truncated at ${cap}${of}: the rest was discarded.`, 'banner banner-warning');
}

function bodyView(record: RecordView): HTMLElement {
  if (record.bodyText === '') return note('Empty body.');
  const shown = record.bodyIsJson ? (prettyJson(record.bodyText) ?? record.bodyText) : record.bodyText;
  return h('pre', { class: 'code mono', id: 'response-body', tabindex: 0 }, shown);
}

function inboxView(result: ResultParams): HTMLElement | null {
  if (!result.capture && !result.intended) return null;
  return section(
    'Local inbox: intended vs captured',
    'sec-inbox',
    h(
      'div',
      'side-by-side',
      h(
        'div',
        'side',
        h('h3', null, 'Intended request'),
        result.intended ? h('pre', { class: 'code mono', id: 'intended-raw', tabindex: 0 }, result.intended.rawText) : note('Not available.'),
      ),
      h(
        'div',
        'side',
        h('h3', null, 'Captured on the wire'),
        result.capture ? h('pre', { class: 'code mono', id: 'capture-raw', tabindex: 0 }, result.capture.rawText) : note('Nothing was captured.'),
        result.capture?.bodyTruncated ? note('The captured body was truncated by the inbox cap.', 'warning-text') : null,
      ),
    ),
  );
}

/** Renders the Response tab's content; `past` marks a record opened from the execution logs. */
export function renderResponse(result: ResultParams | undefined, past: boolean): Node[] {
  if (!result) return [note('No response yet. Press Send test request or Send to local inbox.', 'empty')];
  const { record } = result;
  const blocks: Node[] = [];
  if (past) blocks.push(note(`Execution record from ${formatRecordTime(record.time)} · ${record.file} · sample ${record.sample}`, 'banner banner-info'));
  blocks.push(statusLine(record));
  const error = networkError(record);
  if (error) blocks.push(error);
  blocks.push(meta(record));
  const checks = checksView(record);
  if (checks) blocks.push(checks);
  const cut = truncation(record);
  if (cut) blocks.push(cut);
  if (record.redirects.length > 0) {
    blocks.push(
      section('Redirects followed', 'sec-redirects', h('ol', 'redirects mono', ...record.redirects.map((r) => h('li', null, `${r.status} → ${r.location}`)))),
    );
  }
  const inbox = inboxView(result);
  if (inbox) blocks.push(inbox);
  if (record.status !== undefined) {
    blocks.push(
      section(
        `Response headers (${record.headers.length})`,
        'sec-response-headers',
        record.headers.length === 0
          ? note('No headers.')
          : kvTable(
              'response-headers',
              'Response headers',
              record.headers.map(([name, value]) => ({ name, value })),
            ),
      ),
    );
    blocks.push(section(record.bodyIsJson ? 'Body (JSON)' : 'Body', 'sec-response-body', bodyView(record)));
  }
  return blocks;
}
