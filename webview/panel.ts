/**
 * The preview panel's views: a fixed frame (header, toolbar, tabs) whose regions render from the model in
 * `model.ts`. Host messages and user actions go through the model's updates; this file only draws.
 */
import {
  CancelMessage,
  CopyCurlMessage,
  ReadyMessage,
  SendMessage,
  SendAllToInboxMessage,
  SendToAllMessage,
  SendToInboxMessage,
  OpenProblemMessage,
  RunWorkflowMessage,
  TABS,
  createMessage,
  isHostMessage,
} from '../src/protocol/messages';
import type { SampleOption } from '../src/protocol/messages';
import { h, icon, replaceRegion } from './dom';
import type { Child } from './dom';
import { closeDelivery, controlsOf, dismissError, persistedState, pickSample, receive, restoreModel, selectTab, toggleReveal } from './model';
import { renderDelivery } from './deliveryView';
import type { Model, Region, Update } from './model';
import { renderRequest } from './requestView';
import { renderResponse } from './responseView';
import { renderSamples } from './samplesView';
import { renderWorkflow } from './workflowView';
import type { HostBridge } from './vscodeApi';

type Tabs = HTMLElement & { selectedIndex: number };
type Select = HTMLElement & { value: string };

function button(id: string, label: string, iconName: string, secondary: boolean): HTMLElement {
  return h('vscode-button', { id, icon: iconName, secondary, disabled: true }, label);
}

/** The panel's elements, built once; regions are filled by the renderers. */
function buildFrame() {
  const methodBadge = h('span', { class: 'method', id: 'method' }, '');
  const title = h('h1', { id: 'action-name' }, 'Webhook preview');
  const file = h('span', { class: 'file mono', id: 'action-file' }, 'Open a *.webhook.json file to preview it.');
  const header = h('header', 'header', methodBadge, title, file);

  const sampleSelect = h('vscode-single-select', { id: 'sample-select', 'aria-label': 'Sample' }) as Select;
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
  const errorBanner = h('div', { class: 'banner banner-error alert', id: 'error-banner', role: 'alert', hidden: true }, icon('error'), errorText, dismiss);

  const requestRegion = h('div', { class: 'region', id: 'request-panel' });
  const responseRegion = h('div', { class: 'region', id: 'response-panel' });
  const samplesRegion = h('div', { class: 'region', id: 'samples-content' });
  const sendAllButton = button('send-all', 'Send to all', 'run-all', false);
  const workflowRegion = h('div', { class: 'region', id: 'workflow-content' });
  const runWorkflowButton = button('run-workflow', 'Run workflow', 'run-all', false);
  const sendAllInboxButton = button('send-all-inbox', 'Send all to local inbox', 'inbox', true);
  const tabs = h(
    'vscode-tabs',
    { id: 'tabs', 'selected-index': 0 },
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'request' }, 'Request'),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'response' }, 'Response'),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'samples' }, 'Samples'),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'workflow' }, 'Workflow'),
    h('vscode-tab-panel', null, requestRegion),
    h('vscode-tab-panel', null, responseRegion),
    h('vscode-tab-panel', null, h('div', 'samples-toolbar', sendAllButton, sendAllInboxButton), samplesRegion),
    h('vscode-tab-panel', null, h('div', 'samples-toolbar', runWorkflowButton), workflowRegion),
  ) as Tabs;

  return {
    roots: [header, toolbar, progress, errorBanner, tabs],
    methodBadge,
    title,
    file,
    sampleSelect,
    sendButton,
    inboxButton,
    curlButton,
    reveal,
    progress,
    progressText,
    cancelButton,
    errorBanner,
    errorText,
    dismiss,
    requestRegion,
    responseRegion,
    samplesRegion,
    sendAllButton,
    workflowRegion,
    runWorkflowButton,
    sendAllInboxButton,
    tabs,
  };
}

type Frame = ReturnType<typeof buildFrame>;

function guarded(region: Element, render: () => Child[]): void {
  try {
    replaceRegion(region, ...render());
  } catch (error) {
    replaceRegion(region, h('p', 'banner banner-error', `Could not show this: ${String(error)}`));
  }
}

function renderControls(frame: Frame, model: Model): void {
  const c = controlsOf(model, Date.now());
  const enable = (element: HTMLElement, enabled: boolean): void => void element.toggleAttribute('disabled', !enabled);
  enable(frame.sendButton, c.send);
  enable(frame.inboxButton, c.inbox);
  enable(frame.curlButton, c.curl);
  enable(frame.reveal, c.reveal);
  enable(frame.sendAllButton, c.sendAll);
  enable(frame.runWorkflowButton, c.runWorkflow);
  enable(frame.sendAllInboxButton, c.sendAll);
  frame.reveal.setAttribute('aria-pressed', String(c.revealed));
  frame.reveal.setAttribute('icon', c.revealed ? 'eye-closed' : 'eye');
  frame.reveal.toggleAttribute('secondary', !c.revealed);
  frame.progress.hidden = c.progress === undefined;
  if (c.progress !== undefined) frame.progressText.textContent = c.progress;
  frame.errorBanner.hidden = c.error === undefined;
  frame.errorText.textContent = c.error ?? '';
}

/** Renders the header and the sample picker; the picker's options are rebuilt only when they change. */
function headerRenderer(frame: Frame): (model: Model) => void {
  let shownSamples = '';
  return (model) => {
    const s = model.state;
    if (!s) return;
    frame.methodBadge.textContent = s.method;
    frame.methodBadge.className = `method method-${String(s.method).toLowerCase()}`;
    frame.title.textContent = s.name || 'Untitled action';
    frame.file.textContent = s.file;
    frame.file.title = s.file;
    const key = JSON.stringify(s.samples.map((o: SampleOption) => [o.id, o.name, o.builtin]));
    if (key !== shownSamples) {
      shownSamples = key;
      frame.sampleSelect.replaceChildren(
        ...s.samples.map((o: SampleOption) => h('vscode-option', { value: o.id }, o.builtin ? `${o.name} (built-in)` : o.name)),
      );
    }
    frame.sampleSelect.value = s.selectedSample;
  };
}

/** Builds the panel inside `root` and connects it to the host. */
export function startPanel(root: HTMLElement, host: HostBridge): void {
  const frame = buildFrame();
  root.replaceChildren(...frame.roots);
  const model = restoreModel(host.loadState());
  const renderHeader = headerRenderer(frame);
  let timer: ReturnType<typeof setInterval> | undefined;

  const renderers: Record<Region, () => void> = {
    header: () => renderHeader(model),
    request: () => {
      const s = model.state;
      if (!s) {
        replaceRegion(frame.requestRegion, h('p', 'note empty', 'Waiting for the active webhook file…'));
        return;
      }
      guarded(frame.requestRegion, () => [
        ...(model.delivery ? [renderDelivery(model.delivery, () => apply(closeDelivery(model)))] : []),
        ...renderRequest(s, { openProblem: (line, column) => host.post(createMessage(OpenProblemMessage, { line, column })) }),
      ]);
    },
    response: () => guarded(frame.responseRegion, () => renderResponse(model.result, model.past)),
    samples: () => guarded(frame.samplesRegion, () => renderSamples(model.report)),
    workflow: () => guarded(frame.workflowRegion, () => renderWorkflow(model.run, model.state)),
    controls: () => renderControls(frame, model),
    tab: () => {
      const index = TABS.indexOf(model.tab);
      if (index >= 0 && frame.tabs.selectedIndex !== index) frame.tabs.selectedIndex = index;
    },
  };
  // The order regions are drawn in, whatever order an update names them.
  const ORDER: readonly Region[] = ['header', 'request', 'response', 'samples', 'workflow', 'tab', 'controls'];

  const apply = (update: Update): void => {
    for (const region of ORDER) if (update.render.has(region)) renderers[region]();
    for (const message of update.post) host.post(message);
    if (update.timer) {
      if (timer !== undefined) clearInterval(timer);
      timer = update.timer === 'start' ? setInterval(renderers.controls, 200) : undefined;
    }
    if (update.persist) {
      const saved = persistedState(model);
      if (saved) host.saveState(saved);
    }
  };

  const onActivate = (element: HTMLElement, action: () => void): void => {
    element.addEventListener('click', () => {
      if (!element.hasAttribute('disabled')) action();
    });
  };
  onActivate(frame.sendButton, () => host.post(createMessage(SendMessage)));
  onActivate(frame.inboxButton, () => host.post(createMessage(SendToInboxMessage)));
  onActivate(frame.curlButton, () => host.post(createMessage(CopyCurlMessage)));
  onActivate(frame.sendAllButton, () => host.post(createMessage(SendToAllMessage)));
  onActivate(frame.runWorkflowButton, () => host.post(createMessage(RunWorkflowMessage)));
  onActivate(frame.sendAllInboxButton, () => host.post(createMessage(SendAllToInboxMessage)));
  onActivate(frame.cancelButton, () => host.post(createMessage(CancelMessage)));
  frame.dismiss.addEventListener('click', () => apply(dismissError(model)));
  onActivate(frame.reveal, () => {
    const message = toggleReveal(model);
    if (message) host.post(message);
  });
  frame.sampleSelect.addEventListener('change', () => {
    const message = pickSample(model, frame.sampleSelect.value);
    if (message) host.post(message);
  });
  frame.tabs.addEventListener('vsc-tabs-select', (event) => {
    const tab = TABS[(event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex];
    if (tab) apply(selectTab(model, tab));
  });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) apply(receive(model, event.data));
  });

  frame.tabs.selectedIndex = TABS.indexOf(model.tab);
  for (const region of ORDER) if (region !== 'tab') renderers[region]();
  host.post(createMessage(ReadyMessage));
}
