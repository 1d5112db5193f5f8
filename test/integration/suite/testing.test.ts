import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { ImportResult } from '../../../src/extension/importCsv';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import { codesOf, JANE, open, removeGenerated, selectSample, studioApi, waitForDiagnostics, writeGenerated, ZOE } from './studio';

/** A loopback receiver that answers every request 201 with Jane's email, so Jane passes and Zoë does not. */
async function startReceiver(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"L-1","email":"jane@example.com"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

function action(port: number): string {
  return `{
  "name": "Checked lead",
  "method": "POST",
  "url": "http://127.0.0.1:${port}/leads/{{contact.id}}",
  "body": { "email": "{{contact.email}}" },
  "expect": {
    "status": 201,
    "json": {
      "$.email": "{{contact.email}}"
    }
  }
}
`;
}

describe('the Testing view: each action × sample is a test', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let file: vscode.Uri;

  before(async () => {
    receiver = await startReceiver();
    file = await writeGenerated('checked.webhook.json', action(receiver.port));
  });
  after(async () => {
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    await closeAllEditors();
    await removeGenerated();
  });

  async function fileItem(uri = file): Promise<vscode.TestItem> {
    const api = await studioApi();
    await api.tests.refresh();
    const item = api.tests.controller.items.get(uri.toString());
    assert.ok(item, 'the generated action is a test item');
    return item;
  }

  /** The tests of Jane and Zoë under an action item. */
  function janeAndZoe(item: vscode.TestItem): vscode.TestItem[] {
    const picked: vscode.TestItem[] = [];
    item.children.forEach((c) => {
      if (c.label === JANE || c.label === ZOE) picked.push(c);
    });
    assert.equal(picked.length, 2);
    return picked;
  }

  it('lists one child per workspace sample, linked to the expect entry', async () => {
    const item = await fileItem();
    assert.equal(item.label, 'Checked lead');
    const children: vscode.TestItem[] = [];
    item.children.forEach((c) => children.push(c));
    // Other suites may leave samples of their own in the workspace: these two are the fixture's.
    const labels = children.map((c) => c.label);
    assert.ok(labels.includes(JANE) && labels.includes(ZOE), JSON.stringify(labels));
    assert.ok(
      children.every((c) => c.range?.start.line === 5),
      'each test opens at the "expect" key',
    );
  });

  it('Run sends for each sample: Jane passes, Zoë fails with expected vs actual at the $.email line', async () => {
    const api = await studioApi();
    const item = await fileItem();
    const before = receiver.hits.length;
    const outcomes = await api.tests.run(new vscode.TestRunRequest(janeAndZoe(item)), new vscode.CancellationTokenSource().token);
    assert.equal(receiver.hits.length - before, 2);
    const byLabel = new Map(outcomes.map((o) => [o.id.slice(o.id.lastIndexOf('#') + 1), o]));
    assert.equal(byLabel.get(JANE)?.state, 'passed', JSON.stringify(outcomes));
    const zoe = byLabel.get(ZOE);
    assert.equal(zoe?.state, 'failed');
    assert.equal(zoe.messages.length, 1);
    assert.deepEqual(zoe.messages[0], {
      text: 'json $.email: expected "zoe@example.org", got "jane@example.com"',
      expected: '"zoe@example.org"',
      actual: '"jane@example.com"',
      line: 8,
    });
  });

  it('a cancelled run sends nothing and skips every test', async () => {
    const api = await studioApi();
    const item = await fileItem();
    const cancel = new vscode.CancellationTokenSource();
    cancel.cancel();
    const before = receiver.hits.length;
    const outcomes = await api.tests.run(new vscode.TestRunRequest(janeAndZoe(item)), cancel.token);
    assert.equal(receiver.hits.length, before);
    assert.deepEqual(
      outcomes.map((o) => o.state),
      ['skipped', 'skipped'],
    );
  });

  it('an unreachable receiver is an error, not a failure', async () => {
    const api = await studioApi();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await writeGenerated('down.webhook.json', action(port));
    const item = await fileItem(down);
    const outcomes = await api.tests.run(new vscode.TestRunRequest(janeAndZoe(item)), new vscode.CancellationTokenSource().token);
    assert.deepEqual(
      outcomes.map((o) => o.state),
      ['errored', 'errored'],
    );
    assert.match(outcomes[0]!.messages[0]!.text, /^No response: .*\(refused\)/);
  });
});

describe('Import Samples from CSV…', () => {
  after(removeGenerated);

  it('writes one sample file per row with the columns mapped, never over an existing file', async () => {
    await studioApi();
    const csv = await writeGenerated(
      'contacts.csv',
      'First Name,Last Name,E-mail Addr,Tags,Lead Score\nAda,Lovelace,ada@example.com,"vip, new",87\nAlan,Turing,alan@example.com,,12\n',
    );
    const folder = fixtureUri('generated/imported');
    const mapping = { 'E-mail Addr': 'contact.email', 'Lead Score': null };
    const result = await vscode.commands.executeCommand<ImportResult>('webhookStudio.importSamplesFromCsv', csv, { mapping, folder });
    assert.deepEqual(
      result.written.map((u) => u.path.split('/').pop()),
      ['row-1-ada-lovelace.sample.json', 'row-2-alan-turing.sample.json'],
    );
    const first = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(result.written[0]!))) as unknown;
    assert.deepEqual(first, {
      name: 'row 1 (line 2): Ada Lovelace',
      contact: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', tags: ['vip', 'new'] },
    });
    const again = await vscode.commands.executeCommand<ImportResult>('webhookStudio.importSamplesFromCsv', csv, { mapping, folder });
    assert.equal(again.written.length, 0);
    assert.equal(again.kept, 2);
  });

  it('a broken CSV is refused with its line, and nothing is written', async () => {
    const csv = await writeGenerated('broken.csv', 'First Name,Email\nAda,"ada@example.com\n');
    const folder = fixtureUri('generated/broken');
    const result = await vscode.commands.executeCommand<{ refused: true; reason: string }>('webhookStudio.importSamplesFromCsv', csv, { folder });
    assert.equal(result.refused, true);
    assert.match(result.reason, /broken\.csv:2: a quoted cell is not closed/);
    const entries = await vscode.workspace.fs.readDirectory(folder).then(undefined, () => []);
    assert.deepEqual(entries, []);
  });
});

describe('expect in the editor: diagnostics as you type, results of a panel send in the Execution Logs', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
    await selectSample(JANE);
  });
  after(async () => {
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    await closeAllEditors();
    await removeGenerated();
  });

  it('flags an unsupported JSON path as you type, and clears it once fixed', async () => {
    const uri = await writeGenerated(
      'typing.webhook.json',
      '{\n  "name": "Typing",\n  "method": "POST",\n  "url": "https://api.example.com/x",\n  "expect": { "status": "2xx", "json": { "$..id": { "exists": true } } }\n}\n',
    );
    const editor = await open(uri);
    const ours = await waitForDiagnostics(uri, (d) => d.some((x) => codesOf([x])[0] === 'invalid-expect'), 'invalid-expect');
    const path = ours.find((d) => codesOf([d])[0] === 'invalid-expect')!;
    assert.equal(editor.document.getText(path.range), '"$..id"');
    assert.match(path.message, /recursive descent/);
    const fixed = editor.document.getText();
    await editor.edit((b) => {
      b.replace(new vscode.Range(editor.document.positionAt(fixed.indexOf('$..id')), editor.document.positionAt(fixed.indexOf('$..id') + 5)), '$.id');
    });
    await waitForDiagnostics(uri, (d) => !d.some((x) => codesOf([x])[0] === 'invalid-expect'), 'invalid-expect to clear');
  });

  it('a send from the panel records its checks, and the Execution Logs say how they went', async () => {
    const api = await studioApi();
    const uri = await writeGenerated(
      'panel-expect.webhook.json',
      JSON.stringify({
        name: 'Panel expect',
        method: 'POST',
        url: `http://127.0.0.1:${receiver.port}/expect/{{contact.id}}`,
        body: { email: '{{contact.email}}' },
        expect: { status: 200, json: { '$.email': '{{contact.email}}' } },
      }),
    );
    await open(uri);
    await vscode.commands.executeCommand('webhookStudio.openPreview', uri);
    assert.equal(await api.preview.receive({ method: 'send' }), 'handled');
    const records = await waitFor(async () => {
      const list = await api.views.logs.getChildren();
      return list[0]?.request.url.includes('/expect/c_81f2') ? list : undefined;
    }, 'the record in the Execution Logs view');
    assert.deepEqual(
      records[0]!.checks?.map((c) => [c.name, c.passed, c.actual]),
      [
        ['status', false, '201'],
        ['json $.email', true, '"jane@example.com"'],
      ],
    );
    const item = api.views.logs.getTreeItem(records[0]!);
    assert.match(String(item.description), / · 1 of 2 checks failed$/);
  });
});
