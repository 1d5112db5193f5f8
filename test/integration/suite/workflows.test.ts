import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { EXAMPLE_SAMPLE_FILE } from '../../../src/core/exampleFiles';
import { EXAMPLE_WORKFLOW_FILES } from '../../../src/core/exampleWorkflow';
import type { WorkflowRunOutcome } from '../../../src/extension/send';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import type { RenderedView } from '../../../src/extension/analysis';
import { codesOf, hoverText, JANE, open, positionOf, removeGenerated, selectSample, studioApi, waitForDiagnostics, writeGenerated, ZOE } from './studio';

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function completionsAt(uri: vscode.Uri, position: vscode.Position, resolve = 0): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, '.', resolve);
  return list.items;
}

async function hoverAt(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position));
}

const action = (body: Record<string, unknown>) => JSON.stringify({ name: 'x', method: 'POST', url: 'https://api.example.com/v1/x', body }, null, 2);

describe('the merge-field catalogue in the editor', () => {
  before(async () => {
    await studioApi();
    await selectSample(JANE);
  });
  afterEach(closeAllEditors);
  after(removeGenerated);

  it('offers location.name and location.full_address after {{location. though no sample has location', async () => {
    for (const sample of ['jane.sample.json', 'samples/zoe.sample.json']) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(fixtureUri(sample)));
      assert.ok(!('location' in (JSON.parse(text) as object)), `${sample} has no location`);
    }
    const uri = await writeGenerated('catalogue-location.webhook.json', action({ a: '{{location.' }));
    const editor = await open(uri);
    const items = await completionsAt(uri, positionOf(editor.document, '{{location.'), 200);
    const byLabel = new Map(items.map((i) => [labelOf(i), i]));
    for (const name of ['name', 'full_address', 'city', 'logo_url']) assert.ok(byLabel.has(name), `${name} in ${[...byLabel.keys()].join(', ')}`);
    assert.match(byLabel.get('full_address')!.detail ?? '', /^platform · The whole address on one line/);
    const docs = byLabel.get('full_address')!.documentation;
    const text = typeof docs === 'string' ? docs : (docs?.value ?? '');
    assert.match(text, /No sample sets this: the platform sends an empty string/);
    assert.match(text, /Example: `100 Market Street/);
  });

  it('offers the catalogue namespaces after {{, and a typo-free catalogue field is an info, a typo a warning', async () => {
    const uri = await writeGenerated('catalogue-lint.webhook.json', action({ a: '{{location.full_address}}', b: '{{location.ful_address}}', c: '{{' }));
    const editor = await open(uri);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      positionOf(editor.document, '"c": "{{'),
      '{',
    );
    const labels = list.items.map(labelOf);
    for (const ns of ['contact', 'location', 'right_now', 'appointment', 'custom_webhook', 'secrets'])
      assert.ok(labels.includes(ns), `${ns} in ${labels.join(', ')}`);
    const diagnostics = await waitForDiagnostics(uri, (d) => codesOf(d).includes('unknown-variable') && codesOf(d).includes('absent-in-sample'), 'both codes');
    const info = diagnostics.find((d) => d.code === 'absent-in-sample')!;
    assert.equal(info.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(editor.document.getText(info.range), '{{location.full_address}}');
    const warning = diagnostics.find((d) => d.code === 'unknown-variable')!;
    assert.equal(editor.document.getText(warning.range), '{{location.ful_address}}');
    assert.match(warning.message, /Did you mean "location\.full_address"\?/);
  });

  it("remembers the sample picked for one file; other files follow the workspace choice; another sample's field is an info", async () => {
    const x = await writeGenerated('per-file-x.webhook.json', action({ phone: '{{contact.phone}}' }));
    const y = await writeGenerated('per-file-y.webhook.json', action({ phone: '{{contact.phone}}' }));
    try {
      await vscode.commands.executeCommand('webhookStudio.selectSample', ZOE, x);
      await selectSample(JANE);
      const viewX = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', x);
      const viewY = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', y);
      assert.equal(viewX.sample, ZOE, 'the file keeps its own sample');
      assert.equal(viewY.sample, JANE, 'a file without one follows the workspace choice');
      // Zoë has no phone, Jane has: absent in the selected sample is an info, never a warning.
      await open(x);
      const d = await waitForDiagnostics(x, (all) => all.length > 0, 'the info');
      assert.deepEqual(codesOf(d), ['absent-in-sample']);
      assert.equal(d[0]!.severity, vscode.DiagnosticSeverity.Information);
      assert.match(d[0]!.message, /absent in the selected sample "Zoë — hostile data".*set in "Jane Doe — VIP lead"/);
    } finally {
      await vscode.commands.executeCommand('webhookStudio.selectSample', JANE, x);
    }
  });

  it('hovers a field no sample sets with its description and what the platform sends', async () => {
    const uri = await writeGenerated('catalogue-hover.webhook.json', action({ a: '{{location.full_address}}', y: '{{right_now.year}}' }));
    const editor = await open(uri);
    const text = await hoverAt(uri, positionOf(editor.document, '{{location.full', { delta: -2 }));
    assert.match(text, /The whole address on one line/);
    assert.match(text, /No sample sets this: the platform sends an empty string/);
    const year = await hoverAt(uri, positionOf(editor.document, '{{right_now.ye', { delta: -2 }));
    assert.match(year, new RegExp(`${new Date().getUTCFullYear()}`));
    assert.match(year, /changes with time/);
    // The preview says so too.
    await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
    const api = await studioApi();
    const state = await waitFor(() => (api.preview.state()?.fileUri === uri.toString() ? api.preview.state() : undefined), 'the preview of the file');
    assert.equal(state.usesClock, true);
  });
});

describe('workflows in the editor', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ method: string; url: string; body: string }> = [];
  let create: vscode.Uri;
  let tag: vscode.Uri;
  let workflow: vscode.Uri;

  before(async () => {
    await studioApi();
    await selectSample(JANE);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
        res.end(req.method === 'POST' ? JSON.stringify({ id: 'rec_77', record: { id: 'rec_77', owner: 'crm' } }) : '{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    create = await writeGenerated(
      'wf/create.webhook.json',
      JSON.stringify({ name: 'Create', method: 'POST', url: `${base}/records`, saveResponse: true, body: { name: '{{contact.first_name}}' } }, null, 2),
    );
    tag = await writeGenerated(
      'wf/tag.webhook.json',
      JSON.stringify(
        {
          name: 'Tag',
          method: 'PUT',
          url: `${base}/records/{{custom_webhook.1.response.id}}`,
          body: { owner: '{{custom_webhook.1.response.record.owner}}', next: '{{custom_webhook.1.response.}}' },
        },
        null,
        2,
      ),
    );
    workflow = await writeGenerated(
      'wf/create-then-tag.workflow.json',
      JSON.stringify({ name: 'Create then tag', steps: [{ action: 'create.webhook.json' }, { action: 'tag.webhook.json' }] }, null, 2),
    );
  });
  afterEach(closeAllEditors);
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await removeGenerated();
  });

  it('shows Run workflow on the workflow file and the step number on its actions', async () => {
    await open(workflow);
    const lenses = await waitFor(async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', workflow, 10);
      return found.some((l) => l.command?.title === '▶ Run workflow') ? found : undefined;
    }, 'workflow lenses');
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['▶ Run workflow', 'Run to local inbox', 'Step 1: open create.webhook.json', 'Step 2: open tag.webhook.json'],
    );
    await open(tag);
    const step = await waitFor(
      async () => {
        const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tag, 10);
        return found.find((l) => l.command?.title.startsWith('Step '));
      },
      'the step lens',
      10_000,
    );
    assert.equal(step.command?.title, 'Step 2 of 2 · Create then tag');
  });

  it("completes a step's action with the workspace's actions, relative to the workflow file", async () => {
    const draft = await writeGenerated('wf/draft.workflow.json', '{\n  "name": "Draft",\n  "steps": [{ "action": "" }]\n}\n');
    const editor = await open(draft);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      draft,
      positionOf(editor.document, '"action": "'),
    );
    const labels = list.items.filter((i) => i.kind === vscode.CompletionItemKind.File).map(labelOf);
    assert.deepEqual(labels.slice(0, 2), ['create.webhook.json', 'tag.webhook.json']);
    assert.ok(labels.includes('../../lead.webhook.json'), labels.join(', '));
  });

  it('runs the workflow: step 2 is sent with the id step 1 saved; then completion, hover and definition know the saved response', async () => {
    seen.length = 0;
    const run = await vscode.commands.executeCommand<WorkflowRunOutcome>('webhookStudio.runWorkflow', workflow);
    assert.equal(run.ok, true, JSON.stringify(run));
    assert.deepEqual(
      run.steps.map((s) => [s.step, s.file, s.ok]),
      [
        [1, 'generated/wf/create.webhook.json', true],
        [2, 'generated/wf/tag.webhook.json', true],
      ],
    );
    assert.deepEqual(run.steps[0]!.saved, { id: 'rec_77', record: { id: 'rec_77', owner: 'crm' } });
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url} ${s.body}`),
      ['POST /records {"name":"Jane"}', 'PUT /records/rec_77 {"owner":"crm","next":"{{custom_webhook.1.response.}}"}'],
    );
    const api = await studioApi();
    const state = await waitFor(() => api.preview.state(), 'the preview opened on the run');
    assert.equal(state.workflow?.name, 'Create then tag');

    const editor = await open(tag);
    // The saved response comes from step 1's newest record for the sample.
    const items = await waitFor(async () => {
      const found = await completionsAt(tag, positionOf(editor.document, '{{custom_webhook.1.response.'));
      return found.some((i) => labelOf(i) === 'id') ? found : undefined;
    }, 'saved-response completion');
    const byLabel = new Map(items.map((i) => [labelOf(i), i]));
    assert.equal(byLabel.get('id')?.detail, 'rec_77');
    assert.ok(byLabel.has('record'), 'the nested object is offered');
    const hover = await hoverAt(tag, positionOf(editor.document, '{{custom_webhook.1.response.id', { delta: -2 }));
    assert.match(hover, /rec_77/);
    assert.match(hover, /Saved by step 1 \(generated\/wf\/create\\?\.webhook\\?\.json\): its newest response/);
    const locations = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeDefinitionProvider',
      tag,
      positionOf(editor.document, '{{custom_webhook.1.response.id', { delta: -2 }),
    );
    assert.ok(
      locations.some((l) => l.uri.toString() === create.toString()),
      JSON.stringify(locations.map((l) => l.uri.path)),
    );
  });

  it('lints a saved-response path the response lacks as a warning, and a step that saves nothing as an error', async () => {
    const wrong = await writeGenerated(
      'wf/wrong.webhook.json',
      JSON.stringify(
        { name: 'Wrong', method: 'PUT', url: `${base}/x`, body: { a: '{{custom_webhook.1.response.idd}}', b: '{{custom_webhook.2.response.id}}' } },
        null,
        2,
      ),
    );
    const wrongFlow = await writeGenerated(
      'wf/wrong.workflow.json',
      JSON.stringify(
        { name: 'Wrong order', steps: [{ action: 'create.webhook.json' }, { action: 'tag.webhook.json' }, { action: 'wrong.webhook.json' }] },
        null,
        2,
      ),
    );
    await vscode.commands.executeCommand('webhookStudio.runWorkflow', workflow);
    // Opened, the workflow is known at once, whatever the file watcher reports.
    await open(wrongFlow);
    await open(wrong);
    const diagnostics = await waitForDiagnostics(
      wrong,
      (d) => codesOf(d).includes('unsaved-response') && codesOf(d).includes('unknown-variable'),
      'both',
      10_000,
    );
    const unsaved = diagnostics.find((d) => d.code === 'unsaved-response')!;
    assert.equal(unsaved.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unsaved.message, /step 2 \(generated\/wf\/tag\.webhook\.json\) does not save its response/);
    const missing = diagnostics.find((d) => d.code === 'unknown-variable')!;
    assert.equal(missing.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(missing.message, /saved response of step 1 .* has no "idd".*Did you mean "id"\?/);
  });
});

describe('the example workflow of the walkthrough', () => {
  const names = [...Object.values(EXAMPLE_WORKFLOW_FILES), EXAMPLE_SAMPLE_FILE];
  const remove = async () => {
    for (const name of names) await vscode.workspace.fs.delete(fixtureUri(name), { useTrash: false }).then(undefined, () => undefined);
  };
  before(async () => {
    await studioApi();
    await remove();
    await vscode.commands.executeCommand('webhookStudio.setSecret', 'CRM_TOKEN', 'crm-token-for-the-workflow');
  });
  afterEach(closeAllEditors);
  after(remove);

  it('is written, opened and run against the local inbox: step 2 carries the id the inbox gave step 1', async () => {
    const run = await vscode.commands.executeCommand<WorkflowRunOutcome>('webhookStudio.createWorkflowExample');
    assert.equal(run.ok, true, JSON.stringify(run));
    assert.equal(vscode.window.activeTextEditor?.document.uri.path.endsWith(EXAMPLE_WORKFLOW_FILES.workflow), true);
    const saved = run.steps[0]!.saved as { id: string };
    assert.match(saved.id, /^\d+$/);
    const step2 = run.steps[1]!.record!.request;
    assert.match(step2.url, new RegExp(`/v1/records/${saved.id}/tags$`));
    assert.equal((JSON.parse(step2.body!) as { record_id: string }).record_id, saved.id);
    assert.ok(run.steps.every((s) => s.record?.inbox === true));
    assert.ok(!JSON.stringify(run).includes('crm-token-for-the-workflow'), 'the secret is masked in the records');
  });
});
