import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { Capture, ExecutionRecord, ForwardOutcome } from '../../../src/core/types';
import type { Refusal, SendOutcome } from '../../../src/extension/send';
import { closeAllEditors, waitFor } from './helpers';
import { JANE, removeGenerated, selectSample, studioApi, writeGenerated } from './studio';

const SECRET = 'replay-secret-4d2a9f17';

interface Got {
  readonly target: string;
  readonly headers: string[];
  readonly body: string;
}

/** A loopback receiver that keeps every request's target, own headers and body, and answers 200. */
async function startReceiver(): Promise<{ server: Server; origin: string; got: Got[] }> {
  const got: Got[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const own: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (!/^(host|connection|content-length)$/i.test(req.rawHeaders[i]!)) own.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      got.push({ target: req.url ?? '', headers: own, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"stored":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

const RULES = (status: number) =>
  JSON.stringify({
    rules: [
      { name: 'lead created', match: { method: 'POST', path: '/leads/**' }, respond: { status, body: { id: '{{request.body.first_name}}' } } },
      { name: 'too slow', match: { path: '/never' }, respond: { status: 200, delayMs: 45000 } },
    ],
  });

function action(origin: string, path: string): string {
  return JSON.stringify({
    name: 'Replayed lead',
    method: 'POST',
    url: `${origin}${path}/{{contact.id}}?key={{secrets.REPLAY_TOKEN}}`,
    auth: { type: 'bearer', token: '{{secrets.REPLAY_TOKEN}}' },
    headers: { 'X-Trace': 't-9' },
    body: { first_name: '{{contact.first_name}}', n: 1 },
  });
}

describe('local inbox rules, replay and replay with edits', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    await studioApi();
    await selectSample(JANE);
    await vscode.commands.executeCommand('webhookStudio.setSecret', 'REPLAY_TOKEN', SECRET);
    receiver = await startReceiver();
  });
  afterEach(closeAllEditors);
  after(async () => {
    await vscode.commands.executeCommand('webhookStudio.stopInbox');
    await removeGenerated();
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('answers by the workspace rules file, shows the rule in the Local Inbox view, and takes the file again when it changes', async () => {
    const api = await studioApi();
    const rules = await writeGenerated('rehearsal.inbox.json', RULES(201));
    const uri = await writeGenerated('rules-lead.webhook.json', action('https://api.example.com', '/leads'));
    const started = await vscode.commands.executeCommand<{ url: string }>('webhookStudio.startInbox');
    const first = await waitFor(async () => {
      const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
      return 'record' in outcome && outcome.record.response?.status === 201 ? outcome : undefined;
    }, 'the inbox to answer 201 by the rules file');
    assert.equal(first.record.response?.bodyPreview, '{"id":"Jane"}');
    const capture: Capture = api.views.inbox.getChildren()[0]!;
    assert.equal(capture.rule, 'lead created');
    const item = api.views.inbox.getTreeItem(capture);
    assert.match(String(item.description), /^201 · lead created · /);
    assert.match(typeof item.tooltip === 'string' ? item.tooltip : '', /Answered 201 by rule "lead created"/);

    // A delay past the platform's timeout is flagged in the Problems view, at the delay.
    const problems = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(rules);
      return d.length > 0 ? d : undefined;
    }, 'the rules file problems');
    assert.equal(problems[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(problems[0]!.message, /the platform would give up/);

    await vscode.workspace.fs.writeFile(rules, new TextEncoder().encode(RULES(202)));
    await waitFor(async () => {
      const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
      return 'record' in outcome && outcome.record.response?.status === 202 ? outcome : undefined;
    }, 'the inbox to answer by the changed rules file');
    await vscode.workspace.fs.delete(rules);
    await waitFor(async () => {
      const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
      return 'record' in outcome && outcome.record.response?.status === 200 ? outcome : undefined;
    }, 'the default answer once the rules file is gone');
    assert.equal(api.views.inbox.getChildren()[0]!.rule, 'default');
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('completes {{request.…}} in the answers of a rules file', async () => {
    const rules = await writeGenerated('complete.inbox.json', '{ "default": { "body": "{{req" } }');
    const document = await vscode.workspace.openTextDocument(rules);
    const at = document.positionAt(document.getText().indexOf('{{req') + 5);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', rules, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const label of ['request.method', 'request.path', 'request.body.', 'request.headers.']) assert.ok(labels.includes(label), labels.join(', '));
    await vscode.workspace.fs.delete(rules);
  });

  it('replays a record from the Execution Logs view byte for byte, to its receiver and to the inbox', async () => {
    const api = await studioApi();
    const uri = await writeGenerated('replay-lead.webhook.json', action(receiver.origin, '/leads'));
    const sent = await vscode.commands.executeCommand<ExecutionRecord | Refusal>('webhookStudio.sendTestRequest', uri);
    assert.ok('id' in sent, JSON.stringify(sent));
    const original = receiver.got.at(-1)!;
    const record = await waitFor(async () => (await api.views.logs.getChildren()).find((r: ExecutionRecord) => r.id === sent.id), 'the record in the view');
    assert.ok(!JSON.stringify(record).includes(SECRET));

    const again = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.replayRecord', record, { toInbox: false });
    assert.ok('record' in again, JSON.stringify(again));
    assert.equal(again.record.replayOf, record.id);
    assert.deepEqual(receiver.got.at(-1), original);

    const toInbox = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.replayRecord', record, { toInbox: true });
    assert.ok('record' in toInbox && toInbox.capture, JSON.stringify(toInbox));
    assert.equal(new TextDecoder().decode(toInbox.capture.body), original.body);
    assert.equal(toInbox.capture.target, original.target.replace(SECRET, '••••••'), 'the capture shown masks the secret');
  });

  it('replays with edits: the record opens as an untitled action with the secrets as templates, and the edit is sent', async () => {
    const api = await studioApi();
    const uri = await writeGenerated('edit-lead.webhook.json', action(receiver.origin, '/edits'));
    const sent = await vscode.commands.executeCommand<ExecutionRecord | Refusal>('webhookStudio.sendTestRequest', uri);
    assert.ok('id' in sent, JSON.stringify(sent));
    const record = await waitFor(async () => (await api.views.logs.getChildren()).find((r: ExecutionRecord) => r.id === sent.id), 'the record');
    const opened = await vscode.commands.executeCommand<{ uri: string } | Refusal>('webhookStudio.replayRecordWithEdits', record);
    assert.ok('uri' in opened, JSON.stringify(opened));
    const editable = vscode.Uri.parse(opened.uri);
    assert.equal(editable.scheme, 'untitled');
    assert.match(editable.path, /\.webhook\.json$/);
    const document = await vscode.workspace.openTextDocument(editable);
    const text = document.getText();
    assert.ok(!text.includes(SECRET) && !text.includes('••••••'));
    assert.match(text, /"token": "\{\{secrets\.REPLAY_TOKEN\}\}"/);
    const edit = new vscode.WorkspaceEdit();
    const at = text.indexOf('"n": 1');
    edit.replace(editable, new vscode.Range(document.positionAt(at), document.positionAt(at + 6)), '"n": 2');
    await vscode.workspace.applyEdit(edit);
    const edited = await vscode.commands.executeCommand<ExecutionRecord | Refusal>('webhookStudio.sendTestRequest', editable);
    assert.ok('id' in edited, JSON.stringify(edited));
    const got = receiver.got.at(-1)!;
    assert.equal(got.body, '{"first_name":"Jane","n":2}');
    assert.ok(got.headers.includes(`Authorization: Bearer ${SECRET}`), 'the secret comes from secret storage');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('forwards each capture to the receiver of the user setting and opens its answer beside the capture', async () => {
    const api = await studioApi();
    const settings = vscode.workspace.getConfiguration('webhookStudio');
    await settings.update('inbox.forwardUrl', receiver.origin, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('webhookStudio.startInbox');
      const uri = await writeGenerated('forward-lead.webhook.json', action('https://api.example.com', '/forwarded'));
      const before = receiver.got.length;
      const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
      assert.ok('record' in outcome && outcome.capture, JSON.stringify(outcome));
      const forwarded = await waitFor(() => {
        const newest = api.views.inbox.getChildren()[0];
        return newest?.forward ? newest : undefined;
      }, 'the receiver answer beside the capture');
      assert.ok(forwarded.forward?.ok);
      assert.equal(forwarded.forward.status, 200);
      assert.equal(receiver.got.length, before + 1);
      assert.equal(receiver.got.at(-1)!.body, new TextDecoder().decode(forwarded.body));
      assert.match(String(api.views.inbox.getTreeItem(forwarded).description), /→ 200/);
      const opened = await vscode.commands.executeCommand<{ uri: string; receiver?: string }>('webhookStudio.openCapture', forwarded.id);
      assert.ok(opened.receiver);
      const answer = await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.receiver));
      assert.match(answer.getText(), /HTTP\/1\.1 200 OK/);
      assert.match(answer.getText(), /\{"stored":true\}/);
    } finally {
      await settings.update('inbox.forwardUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('sends a capture of the Local Inbox view again, as it arrived, and as an editable action', async () => {
    const api = await studioApi();
    const uri = await writeGenerated('capture-lead.webhook.json', action('https://api.example.com', '/captured'));
    const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
    assert.ok('record' in outcome);
    const capture = api.views.inbox.getChildren()[0]!;
    const before = receiver.got.length;
    const answer = await vscode.commands.executeCommand<ForwardOutcome | Refusal>('webhookStudio.replayCapture', capture, receiver.origin);
    assert.ok('ok' in answer && answer.ok, JSON.stringify(answer));
    assert.equal(answer.status, 200);
    assert.equal(receiver.got.length, before + 1);
    const got = receiver.got.at(-1)!;
    assert.equal(got.target, capture.target);
    assert.equal(got.body, new TextDecoder().decode(capture.body));
    const opened = await vscode.commands.executeCommand<{ uri: string } | Refusal>('webhookStudio.replayCaptureWithEdits', capture);
    assert.ok('uri' in opened);
    const text = (await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.uri))).getText();
    assert.ok(!text.includes(SECRET));
    assert.match(text, /Bearer \{\{secrets\.REPLAY_TOKEN\}\}/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
