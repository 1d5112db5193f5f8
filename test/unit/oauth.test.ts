import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthTokens } from '../../src/core/oauth';
import { shouldRefreshOn } from '../../src/core/sendAction';
import type { ClientCredentialsConnection, OAuthConnection } from '../../src/core/oauth';
import { mapSecretSource } from '../../src/core/secretSources';

const TEST_TIMEOUT = { timeout: 10_000 };
const CLIENT_ID = 'my client:1';
const CLIENT_SECRET = 's3cr:et+&/ü';
const ACCESS_TOKEN = 'at-7f3b9c2e1d';

interface Seen {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly form: URLSearchParams;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** A real token endpoint on loopback that records what it was sent and answers through the current handler. */
class TokenEndpoint {
  private server: Server | undefined;
  handler: Handler = () => undefined;
  readonly requests: Seen[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: Seen = {
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        };
        this.requests.push(seen);
        this.handler(req, res, seen);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth/token`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers like a strict provider: checks the Basic credentials and the form before issuing a token. */
function strictProvider(issue: Record<string, unknown> = { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }): Handler {
  return (_req, res, seen) => {
    const expected = 'Basic ' + Buffer.from('my+client%3A1:s3cr%3Aet%2B%26%2F%C3%BC').toString('base64');
    if (seen.authorization !== expected) return json(res, 401, { error: 'invalid_client', error_description: 'bad client credentials' });
    if (seen.contentType !== 'application/x-www-form-urlencoded') return json(res, 400, { error: 'invalid_request' });
    if (seen.form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    json(res, 200, issue);
  };
}

describe('OAuth client credentials against a real token endpoint', () => {
  const endpoint = new TokenEndpoint();
  let clock = 1_000_000;
  before(() => endpoint.start());
  after(() => endpoint.stop());
  beforeEach(() => {
    endpoint.requests.length = 0;
    endpoint.handler = strictProvider();
    clock = 1_000_000;
  });

  const connection = (extra: Partial<ClientCredentialsConnection> = {}): ClientCredentialsConnection => ({
    name: 'crm',
    tokenUrl: endpoint.url,
    clientId: CLIENT_ID,
    scopes: ['contacts.write', 'deals.read'],
    clientSecretKey: 'CRM_CLIENT_SECRET',
    ...extra,
  });
  const store = (connections: OAuthConnection[] = [connection()], options: { timeoutMs?: number } = {}): OAuthTokens =>
    new OAuthTokens({
      connections,
      secrets: mapSecretSource(new Map([['CRM_CLIENT_SECRET', CLIENT_SECRET]])),
      now: () => clock,
      ...options,
    });

  test('posts the form with form-encoded Basic client credentials and makes the token readable', TEST_TIMEOUT, async () => {
    const tokens = store();
    assert.equal(tokens.token('crm'), undefined);
    assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
    assert.equal(tokens.token('crm'), ACCESS_TOKEN);
    assert.equal(endpoint.requests.length, 1);
    const [seen] = endpoint.requests;
    assert.deepEqual(
      [...seen!.form],
      [
        ['grant_type', 'client_credentials'],
        ['scope', 'contacts.write deals.read'],
      ],
    );
  });

  test('sends no scope parameter when the connection has none', TEST_TIMEOUT, async () => {
    const tokens = store([connection({ scopes: [] })]);
    assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
    assert.equal(endpoint.requests[0]?.form.has('scope'), false);
  });

  const expiryCases = [
    { name: 'a token is reused until 30 s before it expires', expiresIn: 3600, validUntilMs: 3570_000 },
    { name: 'a lifetime shorter than the skew keeps half of it', expiresIn: 20, validUntilMs: 10_000 },
    { name: 'expires_in as a numeric string is honoured', expiresIn: '120', validUntilMs: 90_000 },
  ];
  for (const c of expiryCases) {
    test(c.name, TEST_TIMEOUT, async () => {
      endpoint.handler = strictProvider({ access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: c.expiresIn });
      const tokens = store();
      const start = clock;
      assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
      clock = start + c.validUntilMs - 1;
      assert.equal(tokens.token('crm'), ACCESS_TOKEN);
      assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
      assert.equal(endpoint.requests.length, 1);
      clock = start + c.validUntilMs;
      assert.equal(tokens.token('crm'), undefined);
      assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
      assert.equal(endpoint.requests.length, 2);
    });
  }

  test('a token without expires_in is kept until invalidated', TEST_TIMEOUT, async () => {
    endpoint.handler = strictProvider({ access_token: ACCESS_TOKEN });
    const tokens = store();
    await tokens.ensureToken('crm');
    clock += 365 * 24 * 3600 * 1000;
    assert.equal(tokens.token('crm'), ACCESS_TOKEN);
    tokens.invalidate('crm');
    assert.equal(tokens.token('crm'), undefined);
    await tokens.ensureToken('crm');
    assert.equal(endpoint.requests.length, 2);
  });

  test('invalidate after a 401 fetches a new token', TEST_TIMEOUT, async () => {
    let issued = 0;
    endpoint.handler = (req, res, seen) => strictProvider({ access_token: `token-${++issued}`, expires_in: 3600 })(req, res, seen);
    const tokens = store();
    await tokens.ensureToken('crm');
    assert.equal(tokens.token('crm'), 'token-1');
    assert.ok(shouldRefreshOn(401) && tokens.canRefresh('crm'));
    tokens.invalidate('crm');
    assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
    assert.equal(tokens.token('crm'), 'token-2');
  });

  test('concurrent ensureToken calls share one request', TEST_TIMEOUT, async () => {
    const answer = strictProvider();
    endpoint.handler = (req, res, seen) => setTimeout(() => answer(req, res, seen), 50);
    const tokens = store();
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.ensureToken('crm')));
    assert.deepEqual(
      results,
      Array.from({ length: 5 }, () => ({ ok: true })),
    );
    assert.equal(endpoint.requests.length, 1);
  });

  test('a failure is not cached: the next call asks again', TEST_TIMEOUT, async () => {
    endpoint.handler = (_req, res) => json(res, 503, { error: 'temporarily_unavailable' });
    const tokens = store();
    assert.equal((await tokens.ensureToken('crm')).ok, false);
    endpoint.handler = strictProvider();
    assert.deepEqual(await tokens.ensureToken('crm'), { ok: true });
    assert.equal(endpoint.requests.length, 2);
  });

  const errorCases: Array<{ name: string; handler: Handler; message: RegExp; hint?: RegExp }> = [
    {
      name: 'a wrong client secret reports the server’s error and description',
      handler: (_req, res) => json(res, 400, { error: 'invalid_client', error_description: 'Client authentication failed' }),
      message: /answered 400: invalid_client \(Client authentication failed\)/,
      hint: /client id and the client secret stored as "CRM_CLIENT_SECRET"/,
    },
    {
      name: 'an error without description reports the error code',
      handler: (_req, res) => json(res, 400, { error: 'invalid_scope' }),
      message: /answered 400: invalid_scope$/,
      hint: /scopes/,
    },
    {
      name: 'a non-JSON error body is quoted briefly',
      handler: (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>\n<h1>Bad gateway</h1></html>');
      },
      message: /answered 502: <html> <h1>Bad gateway<\/h1><\/html>/,
    },
    {
      name: 'a 200 that is not JSON is refused',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login page</html>');
      },
      message: /answered 200 without a JSON object/,
    },
    {
      name: 'an answer without access_token is refused',
      handler: (_req, res) => json(res, 200, { token_type: 'Bearer', expires_in: 3600 }),
      message: /without an access_token/,
    },
    {
      name: 'a token type other than Bearer is refused',
      handler: (_req, res) => json(res, 200, { access_token: ACCESS_TOKEN, token_type: 'mac' }),
      message: /"mac" token; only Bearer/,
    },
    {
      name: 'a server that echoes the secret does not get it into the message',
      handler: (_req, res) =>
        json(res, 400, { error: 'invalid_client', error_description: `secret ${CLIENT_SECRET} / ${encodeURIComponent(CLIENT_SECRET)} rejected` }),
      message: /secret •••••• \/ •••••• rejected/,
    },
    {
      name: 'a server that echoes the Basic credentials it was sent does not get them into the message',
      handler: (req, res) => json(res, 401, { error: 'invalid_client', error_description: `rejected ${String(req.headers['authorization'])}` }),
      message: /rejected Basic ••••••/,
    },
  ];
  for (const c of errorCases) {
    test(c.name, TEST_TIMEOUT, async () => {
      endpoint.handler = c.handler;
      const tokens = store();
      const result = await tokens.ensureToken('crm');
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'oauth');
      assert.match(result.error.message, c.message);
      if (c.hint) assert.match(result.error.hint, c.hint);
      const text = result.error.message + result.error.hint;
      for (const leak of [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), ACCESS_TOKEN]) assert.ok(!text.includes(leak), text);
      assert.equal(tokens.token('crm'), undefined);
    });
  }

  test('a token endpoint that never answers fails after the timeout', TEST_TIMEOUT, async () => {
    endpoint.handler = () => undefined;
    const tokens = store([connection()], { timeoutMs: 200 });
    const started = Date.now();
    const result = await tokens.ensureToken('crm');
    assert.ok(Date.now() - started < 3_000);
    assert.ok(!result.ok);
    assert.match(result.error.message, /did not answer within 0\.2 s/);
  });

  test('a refused connection is reported as unreachable', TEST_TIMEOUT, async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const tokens = store([connection({ tokenUrl: `http://127.0.0.1:${port}/token` })]);
    const result = await tokens.ensureToken('crm');
    assert.ok(!result.ok);
    assert.match(result.error.message, new RegExp(`could not reach the token endpoint http://127.0.0.1:${port}/token: connection refused`));
  });

  test('a missing client secret fails without any request', TEST_TIMEOUT, async () => {
    const tokens = new OAuthTokens({ connections: [connection()], secrets: mapSecretSource(new Map()) });
    const result = await tokens.ensureToken('crm');
    assert.ok(!result.ok);
    assert.match(result.error.message, /client secret "CRM_CLIENT_SECRET" of OAuth connection "crm" is not set/);
    assert.equal(endpoint.requests.length, 0);
  });

  const badUrls = ['ftp://127.0.0.1/token', 'not a url', ''];
  for (const tokenUrl of badUrls) {
    test(`a token URL ${JSON.stringify(tokenUrl)} is refused before sending`, TEST_TIMEOUT, async () => {
      const result = await store([connection({ tokenUrl })]).ensureToken('crm');
      assert.ok(!result.ok);
      assert.match(result.error.message, /not an http\(s\) URL/);
    });
  }
});

describe('OAuth stored tokens and unknown connections', () => {
  const tokens = new OAuthTokens({
    connections: [{ name: 'stored', accessToken: 'pre-configured' }, { name: 'empty' }],
    secrets: mapSecretSource(new Map()),
  });

  test('a stored token is readable at once and ensureToken accepts it', async () => {
    assert.equal(tokens.token('stored'), 'pre-configured');
    assert.deepEqual(await tokens.ensureToken('stored'), { ok: true });
    assert.equal(tokens.canRefresh('stored'), false);
    tokens.invalidate('stored');
    assert.equal(tokens.token('stored'), 'pre-configured');
  });

  const failures = [
    { name: 'empty', message: /no access token is stored for OAuth connection "empty"/ },
    { name: 'nope', message: /no OAuth connection named "nope" is configured/ },
  ];
  for (const c of failures) {
    test(`ensureToken("${c.name}") fails with a clear message`, async () => {
      const result = await tokens.ensureToken(c.name);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'oauth');
      assert.match(result.error.message, c.message);
      assert.equal(tokens.token(c.name), undefined);
    });
  }
});

describe('shouldRefreshOn', () => {
  const cases: Array<[number, boolean]> = [
    [401, true],
    [200, false],
    [403, false],
    [400, false],
    [500, false],
  ];
  for (const [status, expected] of cases) {
    test(`status ${status} → ${expected}`, () => assert.equal(shouldRefreshOn(status), expected));
  }
});
