/** The preview panel: a fixed frame (header, toolbar, tabs) whose regions re-render from host messages. */
import {
  CancelMessage,
  CopyCurlMessage,
  ReadyMessage,
  SelectSampleMessage,
  SendMessage,
  SendToAllMessage,
  SendToInboxMessage,
  SetRevealMessage,
  ShowTabMessage,
  OpenProblemMessage,
  TABS,
  createMessage,
  isHostMessage,
  parsePanelState,
} from '../src/protocol/messages';
import type {
  HostToWebview,
  PanelState,
  ResultParams,
  SamplesReportParams,
  SampleOption,
  SendingParams,
  StateParams,
  Tab,
} from '../src/protocol/messages';
import { h, icon, replaceRegion } from './dom';
import type { Child } from './dom';
import { renderRequest } from './requestView';
import { renderResponse } from './responseView';
import { renderSamples } from './samplesView';
import type { HostBridge } from './vscodeApi';

interface Model {
  fileUri: string;
  tab: Tab;
  state?: StateParams;
  result?: ResultParams;
  past: boolean;
  report?: SamplesReportParams;
  sending?: SendingParams;
  error?: string;
}

/** Results larger than this are not persisted: webview state is meant to stay small. */
const MAX_PERSISTED_BODY = 1_000_000;

const SENDING_LABEL: Record<SendingParams['kind'], string> = {
  send: 'Sending test request…',
  inbox: 'Sending to the local inbox…',
  all: 'Sending to every sample…',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeState(value: unknown): value is StateParams {
  return (
    isObject(value) &&
    typeof value.url === 'string' &&
    typeof value.name === 'string' &&
    Array.isArray(value.headers) &&
    Array.isArray(value.samples) &&
    Array.isArray(value.problems)
  );
}

function looksLikeResult(value: unknown): value is ResultParams {
  return isObject(value) && isObject(value.record) && typeof value.record.bodyText === 'string';
}

function button(id: string, label: string, iconName: string, secondary: boolean): HTMLElement {
  const b = h('vscode-button', { id, icon: iconName, secondary, disabled: true }, label);
  return b;
}

/** Builds the panel inside `root` and connects it to the host. */
export function startPanel(root: HTMLElement, host: HostBridge): void {
  const model: Model = { fileUri: '', tab: 'request', past: false };

  const methodBadge = h('span', { class: 'method', id: 'method' }, '');
  const title = h('h1', { id: 'action-name' }, 'Webhook preview');
  const file = h('span', { class: 'file mono', id: 'action-file' }, 'Open a *.webhook.json file to preview it.');
  const header = h('header', 'header', methodBadge, title, file);

  const sampleSelect = h('vscode-single-select', { id: 'sample-select', 'aria-label': 'Sample' });
  const sendButton = button('send', 'Send test request', 'send', false);
  const inboxButton = button('send-inbox', 'Send to local inbox', 'inbox', true);
  const curlButton = button('copy-curl', 'Copy as cURL', 'copy', true);
  // A toggle button rather than a switch: the switch component loses its tab stop after being disabled once.
  const reveal = h('vscode-button', { id: 'reveal', icon: 'eye', secondary: true, disabled: true, 'aria-pressed': 'false' }, 'Reveal secrets');
  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Request actions' },
    h('div', 'sample-picker', h('span', { class: 'label', id: 'sample-label' }, 'Sample'), sampleSelect),
    h('div', 'actions', sendButton, inboxButton, curlButton, reveal),
  );

  const progressText = h('span', { id: 'progress-text' }, '');
  const cancelButton = h('vscode-button', { id: 'cancel', secondary: true, icon: 'stop-circle' }, 'Cancel');
  const progress = h(
    'div',
    { class: 'progress', id: 'progress', hidden: true, role: 'status', 'aria-live': 'polite' },
    h('vscode-progress-ring', { class: 'ring' }),
    progressText,
    cancelButton,
  );

  const errorText = h('span', { id: 'error-text' }, '');
  const dismiss = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss', title: 'Dismiss' }, icon('close'));
  const errorBanner = h(
    'div',
    { class: 'banner banner-error alert', id: 'error-banner', role: 'alert', hidden: true },
    icon('error'),
    errorText,
    dismiss,
  );

  const requestRegion = h('div', { class: 'region', id: 'request-panel' });
  const responseRegion = h('div', { class: 'region', id: 'response-panel' });
  const samplesRegion = h('div', { class: 'region', id: 'samples-content' });
  const sendAllButton = button('send-all', 'Send to all', 'run-all', false);
  const tabs = h(
    'vscode-tabs',
    { id: 'tabs', 'selected-index': 0 },
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'request' }, 'Request'),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'response' }, 'Response'),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'samples' }, 'Samples'),
    h('vscode-tab-panel', null, requestRegion),
    h('vscode-tab-panel', null, responseRegion),
    h('vscode-tab-panel', null, h('div', 'samples-toolbar', sendAllButton), samplesRegion),
  );

  root.replaceChildren(header, toolbar, progress, errorBanner, tabs);

  let timer: ReturnType<typeof setInterval> | undefined;

  const persist = (): void => {
    if (model.fileUri === '') return;
    const keepResult = model.result && model.result.record.bodyText.length <= MAX_PERSISTED_BODY;
    const saved: PanelState = {
      fileUri: model.fileUri,
      tab: model.tab,
      ...(model.state ? { state: model.state } : {}),
      ...(keepResult ? { result: model.result, past: model.past } : {}),
    };
    host.saveState(saved);
  };

  const setDisabled = (element: HTMLElement, disabled: boolean): void => {
    element.toggleAttribute('disabled', disabled);
  };

  const renderControls = (): void => {
    const s = model.state;
    const busy = model.sending !== undefined;
    setDisabled(sendButton, !s || !s.trusted || !s.sendable || busy);
    setDisabled(inboxButton, !s || !s.sendable || busy);
    setDisabled(curlButton, !s || s.url === '');
    setDisabled(reveal, !s || !s.trusted);
    setDisabled(sendAllButton, !s || !s.trusted || busy);
    const revealed = s?.revealed ?? false;
    reveal.setAttribute('aria-pressed', String(revealed));
    reveal.setAttribute('icon', revealed ? 'eye-closed' : 'eye');
    reveal.toggleAttribute('secondary', !revealed);
    progress.hidden = !busy;
    if (model.sending) {
      const seconds = Math.max(0, (Date.now() - model.sending.startedAt) / 1000);
      progressText.textContent = `${SENDING_LABEL[model.sending.kind] ?? SENDING_LABEL.send} ${seconds.toFixed(1)} s`;
    }
    errorBanner.hidden = model.error === undefined;
    errorText.textContent = model.error ?? '';
  };

  let shownSamples = '';
  const renderHeader = (): void => {
    const s = model.state;
    if (!s) return;
    methodBadge.textContent = s.method;
    methodBadge.className = `method method-${String(s.method).toLowerCase()}`;
    title.textContent = s.name || 'Untitled action';
    file.textContent = s.file;
    file.title = s.file;
    const key = JSON.stringify(s.samples.map((o: SampleOption) => [o.id, o.name, o.builtin]));
    if (key !== shownSamples) {
      shownSamples = key;
      sampleSelect.replaceChildren(
        ...s.samples.map((o: SampleOption) =>
          h('vscode-option', { value: o.id }, o.builtin ? `${o.name} (built-in)` : o.name),
        ),
      );
    }
    (sampleSelect as HTMLElement & { value: string }).value = s.selectedSample;
  };

  const guarded = (region: Element, render: () => Child[]): void => {
    try {
      replaceRegion(region, ...render());
    } catch (error) {
      replaceRegion(region, h('p', 'banner banner-error', `Could not show this: ${String(error)}`));
    }
  };

  const renderRequestRegion = (): void => {
    const s = model.state;
    if (!s) {
      replaceRegion(requestRegion, h('p', 'note empty', 'Waiting for the active webhook file…'));
      return;
    }
    guarded(requestRegion, () =>
      renderRequest(s, {
        openProblem: (line, column) => host.post(createMessage(OpenProblemMessage, { line, column })),
      }),
    );
  };

  const setTab = (tab: Tab): void => {
    const index = TABS.indexOf(tab);
    if (index < 0) return;
    if ((tabs as HTMLElement & { selectedIndex: number }).selectedIndex !== index) {
      (tabs as HTMLElement & { selectedIndex: number }).selectedIndex = index;
    }
    if (model.tab !== tab) {
      model.tab = tab;
      host.post(createMessage(ShowTabMessage, { tab }));
    }
    persist();
  };

  const stopTimer = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  const handle = (message: HostToWebview): void => {
    switch (message.method) {
      case 'state':
        if (!looksLikeState(message.params)) return;
        model.state = message.params;
        model.fileUri = message.params.fileUri;
        renderHeader();
        renderRequestRegion();
        break;
      case 'sending':
        model.sending = message.params;
        model.error = undefined;
        stopTimer();
        timer = setInterval(renderControls, 200);
        break;
      case 'result':
      case 'logRecord':
      {
        if (!looksLikeResult(message.params)) return;
        // During a send to all, single results may arrive; the progress and the tab stay with the samples.
        const duringAll = model.sending?.kind === 'all' && message.method === 'result';
        if (!duringAll) {
          model.sending = undefined;
          stopTimer();
        }
        model.result = message.params;
        model.past = message.method === 'logRecord';
        model.error = undefined;
        guarded(responseRegion, () => renderResponse(model.result, model.past));
        if (!duringAll) setTab('response');
        break;
      }
      case 'samplesReport':
        model.report = message.params;
        if (!message.params.inProgress && model.sending?.kind === 'all') {
          model.sending = undefined;
          stopTimer();
        }
        guarded(samplesRegion, () => renderSamples(model.report));
        break;
      case 'error':
        model.sending = undefined;
        stopTimer();
        model.error = typeof message.params.message === 'string' ? message.params.message : 'Something went wrong.';
        break;
    }
    renderControls();
    persist();
  };

  const onActivate = (element: HTMLElement, action: () => void): void => {
    element.addEventListener('click', () => {
      if (!element.hasAttribute('disabled')) action();
    });
  };
  onActivate(sendButton, () => host.post(createMessage(SendMessage)));
  onActivate(inboxButton, () => host.post(createMessage(SendToInboxMessage)));
  onActivate(curlButton, () => host.post(createMessage(CopyCurlMessage)));
  onActivate(sendAllButton, () => host.post(createMessage(SendToAllMessage)));
  onActivate(cancelButton, () => host.post(createMessage(CancelMessage)));
  dismiss.addEventListener('click', () => {
    model.error = undefined;
    renderControls();
  });
  onActivate(reveal, () => {
    if (model.state) host.post(createMessage(SetRevealMessage, { revealed: !model.state.revealed }));
  });
  sampleSelect.addEventListener('change', () => {
    const id = (sampleSelect as HTMLElement & { value: string }).value;
    if (model.state && id !== '' && id !== model.state.selectedSample) host.post(createMessage(SelectSampleMessage, { id }));
  });
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    const tab = TABS[index];
    if (tab) setTab(tab);
  });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) handle(event.data);
  });

  const saved: unknown = host.loadState();
  const restored = parsePanelState(saved);
  if (restored && isObject(saved)) {
    model.fileUri = restored.fileUri;
    model.tab = restored.tab;
    (tabs as HTMLElement & { selectedIndex: number }).selectedIndex = TABS.indexOf(restored.tab);
    if (looksLikeState(saved.state)) model.state = saved.state;
    if (looksLikeResult(saved.result)) {
      model.result = saved.result;
      model.past = saved.past === true;
    }
  }
  renderHeader();
  renderRequestRegion();
  guarded(responseRegion, () => renderResponse(model.result, model.past));
  guarded(samplesRegion, () => renderSamples(model.report));
  renderControls();
  host.post(createMessage(ReadyMessage));
}
