/**
 * The preview panel's model and its updates: what the panel holds, how each host message and user action
 * changes it, and what that asks of the views (regions to render again, messages to post, the progress
 * timer). No DOM here, so it runs under Node as well as in the page.
 */
import { SetRevealMessage, SelectSampleMessage, ShowTabMessage, TABS, createMessage, parsePanelState } from '../src/protocol/messages';
import type {
  DeliveryDiffParams,
  HostToWebview,
  PanelState,
  ResultParams,
  SamplesReportParams,
  SendingParams,
  StateParams,
  Tab,
  WebviewToHost,
  WorkflowRunParams,
} from '../src/protocol/messages';

/** Everything the panel shows. */
export interface Model {
  fileUri: string;
  tab: Tab;
  state?: StateParams;
  result?: ResultParams;
  /** The result is a past record opened from the execution logs. */
  past: boolean;
  report?: SamplesReportParams;
  sending?: SendingParams;
  error?: string;
  /** A real delivery compared with the preview of the file and sample shown. */
  delivery?: DeliveryDiffParams;
  /** The last workflow run, as the Workflow tab shows it. */
  run?: WorkflowRunParams;
}

/** The parts of the page that render from the model. */
export type Region = 'header' | 'request' | 'response' | 'samples' | 'workflow' | 'controls' | 'tab';

/** What an update asks of the page. */
export interface Update {
  /** Regions to render again. */
  readonly render: ReadonlySet<Region>;
  /** Messages for the host, in order. */
  readonly post: readonly WebviewToHost[];
  /** Start (or restart) the progress timer, or stop it. */
  readonly timer?: 'start' | 'stop';
  /** Persist the model afterwards. */
  readonly persist: boolean;
}

/** Results larger than this are not persisted: webview state is meant to stay small. */
export const MAX_PERSISTED_BODY = 1_000_000;

const SENDING_LABEL: Record<SendingParams['kind'], string> = {
  send: 'Sending test request…',
  inbox: 'Sending to the local inbox…',
  all: 'Sending to every sample…',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A shape check of a state from the host or from persisted state. */
export function looksLikeState(value: unknown): value is StateParams {
  return (
    isObject(value) &&
    typeof value.url === 'string' &&
    typeof value.name === 'string' &&
    Array.isArray(value.headers) &&
    Array.isArray(value.samples) &&
    Array.isArray(value.problems)
  );
}

/** A shape check of a result from the host or from persisted state; a result must name its owner. */
export function looksLikeResult(value: unknown): value is ResultParams {
  return (
    isObject(value) &&
    isObject(value.owner) &&
    typeof value.owner.fileUri === 'string' &&
    typeof value.owner.sampleId === 'string' &&
    isObject(value.record) &&
    typeof value.record.bodyText === 'string'
  );
}

/** The file and sample a state shows; results are shown only under the same pair. */
function keyOf(state: StateParams | undefined): string {
  return state ? JSON.stringify([state.fileUri, state.selectedSample]) : '';
}

/** True when `result` was sent from the file and with the sample `state` shows. */
export function belongsTo(result: ResultParams, state: StateParams | undefined): boolean {
  return state !== undefined && result.owner.fileUri === state.fileUri && result.owner.sampleId === state.selectedSample;
}

/** An empty model: no file yet, on the Request tab. */
export function emptyModel(): Model {
  return { fileUri: '', tab: 'request', past: false };
}

/** The model persisted by an earlier page, or an empty one when `saved` is not a panel state. */
export function restoreModel(saved: unknown): Model {
  const model = emptyModel();
  const restored = parsePanelState(saved);
  if (!restored || !isObject(saved)) return model;
  model.fileUri = restored.fileUri;
  model.tab = restored.tab;
  if (looksLikeState(saved.state)) model.state = saved.state;
  if (looksLikeResult(saved.result) && belongsTo(saved.result, model.state)) {
    model.result = saved.result;
    model.past = saved.past === true;
  } else if (saved.result !== undefined && model.tab === 'response') {
    // The persisted result is not this file's (or not trustworthy): show the request instead.
    model.tab = 'request';
  }
  return model;
}

/**
 * What the page persists of the model; undefined before any file was shown. VS Code writes it to disk,
 * so a state with revealed secrets is never part of it: the host sends a fresh one when the page returns.
 */
export function persistedState(model: Model): PanelState | undefined {
  if (model.fileUri === '') return undefined;
  const keepResult = model.result && belongsTo(model.result, model.state) && model.result.record.bodyText.length <= MAX_PERSISTED_BODY;
  return {
    fileUri: model.fileUri,
    tab: model.tab,
    ...(model.state && !model.state.revealed ? { state: model.state } : {}),
    ...(keepResult ? { result: model.result, past: model.past } : {}),
  };
}

class Changes {
  readonly render = new Set<Region>();
  readonly post: WebviewToHost[] = [];
  timer: 'start' | 'stop' | undefined;
  persist = true;

  done(): Update {
    return { render: this.render, post: this.post, persist: this.persist, ...(this.timer ? { timer: this.timer } : {}) };
  }
}

function moveTo(model: Model, tab: Tab, changes: Changes): void {
  changes.render.add('tab');
  if (model.tab !== tab) {
    model.tab = tab;
    changes.post.push(createMessage(ShowTabMessage, { tab }));
  }
}

function endSending(model: Model, changes: Changes): void {
  model.sending = undefined;
  changes.timer = 'stop';
}

/** Applies a message from the host to the model. */
export function receive(model: Model, message: HostToWebview): Update {
  const changes = new Changes();
  switch (message.method) {
    case 'state': {
      if (!looksLikeState(message.params)) return { render: new Set(), post: [], persist: false };
      const { lastResult, ...state } = message.params;
      const switched = keyOf(state) !== keyOf(model.state);
      const otherFile = state.fileUri !== model.fileUri;
      model.state = state;
      model.fileUri = state.fileUri;
      changes.render.add('header').add('request').add('workflow');
      if (lastResult !== undefined && looksLikeResult(lastResult) && belongsTo(lastResult, state)) {
        model.result = lastResult;
        model.past = false;
        changes.render.add('response');
      } else if (switched) {
        // What is shown belonged to the file or sample shown before: drop it, and leave its tab.
        model.result = undefined;
        model.past = false;
        changes.render.add('response');
        if (model.tab === 'response') moveTo(model, 'request', changes);
      }
      if (switched && model.delivery) {
        // The comparison was with another file or sample.
        model.delivery = undefined;
      }
      if (otherFile && model.report) {
        model.report = undefined;
        changes.render.add('samples');
      }
      break;
    }
    case 'sending':
      model.sending = message.params;
      model.error = undefined;
      changes.timer = 'start';
      break;
    case 'result':
    case 'logRecord': {
      if (!looksLikeResult(message.params)) return { render: new Set(), post: [], persist: false };
      // During a send to all, single results may arrive; the progress and the tab stay with the samples.
      const duringAll = model.sending?.kind === 'all' && message.method === 'result';
      if (!duringAll) endSending(model, changes);
      model.error = undefined;
      // A send of another file or sample may finish after a switch: it ends the progress, but is not shown here.
      if (!belongsTo(message.params, model.state)) break;
      model.result = message.params;
      model.past = message.method === 'logRecord';
      changes.render.add('response');
      if (!duringAll) moveTo(model, 'response', changes);
      break;
    }
    case 'samplesReport':
      model.report = message.params;
      if (!message.params.inProgress && model.sending?.kind === 'all') endSending(model, changes);
      changes.render.add('samples');
      break;
    case 'deliveryDiff':
      if (!isObject(message.params) || !Array.isArray(message.params.differences) || !isObject(message.params.owner)) break;
      if (model.state && message.params.owner.fileUri === model.state.fileUri && message.params.owner.sampleId === model.state.selectedSample) {
        model.delivery = message.params;
        changes.render.add('request');
        moveTo(model, 'request', changes);
      }
      break;
    case 'workflowRun':
      if (!isObject(message.params) || !Array.isArray(message.params.steps)) return { render: new Set(), post: [], persist: false };
      model.run = message.params;
      changes.render.add('workflow');
      moveTo(model, 'workflow', changes);
      break;
    case 'error':
      endSending(model, changes);
      model.error = typeof message.params.message === 'string' ? message.params.message : 'Something went wrong.';
      break;
  }
  changes.render.add('controls');
  return changes.done();
}

/** The user picked a tab. */
export function selectTab(model: Model, tab: Tab): Update {
  const changes = new Changes();
  if (TABS.includes(tab)) moveTo(model, tab, changes);
  return changes.done();
}

/** The user closed the delivery comparison. */
export function closeDelivery(model: Model): Update {
  model.delivery = undefined;
  const changes = new Changes();
  changes.render.add('request');
  changes.persist = false;
  return changes.done();
}

/** The user dismissed the error banner. */
export function dismissError(model: Model): Update {
  model.error = undefined;
  const changes = new Changes();
  changes.render.add('controls');
  changes.persist = false;
  return changes.done();
}

/** The message the Reveal toggle posts, if any. */
export function toggleReveal(model: Model): WebviewToHost | undefined {
  return model.state ? createMessage(SetRevealMessage, { revealed: !model.state.revealed }) : undefined;
}

/** The message a pick in the sample picker posts, if any. */
export function pickSample(model: Model, id: string): WebviewToHost | undefined {
  return model.state && id !== '' && id !== model.state.selectedSample ? createMessage(SelectSampleMessage, { id }) : undefined;
}

/** The state of the toolbar, progress and error banner. */
export interface Controls {
  readonly send: boolean;
  readonly inbox: boolean;
  readonly curl: boolean;
  readonly reveal: boolean;
  readonly sendAll: boolean;
  /** Run workflow: the file is a step of a workflow and no run is under way. */
  readonly runWorkflow: boolean;
  readonly revealed: boolean;
  /** The progress text, or undefined when nothing is in flight. */
  readonly progress?: string;
  readonly error?: string;
}

/** Which controls are enabled and what the progress says at `now` (epoch ms). */
export function controlsOf(model: Model, now: number): Controls {
  const s = model.state;
  const busy = model.sending !== undefined;
  const seconds = model.sending ? Math.max(0, (now - model.sending.startedAt) / 1000) : 0;
  return {
    send: Boolean(s && s.trusted && s.sendable && !busy),
    inbox: Boolean(s && s.sendable && !busy),
    curl: Boolean(s && s.url !== ''),
    reveal: Boolean(s && s.trusted),
    sendAll: Boolean(s && s.trusted && !busy),
    runWorkflow: Boolean(s?.workflow && s.trusted && !busy && !model.run?.inProgress),
    revealed: s?.revealed ?? false,
    ...(model.sending ? { progress: `${SENDING_LABEL[model.sending.kind] ?? SENDING_LABEL.send} ${seconds.toFixed(1)} s` } : {}),
    ...(model.error !== undefined ? { error: model.error } : {}),
  };
}
