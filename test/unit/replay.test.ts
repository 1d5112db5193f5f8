import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseActionDocument } from '../../src/core/document';
import { JsonLinesLog } from '../../src/core/executionLog';
import { HttpSender } from '../../src/core/http/index';
import { startInbox, type Inbox } from '../../src/core/inbox';
import { forwarder } from '../../src/core/inboxForward';
import { MASK } from '../../src/core/redact';
import { render } from '../../src/core/render';
import { editableAction, pickRecord, replayPlan, UNKNOWN_SECRET } from '../../src/core/replay';
import { mapSecretSource, noTokens } from '../../src/core/secretSources';
import { sendAction, type SendActionResult, type SendReport, type TokenProvider } from '../../src/core/sendAction';
import type { Capture, ExecutionRecord, Sample, SecretSource } from '../../src/core/types';
import { startHttpServer, type TestServer } from './helpers/servers';

const BOUND = { timeout: 15_000 };
const SAMPLE: Sample = { name: 'Jane', builtin: false, data: { contact: { id: 'c_1', first_name: 'Jane', email: 'jane@example.com' } } };
const SECRETS = { CRM_TOKEN: 'tok_9f8e7d6c5b4a', API_KEY: 'key_1a2b3c4d5e', PASS: 'pw_5e4d3c2b1a', HOOK: 'hk/77 x' };
const secretsOf = (values: Record<string, string>): SecretSource => mapSecretSource(new Map(Object.entries(values)));

/** What a receiver got, exactly: method, target, raw headers in order and case, body bytes. */
interface Received {
  readonly method: string;
  readonly target: string;
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** A real receiver on loopback that records every request byte for byte and answers `status`. */
async function startReceiver(status = 200, answer = '{"received":true}'): Promise<TestServer & { readonly got: Received[] }> {
  const got: Received[] = [];
  const server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = req.rawHeaders;
      const rawHeaders: [string, string][] = [];
      for (let i = 0; i < raw.length; i += 2) rawHeaders.push([raw[i]!, raw[i + 1]!]);
      got.push({ method: req.method ?? '', target: req.url ?? '', rawHeaders, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Receiver': 'yes' });
      res.end(answer);
    });
  });
  return Object.assign(server, { got });
}

/** Headers the transport sets (not part of the recorded request). */
const TRANSPORT = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
const own = (headers: ReadonlyArray<readonly [string, string]>) => headers.filter(([n]) => !TRANSPORT.has(n.toLowerCase()));
const wire = (r: Received | Capture) => ({ method: r.method, target: r.target, headers: own(r.rawHeaders), body: Buffer.from(r.body).toString('latin1') });

const tokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };
const oauthTokens = (token: string): TokenProvider => ({ ...tokens, token: (c) => (c === 'crm' ? token : undefined) });

function sent(result: SendActionResult): SendReport {
  assert.ok(result.sent, result.sent ? '' : `refused (${result.code}): ${result.reason}`);
  return result;
}

/** An action using secrets in the URL's query, a header, the body and the auth. */
function action(origin: string, auth = '"auth": { "type": "bearer", "token": "{{secrets.CRM_TOKEN}}" },'): string {
  return `{
    "name": "Push lead",
    "method": "POST",
    "url": "${origin}/leads/{{contact.id}}?hook={{secrets.HOOK}}&v=1",
    ${auth}
    "headers": { "X-Api-Key": "{{secrets.API_KEY}}", "X-Trace": "t-1" },
    "body": { "first_name": "{{contact.first_name}}", "signature": "{{secrets.API_KEY}}", "note": "line\\nbreak" }
  }`;
}

describe('replay', () => {
  let a: Awaited<ReturnType<typeof startReceiver>>;
  let b: Awaited<ReturnType<typeof startReceiver>>;
  let inbox: Inbox;
  let dir: string;
  const sender = new HttpSender({ privateAddresses: 'allow' });

  before(async () => {
    a = await startReceiver();
    b = await startReceiver(201);
    inbox = await startInbox();
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
  });
  after(async () => {
    await sender.close();
    await a.close();
    await b.close();
    await inbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function recordOf(
    text: string,
    secrets = secretsOf(SECRETS),
    provider: TokenProvider = tokens,
  ): Promise<{ record: ExecutionRecord; log: JsonLinesLog; file: string }> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
    const log = new JsonLinesLog(file);
    sent(
      await sendAction({
        doc: parseActionDocument(text),
        sample: SAMPLE,
        file: 'lead.webhook.json',
        escaping: 'json',
        arraySeparator: ', ',
        secrets,
        tokens: provider,
        transport: sender,
        log,
      }),
    );
    const picked = pickRecord(await log.list());
    assert.ok(picked.ok);
    return { record: picked.record, log, file };
  }

  async function replay(
    record: ExecutionRecord,
    options: { origin?: string; inbox?: Inbox; secrets?: SecretSource; tokens?: TokenProvider } = {},
  ): Promise<SendActionResult> {
    const secrets = options.secrets ?? secretsOf(SECRETS);
    const planned = replayPlan(record, secrets, options.origin);
    assert.ok(planned.ok, planned.ok ? '' : planned.error);
    return sendAction({
      ...planned.plan,
      escaping: 'json',
      arraySeparator: ', ',
      secrets,
      tokens: options.tokens ?? tokens,
      transport: sender,
      inbox: options.inbox,
      timeoutMs: 5000,
    });
  }

  test('the log holds masks and a recipe, never a secret value', BOUND, async () => {
    const { file } = await recordOf(action(a.origin));
    const text = readFileSync(file, 'utf8');
    for (const value of Object.values(SECRETS)) {
      assert.ok(!text.includes(value) && !text.includes(encodeURIComponent(value)), 'a secret reached the log');
    }
    assert.ok(text.includes(MASK));
    assert.ok(text.includes('"replay"'));
  });

  test('re-sends the recorded request byte for byte to the inbox, with the secrets read again', BOUND, async () => {
    const { record } = await recordOf(action(a.origin));
    const original = a.got.at(-1)!;
    const report = sent(await replay(record, { inbox }));
    assert.deepEqual(report.differences, []);
    const capture = inbox.captures().at(-1)!;
    assert.deepEqual(wire(capture), wire(original));
    assert.equal(report.record.replayOf, record.id);
    assert.equal(report.record.inbox, true);
  });

  test('re-sends it byte for byte to another origin, keeping the path and query', BOUND, async () => {
    const { record } = await recordOf(action(a.origin));
    const original = a.got.at(-1)!;
    const report = sent(await replay(record, { origin: b.origin }));
    assert.equal(report.record.response?.status, 201);
    assert.deepEqual(wire(b.got.at(-1)!), wire(original));
    assert.ok(report.record.request.url.startsWith(`${b.origin}/leads/c_1?hook=${MASK}`), report.record.request.url);
  });

  test('replays to the recorded receiver by default, and a replay can be replayed again', BOUND, async () => {
    const { record, log } = await recordOf(action(a.origin));
    const first = a.got.at(-1)!;
    const planned = replayPlan(record, secretsOf(SECRETS));
    assert.ok(planned.ok);
    const again = sent(
      await sendAction({
        ...planned.plan,
        escaping: 'json',
        arraySeparator: ', ',
        secrets: secretsOf(SECRETS),
        tokens,
        transport: sender,
        log,
      }),
    );
    assert.deepEqual(wire(a.got.at(-1)!), wire(first));
    const newest = pickRecord(await log.list());
    assert.ok(newest.ok);
    assert.equal(newest.record.id, again.record.id);
    sent(await replay(newest.record));
    assert.deepEqual(wire(a.got.at(-1)!), wire(first));
  });

  test('a secret changed since is sent as it is now; a secret no longer set refuses the replay by name', BOUND, async () => {
    const { record } = await recordOf(action(a.origin));
    sent(await replay(record, { origin: b.origin, secrets: secretsOf({ ...SECRETS, CRM_TOKEN: 'tok_rotated_000' }) }));
    const auth = b.got.at(-1)!.rawHeaders.find(([n]) => n === 'Authorization');
    assert.deepEqual(auth, ['Authorization', 'Bearer tok_rotated_000']);
    const { API_KEY: _dropped, ...rest } = SECRETS;
    const refused = await replay(record, { origin: b.origin, secrets: secretsOf(rest) });
    assert.equal(refused.sent, false);
    assert.deepEqual(refused.sent ? [] : refused.missingSecrets, ['API_KEY']);
  });

  test('Basic credentials and OAuth tokens are made again from their parts', BOUND, async () => {
    const basic = await recordOf(action(a.origin, '"auth": { "type": "basic", "username": "{{contact.email}}", "password": "{{secrets.PASS}}" },'));
    const basicOriginal = a.got.at(-1)!;
    assert.deepEqual(sent(await replay(basic.record, { inbox })).differences, []);
    assert.deepEqual(wire(inbox.captures().at(-1)!), wire(basicOriginal));

    const oauth = await recordOf(action(a.origin, '"auth": { "type": "oauth2", "connection": "crm" },'), secretsOf(SECRETS), oauthTokens('oa_token_1111'));
    assert.ok(!JSON.stringify(oauth.record).includes('oa_token_1111'));
    sent(await replay(oauth.record, { origin: b.origin, tokens: oauthTokens('oa_token_2222') }));
    assert.deepEqual(
      b.got.at(-1)!.rawHeaders.find(([n]) => n === 'Authorization'),
      ['Authorization', 'Bearer oa_token_2222'],
    );
  });

  test('a credential written in the action file cannot be restored from the log: the replay says so', BOUND, async () => {
    const { record } = await recordOf(action(a.origin, '"auth": { "type": "bearer", "token": "hardcoded_token_123" },'));
    const planned = replayPlan(record, secretsOf(SECRETS));
    assert.equal(planned.ok, false);
    assert.match(planned.ok ? '' : planned.error, /bearer token is written in the action file/);
  });

  test('a mask the recipe does not explain (a value equal to a secret) refuses the replay', () => {
    const record: ExecutionRecord = {
      id: 'r1',
      time: '2026-01-01T00:00:00.000Z',
      file: 'x.webhook.json',
      sample: 'Jane',
      request: { method: 'POST', url: 'http://127.0.0.1:1/a', headers: [['X-A', MASK]], body: '{}' },
      timings: { totalMs: 1 },
      outcome: 'accepted',
      replay: { url: 'http://127.0.0.1:1/a', fills: { url: [], headers: [[]], body: [] } },
    };
    const planned = replayPlan(record, secretsOf({}));
    assert.equal(planned.ok, false);
    assert.match(planned.ok ? '' : planned.error, /header X-A holds 1 mask\(s\) where the recipe knows 0/);
    const old = replayPlan({ ...record, replay: undefined }, secretsOf({}));
    assert.match(old.ok ? '' : old.error, /written before replay existed/);
  });

  test('replay with edits: the record as an action file, secrets as templates, renders the same request', BOUND, async () => {
    const { record } = await recordOf(action(a.origin));
    const text = editableAction(record);
    for (const value of Object.values(SECRETS)) assert.ok(!text.includes(value));
    assert.ok(!text.includes(MASK));
    const parsed = JSON.parse(text) as { auth: unknown; url: string; headers: Record<string, string> };
    assert.deepEqual(parsed.auth, { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' });
    assert.equal(parsed.url, `${a.origin}/leads/c_1?hook={{secrets.HOOK}}&v=1`);
    assert.equal(parsed.headers['X-Api-Key'], '{{secrets.API_KEY}}');
    const rendered = render(parseActionDocument(text), SAMPLE, { escaping: 'json', arraySeparator: ', ', secrets: secretsOf(SECRETS), tokens: noTokens });
    assert.deepEqual(rendered.unresolved, []);
    const original = a.got.at(-1)!;
    assert.equal(rendered.request.body, original.body.toString('utf8'));
    assert.equal(new URL(rendered.request.url).search, new URL(original.target, a.origin).search);
    // Edited and sent, it goes through the same send path.
    const edited = text.replace('"first_name": "Jane"', '"first_name": "Janet"');
    sent(
      await sendAction({
        doc: parseActionDocument(edited),
        sample: SAMPLE,
        file: 'edited.webhook.json',
        escaping: 'json',
        arraySeparator: ', ',
        secrets: secretsOf(SECRETS),
        tokens,
        transport: sender,
        inbox,
      }),
    );
    assert.match(Buffer.from(inbox.captures().at(-1)!.body).toString(), /"first_name":"Janet"/);
  });

  test('replay with edits names what it cannot restore as a secret to fill in', async () => {
    const { record } = await recordOf(action(a.origin, '"auth": { "type": "bearer", "token": "hardcoded_token_123" },'));
    const parsed = JSON.parse(editableAction(record)) as { auth: { token: string } };
    assert.equal(parsed.auth.token, `{{secrets.${UNKNOWN_SECRET}}}`);
  });

  test('picks the newest record, or one by id or the start of its id', () => {
    const make = (id: string, time: string) => ({ id, time }) as ExecutionRecord;
    const records = [make('b2', '2026-01-01T00:00:02Z'), make('a1', '2026-01-01T00:00:01Z'), make('a3', '2026-01-01T00:00:03Z')];
    assert.equal(pickRecord(records).ok && pickRecord(records).ok ? (pickRecord(records) as { record: ExecutionRecord }).record.id : '', 'a3');
    assert.equal((pickRecord(records, 'b') as { record: ExecutionRecord }).record.id, 'b2');
    assert.match((pickRecord(records, 'a') as { error: string }).error, /2 records have ids starting with a/);
    assert.match((pickRecord(records, 'zz') as { error: string }).error, /no record with id zz/);
    assert.match((pickRecord([]) as { error: string }).error, /no records/);
  });
});

describe('forward', () => {
  const sender = new HttpSender({ privateAddresses: 'allow' });
  after(() => sender.close());

  test('passes each capture on byte for byte and keeps the receiver answer beside it', BOUND, async () => {
    const receiver = await startReceiver(409, '{"error":"duplicate"}');
    const inbox = await startInbox({ rules: { default: { status: 202 } }, forward: forwarder({ url: `${receiver.origin}/base`, transport: sender }) });
    try {
      const updated = new Promise<Capture>((resolve) => inbox.onUpdate(resolve));
      const res = await fetch(`${inbox.url}/hooks/a?x=1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Sig': 's1' },
        body: '{"a":"é"}',
      });
      assert.equal(res.status, 202, 'the sender gets the inbox answer');
      const capture = await updated;
      const got = receiver.got.at(-1)!;
      assert.equal(got.target, '/base/hooks/a?x=1');
      assert.deepEqual({ ...wire(got), target: '' }, { ...wire(capture), target: '' });
      assert.ok(capture.forward?.ok);
      assert.equal(capture.forward.status, 409);
      assert.equal(capture.forward.bodyPreview, '{"error":"duplicate"}');
      assert.deepEqual(
        capture.forward.headers.find(([n]) => n.toLowerCase() === 'x-receiver'),
        ['X-Receiver', 'yes'],
      );
      assert.equal(inbox.captures().at(-1)!.forward?.ok, true, 'the kept capture holds the answer');
    } finally {
      await inbox.close();
      await receiver.close();
    }
  });

  test('a body over the cap is not forwarded, and an unreachable receiver is an error beside the capture', BOUND, async () => {
    const receiver = await startReceiver();
    const inbox = await startInbox({ maxBodyBytes: 8, forward: forwarder({ url: receiver.origin, transport: sender, timeoutMs: 5000 }) });
    try {
      const updated = new Promise<Capture>((resolve) => inbox.onUpdate(resolve));
      await fetch(`${inbox.url}/big`, { method: 'POST', body: '0123456789abcdef' });
      const capture = await updated;
      assert.equal(capture.forward?.ok, false);
      assert.match(capture.forward?.ok === false ? capture.forward.error.message : '', /over the inbox's cap/);
      assert.equal(receiver.got.length, 0);
    } finally {
      await inbox.close();
    }
    await receiver.close();
    const gone = await startInbox({ forward: forwarder({ url: receiver.origin, transport: sender, timeoutMs: 5000 }) });
    try {
      const updated = new Promise<Capture>((resolve) => gone.onUpdate(resolve));
      await fetch(`${gone.url}/x`, { method: 'POST', body: '{}' });
      const capture = await updated;
      assert.equal(capture.forward?.ok, false);
      assert.equal(capture.forward?.ok === false ? capture.forward.error.code : '', 'refused');
    } finally {
      await gone.close();
    }
  });

  test('forwards follow the private-address policy of sends', BOUND, async () => {
    const receiver = await startReceiver();
    const strict = new HttpSender({ privateAddresses: 'block' });
    const inbox = await startInbox({ forward: forwarder({ url: receiver.origin, transport: strict }) });
    try {
      const updated = new Promise<Capture>((resolve) => inbox.onUpdate(resolve));
      await fetch(`${inbox.url}/x`, { method: 'POST', body: '{}' });
      const capture = await updated;
      assert.equal(capture.forward?.ok === false ? capture.forward.error.code : '', 'blocked-address');
      assert.equal(receiver.got.length, 0);
    } finally {
      await inbox.close();
      await strict.close();
      await receiver.close();
    }
  });
});
