import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryDiffParams, HostToWebview, ResultParams, StateParams } from '../../src/protocol/messages';
import { closeDelivery, controlsOf, emptyModel, persistedState, pickSample, receive, restoreModel, selectTab, toggleReveal } from '../../webview/model';
import type { Model } from '../../webview/model';
import { ok200, requestState, samplesReport, sending } from '../e2e/panelHarness/fixtures';

const LEAD_URI = 'file:///work/hooks/lead.webhook.json';
const OTHER_URI = 'file:///work/hooks/other.webhook.json';
const JANE = 'samples/jane.sample.json';
const ZOE = 'samples/zoe.sample.json';

function stateOf(fileUri: string, selectedSample = JANE, extra: Partial<StateParams> = {}): StateParams {
  const file = fileUri.split('/').pop()!;
  return { ...requestState, fileUri, file, name: file, selectedSample, ...extra };
}

/** What the receiver's 201 {"id":"rec_42"} looks like as a result of `fileUri` sent with `sampleId`. */
function created(fileUri: string, sampleId = JANE, id = 'rec_42'): ResultParams {
  return {
    owner: { fileUri, sampleId },
    record: {
      ...ok200.record,
      id,
      status: 201,
      statusText: 'Created',
      headers: [['content-type', 'application/json']],
      bodyText: JSON.stringify({ id }),
      bodyIsJson: true,
    },
  };
}

const shownId = (model: Model): string | undefined => model.result?.record.id;
const state = (params: StateParams): HostToWebview => ({ method: 'state', params });
const result = (params: ResultParams): HostToWebview => ({ method: 'result', params });

/** Lead previewed and sent: its 201 is on the Response tab. */
function leadSent(): Model {
  const model = emptyModel();
  receive(model, state(stateOf(LEAD_URI)));
  receive(model, { method: 'sending', params: sending('send') });
  receive(model, result(created(LEAD_URI)));
  assert.equal(model.tab, 'response');
  assert.equal(model.result?.record.bodyText, '{"id":"rec_42"}');
  return model;
}

describe('the panel model keeps every response with the file and sample it belongs to', () => {
  test("switching to another file drops lead's response and goes back to the Request tab", () => {
    const model = leadSent();
    const update = receive(model, state(stateOf(OTHER_URI)));
    assert.equal(model.state?.fileUri, OTHER_URI);
    assert.equal(model.result, undefined, "other.webhook.json shows none of lead's response");
    assert.equal(model.tab, 'request');
    assert.ok(update.render.has('response') && update.render.has('tab'), 'the Response region and the tab are drawn again');
    assert.deepEqual(update.post, [{ method: 'showTab', params: { tab: 'request' } }]);
    assert.equal(persistedState(model)?.result, undefined, 'nor is it persisted under the other file');
  });

  test('switching to a file with a response of its own shows that one, on the tab the user is on', () => {
    const model = leadSent();
    receive(model, state(stateOf(OTHER_URI)));
    receive(model, state({ ...stateOf(LEAD_URI), lastResult: created(LEAD_URI) }));
    assert.equal(model.result?.record.bodyText, '{"id":"rec_42"}');
    assert.equal(model.past, false);
    assert.equal(model.tab, 'request', 'the Request tab stays: the switch did not ask for the response');
    assert.equal(model.state?.lastResult, undefined, 'the attached result is not kept twice');
    assert.equal(persistedState(model)?.result?.record.bodyText, '{"id":"rec_42"}');

    selectTab(model, 'response');
    receive(model, state({ ...stateOf(OTHER_URI), lastResult: created(OTHER_URI, JANE, 'rec_77') }));
    assert.equal(model.tab, 'response', 'on the Response tab, the other file shows its own response');
    assert.equal(model.result?.record.bodyText, '{"id":"rec_77"}');
  });

  test('picking another sample of the same file drops the response of the first sample', () => {
    const model = leadSent();
    receive(model, state(stateOf(LEAD_URI, ZOE)));
    assert.equal(model.result, undefined);
    assert.equal(model.tab, 'request');
  });

  test('a new render of the same file and sample (an edit) keeps the response and the tab', () => {
    const model = leadSent();
    const update = receive(model, state(stateOf(LEAD_URI, JANE, { url: 'https://example.com/edited' })));
    assert.equal(model.result?.record.bodyText, '{"id":"rec_42"}');
    assert.equal(model.tab, 'response');
    assert.deepEqual(update.post, []);
  });

  test('a response of another file that arrives after the switch ends the progress but is not shown', () => {
    const model = emptyModel();
    receive(model, state(stateOf(LEAD_URI)));
    receive(model, { method: 'sending', params: sending('send') });
    receive(model, state(stateOf(OTHER_URI)));
    const update = receive(model, result(created(LEAD_URI)));
    assert.equal(model.sending, undefined, 'the send is over');
    assert.equal(update.timer, 'stop');
    assert.equal(model.result, undefined);
    assert.equal(model.tab, 'request');
    assert.equal(controlsOf(model, Date.now()).send, true);
  });

  test('during a send to all, the result of the selected sample is shown and the others are not', () => {
    const model = emptyModel();
    receive(model, state(stateOf(LEAD_URI, JANE)));
    selectTab(model, 'samples');
    receive(model, { method: 'sending', params: sending('all') });
    receive(model, result(created(LEAD_URI, ZOE, 'rec_zoe')));
    assert.equal(shownId(model), undefined);
    receive(model, result(created(LEAD_URI, JANE, 'rec_jane')));
    assert.equal(shownId(model), 'rec_jane');
    assert.equal(model.tab, 'samples', 'the tab stays with the samples');
    assert.ok(model.sending, 'the progress stays until the final report');
  });

  test('a past record is shown under its file; switching away drops it', () => {
    const model = emptyModel();
    receive(model, state(stateOf(LEAD_URI)));
    receive(model, { method: 'logRecord', params: created(LEAD_URI) });
    assert.equal(model.past, true);
    assert.equal(model.tab, 'response');
    receive(model, state(stateOf(OTHER_URI)));
    assert.equal(model.result, undefined);
    assert.equal(model.past, false);
  });

  test("another file's samples report is dropped on a switch, not on a sample change", () => {
    const model = emptyModel();
    receive(model, state(stateOf(LEAD_URI)));
    receive(model, { method: 'samplesReport', params: samplesReport });
    receive(model, state(stateOf(LEAD_URI, ZOE)));
    assert.ok(model.report, 'the report covers every sample of the file');
    const update = receive(model, state(stateOf(OTHER_URI, ZOE)));
    assert.equal(model.report, undefined);
    assert.ok(update.render.has('samples'));
  });

  test('a persisted result comes back only with the file and sample it belongs to', () => {
    const lead = stateOf(LEAD_URI);
    const saved = { fileUri: LEAD_URI, tab: 'response', state: lead, result: created(LEAD_URI), past: false };
    assert.equal(restoreModel(saved).result?.record.id, 'rec_42');
    const foreign = restoreModel({ ...saved, result: created(OTHER_URI) });
    assert.equal(foreign.result, undefined);
    assert.equal(foreign.tab, 'request');
    const ownerless = restoreModel({ ...saved, result: { record: ok200.record } });
    assert.equal(ownerless.result, undefined, 'a result persisted without its owner is not trusted');
  });
});

describe('the panel model otherwise', () => {
  test('the toolbar follows trust, sendability and what is in flight', () => {
    const model = emptyModel();
    assert.deepEqual(controlsOf(model, 0), { send: false, inbox: false, curl: false, reveal: false, sendAll: false, runWorkflow: false, revealed: false });
    receive(model, state(stateOf(LEAD_URI)));
    assert.deepEqual(controlsOf(model, 0), { send: true, inbox: true, curl: true, reveal: true, sendAll: true, runWorkflow: false, revealed: false });
    receive(model, state(stateOf(LEAD_URI, JANE, { trusted: false })));
    assert.deepEqual(controlsOf(model, 0), { send: false, inbox: true, curl: true, reveal: false, sendAll: false, runWorkflow: false, revealed: false });
    receive(model, state(stateOf(LEAD_URI, JANE, { sendable: false, url: '' })));
    assert.deepEqual(controlsOf(model, 0), { send: false, inbox: false, curl: false, reveal: true, sendAll: true, runWorkflow: false, revealed: false });
    receive(model, state(stateOf(LEAD_URI)));
    receive(model, { method: 'sending', params: { kind: 'inbox', startedAt: 1000 } });
    const busy = controlsOf(model, 3500);
    assert.equal(busy.progress, 'Sending to the local inbox… 2.5 s');
    assert.equal(busy.send || busy.inbox || busy.sendAll, false);
    receive(model, { method: 'error', params: { message: 'port in use' } });
    assert.deepEqual([controlsOf(model, 0).progress, controlsOf(model, 0).error], [undefined, 'port in use']);
  });

  test('a workflow run moves to the Workflow tab; Run workflow is offered for a step of a workflow while no run is under way', () => {
    const model = emptyModel();
    receive(model, state(stateOf(LEAD_URI, JANE, { workflow: { name: 'W', step: 2, steps: 2 } })));
    assert.equal(controlsOf(model, 0).runWorkflow, true);
    const run = { name: 'W', file: 'w.workflow.json', sample: JANE, total: 1, ok: false, steps: [{ step: 1, file: 'a.webhook.json', ok: true }] };
    const update = receive(model, { method: 'workflowRun', params: { ...run, inProgress: true } });
    assert.equal(model.tab, 'workflow');
    assert.ok(update.render.has('workflow'));
    assert.deepEqual(update.post, [{ method: 'showTab', params: { tab: 'workflow' } }]);
    assert.equal(controlsOf(model, 0).runWorkflow, false, 'not while the run is under way');
    receive(model, { method: 'workflowRun', params: run });
    assert.equal(controlsOf(model, 0).runWorkflow, true);
    assert.equal(receive(model, { method: 'workflowRun', params: { steps: 'x' } } as unknown as HostToWebview).render.size, 0);
  });

  test('malformed states and results change nothing and persist nothing', () => {
    const model = leadSent();
    const before = structuredClone(model);
    for (const bad of [
      { method: 'state', params: { url: 5 } },
      { method: 'result', params: { record: 5 } },
    ] as unknown as HostToWebview[]) {
      const update = receive(model, bad);
      assert.equal(update.persist, false);
      assert.equal(update.render.size, 0);
    }
    assert.deepEqual(model, before);
  });

  test('reveal and sample picks post only what changes something', () => {
    const model = emptyModel();
    assert.equal(toggleReveal(model), undefined);
    assert.equal(pickSample(model, ZOE), undefined);
    receive(model, state(stateOf(LEAD_URI)));
    assert.deepEqual(toggleReveal(model), { method: 'setReveal', params: { revealed: true } });
    assert.equal(pickSample(model, JANE), undefined);
    assert.equal(pickSample(model, ''), undefined);
    assert.deepEqual(pickSample(model, ZOE), { method: 'selectSample', params: { id: ZOE } });
  });

  test('picking the tab already shown posts nothing', () => {
    const model = emptyModel();
    assert.deepEqual(selectTab(model, 'request').post, []);
    assert.deepEqual(selectTab(model, 'samples').post, [{ method: 'showTab', params: { tab: 'samples' } }]);
  });
});

describe('what the page persists', () => {
  test('a state with revealed secrets is never persisted, since VS Code writes the webview state to disk', () => {
    const model = emptyModel();
    receive(
      model,
      state(stateOf(LEAD_URI, JANE, { revealed: true, headers: [{ name: 'Authorization', value: 'Bearer tok_live_1234', origin: 'auth', secret: true }] })),
    );
    const saved = persistedState(model);
    assert.equal(saved?.fileUri, LEAD_URI);
    assert.equal(saved?.state, undefined);
    assert.ok(!JSON.stringify(saved).includes('tok_live_1234'));
    receive(model, state(stateOf(LEAD_URI, JANE, { revealed: false })));
    assert.equal(persistedState(model)?.state?.fileUri, LEAD_URI, 'a masked state is persisted as before');
  });
});

describe('a delivery compared with the preview stays with its file and sample', () => {
  const delivery = (fileUri: string, sampleId = JANE): HostToWebview => ({
    method: 'deliveryDiff',
    params: {
      owner: { fileUri, sampleId },
      capture: 'platform.har',
      format: 'har',
      request: 'POST /v1/leads',
      sample: 'Jane',
      match: false,
      differences: [{ part: 'body', where: '$.tags', message: '"a,b" instead of "a, b"', cause: 'array separator' }],
      notes: [],
    } satisfies DeliveryDiffParams,
  });

  test('shown on the Request tab for its own file and sample, dropped when the sample changes, closed on demand', () => {
    const model = leadSent();
    const update = receive(model, delivery(LEAD_URI));
    assert.equal(model.delivery?.capture, 'platform.har');
    assert.equal(model.tab, 'request');
    assert.ok(update.render.has('request'));
    receive(model, state(stateOf(LEAD_URI, ZOE)));
    assert.equal(model.delivery, undefined, 'compared with Jane, not with Zoe');
    receive(model, state(stateOf(LEAD_URI)));
    receive(model, delivery(LEAD_URI));
    assert.ok(model.delivery);
    assert.ok(closeDelivery(model).render.has('request'));
    assert.equal(model.delivery, undefined);
  });

  test("another file's comparison is not shown", () => {
    const model = leadSent();
    receive(model, delivery(OTHER_URI));
    assert.equal(model.delivery, undefined);
  });
});
