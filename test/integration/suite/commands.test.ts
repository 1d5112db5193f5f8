import * as assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { RenderedView } from '../../../src/extension/analysis';
import type { Refusal, SendOutcome } from '../../../src/extension/send';
import type { Capture, ExecutionRecord } from '../../../src/core/types';
import { CATALOGUE } from '../../../src/core/catalogue';
import { closeAllEditors, fixtureUri } from './helpers';
import { JANE, open, removeGenerated, selectSample, studioApi, writeGenerated, ZOE } from './studio';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver that records requests and answers 201 with the X-Token header echoed back. */
async function startReceiver(status = 201): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-token'] ?? '') });
      res.end(JSON.stringify({ received: true, echo: req.headers['x-token'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const SEND_SECRET = 'send-secret-7c1e0b9a';

describe('commands', () => {
  before(async () => {
    await studioApi();
    await selectSample(JANE);
    await vscode.commands.executeCommand('webhookStudio.setSecret', 'SEND_TOKEN', SEND_SECRET);
  });
  afterEach(closeAllEditors);
  after(async () => {
    await vscode.commands.executeCommand('webhookStudio.stopInbox');
    await removeGenerated();
  });

  describe('sendTestRequest', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      receiver = await startReceiver();
    });
    after(async () => closeServer(receiver.server));

    it('sends the rendered request to a loopback server and returns the redacted execution record', async () => {
      const uri = await writeGenerated(
        'send.webhook.json',
        JSON.stringify({
          name: 'Send to the test receiver',
          method: 'POST',
          url: `http://127.0.0.1:${receiver.port}/hook/{{contact.id}}`,
          headers: { 'X-Token': '{{secrets.SEND_TOKEN}}' },
          body: { first_name: '{{contact.first_name}}', score: '{{contact.lead_score}}' },
        }),
      );
      const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
      assert.equal(receiver.received.length, 1);
      const got = receiver.received[0]!;
      assert.equal(got.method, 'POST');
      assert.equal(got.url, '/hook/c_81f2');
      assert.equal(got.headers['x-token'], SEND_SECRET, 'the real secret goes on the wire');
      assert.deepEqual(JSON.parse(got.body), { first_name: 'Jane', score: '87' });
      assert.equal(record.response?.status, 201);
      assert.equal(record.outcome, 'accepted');
      assert.equal(record.sample, JANE);
      assert.match(record.file, /send\.webhook\.json$/);
      assert.ok(!JSON.stringify(record).includes(SEND_SECRET), 'the record holds no secret, not even the echoed one');
      assert.deepEqual(
        record.request.headers.find(([n]) => n === 'X-Token'),
        ['X-Token', '••••••'],
      );
      assert.match(record.response.bodyPreview, /"received":true/);
    });

    it('sends a stored OAuth access token for an oauth2 connection', async () => {
      await vscode.commands.executeCommand('webhookStudio.setOAuthToken', 'crm', 'oauth-access-5d4c');
      const uri = await writeGenerated(
        'send-oauth.webhook.json',
        JSON.stringify({ name: 'OAuth', method: 'GET', url: `http://127.0.0.1:${receiver.port}/oauth`, auth: { type: 'oauth2', connection: 'crm' } }),
      );
      const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
      const got = receiver.received.at(-1)!;
      assert.equal(got.url, '/oauth');
      assert.equal(got.headers['authorization'], 'Bearer oauth-access-5d4c');
      assert.deepEqual(
        record.request.headers.find(([n]) => n === 'Authorization'),
        ['Authorization', 'Bearer ••••••'],
      );
    });

    it('obtains a token for a connection of the webhookStudio.oauth.connections setting, and refreshes it once after a 401', async () => {
      const tokenRequests: Received[] = [];
      const tokenEndpoint = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          tokenRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: `cc-token-${tokenRequests.length}`, token_type: 'Bearer', expires_in: 3600 }));
        });
      });
      const seen: string[] = [];
      const strict = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          seen.push(String(req.headers['authorization']));
          const ok = req.headers['authorization'] === 'Bearer cc-token-2';
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          res.end(ok ? '{"ok":true}' : '{"error":"invalid_token"}');
        });
      });
      await new Promise<void>((resolve) => tokenEndpoint.listen(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
      const settingsUri = fixtureUri('.vscode/settings.json');
      const original = await vscode.workspace.fs.readFile(settingsUri);
      const config = vscode.workspace.getConfiguration('webhookStudio');
      try {
        const tokenUrl = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}/oauth/token`;
        await config.update(
          'oauth.connections',
          [{ name: 'billing', tokenUrl, clientId: 'studio-client', scopes: ['deals.write', 'deals.read'] }],
          vscode.ConfigurationTarget.Workspace,
        );
        await vscode.commands.executeCommand('webhookStudio.setOAuthClientSecret', 'billing', 'client-secret-e3f1');
        const uri = await writeGenerated(
          'send-oauth-cc.webhook.json',
          JSON.stringify({
            name: 'OAuth CC',
            method: 'POST',
            url: `http://127.0.0.1:${(strict.address() as AddressInfo).port}/deals`,
            auth: { type: 'oauth2', connection: 'billing' },
            body: {},
          }),
        );
        const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
        assert.equal(tokenRequests.length, 2, 'one token, then one refresh after the 401');
        const first = tokenRequests[0]!;
        assert.equal(first.url, '/oauth/token');
        assert.equal(first.headers['authorization'], `Basic ${Buffer.from('studio-client:client-secret-e3f1').toString('base64')}`);
        assert.deepEqual(Object.fromEntries(new URLSearchParams(first.body)), { grant_type: 'client_credentials', scope: 'deals.write deals.read' });
        assert.deepEqual(seen, ['Bearer cc-token-1', 'Bearer cc-token-2']);
        assert.equal(record.response?.status, 200);
        const text = JSON.stringify(record);
        assert.ok(!text.includes('cc-token') && !text.includes('client-secret-e3f1'), 'no token nor client secret in the record');
      } finally {
        await config.update('oauth.connections', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.fs.writeFile(settingsUri, original);
        await closeServer(tokenEndpoint);
        await closeServer(strict);
      }
    });

    it("sends the token request through VS Code's http.proxy, as the webhook itself", async () => {
      // A proxy that answers for its targets itself: `auth.invalid` resolves nowhere else, so a token
      // request that went direct could not succeed.
      const proxied: Received[] = [];
      const proxy = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          proxied.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(req.url === 'http://auth.invalid/oauth/token' ? JSON.stringify({ access_token: 'proxied-token-1', token_type: 'Bearer' }) : '{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const settingsUri = fixtureUri('.vscode/settings.json');
      const original = await vscode.workspace.fs.readFile(settingsUri);
      const config = vscode.workspace.getConfiguration('webhookStudio');
      const http = vscode.workspace.getConfiguration('http');
      try {
        await http.update('proxy', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
        await config.update(
          'oauth.connections',
          [{ name: 'relay', tokenUrl: 'http://auth.invalid/oauth/token', clientId: 'relay-client' }],
          vscode.ConfigurationTarget.Workspace,
        );
        await vscode.commands.executeCommand('webhookStudio.setOAuthClientSecret', 'relay', 'relay-secret-41c9');
        const uri = await writeGenerated(
          'send-oauth-proxy.webhook.json',
          JSON.stringify({ name: 'OAuth proxy', method: 'POST', url: 'http://hooks.invalid/relay', auth: { type: 'oauth2', connection: 'relay' }, body: {} }),
        );
        const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
        assert.deepEqual(
          proxied.map((r) => `${r.method} ${r.url}`),
          ['POST http://auth.invalid/oauth/token', 'POST http://hooks.invalid/relay'],
        );
        assert.equal(proxied[0]!.headers['authorization'], `Basic ${Buffer.from('relay-client:relay-secret-41c9').toString('base64')}`);
        assert.equal(proxied[1]!.headers['authorization'], 'Bearer proxied-token-1');
        assert.equal(record.response?.status, 200);
      } finally {
        await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
        await config.update('oauth.connections', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.fs.writeFile(settingsUri, original);
        await closeServer(proxy);
      }
    });

    it('refuses a file that is not valid JSON, and sends nothing', async () => {
      const before = receiver.received.length;
      const uri = await writeGenerated(
        'send-broken.webhook.json',
        `{ "name": "Broken", "method": "POST", "url": "http://127.0.0.1:${receiver.port}/broken", "body": { "email": {{contact.email}} } }`,
      );
      const result = await vscode.commands.executeCommand<Refusal>('webhookStudio.sendTestRequest', uri);
      assert.equal(result.refused, true);
      assert.match(result.reason, /cannot be sent: the file is not valid JSON/);
      assert.equal(receiver.received.length, before);
    });

    it('returns a classified network error, not an exception, when nothing listens', async () => {
      const closed = await startReceiver();
      const port = closed.port;
      await closeServer(closed.server);
      const uri = await writeGenerated('send-refused.webhook.json', JSON.stringify({ name: 'Refused', method: 'GET', url: `http://127.0.0.1:${port}/` }));
      const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
      assert.equal(record.outcome, 'network-error');
      assert.equal(record.error?.code, 'refused');
      assert.ok(record.error?.hint);
    });

    it('reads webhookStudio.network.privateAddresses from the workspace: block refuses loopback', async () => {
      const settingsUri = fixtureUri('.vscode/settings.json');
      const original = await vscode.workspace.fs.readFile(settingsUri);
      const uri = await writeGenerated(
        'send-blocked.webhook.json',
        JSON.stringify({ name: 'Blocked', method: 'GET', url: `http://127.0.0.1:${receiver.port}/blocked` }),
      );
      const before = receiver.received.length;
      try {
        await vscode.workspace.getConfiguration('webhookStudio').update('network.privateAddresses', 'block', vscode.ConfigurationTarget.Workspace);
        const record = await vscode.commands.executeCommand<ExecutionRecord>('webhookStudio.sendTestRequest', uri);
        assert.equal(record.error?.code, 'blocked-address');
        assert.equal(receiver.received.length, before, 'nothing reached the server');
      } finally {
        await vscode.workspace.getConfiguration('webhookStudio').update('network.privateAddresses', 'allow', vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.fs.writeFile(settingsUri, original);
      }
      assert.equal(vscode.workspace.getConfiguration('webhookStudio').get('network.privateAddresses'), 'allow');
    });

    it('refuses an unsendable request with a reason', async () => {
      const result = await vscode.commands.executeCommand<Refusal>('webhookStudio.sendTestRequest', fixtureUri('problems/every-code.webhook.json'));
      assert.equal(result.refused, true);
      assert.match(result.reason, /cannot be sent/);
    });
  });

  describe('local inbox', () => {
    it('starts and stops on 127.0.0.1', async () => {
      const started = await vscode.commands.executeCommand<{ url: string }>('webhookStudio.startInbox');
      assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const again = await vscode.commands.executeCommand<{ url: string }>('webhookStudio.startInbox');
      assert.equal(again.url, started.url, 'starting twice keeps one inbox');
      const stopped = await vscode.commands.executeCommand<{ url: string }>('webhookStudio.stopInbox');
      assert.equal(stopped.url, started.url);
    });

    it('sendToInbox captures exactly the rendered request, with only the origin replaced', async () => {
      const uri = fixtureUri('clean.webhook.json');
      const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', uri);
      const outcome = await vscode.commands.executeCommand<SendOutcome>('webhookStudio.sendToInbox', uri);
      const capture = outcome.capture as Capture;
      assert.ok(capture, 'a capture came back');
      const url = new URL(view.url);
      assert.equal(capture.method, view.method);
      assert.equal(capture.target, url.pathname + url.search);
      assert.equal(new TextDecoder().decode(capture.body), view.body);
      for (const [name, value] of view.headers) {
        assert.ok(
          capture.rawHeaders.some(([n, v]) => n === name && v === value),
          `header ${name}: ${value} not captured as is`,
        );
      }
      assert.equal(outcome.record.inbox, true);
      assert.equal(outcome.record.response?.status, 200);
      assert.equal(outcome.record.outcome, 'accepted');
    });
  });

  describe('renderRequest and samples', () => {
    it('renders the masked request, unresolved variables and diagnostics', async () => {
      // The secret is set here, so the test does not depend on a suite that ran before it.
      await vscode.commands.executeCommand('webhookStudio.setSecret', 'CRM_TOKEN', 'crm-render-secret-7');
      const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', fixtureUri('lead.webhook.json'));
      assert.equal(view.method, 'POST');
      assert.equal(view.url, 'https://api.example.com/v1/leads/c_81f2?source=hoop&tag=vip&tag=new');
      assert.deepEqual(
        view.headers.find(([n]) => n === 'Authorization'),
        ['Authorization', 'Bearer ••••••'],
      );
      assert.deepEqual(JSON.parse(view.body!), { first_name: 'Jane', email: 'jane@example.com', deal: { stage: 'Proposal', value: '4200' } });
      assert.ok(view.diagnostics.some((d) => d.code === 'string-coercion' && d.line > 1));
    });

    it('switches sample by name and changes the render; remembers the choice', async () => {
      try {
        const selected = await vscode.commands.executeCommand<{ name: string; file: string }>('webhookStudio.selectSample', ZOE);
        assert.match(selected.file, /zoe\.sample\.json$/);
        const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', fixtureUri('lead.webhook.json'));
        assert.equal(view.sample, ZOE);
        assert.equal(JSON.parse(view.body!).first_name, 'Zoë');
        const builtin = await vscode.commands.executeCommand<{ name: string }>('webhookStudio.selectSample', 'builtin');
        assert.equal(builtin.name, 'Built-in sample contact');
        const viewBuiltin = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', fixtureUri('lead.webhook.json'));
        assert.equal(JSON.parse(viewBuiltin.body!).first_name, 'Maria');
      } finally {
        await selectSample(JANE);
      }
      const refused = await vscode.commands.executeCommand<Refusal>('webhookStudio.selectSample', 'no such sample');
      assert.equal(refused.refused, true);
    });

    it('createSample writes a sample with every catalogue namespace filled, and never overwrites', async () => {
      const first = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.createSample');
      const second = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.createSample');
      try {
        assert.match(first.path, /\/samples\/contact\.sample\.json$/);
        assert.match(second.path, /\/samples\/contact-2\.sample\.json$/);
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(first));
        const written = JSON.parse(text) as Record<string, Record<string, unknown>>;
        assert.equal(written.contact!.first_name, 'Maria');
        assert.equal(written.location!.full_address, '100 Market Street, Portland, OR 97204, US');
        for (const ns of CATALOGUE) assert.ok(Object.keys(written[ns.name] ?? {}).length > 0, `${ns.name} is filled`);
      } finally {
        await closeAllEditors();
        for (const uri of [first, second]) await vscode.workspace.fs.delete(uri);
      }
    });
  });

  describe('cURL', () => {
    it('copyAsCurl returns the masked command and puts it on the clipboard; withSecrets reveals', async () => {
      await vscode.commands.executeCommand('webhookStudio.setSecret', 'CRM_TOKEN', 'crm-curl-secret-42');
      const uri = fixtureUri('lead.webhook.json');
      const masked = await vscode.commands.executeCommand<string>('webhookStudio.copyAsCurl', uri);
      assert.match(masked, /^curl 'https:\/\/api\.example\.com\/v1\/leads\/c_81f2\?source=hoop&tag=vip&tag=new'/);
      assert.match(masked, /-H 'Authorization: Bearer ••••••'/);
      assert.ok(!masked.includes('crm-curl-secret-42'));
      assert.equal(await vscode.env.clipboard.readText(), masked);
      const revealed = await vscode.commands.executeCommand<string>('webhookStudio.copyAsCurl', uri, { withSecrets: true });
      assert.match(revealed, /Bearer crm-curl-secret-42/);
    });

    it('newFromCurl writes a new webhook file at the workspace root, never overwriting, and opens it', async () => {
      const command = `curl -X POST https://api.example.com/v1/leads -H 'Content-Type: application/json' -d '{"email":"a@b.c"}'`;
      const first = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.newFromCurl', command);
      const second = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.newFromCurl', command);
      try {
        assert.ok(first instanceof vscode.Uri);
        assert.notEqual(first.toString(), second.toString());
        assert.match(first.path, /\/test\/fixtures\/workspace\/[^/]+\.webhook\.json$/);
        assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), second.toString());
        const view = await vscode.commands.executeCommand<RenderedView>('webhookStudio.renderRequest', first);
        assert.equal(view.method, 'POST');
        assert.equal(view.url, 'https://api.example.com/v1/leads');
        assert.deepEqual(JSON.parse(view.body!), { email: 'a@b.c' });
      } finally {
        await closeAllEditors();
        for (const uri of [first, second]) await vscode.workspace.fs.delete(uri);
      }
    });
  });

  describe('secrets and preview', () => {
    it('sets, lists and deletes a secret by argument', async () => {
      assert.deepEqual(await vscode.commands.executeCommand('webhookStudio.setSecret', 'TEMP_SECRET', 'temp'), { name: 'TEMP_SECRET', set: true });
      assert.ok((await vscode.commands.executeCommand<{ names: string[] }>('webhookStudio.listSecrets')).names.includes('TEMP_SECRET'));
      assert.deepEqual(await vscode.commands.executeCommand('webhookStudio.deleteSecret', 'TEMP_SECRET'), { name: 'TEMP_SECRET', deleted: true });
      assert.ok(!(await vscode.commands.executeCommand<{ names: string[] }>('webhookStudio.listSecrets')).names.includes('TEMP_SECRET'));
      const bad = await vscode.commands.executeCommand<Refusal>('webhookStudio.setSecret', 'not valid', 'x');
      assert.equal(bad.refused, true);
    });

    it('openPreview shows the rendered request with secrets masked', async () => {
      const uri = fixtureUri('lead.webhook.json');
      await open(uri);
      const opened = await vscode.commands.executeCommand<{ source: string; view: string }>('webhookStudio.openPreview', uri);
      assert.equal(opened.source, uri.toString());
      assert.equal(opened.view, 'webview');
      const state = (await studioApi()).preview.state();
      assert.ok(state, 'the preview panel has a state');
      assert.equal(state.url, 'https://api.example.com/v1/leads/c_81f2?source=hoop&tag=vip&tag=new');
      assert.deepEqual(
        state.headers.find((h) => h.name === 'Authorization'),
        { name: 'Authorization', value: 'Bearer ••••••', origin: 'auth', secret: true },
      );
      assert.ok(!JSON.stringify(state).includes('crm-curl-secret-42'));
    });
  });
});
