import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { closeAllEditors } from './helpers';
import { JANE, removeGenerated, studioApi, writeGenerated, ZOE } from './studio';

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

  async function fileItem(): Promise<vscode.TestItem> {
    const api = await studioApi();
    await api.tests.refresh();
    const item = api.tests.controller.items.get(file.toString());
    assert.ok(item, 'the generated action is a test item');
    return item;
  }

  it('lists one child per workspace sample, linked to the expect entry', async () => {
    const item = await fileItem();
    assert.equal(item.label, 'Checked lead');
    const children: vscode.TestItem[] = [];
    item.children.forEach((c) => children.push(c));
    assert.deepEqual(children.map((c) => c.label).sort(), [JANE, ZOE].sort());
    assert.equal(children[0]!.range?.start.line, 5, 'the "expect" key');
  });

  it('Run sends for each sample: Jane passes, Zoë fails with expected vs actual at the $.email line', async () => {
    const api = await studioApi();
    const item = await fileItem();
    const before = receiver.hits.length;
    const outcomes = await api.tests.run(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
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
    const outcomes = await api.tests.run(new vscode.TestRunRequest([item]), cancel.token);
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
    await api.tests.refresh();
    const item = api.tests.controller.items.get(down.toString());
    assert.ok(item);
    const outcomes = await api.tests.run(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
    assert.deepEqual(
      outcomes.map((o) => o.state),
      ['errored', 'errored'],
    );
    assert.match(outcomes[0]!.messages[0]!.text, /^No response: .*\(refused\)/);
  });
});
