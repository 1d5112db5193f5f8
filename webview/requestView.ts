/** The Request tab: the exact request as it goes on the wire, and the file's problems. */
import type { HeaderView, ProblemView, StateParams } from '../src/protocol/messages';
import { prettyJson } from '../src/protocol/prettyJson';
import { h, icon, kvTable, note, section } from './dom';

/** What the Request tab reports back. */
export interface RequestViewEvents {
  openProblem(line: number, column: number): void;
}

const SEVERITY_ICON: Record<ProblemView['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

function urlView(state: StateParams): HTMLElement {
  if (state.url === '') return note('The URL did not render to an absolute URL.', 'error-text');
  const segments = state.urlSegments.length > 0 ? state.urlSegments : [{ text: state.url, source: 'literal' as const }];
  // Segments come from the host; if they do not add up to the URL, show the URL itself rather than a wrong one.
  const fits = segments.map((s) => s.text).join('') === state.url;
  const parts = fits ? segments : [{ text: state.url, source: 'literal' as const }];
  return h(
    'div',
    { class: 'url mono', id: 'request-url' },
    ...parts.map((s) =>
      s.source === 'literal' ? s.text : h('span', { class: `seg seg-${s.source}`, title: 'path' in s && s.path ? `{{${s.path}}}` : s.source }, s.text),
    ),
  );
}

function headerBadges(header: HeaderView): Node[] {
  const badges: Node[] = [];
  if (header.origin !== 'user') badges.push(h('span', `tag tag-${header.origin}`, header.origin));
  if (header.secret) badges.push(h('span', { class: 'tag tag-secret', title: 'carries a secret' }, icon('lock'), 'secret'));
  if (header.invalid) {
    badges.push(
      h(
        'span',
        { class: 'tag tag-invalid', title: 'A line break or NUL, or a name that is not a token: this header is not sent. See the problems below.' },
        icon('error'),
        'invalid-header',
      ),
    );
  }
  return badges;
}

/**
 * The broken body as sent, its break marked: the text before, the character where JSON parsing stops
 * (or an end marker), the rest; then what broke it.
 */
function brokenBodyView(body: string, at: NonNullable<StateParams['bodyBreak']>, escaping: HTMLElement): HTMLElement[] {
  const offset = Math.max(0, Math.min(at.offset, body.length));
  // A whole code point is marked, so an emoji is never cut in two.
  const code = body.codePointAt(offset);
  const width = code === undefined ? 0 : code > 0xffff ? 2 : 1;
  const broken = body.slice(offset, offset + width);
  const shownMark = broken === '' ? '⟂' : broken === '\n' ? '↵\n' : broken;
  const mark = h('mark', { class: 'body-break', id: 'body-break', title: at.message }, shownMark);
  return [
    h('pre', { class: 'code mono', id: 'request-body', tabindex: 0 }, body.slice(0, offset), mark, body.slice(offset + width)),
    h('p', { class: 'banner banner-error', id: 'body-break-message', role: 'note' }, icon('error'), ' ', at.message),
    escaping,
  ];
}

function bodyView(state: StateParams): HTMLElement[] {
  const escaping =
    state.escaping === 'json'
      ? 'Templates are escaped as JSON string content (not what the platform does).'
      : 'Values are pasted in as the platform does, unescaped.';
  if (state.bodyDropped) {
    return [note(`Dropped: ${state.method} sends no body.`, 'warning-text'), note(escaping)];
  }
  if (state.body === null) return [note('No body.')];
  if (state.bodyBreak) return brokenBodyView(state.body, state.bodyBreak, note(escaping));
  const shown = state.bodyPretty ?? prettyJson(state.body) ?? state.body;
  return [h('pre', { class: 'code mono', id: 'request-body', tabindex: 0 }, shown), note(escaping)];
}

function problemsView(problems: readonly ProblemView[], events: RequestViewEvents): HTMLElement {
  if (problems.length === 0) return note('No problems.');
  return h(
    'ul',
    { class: 'problems', id: 'problems' },
    ...problems.map((p, i) => {
      const button = h(
        'button',
        {
          type: 'button',
          class: `problem severity-${p.severity}`,
          'data-focus-key': `problem-${i}`,
          'data-line': p.line,
          'data-column': p.column,
          title: `Go to line ${p.line}, column ${p.column}`,
        },
        icon(SEVERITY_ICON[p.severity] ?? 'info', `sev-${p.severity}`),
        h('span', 'visually-hidden', `${p.severity}: `),
        h('span', 'problem-code mono', p.code),
        h('span', 'problem-message', p.message),
        h('span', 'problem-pos mono', `${p.line}:${p.column}`),
      );
      button.addEventListener('click', () => events.openProblem(p.line, p.column));
      return h('li', null, button);
    }),
  );
}

/** Renders the Request tab's content for a state. */
export function renderRequest(state: StateParams, events: RequestViewEvents): Node[] {
  const blocks: Node[] = [];
  if (!state.trusted) {
    blocks.push(note('Restricted Mode: sending and secrets are turned off until you trust this workspace.', 'banner banner-warning'));
  } else if (!state.sendable) {
    blocks.push(note('This request cannot be sent as it is: see the problems below.', 'banner banner-error'));
  }
  if (state.unresolved.length > 0) {
    blocks.push(
      h(
        'div',
        { class: 'banner banner-warning', id: 'unresolved' },
        h('span', null, icon('warning'), ' Unresolved for this sample: '),
        ...state.unresolved.map((path) => h('code', 'chip mono', `{{${path}}}`)),
      ),
    );
  }
  if (state.usesClock) {
    blocks.push(
      h(
        'p',
        { class: 'note', id: 'uses-clock' },
        icon('clock'),
        ' Uses ',
        h('code', 'mono', '{{right_now.*}}'),
        ': the value changes with time (fix it with the webhookStudio.render.now setting).',
      ),
    );
  }
  blocks.push(section('URL', 'sec-url', urlView(state)));
  blocks.push(
    section(
      `Headers (${state.headers.length})`,
      'sec-headers',
      state.headers.length === 0
        ? note('No headers.')
        : kvTable(
            'request-headers',
            'Request headers',
            state.headers.map((header) => ({
              name: header.name,
              value: header.value,
              badges: headerBadges(header),
              ...(header.invalid ? { valueClass: 'invalid' } : {}),
            })),
          ),
    ),
  );
  blocks.push(
    section(
      `Query (${state.query.length})`,
      'sec-query',
      state.query.length === 0
        ? note('No query parameters.')
        : kvTable(
            'request-query',
            'Query parameters',
            state.query.map(([name, value]) => ({ name, value })),
          ),
    ),
  );
  blocks.push(section('Body', 'sec-body', ...bodyView(state)));
  blocks.push(section(`Problems (${state.problems.length})`, 'sec-problems', problemsView(state.problems, events)));
  return blocks;
}
