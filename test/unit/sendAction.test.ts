import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { parseActionDocument } from '../../src/core/document';
import { HttpSender } from '../../src/core/http/index';
import { startInbox, type Inbox } from '../../src/core/inbox';
import { OAuthTokens } from '../../src/core/oauth';
import { MASK } from '../../src/core/redact';
import { mapSecretSource, noTokens } from '../../src/core/secretSources';
import { sendAction, type SendActionInput, type SendActionResult, type SendReport, type TokenProvider } from '../../src/core/sendAction';
import type { ExecutionRecord, Sample } from '../../src/core/types';
import { readBody, startHttpServer, type TestServer } from './helpers/servers';

const BOUND = { timeout: 15_000 };
const TOKEN = 'tok_9f8e7d6c5b4a';
const SAMPLE: Sample = { name: 'Jane', builtin: false, data: { contact: { id: 'c_1', first_name: 'Jane', email: 'jane@example.com' } } };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const staticTokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };

function action(url: string, extra = ''): string {
  return `{
    "name": "Push lead",
    "method": "POST",
    "url": "${url}/leads/{{contact.id}}",
    "auth": { "type": "bearer", "token": "{{secrets.CRM_TOKEN}}" },
    ${extra}
    "body": { "first_name": "{{contact.first_name}}" }
  }`;
}

function sent(result: SendActionResult): SendReport {
  assert.ok(result.sent, result.sent ? '' : `refused (${result.code}): ${result.reason}`);
  return result;
}

const sender = new HttpSender({ privateAddresses: 'allow' });
after(() => sender.close());

function input(text: string, overrides: Partial<SendActionInput> = {}): SendActionInput {
  return {
    doc: parseActionDocument(text),
    sample: SAMPLE,
    file: 'lead.webhook.json',
    escaping: 'json',
    arraySeparator: ', ',
    secrets: mapSecretSource(new Map([['CRM_TOKEN', TOKEN]])),
    tokens: staticTokens,
    transport: sender,
    timeoutMs: 5000,
    ...overrides,
  };
}

describe('sendAction: what is refused before anything is sent', () => {
  let server: TestServer;
  const seen: Seen[] = [];
  before(async () => {
    server = await startHttpServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.end('{}');
      });
    });
  });
  after(() => server.close());

  test('a file that is not valid JSON is refused with its first syntax error', BOUND, async () => {
    const result = await sendAction(input(`{ "name": "x", "method": "POST", "url": "${server.origin}/a", "body": { "email": "a" "b": 1 } }`));
    assert.ok(!result.sent);
    assert.equal(result.code, 'invalid-json');
    assert.ok(result.problems.length > 0 && result.problems.every((p) => p.code === 'invalid-json'));
    assert.match(result.reason, /not valid JSON/);
    assert.equal(seen.length, 0);
  });

  test('a request the platform would not send is refused with its problems', BOUND, async () => {
    const result = await sendAction(input(`{ "name": "x", "method": "POST", "url": "not a url {{contact.id}}" }`));
    assert.ok(!result.sent);
    assert.equal(result.code, 'unsendable');
    assert.ok(result.problems.some((p) => p.code === 'invalid-url'));
    assert.equal(seen.length, 0);
  });

  test('an unset secret is refused by name, and its value is never asked of the receiver', BOUND, async () => {
    const result = await sendAction(input(action(server.origin), { secrets: mapSecretSource(new Map()) }));
    assert.ok(!result.sent);
    assert.equal(result.code, 'missing-secret');
    assert.deepEqual(result.missingSecrets, ['CRM_TOKEN']);
    assert.equal(seen.length, 0);
  });

  test('a log that says it cannot keep records is a refusal before anything is sent', BOUND, async () => {
    const result = await sendAction(
      input(action(server.origin), { log: { append: () => Promise.resolve(), check: () => Promise.resolve('notes.md is not an execution log') } }),
    );
    assert.ok(!result.sent);
    assert.equal(result.code, 'log');
    assert.match(result.reason, /notes\.md is not an execution log/);
    assert.equal(seen.length, 0);
  });

  test('a signal aborted before the send is a refusal, not a record', BOUND, async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await sendAction(input(action(server.origin), { signal: controller.signal }));
    assert.ok(!result.sent);
    assert.equal(result.code, 'cancelled');
    assert.equal(seen.length, 0);
  });
});

describe('sendAction: to the receiver', () => {
  let server: TestServer;
  const seen: Seen[] = [];
  let answer: (req: IncomingMessage) => { status: number; statusText?: string; headers?: Record<string, string>; body: string } = () => ({
    status: 201,
    body: '{"id":"rec_42"}',
  });
  before(async () => {
    server = await startHttpServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const a = answer(req);
        res.writeHead(a.status, a.statusText ?? '', a.headers ?? {});
        res.end(a.body);
      });
    });
  });
  after(() => server.close());

  test('sends the rendered request, records it masked, and appends the record to the log', BOUND, async () => {
    seen.length = 0;
    const logged: ExecutionRecord[] = [];
    const report = sent(await sendAction(input(action(server.origin), { log: { append: async (r) => void logged.push(r) } })));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, '/leads/c_1');
    assert.equal(seen[0]!.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(seen[0]!.body, '{"first_name":"Jane"}');
    assert.equal(report.record.outcome, 'accepted');
    assert.equal(report.record.response?.status, 201);
    assert.equal(report.record.response?.bodyPreview, '{"id":"rec_42"}');
    assert.equal(report.record.sample, 'Jane');
    assert.equal(report.record.file, 'lead.webhook.json');
    assert.deepEqual(
      report.record.request.headers.find(([n]) => n === 'Authorization'),
      ['Authorization', `Bearer ${MASK}`],
    );
    assert.equal(report.retried, false);
    assert.deepEqual(logged, [report.record]);
    assert.equal(report.capture, undefined);
  });

  test('renders for the sample it is given, whatever else is selected', BOUND, async () => {
    seen.length = 0;
    const other: Sample = { name: 'Omar', builtin: false, data: { contact: { id: 'c_2', first_name: 'Omar' } } };
    const report = sent(await sendAction(input(action(server.origin), { sample: other })));
    assert.equal(seen[0]!.url, '/leads/c_2');
    assert.equal(report.record.sample, 'Omar');
  });

  test(
    'a secret the receiver echoes in the status text, a header name and value and the body, in any common encoding, is masked in the record',
    BOUND,
    async () => {
      const secret = 'ab/cd+ef/GH==ä';
      const lowerPercent = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase());
      answer = () => ({
        status: 401,
        statusText: `Bad token ${secret.replace('ä', 'a')}`,
        headers: { 'x-echo-abcdefgh': lowerPercent, 'x-json': JSON.stringify(secret).replaceAll('/', '\\/') },
        body: `{"raw":"${secret}","slashes":"ab\\/cd+ef\\/GH==\\u00e4","html":"ab&#x2F;cd&#x2B;ef&#x2F;GH&#x3D;&#x3D;ä"}`,
      });
      try {
        const secrets = mapSecretSource(
          new Map([
            ['CRM_TOKEN', secret],
            ['OTHER', 'abcdefgh'],
          ]),
        );
        const report = sent(await sendAction(input(action(server.origin), { secrets, knownSecrets: () => ['abcdefgh', secret.replace('ä', 'a')] })));
        const text = JSON.stringify(report.record);
        assert.ok(!text.includes('abcdefgh'), text);
        assert.ok(!text.includes('ab/cd'), text);
        assert.ok(!text.includes('ab\\\\/cd'), text);
        assert.ok(!text.includes('ab%2fcd'), text);
        assert.ok(!text.includes('ab&#x2F;cd'), text);
        assert.ok(!text.includes('GH=='), text);
        assert.match(report.record.response!.statusText, new RegExp(`^Bad token ${MASK}$`));
      } finally {
        answer = () => ({ status: 201, body: '{"id":"rec_42"}' });
      }
    },
  );

  test('a log that cannot be written does not lose the send: the record comes back with the reason, redacted', BOUND, async () => {
    const report = sent(
      await sendAction(
        input(action(server.origin), {
          log: {
            append: () => Promise.reject(new Error(`disk full while writing ${TOKEN}`)),
          },
        }),
      ),
    );
    assert.equal(report.record.outcome, 'accepted');
    assert.equal(report.logError, `disk full while writing ${MASK}`);
  });

  test('around wraps each exchange with the masked request, and its signal cancels it', BOUND, async () => {
    answer = () => ({ status: 200, body: 'late' });
    const slow = await startHttpServer(() => undefined);
    try {
      let shown = '';
      const report = sent(
        await sendAction(
          input(action(slow.origin), {
            around: (masked, exchange) => {
              shown = masked.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
              const pressed = new AbortController();
              setTimeout(() => pressed.abort(), 50);
              return exchange(pressed.signal);
            },
          }),
        ),
      );
      assert.match(shown, new RegExp(`Authorization: Bearer ${MASK}`));
      assert.ok(!shown.includes(TOKEN));
      assert.equal(report.record.outcome, 'network-error');
      assert.equal(report.record.error?.code, 'cancelled');
    } finally {
      await slow.close();
      answer = () => ({ status: 201, body: '{"id":"rec_42"}' });
    }
  });
});

describe('sendAction: OAuth refresh after a 401', () => {
  let tokenEndpoint: TestServer;
  let receiver: TestServer;
  let issued = 0;
  const authorizations: string[] = [];
  let valid = 'tok-2';
  before(async () => {
    tokenEndpoint = await startHttpServer((req, res) => {
      void readBody(req).then(() => {
        issued += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    receiver = await startHttpServer((req, res) => {
      void readBody(req).then(() => {
        authorizations.push(String(req.headers['authorization']));
        const ok = req.headers['authorization'] === `Bearer ${valid}`;
        res.writeHead(ok ? 200 : 401);
        res.end(ok ? '{"ok":true}' : '{"error":"expired"}');
      });
    });
  });
  after(async () => {
    await tokenEndpoint.close();
    await receiver.close();
  });

  const oauthAction = (origin: string) =>
    `{ "name": "o", "method": "POST", "url": "${origin}/hook", "auth": { "type": "oauth2", "connection": "crm" }, "body": {} }`;

  test('a client-credentials token is refreshed once and the request sent once more', BOUND, async () => {
    issued = 0;
    authorizations.length = 0;
    valid = 'tok-2';
    const tokens = new OAuthTokens({
      connections: [{ name: 'crm', tokenUrl: `${tokenEndpoint.origin}/token`, clientId: 'id', clientSecretKey: 'CS' }],
      secrets: mapSecretSource(new Map([['CS', 'client-secret']])),
    });
    const refreshed: string[] = [];
    const report = sent(await sendAction(input(oauthAction(receiver.origin), { tokens, onRefresh: (c) => refreshed.push(c) })));
    assert.deepEqual(authorizations, ['Bearer tok-1', 'Bearer tok-2']);
    assert.equal(issued, 2);
    assert.deepEqual(refreshed, ['crm']);
    assert.equal(report.retried, true);
    assert.equal(report.record.response?.status, 200);
    assert.ok(!JSON.stringify(report.record).includes('tok-2'));
  });

  test('a second 401 is not retried again: at most one refresh per send', BOUND, async () => {
    issued = 0;
    authorizations.length = 0;
    valid = 'never';
    const tokens = new OAuthTokens({
      connections: [{ name: 'crm', tokenUrl: `${tokenEndpoint.origin}/token`, clientId: 'id', clientSecretKey: 'CS' }],
      secrets: mapSecretSource(new Map([['CS', 'client-secret']])),
    });
    const report = sent(await sendAction(input(oauthAction(receiver.origin), { tokens })));
    assert.equal(authorizations.length, 2);
    assert.equal(report.record.response?.status, 401);
    assert.equal(report.record.outcome, 'rejected');
  });

  test('a stored token is not refreshable: a 401 is recorded as is, sent once', BOUND, async () => {
    authorizations.length = 0;
    valid = 'never';
    const tokens = new OAuthTokens({ connections: [{ name: 'crm', accessToken: 'stored-token' }], secrets: mapSecretSource(new Map()) });
    const report = sent(await sendAction(input(oauthAction(receiver.origin), { tokens })));
    assert.deepEqual(authorizations, ['Bearer stored-token']);
    assert.equal(report.retried, false);
    assert.ok(!JSON.stringify(report.record).includes('stored-token'));
  });

  test('a connection without a token is a record with the OAuth error, and nothing reaches the receiver', BOUND, async () => {
    authorizations.length = 0;
    const tokens = new OAuthTokens({ connections: [], secrets: mapSecretSource(new Map()) });
    const report = sent(await sendAction(input(oauthAction(receiver.origin), { tokens })));
    assert.equal(authorizations.length, 0);
    assert.equal(report.record.outcome, 'network-error');
    assert.equal(report.record.error?.code, 'oauth');
    assert.match(report.record.error?.message ?? '', /no OAuth connection named "crm"/);
  });
});

describe('sendAction: to the local inbox', () => {
  let inbox: Inbox;
  const inboxSender = new HttpSender();
  before(async () => {
    inbox = await startInbox();
  });
  after(async () => {
    await inboxSender.close();
    await inbox.close();
  });

  test('goes to the inbox instead of the receiver, with the capture redacted and byte for byte equal to what was sent', BOUND, async () => {
    const report = sent(
      await sendAction(input(action('https://api.example.com'), { inbox, transport: new HttpSender({ alwaysAllowedOrigins: [inbox.url] }) })),
    );
    assert.equal(report.record.inbox, true);
    assert.ok(report.record.request.url.startsWith(`${inbox.url}/leads/c_1`), report.record.request.url);
    assert.ok(report.capture);
    assert.equal(report.capture.target, '/leads/c_1');
    assert.deepEqual(report.differences, []);
    const authorization = report.capture.rawHeaders.find(([n]) => n.toLowerCase() === 'authorization');
    assert.deepEqual(authorization, ['Authorization', `Bearer ${MASK}`]);
    assert.ok(!JSON.stringify({ ...report.capture, body: Buffer.from(report.capture.body).toString() }).includes(TOKEN));
  });

  test('a send that never reached the inbox reports no capture, not the one of an earlier send', BOUND, async () => {
    const transport = new HttpSender({ alwaysAllowedOrigins: [inbox.url] });
    sent(await sendAction(input(action('https://api.example.com'), { inbox, transport })));
    const oauth = `{ "name": "o", "method": "POST", "url": "https://api.example.com/hook", "auth": { "type": "oauth2", "connection": "crm" }, "body": {} }`;
    const tokens = new OAuthTokens({ connections: [], secrets: mapSecretSource(new Map()) });
    const report = sent(await sendAction(input(oauth, { inbox, transport, tokens })));
    assert.equal(report.record.error?.code, 'oauth');
    assert.equal(report.capture, undefined);
    assert.deepEqual(report.differences, ['nothing arrived at the inbox']);
    await transport.close();
  });

  test('takes the capture of this send, not an older one', BOUND, async () => {
    const transport = new HttpSender({ alwaysAllowedOrigins: [inbox.url] });
    sent(await sendAction(input(action('https://api.example.com'), { inbox, transport })));
    const second = sent(
      await sendAction(
        input(action('https://api.example.com'), { inbox, transport, sample: { ...SAMPLE, data: { contact: { id: 'c_9', first_name: 'Zoë' } } } }),
      ),
    );
    assert.equal(second.capture?.target, '/leads/c_9');
    await transport.close();
  });
});
