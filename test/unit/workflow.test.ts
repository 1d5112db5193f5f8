import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseActionDocument } from '../../src/core/document';
import { HttpSender } from '../../src/core/http/index';
import { mapSecretSource, noTokens } from '../../src/core/secretSources';
import type { TokenProvider } from '../../src/core/sendAction';
import type { ExecutionRecord, Sample } from '../../src/core/types';
import { runWorkflow } from '../../src/core/workflow';
import { validateWorkflow } from '../../src/core/workflowSchema';
import { parseWorkflow, savedFromRecords, savesResponse, withSavedResponses, type WorkflowPosition } from '../../src/core/workflowModel';
import { runCli, ROOT } from './helpers/cli';
import { actionText, lintText, sample } from './helpers/core';
import { readBody, startHttpServer, type TestServer } from './helpers/servers';

const BOUND = { timeout: 20_000 };
const tokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };
const SAMPLE: Sample = { name: 'Jane', builtin: false, data: { contact: { id: 'c_1', first_name: 'Jane' } } };

/** A receiver that creates a record on POST /records (answering its id) and echoes every other request. */
async function recordsServer(seen: Array<{ method: string; url: string; body: string }>, failFirst = false): Promise<TestServer> {
  let n = 0;
  return startHttpServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      n++;
      if (failFirst && n === 1) {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      if (req.method === 'POST' && req.url === '/records') {
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ record: { id: `rec_${40 + n}` }, id: `rec_${40 + n}` }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
}

const createText = (base: string, save = true) =>
  JSON.stringify({ name: 'Create', method: 'POST', url: `${base}/records`, ...(save ? { saveResponse: true } : {}), body: { name: '{{contact.first_name}}' } });
const tagText = (base: string) =>
  JSON.stringify({
    name: 'Tag',
    method: 'PUT',
    url: `${base}/records/{{custom_webhook.1.response.id}}`,
    body: { record: '{{custom_webhook.1.response.record.id}}' },
  });

describe('the workflow runner against a real loopback server', () => {
  const sender = new HttpSender({ privateAddresses: 'allow' });
  after(() => sender.close());
  const send = { escaping: 'json' as const, arraySeparator: ', ', secrets: mapSecretSource(new Map()), tokens, transport: sender, timeoutMs: 5000 };

  test("step 2's URL and body hold the id step 1 saved", BOUND, async () => {
    const seen: Array<{ method: string; url: string; body: string }> = [];
    const server = await recordsServer(seen);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const told: number[] = [];
      const run = await runWorkflow({
        name: 'Create then tag',
        sample: SAMPLE,
        steps: [
          { file: 'create.webhook.json', doc: parseActionDocument(createText(base)) },
          { file: 'tag.webhook.json', doc: parseActionDocument(tagText(base)) },
        ],
        send,
        onStep: (s) => told.push(s.step),
      });
      assert.equal(run.ok, true);
      assert.deepEqual(told, [1, 2]);
      assert.deepEqual(seen, [
        { method: 'POST', url: '/records', body: '{"name":"Jane"}' },
        { method: 'PUT', url: '/records/rec_41', body: '{"record":"rec_41"}' },
      ]);
      assert.deepEqual(run.steps[0]!.saved, { record: { id: 'rec_41' }, id: 'rec_41' });
      assert.equal(run.steps[1]!.saved, undefined, 'step 2 does not save its response');
    } finally {
      await server.close();
    }
  });

  test('a step without saveResponse gives nothing: the sample data stands in, else the template renders empty', BOUND, async () => {
    const seen: Array<{ method: string; url: string; body: string }> = [];
    const server = await recordsServer(seen);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const steps = [
        { file: 'create.webhook.json', doc: parseActionDocument(createText(base, false)) },
        { file: 'tag.webhook.json', doc: parseActionDocument(tagText(base)) },
      ];
      await runWorkflow({ name: 'w', sample: SAMPLE, steps, send });
      const own: Sample = { ...SAMPLE, data: { ...SAMPLE.data, custom_webhook: { '1': { response: { id: 'rec_sample', record: { id: 'rec_sample' } } } } } };
      await runWorkflow({ name: 'w', sample: own, steps, send });
      assert.deepEqual(
        seen.filter((s) => s.method === 'PUT').map((s) => s.url),
        ['/records/', '/records/rec_sample'],
      );
    } finally {
      await server.close();
    }
  });

  test('a failed step does not stop the run; the run is not ok; an unreadable step is reported in its place', BOUND, async () => {
    const seen: Array<{ method: string; url: string; body: string }> = [];
    const server = await recordsServer(seen, true);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const run = await runWorkflow({
        name: 'w',
        sample: SAMPLE,
        steps: [
          { file: 'create.webhook.json', doc: parseActionDocument(createText(base)) },
          { file: 'missing.webhook.json', error: 'no such file' },
          { file: 'tag.webhook.json', doc: parseActionDocument(tagText(base)) },
        ],
        send,
      });
      assert.equal(run.ok, false);
      assert.deepEqual(
        run.steps.map((s) => [s.step, s.ok]),
        [
          [1, false],
          [2, false],
          [3, true],
        ],
      );
      assert.equal(run.steps[1]!.error, 'no such file');
      // Step 1 failed with a JSON answer: that answer is its saved response, as the platform would map it.
      assert.equal(seen[1]!.url, '/records/');
    } finally {
      await server.close();
    }
  });
});

describe('saved responses and workflow files', () => {
  test('withSavedResponses puts a real response over the sample data and leaves the sample unchanged', () => {
    const own: Sample = { ...SAMPLE, data: { custom_webhook: { '1': { response: { id: 'old' } }, '2': { response: { x: 1 } } } } };
    const merged = withSavedResponses(own, new Map([[1, { id: 'new' }]]));
    assert.deepEqual(merged.data['custom_webhook'], { '1': { response: { id: 'new' } }, '2': { response: { x: 1 } } });
    assert.deepEqual(own.data['custom_webhook'], { '1': { response: { id: 'old' } }, '2': { response: { x: 1 } } });
  });

  test('savedFromRecords takes the newest record of an earlier saving step for the same sample', () => {
    const record = (file: string, sample: string, body: string): ExecutionRecord =>
      ({ file, sample, response: { bodyPreview: body } }) as unknown as ExecutionRecord;
    const position: WorkflowPosition = {
      workflow: 'w',
      step: 3,
      steps: [
        { shown: 'a', saveResponse: true },
        { shown: 'b', saveResponse: false },
        { shown: 'c', saveResponse: true },
      ],
    };
    const records = [
      record('a', 'Sam', '{"id":"sam"}'),
      record('a', 'Jane', '{"id":"newest"}'),
      record('a', 'Jane', '{"id":"older"}'),
      record('b', 'Jane', '{"id":"b"}'),
      record('c', 'Jane', '{"id":"c"}'),
    ];
    assert.deepEqual([...savedFromRecords(position, 'Jane', records)], [[1, { id: 'newest' }]]);
    assert.deepEqual([...savedFromRecords(position, 'Jane', [record('a', 'Jane', 'not json')])], []);
  });

  test('parseWorkflow reads the name, trigger and steps with their ranges; validateWorkflow names schema problems', () => {
    const text = '{ "name": "W", "trigger": "payment_received", "steps": [{ "action": "a.webhook.json" }, { "action": "b.webhook.json" }] }';
    const parsed = parseWorkflow(text);
    assert.equal(parsed.name, 'W');
    assert.equal(parsed.trigger, 'payment_received');
    assert.deepEqual(
      parsed.steps.map((s) => [s.action, text.slice(s.range.start, s.range.end)]),
      [
        ['a.webhook.json', '"a.webhook.json"'],
        ['b.webhook.json', '"b.webhook.json"'],
      ],
    );
    assert.deepEqual(validateWorkflow(text).diagnostics, []);
    const bad = '{ "name": "W", "trigger": "sunrise", "steps": [{ "action": "a.json" }, {}] }';
    const messages = validateWorkflow(bad).diagnostics.map((d) => [bad.slice(d.range.start, d.range.end), d.message]);
    assert.ok(
      messages.some(([at, m]) => at === '"sunrise"' && /one of the listed triggers/.test(m!)),
      JSON.stringify(messages),
    );
    assert.ok(
      messages.some(([at, m]) => at === '"a.json"' && /\*\.webhook\.json/.test(m!)),
      JSON.stringify(messages),
    );
    assert.ok(
      messages.some(([at, m]) => at!.startsWith('{') && /"action"/.test(m!)),
      JSON.stringify(messages),
    );
    assert.equal(parseWorkflow('{ "name": ').diagnostics[0]?.code, 'invalid-json');
  });

  test('savesResponse reads "saveResponse": true only', () => {
    assert.equal(savesResponse(parseActionDocument(actionText({ saveResponse: true }))), true);
    assert.equal(savesResponse(parseActionDocument(actionText({ saveResponse: 'yes' }))), false);
    assert.equal(savesResponse(parseActionDocument(actionText({ body: { note: 'saveResponse' } }))), false);
  });
});

describe('lint of saved responses and trigger namespaces in a workflow step', () => {
  const position = (step: number, over: Partial<WorkflowPosition> = {}): WorkflowPosition => ({
    workflow: 'Create then tag',
    step,
    steps: [
      { shown: 'create.webhook.json', saveResponse: true },
      { shown: 'log.webhook.json', saveResponse: false },
      { shown: 'tag.webhook.json', saveResponse: true },
    ],
    ...over,
  });
  const saved = sample({ contact: { id: 'c' }, custom_webhook: { '1': { response: { id: 'rec_1', record: { id: 'rec_1' } } } } }, 'Jane');
  const lintIn = (body: Record<string, unknown>, step: number, s = saved, over: Partial<WorkflowPosition> = {}) =>
    lintText(actionText({ body }), [s], undefined, undefined, position(step, over)).diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      fixes: d.fixes?.map((f) => f.title),
    }));

  test('a path the saved response has is silent', () => {
    assert.deepEqual(lintIn({ a: '{{custom_webhook.1.response.id}}', b: '{{custom_webhook.1.response.record.id}}' }, 3), []);
  });

  test('a path the saved response lacks is a warning with its keys and the nearest one as quick fix', () => {
    const [d] = lintIn({ a: '{{custom_webhook.1.response.idd}}' }, 3);
    assert.equal(d?.code, 'unknown-variable');
    assert.equal(d?.severity, 'warning');
    assert.match(d.message, /saved response of step 1 \(create\.webhook\.json\) has no "idd".*Its keys: id, record/);
    assert.deepEqual(d?.fixes, ['Change to {{custom_webhook.1.response.id}}']);
  });

  const errors: Array<[string, number, RegExp]> = [
    ['{{custom_webhook.2.response.id}}', 3, /step 2 \(log\.webhook\.json\) does not save its response: set "saveResponse": true/],
    ['{{custom_webhook.3.response.id}}', 1, /step 3 \(tag\.webhook\.json\) runs after this one \(step 1\)/],
    ['{{custom_webhook.1.response.id}}', 1, /step 1 is this step/],
    ['{{custom_webhook.9.response.id}}', 3, /has 3 step\(s\)/],
  ];
  for (const [template, step, message] of errors) {
    test(`${template} in step ${step} is an unsaved-response error`, () => {
      const [d] = lintIn({ a: template }, step);
      assert.equal(d?.code, 'unsaved-response');
      assert.equal(d?.severity, 'error');
      assert.match(d.message, message);
    });
  }

  test('an earlier saving step with no response saved yet for the sample is an info', () => {
    const [d] = lintIn({ a: '{{custom_webhook.1.response.id}}' }, 3, sample({ contact: { id: 'c' } }, 'Sam'));
    assert.equal(d?.code, 'absent-in-sample');
    assert.match(d.message, /No response of step 1 \(create\.webhook\.json\) is saved for sample "Sam" yet/);
  });

  test('a trigger namespace the trigger does not provide is a warning; one it provides is not', () => {
    const [d] = lintIn({ a: '{{payment.total_amount}}' }, 1, saved, { trigger: 'form_submitted', triggerNamespaces: [] });
    assert.equal(d?.code, 'trigger-namespace');
    assert.match(d.message, /"payment" is filled only when Payment Received starts the workflow/);
    assert.deepEqual(
      lintIn({ a: '{{payment.total_amount}}' }, 1, saved, { trigger: 'payment_received', triggerNamespaces: ['payment'] }).map((x) => x.code),
      ['absent-in-sample'],
    );
  });
});

describe('webhook-studio run', () => {
  let work: string;
  let server: TestServer;
  const seen: Array<{ method: string; url: string; body: string }> = [];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'webhook-studio-run-'));
    server = await recordsServer(seen);
    const base = `http://127.0.0.1:${server.port}`;
    writeFileSync(join(work, 'create.webhook.json'), createText(base));
    writeFileSync(join(work, 'tag.webhook.json'), tagText(base));
    writeFileSync(join(work, 'jane.sample.json'), JSON.stringify({ name: 'Jane', contact: { first_name: 'Jane' } }));
    writeFileSync(
      join(work, 'w.workflow.json'),
      JSON.stringify({ name: 'Create then tag', steps: [{ action: 'create.webhook.json' }, { action: 'tag.webhook.json' }] }),
    );
    writeFileSync(
      join(work, 'broken.workflow.json'),
      JSON.stringify({ name: 'Broken', steps: [{ action: 'create.webhook.json' }, { action: 'gone.webhook.json' }] }),
    );
    writeFileSync(join(work, 'bad.workflow.json'), '{ "name": "Bad", "steps": [] }');
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('runs the steps in order, prints each step, and exits 0 when every step was accepted', BOUND, async () => {
    seen.length = 0;
    const r = await runCli(['run', 'w.workflow.json'], { cwd: work, env: {} });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url}`),
      ['POST /records', 'PUT /records/rec_41'],
    );
    assert.match(r.stdout, /Workflow "Create then tag", sample "Jane": 2 step\(s\)/);
    const one = r.stdout.indexOf('Step 1 of 2 · create.webhook.json');
    const two = r.stdout.indexOf('Step 2 of 2 · tag.webhook.json');
    assert.ok(one >= 0 && two > one, r.stdout);
    assert.match(r.stdout, /Saved as custom_webhook\.1\.response: \{"record":\{"id":"rec_41"\},"id":"rec_41"\}/);
    assert.match(r.stdout, /2 step\(s\) accepted/);
  });

  test('--json prints one object with every step; a missing step file makes the run exit 1 after the other steps ran', BOUND, async () => {
    seen.length = 0;
    const r = await runCli(['run', 'broken.workflow.json', '--json'], { cwd: work, env: {} });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      steps: Array<{ step: number; ok: boolean; error?: string; record?: { response?: { status: number } } }>;
    };
    assert.equal(out.ok, false);
    assert.deepEqual(
      out.steps.map((s) => [s.step, s.ok, s.record?.response?.status ?? s.error?.slice(0, 10)]),
      [
        [1, true, 201],
        [2, false, out.steps[1]!.error!.slice(0, 10)],
      ],
    );
    assert.equal(seen.length, 1);
  });

  test('a workflow with errors is not run: exit 1 with the problem at its line and column', BOUND, async () => {
    seen.length = 0;
    const r = await runCli(['run', 'bad.workflow.json'], { cwd: work, env: {} });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^bad\.workflow\.json:1:\d+ error schema /m);
    assert.equal(seen.length, 0);
  });

  test('usage errors exit 2: no file, an unreadable one, a bad --now', BOUND, async () => {
    assert.equal((await runCli(['run'], { cwd: work, env: {} })).code, 2);
    const missing = await runCli(['run', 'nope.workflow.json'], { cwd: work, env: {} });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.workflow\.json/);
    const now = await runCli(['run', 'w.workflow.json', '--now', 'tomorrow'], { cwd: work, env: {} });
    assert.equal(now.code, 2);
    assert.match(now.stderr, /--now must be an ISO 8601 time/);
  });

  test('the example workflow runs against the local inbox: step 2 reads the id step 1 saved from the inbox answer', BOUND, async () => {
    const r = await runCli(
      ['run', 'create-and-tag.workflow.json', '--inbox', '--json', '--secret', 'CRM_TOKEN=example-token-1234', '--now', '2026-12-01T15:07:05Z'],
      {
        cwd: join(ROOT, 'examples'),
        env: {},
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { steps: Array<{ saved?: { id: string }; record: { request: { url: string; body: string } } }> };
    const id = out.steps[0]!.saved!.id;
    assert.match(id, /^\d+$/);
    const step2 = out.steps[1]!.record.request;
    assert.match(step2.url, new RegExp(`/v1/records/${id}/tags$`));
    assert.equal(JSON.parse(step2.body).record_id, id);
    // The clock is the one given: the sample's location is in America/Chicago (09:07 on the same day).
    assert.equal(JSON.parse(out.steps[0]!.record.request.body).created, '2026-12-01');
    assert.ok(!r.stdout.includes('example-token-1234'));
  });
});

describe('--now and --time-zone make right_now reproducible', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'webhook-studio-now-'));
    writeFileSync(
      join(work, 'a.webhook.json'),
      actionText({ body: { y: '{{right_now.year}}', h: '{{right_now.hour}}', d: '{{right_now.little_endian_date}}' } }),
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('render --now gives exactly the given time, in the given zone', BOUND, async () => {
    const r = await runCli(['render', 'a.webhook.json', '--format', 'json', '--now', '2026-12-31T23:30:00Z'], { cwd: work, env: {} });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { body: string }).body, '{"y":"2026","h":"23","d":"31/12/2026"}');
    const tokyo = await runCli(['render', 'a.webhook.json', '--format', 'json', '--now', '2026-12-31T23:30:00Z', '--time-zone', 'Asia/Tokyo'], {
      cwd: work,
      env: {},
    });
    assert.equal((JSON.parse(tokyo.stdout) as { body: string }).body, '{"y":"2027","h":"08","d":"01/01/2027"}');
    const bad = await runCli(['render', 'a.webhook.json', '--time-zone', 'Mars/Olympus'], { cwd: work, env: {} });
    assert.equal(bad.code, 2);
  });

  test('without --now, right_now.year is the current year', BOUND, async () => {
    const before = new Date().getUTCFullYear();
    const r = await runCli(['render', 'a.webhook.json', '--format', 'json'], { cwd: work, env: {} });
    const year = Number((JSON.parse((JSON.parse(r.stdout) as { body: string }).body) as { y: string }).y);
    assert.ok(year === before || year === new Date().getUTCFullYear());
  });
});
