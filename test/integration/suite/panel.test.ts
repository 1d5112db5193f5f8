import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { Capture, ExecutionRecord } from '../../../src/core/types';
import { captureUri } from '../../../src/extension/views/inboxView';
import { recordDescription, recordLabel } from '../../../src/extension/views/logsView';
import type { Refusal, SendOutcome } from '../../../src/extension/send';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import { JANE, open, removeGenerated, selectSample, studioApi, writeGenerated, ZOE } from './studio';

const PANEL_SECRET = 'panel-secret-93b1f0';

/** A loopback receiver that answers 201 with a small JSON body and counts requests. */
async function startReceiver(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"stored":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function previewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('webhookStudio.preview'));
}

describe('preview panel and views', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    await studioApi();
    await selectSample(JANE);
    await vscode.commands.executeCommand('webhookStudio.setSecret', 'CRM_TOKEN', PANEL_SECRET);
    receiver = await startReceiver();
  });
  after(async () => {
    await closeServer(receiver.server);
    await vscode.commands.executeCommand('webhookStudio.stopInbox');
    await closeAllEditors();
    await removeGenerated();
  });

  it('opens one webview panel beside the editor and returns what it shows', async () => {
    const uri = fixtureUri('lead.webhook.json');
    await open(uri);
    const opened = await vscode.commands.executeCommand<{ source: string; view: string; visible: boolean }>('webhookStudio.openPreview', uri);
    assert.deepEqual(opened, { source: uri.toString(), view: 'webview', visible: true });
    await waitFor(() => previewTabs().length === 1, 'a preview tab');
    await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
    assert.equal(previewTabs().length, 1, 'the panel is reused');
    const state = (await studioApi()).preview.state();
    assert.equal(state?.name, 'Push new lead to CRM');
    assert.equal(state?.method, 'POST');
    assert.deepEqual(state?.query, [
      ['source', 'hoop'],
      ['tag', 'vip'],
      ['tag', 'new'],
    ]);
    assert.equal(state?.trusted, true);
  });

  it('has its serializer registered, so the panel survives a reload', () => {
    assert.throws(
      () => vscode.window.registerWebviewPanelSerializer('webhookStudio.preview', { deserializeWebviewPanel: async () => undefined }),
      /already registered/,
    );
  });

  const malformed: Array<[string, unknown]> = [
    ['a string', 'send'],
    ['null', null],
    ['an array', [{ method: 'setReveal', params: { revealed: true } }]],
    ['an unknown method', { method: 'eval', params: { code: '1' } }],
    ['params on a message without any', { method: 'send', params: {} }],
    ['an extra key', { method: 'setReveal', params: { revealed: true, also: 1 } }],
    ['a wrong params type', { method: 'setReveal', params: { revealed: 'yes' } }],
    ['a zero line', { method: 'openProblem', params: { line: 0, column: 1 } }],
    ['an unknown tab', { method: 'showTab', params: { tab: 'secrets' } }],
  ];
  for (const [what, raw] of malformed) {
    it(`ignores a message with ${what} and keeps secrets hidden`, async () => {
      const api = await studioApi();
      assert.equal(await api.preview.receive(raw), 'ignored');
      assert.equal(api.preview.state()?.revealed, false);
      assert.ok(!JSON.stringify(api.preview.state()).includes(PANEL_SECRET));
    });
  }

  it('reveals secrets only on a valid setReveal, and hides them again', async () => {
    const api = await studioApi();
    assert.equal(await api.preview.receive({ method: 'setReveal', params: { revealed: true } }), 'handled');
    const auth = () => api.preview.state()?.headers.find((h) => h.name === 'Authorization');
    assert.equal(auth()?.value, `Bearer ${PANEL_SECRET}`);
    await api.preview.receive({ method: 'setReveal', params: { revealed: false } });
    assert.equal(auth()?.value, 'Bearer ••••••');
  });

  it('follows the active webhook editor and re-renders as the file is edited', async () => {
    const api = await studioApi();
    const uri = await writeGenerated('panel-follow.webhook.json', JSON.stringify({ name: 'Follow me', method: 'GET', url: 'https://example.com/a' }, null, 2));
    const editor = await open(uri);
    await waitFor(() => api.preview.state()?.name === 'Follow me', 'the panel to follow the active editor');
    const at = editor.document.getText().indexOf('/a"') + 2;
    await editor.edit((b) => b.insert(editor.document.positionAt(at), 'bc'));
    const state = await waitFor(
      () => (api.preview.state()?.url === 'https://example.com/abc' ? api.preview.state() : undefined),
      'the edit in the preview',
      3000,
    );
    assert.equal(state?.fileUri, uri.toString());
  });

  it('sends from the panel and the Execution Logs view shows the record first', async () => {
    const api = await studioApi();
    const uri = await writeGenerated(
      'panel-send.webhook.json',
      JSON.stringify({
        name: 'Panel send',
        method: 'POST',
        url: `http://127.0.0.1:${receiver.port}/panel/{{contact.id}}`,
        auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
        body: { a: '{{contact.first_name}}' },
      }),
    );
    await open(uri);
    await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
    const before = receiver.hits.length;
    assert.equal(await api.preview.receive({ method: 'send' }), 'handled');
    assert.equal(receiver.hits.length, before + 1);
    assert.equal(receiver.hits.at(-1), 'POST /panel/c_81f2');
    const records = await waitFor(async () => {
      const list = await api.views.logs.getChildren();
      return list[0]?.request.url.includes('/panel/c_81f2') ? list : undefined;
    }, 'the record in the Execution Logs view');
    const newest = records[0]!;
    assert.equal(recordLabel(newest), `201 accepted · panel-send · ${JANE}`);
    assert.match(recordDescription(newest), /^POST · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const item = api.views.logs.getTreeItem(newest);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.equal(item.command?.command, 'webhookStudio.showLogRecord');
    const shown = await vscode.commands.executeCommand<{ id: string; file?: string }>('webhookStudio.showLogRecord', newest.id);
    assert.deepEqual(shown, { id: newest.id, file: uri.toString() });
  });

  it('sends to every sample, each rendered for itself, and leaves the selected sample as it was', async () => {
    const api = await studioApi();
    await selectSample(ZOE);
    try {
      const uri = await writeGenerated(
        'send-all.webhook.json',
        JSON.stringify({
          name: 'Send all',
          method: 'POST',
          url: `http://127.0.0.1:${receiver.port}/all/{{contact.id}}`,
          body: { n: '{{contact.first_name}}' },
        }),
      );
      await open(uri);
      await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
      // The question before real requests go out is answered as a user's earlier yes (the e2e test asks it).
      await api.preview.allowSendToAll([`127.0.0.1:${receiver.port}`]);
      const before = receiver.hits.length;
      assert.equal(await api.preview.receive({ method: 'sendToAll' }), 'handled');
      assert.deepEqual(receiver.hits.slice(before).sort(), ['POST /all/c_81f2', 'POST /all/c_zoe']);
      assert.match(api.statusText(), new RegExp(ZOE));
      const records = await api.views.logs.getChildren();
      assert.deepEqual(
        records
          .slice(0, 2)
          .map((r) => r.sample)
          .sort(),
        [JANE, ZOE].sort(),
      );
    } finally {
      await selectSample(JANE);
    }
  });

  it('a cancelled send to all stops after the send in flight and keeps the selected sample', async () => {
    const api = await studioApi();
    const urls: string[] = [];
    const held: Array<() => void> = [];
    const slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        urls.push(String(req.url));
        held.push(() => res.end('{}'));
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const port = (slow.address() as AddressInfo).port;
      const uri = await writeGenerated(
        'send-all-cancel.webhook.json',
        JSON.stringify({ name: 'Cancel all', method: 'POST', url: `http://127.0.0.1:${port}/c/{{contact.id}}`, body: {} }),
      );
      await open(uri);
      await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
      await api.preview.allowSendToAll([`127.0.0.1:${port}`]);
      const running = api.preview.receive({ method: 'sendToAll' });
      await waitFor(() => urls.length === 1 || undefined, 'the first send to arrive');
      assert.equal(await api.preview.receive({ method: 'cancel' }), 'handled');
      await running;
      for (const release of held) release();
      assert.equal(urls.length, 1, 'no sample is sent after Cancel');
      assert.match(api.statusText(), new RegExp(JANE));
      const newest = (await api.views.logs.getChildren())[0];
      assert.equal(newest?.error?.code, 'cancelled');
    } finally {
      await closeServer(slow);
    }
  });

  it('exports the execution records as JSON lines without secrets', async () => {
    const target = fixtureUri('generated/export.jsonl');
    const result = await vscode.commands.executeCommand<{ uri: string; count: number }>('webhookStudio.exportLogs', target);
    assert.ok(result.count >= 1);
    const text = readFileSync(target.fsPath, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ExecutionRecord);
    assert.equal(lines.length, result.count);
    assert.ok(lines.some((r) => r.request.url.includes('/panel/c_81f2')));
    assert.ok(!text.includes(PANEL_SECRET), 'the export holds no secret');
  });

  it('answers inbox sends with the status picked, and lists and masks the captures', async () => {
    const api = await studioApi();
    const set = await vscode.commands.executeCommand<{ status: number; url: string }>('webhookStudio.setInboxResponse', 503);
    assert.equal(set.status, 503);
    assert.deepEqual(await vscode.commands.executeCommand('webhookStudio.setInboxResponse', 99), {
      refused: true,
      reason: 'inbox status must be an integer from 200 to 599, got 99',
    });
    const uri = fixtureUri('generated/panel-send.webhook.json');
    const outcome = await vscode.commands.executeCommand<SendOutcome | Refusal>('webhookStudio.sendToInbox', uri);
    assert.ok('record' in outcome);
    assert.equal(outcome.record.response?.status, 503);
    const captures = await waitFor(() => {
      const list = api.views.inbox.getChildren();
      return list.length > 0 ? list : undefined;
    }, 'the capture in the Local Inbox view');
    const capture: Capture = captures[0]!;
    assert.equal(capture.target, '/panel/c_81f2');
    const document = await vscode.workspace.openTextDocument(captureUri(capture));
    assert.equal(api.views.inbox.getTreeItem(capture).command?.command, 'webhookStudio.openCapture');
    assert.match(document.getText(), /^POST \/panel\/c_81f2 HTTP\/1\.1/);
    assert.match(document.getText(), /Bearer ••••••/);
    assert.ok(!document.getText().includes(PANEL_SECRET), 'the capture document masks the secret');
    await vscode.commands.executeCommand('webhookStudio.clearInbox');
    assert.equal(api.views.inbox.getChildren().length, 0);
    await vscode.commands.executeCommand('webhookStudio.stopInbox');
  });

  it('clears the execution log', async () => {
    const api = await studioApi();
    const cleared = await vscode.commands.executeCommand<{ cleared: number }>('webhookStudio.clearLogs', { confirm: false });
    assert.ok(cleared.cleared >= 2);
    assert.equal((await api.views.logs.getChildren()).length, 0);
  });

  it('opens a webhook made from a cURL command together with its preview', async () => {
    const api = await studioApi();
    // Earlier suites made and deleted files of the first free names; documents of theirs may still be loaded.
    const taken = ['', '-2', '-3'].map((n) => fixtureUri(`put-v1-deals-7${n}.webhook.json`));
    for (const t of taken) await vscode.workspace.fs.writeFile(t, new TextEncoder().encode('{}'));
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'webhookStudio.newFromCurl',
      'curl -X PUT https://api.example.com/v1/deals/7 -H \'X-Team: blue\' -d \'{"stage":"won"}\'',
    );
    taken.push(uri);
    try {
      assert.ok(uri instanceof vscode.Uri);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
      const state = await waitFor(() => (api.preview.state()?.fileUri === uri.toString() ? api.preview.state() : undefined), 'the preview of the new file');
      assert.equal(state?.method, 'PUT');
      assert.equal(state?.url, 'https://api.example.com/v1/deals/7');
      assert.ok(state?.headers.some((h) => h.name === 'X-Team' && h.value === 'blue'));
    } finally {
      await closeAllEditors();
      for (const t of taken) await vscode.workspace.fs.delete(t).then(undefined, () => undefined);
    }
  });
});
