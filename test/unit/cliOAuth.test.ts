/**
 * The CLI's OAuth 2.0 settings from the environment (connection "crm-main", key CRM_MAIN):
 * WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN_URL / _CLIENT_ID / _SCOPES with the client secret as the secret
 * OAUTH_CRM_MAIN_CLIENT_SECRET, or a stored token in WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN, against a real
 * token endpoint and a real receiver on loopback.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, runCli, type BuiltCli, type CliRun } from './helpers/cli';
import { readBody, startForwardProxy, startHttpServer, type ForwardProxy, type TestServer } from './helpers/servers';

const TIMEOUT = { timeout: 30_000 };
const CLIENT_ID = 'studio client:7';
const CLIENT_SECRET = 'cs_4e1f+9a/b&c=ü';
const TOKENS = ['at_first_5c7d1e9b2a', 'at_second_8f3a6b0c4d'];
const STORED_TOKEN = 'at_stored_2b9e7c4a1f';

interface TokenRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly form: Array<[string, string]>;
}

/** Decodes one form-encoded Basic credential (RFC 6749 §2.3.1). */
function formDecoded(value: string): string {
  return new URLSearchParams(`v=${value}`).get('v') ?? '';
}

/** Everything a run showed: stdout, stderr and the log file if it wrote one. */
function shown(run: CliRun, log?: string): string {
  let text = run.stdout + run.stderr;
  try {
    if (log) text += readFileSync(log, 'utf8');
  } catch {
    // no log written
  }
  return text;
}

describe('webhook-studio send with OAuth settings from the environment', () => {
  let tokenEndpoint: TestServer;
  let receiver: TestServer;
  let work: string;
  let built: BuiltCli;
  const tokenRequests: TokenRequest[] = [];
  const received: Array<{ authorization?: string; body: string }> = [];
  /** Status the receiver answers for each request, in order; 200 once they run out. */
  let receiverStatuses: number[] = [];
  let tokenStatus = 200;

  before(async () => {
    tokenEndpoint = await startHttpServer((req: IncomingMessage, res: ServerResponse) => void answerToken(req, res));
    async function answerToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const body = await readBody(req);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      tokenRequests.push({
        clientId: formDecoded(decoded.slice(0, colon)),
        clientSecret: formDecoded(decoded.slice(colon + 1)),
        form: [...new URLSearchParams(body)],
      });
      const answer =
        tokenStatus === 200
          ? { access_token: TOKENS[(tokenRequests.length - 1) % TOKENS.length], token_type: 'Bearer', expires_in: 3600 }
          : { error: 'invalid_client', error_description: 'unknown client' };
      res.writeHead(tokenStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    }
    receiver = await startHttpServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ authorization: req.headers.authorization, body });
        // Echo the credentials back: the CLI must still never print them.
        res.writeHead(receiverStatuses.shift() ?? 200, { 'content-type': 'application/json', 'x-echo-auth': req.headers.authorization ?? '' });
        res.end(JSON.stringify({ seen: req.headers.authorization ?? '' }));
      });
    });
    work = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-oauth-'));
    writeFileSync(
      join(work, 'crm.webhook.json'),
      JSON.stringify({
        name: 'Update the CRM',
        method: 'POST',
        url: `${receiver.origin}/v1/contacts`,
        auth: { type: 'oauth2', connection: 'crm-main' },
        body: { email: '{{contact.email}}' },
      }),
    );
    writeFileSync(join(work, 'client.env'), `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}\n`);
    built = await buildCli();
  });

  after(async () => {
    await tokenEndpoint.close();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
    await built?.remove();
  });

  beforeEach(() => {
    tokenRequests.length = 0;
    received.length = 0;
    receiverStatuses = [];
    tokenStatus = 200;
  });

  const clientEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN_URL: `${tokenEndpoint.origin}/oauth/token`,
    WEBHOOK_STUDIO_OAUTH_CRM_MAIN_CLIENT_ID: CLIENT_ID,
    WEBHOOK_STUDIO_OAUTH_CRM_MAIN_SCOPES: 'contacts.write deals.read',
    ...extra,
  });

  const secretForms: Array<{ name: string; args: string[]; env: Record<string, string> }> = [
    { name: '--secret OAUTH_CRM_MAIN_CLIENT_SECRET=…', args: ['--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], env: {} },
    { name: 'WEBHOOK_STUDIO_SECRET_OAUTH_CRM_MAIN_CLIENT_SECRET', args: [], env: { WEBHOOK_STUDIO_SECRET_OAUTH_CRM_MAIN_CLIENT_SECRET: CLIENT_SECRET } },
    { name: '--env-file', args: ['--env-file', 'client.env'], env: {} },
  ];
  for (const form of secretForms) {
    test(`client credentials with the secret from ${form.name}: the endpoint gets id, secret and scopes, the receiver the token`, TIMEOUT, async () => {
      const log = join(work, `send-${secretForms.indexOf(form)}.jsonl`);
      const r = await runCli(['send', 'crm.webhook.json', '--log', log, ...form.args], { cwd: work, env: clientEnv(form.env) });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(tokenRequests, [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          form: [
            ['grant_type', 'client_credentials'],
            ['scope', 'contacts.write deals.read'],
          ],
        },
      ]);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.authorization, `Bearer ${TOKENS[0]}`);
      assert.match(r.stdout, /→ 200 OK · accepted/);
      assert.match(r.stdout, /x-echo-auth: Bearer ••••••/);
      const text = shown(r, log);
      assert.ok(!text.includes(TOKENS[0]!), 'the token is never shown nor logged');
      assert.ok(!text.includes(CLIENT_SECRET), 'nor the client secret');
    });
  }

  test('scopes may be separated by commas too; no scope variable sends no scope', TIMEOUT, async () => {
    const withCommas = await runCli(['send', 'crm.webhook.json', '--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], {
      cwd: work,
      env: clientEnv({ WEBHOOK_STUDIO_OAUTH_CRM_MAIN_SCOPES: 'contacts.write, deals.read' }),
    });
    assert.equal(withCommas.code, 0, withCommas.stderr);
    const { WEBHOOK_STUDIO_OAUTH_CRM_MAIN_SCOPES: _scopes, ...noScopes } = clientEnv();
    const without = await runCli(['send', 'crm.webhook.json', '--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], { cwd: work, env: noScopes });
    assert.equal(without.code, 0, without.stderr);
    assert.deepEqual(
      tokenRequests.map((t) => t.form),
      [
        [
          ['grant_type', 'client_credentials'],
          ['scope', 'contacts.write deals.read'],
        ],
        [['grant_type', 'client_credentials']],
      ],
    );
  });

  test('a 401 from the receiver gets a new token once and sends again', TIMEOUT, async () => {
    receiverStatuses = [401];
    const r = await runCli(['send', 'crm.webhook.json', '--json', '--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], {
      cwd: work,
      env: clientEnv(),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(tokenRequests.length, 2);
    assert.deepEqual(
      received.map((x) => x.authorization),
      [`Bearer ${TOKENS[0]}`, `Bearer ${TOKENS[1]}`],
    );
    assert.equal(JSON.parse(r.stdout).response.status, 200);
    for (const token of TOKENS) assert.ok(!shown(r).includes(token));
  });

  test('a stored token in WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN goes to the receiver as is, no token request', TIMEOUT, async () => {
    const r = await runCli(['send', 'crm.webhook.json', '--json'], { cwd: work, env: { WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN: STORED_TOKEN } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(tokenRequests.length, 0);
    assert.equal(received[0]?.authorization, `Bearer ${STORED_TOKEN}`);
    const record = JSON.parse(r.stdout);
    assert.deepEqual(
      record.request.headers.find(([name]: [string]) => name === 'Authorization'),
      ['Authorization', 'Bearer ••••••'],
    );
    assert.ok(!shown(r).includes(STORED_TOKEN));
  });

  test('a missing client secret stops the send before anything is sent, naming the secret to set', TIMEOUT, async () => {
    const r = await runCli(['send', 'crm.webhook.json'], { cwd: work, env: clientEnv() });
    assert.equal(r.code, 1);
    // Like every send that did not reach a response, it is printed (and logged) as a record with its error.
    assert.match(r.stdout, /network error \(oauth\): the client secret "OAUTH_CRM_MAIN_CLIENT_SECRET" of OAuth connection "crm-main" is not set/);
    assert.equal(tokenRequests.length, 0);
    assert.equal(received.length, 0);
  });

  test('a token endpoint that refuses the client stops the send, without the secret in the message', TIMEOUT, async () => {
    tokenStatus = 401;
    const r = await runCli(['send', 'crm.webhook.json', '--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], { cwd: work, env: clientEnv() });
    assert.equal(r.code, 1);
    assert.equal(tokenRequests.length, 1);
    assert.equal(received.length, 0);
    assert.match(r.stdout, /network error \(oauth\): the token endpoint .* answered 401/);
    assert.match(r.stdout, /invalid_client/);
    assert.ok(!shown(r).includes(CLIENT_SECRET));
    assert.ok(!/\n\s+at /.test(shown(r)), 'no stack trace');
  });

  test('the built binary does the same: token request, Bearer token on the wire, nothing secret printed', TIMEOUT, async () => {
    const r = await built.run(['send', 'crm.webhook.json', '--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`], { cwd: work, env: clientEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]!.clientId, CLIENT_ID);
    assert.equal(tokenRequests[0]!.clientSecret, CLIENT_SECRET);
    assert.deepEqual(tokenRequests[0]!.form, [
      ['grant_type', 'client_credentials'],
      ['scope', 'contacts.write deals.read'],
    ]);
    assert.equal(received[0]?.authorization, `Bearer ${TOKENS[0]}`);
    assert.ok(!shown(r).includes(TOKENS[0]!) && !shown(r).includes(CLIENT_SECRET));
  });

  describe('behind a proxy', () => {
    let proxy: ForwardProxy;
    // `auth.invalid` resolves only inside the proxy: a token request that went direct would fail.
    before(async () => {
      proxy = await startForwardProxy((hostPort) => (hostPort === 'auth.invalid:80' ? { host: '127.0.0.1', port: tokenEndpoint.port } : undefined));
    });
    after(async () => {
      await proxy.close();
    });
    beforeEach(() => {
      proxy.seen.length = 0;
    });
    const secret = ['--secret', `OAUTH_CRM_MAIN_CLIENT_SECRET=${CLIENT_SECRET}`];
    const proxiedEnv = (): Record<string, string> => ({
      ...clientEnv({ WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN_URL: 'http://auth.invalid/oauth/token' }),
      HTTP_PROXY: proxy.origin,
    });

    test('the token request goes through HTTP_PROXY, as the send does', TIMEOUT, async () => {
      const r = await runCli(['send', 'crm.webhook.json', ...secret], { cwd: work, env: proxiedEnv() });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(proxy.seen, ['POST http://auth.invalid/oauth/token', `POST ${receiver.origin}/v1/contacts`]);
      assert.equal(tokenRequests.length, 1);
      assert.equal(received[0]?.authorization, `Bearer ${TOKENS[0]}`);
    });

    test('NO_PROXY sends the token request and the webhook directly', TIMEOUT, async () => {
      const before = proxy.connections();
      const r = await runCli(['send', 'crm.webhook.json', ...secret], { cwd: work, env: { ...clientEnv(), HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1' } });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(tokenRequests.length, 1);
      assert.equal(proxy.connections(), before);
    });

    test('the built binary sends the token request through the proxy too', TIMEOUT, async () => {
      const r = await built.run(['send', 'crm.webhook.json', ...secret], { cwd: work, env: proxiedEnv() });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(proxy.seen, ['POST http://auth.invalid/oauth/token', `POST ${receiver.origin}/v1/contacts`]);
      assert.ok(!shown(r).includes(TOKENS[0]!) && !shown(r).includes(CLIENT_SECRET));
    });
  });
});
