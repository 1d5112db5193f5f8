import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASK } from '../../src/core/redact';
import { ROOT, runCli, startCli, waitForMatch } from './helpers/cli';
import { startHttpServer, type TestServer } from './helpers/servers';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'inbox');
const SECRET = 'sk_live_5a4b3c2d1e';
const BOUND = { timeout: 30_000 };

/** A receiver that keeps each request's target, raw headers and body, and answers 200. */
async function receiver(): Promise<TestServer & { got: { target: string; headers: string[]; body: string }[] }> {
  const got: { target: string; headers: string[]; body: string }[] = [];
  const server = await startHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ target: req.url ?? '', headers: req.rawHeaders, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"stored":1}');
    });
  });
  return Object.assign(server, { got });
}

/** The headers the request itself carries, without those the transport sets. */
const own = (raw: string[]) => {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!/^(host|connection|content-length)$/i.test(raw[i]!)) out.push(`${raw[i]}: ${raw[i + 1]}`);
  return out;
};

describe('webhook-studio inbox --rules / --forward', () => {
  test('answers by the rules file and prints the rule beside each capture', BOUND, async () => {
    const { io, exited } = startCli(['inbox', '--rules', 'rehearsal.inbox.json'], { cwd: FIXTURES });
    const [url] = await waitForMatch(() => io.stdout, /http:\/\/127\.0\.0\.1:\d+/);
    const created = await fetch(`${url}/leads`, { method: 'POST', body: '{"id":"L-1"}' });
    assert.equal(created.status, 201);
    const missing = await fetch(`${url}/contacts/1`, { method: 'POST', body: '{"contact":{}}' });
    assert.equal(missing.status, 422);
    assert.deepEqual(await missing.json(), { error: 'contact.email is required', path: '/contacts/1' });
    await waitForMatch(() => io.stdout, /#2 .*answered 422 by rule "email missing"/);
    io.interrupt();
    assert.equal(await exited, 0);
    assert.match(io.stdout, /Answering by 3 rule\(s\) of rehearsal\.inbox\.json/);
    assert.match(io.stdout, /#1 .*answered 201 by rule "lead created" ──/);
  });

  test('a rules file with errors does not start the inbox: each error with file, line and column, exit 1', BOUND, async () => {
    const run = await runCli(['inbox', '--rules', 'broken.inbox.json'], { cwd: FIXTURES });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^broken\.inbox\.json:5:26 error .*z-a/m);
    assert.match(run.stderr, /^broken\.inbox\.json:8:75 warning .*the platform would give up/m);
    assert.match(run.stderr, /the inbox did not start: broken\.inbox\.json has errors/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  test('a missing rules file and a bad forward URL are usage errors (exit 2)', BOUND, async () => {
    const missing = await runCli(['inbox', '--rules', 'nope.inbox.json'], { cwd: FIXTURES });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--rules nope\.inbox\.json: /);
    const bad = await runCli(['inbox', '--forward', 'ftp://x'], { cwd: FIXTURES });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--forward: the forward URL must be http:\/\/ or https:\/\//);
  });

  test('--forward passes each request on and prints what the receiver answered', BOUND, async () => {
    const real = await receiver();
    try {
      const { io, exited } = startCli(['inbox', '--forward', real.origin, '--status', '202'], { cwd: FIXTURES });
      const [url] = await waitForMatch(() => io.stdout, /http:\/\/127\.0\.0\.1:\d+/);
      const res = await fetch(`${url}/hooks/1?a=b`, { method: 'POST', headers: { 'X-Sig': 'abc' }, body: '{"n":1}' });
      assert.equal(res.status, 202);
      await waitForMatch(() => io.stdout, /receiver .* answered in \d+ ms ──\n200 OK\n/);
      io.interrupt();
      assert.equal(await exited, 0);
      assert.equal(real.got[0]!.target, '/hooks/1?a=b');
      assert.equal(real.got[0]!.body, '{"n":1}');
      assert.ok(own(real.got[0]!.headers).includes('X-Sig: abc'));
      assert.match(io.stdout, /\{"stored":1\}/);
    } finally {
      await real.close();
    }
  });
});

describe('webhook-studio replay', () => {
  let dir: string;
  let real: Awaited<ReturnType<typeof receiver>>;
  let other: Awaited<ReturnType<typeof receiver>>;
  const env = { WEBHOOK_STUDIO_SECRET_API_TOKEN: SECRET };

  before(async () => {
    real = await receiver();
    other = await receiver();
    dir = mkdtempSync(join(tmpdir(), 'cli-replay-'));
    writeFileSync(
      join(dir, 'lead.webhook.json'),
      JSON.stringify({
        name: 'Lead',
        method: 'POST',
        url: `${real.origin}/leads/{{contact.id}}?key={{secrets.API_TOKEN}}`,
        auth: { type: 'bearer', token: '{{secrets.API_TOKEN}}' },
        headers: { 'X-Trace': 't-1' },
        body: { email: '{{contact.email}}', n: 1 },
      }),
    );
    const sent = await runCli(['send', 'lead.webhook.json', '--log', 'sends.jsonl'], { cwd: dir, env });
    assert.equal(sent.code, 0, sent.stderr);
  });
  after(async () => {
    await real.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the log file holds masks only', () => {
    const text = readFileSync(join(dir, 'sends.jsonl'), 'utf8');
    assert.ok(!text.includes(SECRET));
    assert.ok(text.includes(MASK));
  });

  test('replay --inbox re-sends the newest record byte for byte, secrets read again from the environment', BOUND, async () => {
    const run = await runCli(['replay', 'sends.jsonl', '--inbox'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /The same request as recorded, byte for byte/);
    assert.ok(!run.stdout.includes(SECRET), 'the secret is masked in what is printed');
  });

  test('replay --to sends to another origin: the receiver gets the same bytes', BOUND, async () => {
    const run = await runCli(['replay', 'sends.jsonl', '--to', other.origin, '--log', 'sends.jsonl'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const first = real.got[0]!;
    const again = other.got.at(-1)!;
    assert.deepEqual([again.target, own(again.headers), again.body], [first.target, own(first.headers), first.body]);
    // The replay is a record of its own, which names the one it replayed.
    const lines = readFileSync(join(dir, 'sends.jsonl'), 'utf8').trim().split('\n');
    const [original, replayed] = lines.map((l) => JSON.parse(l) as { id: string; replayOf?: string });
    assert.equal(replayed!.replayOf, original!.id);
    // --id picks a record; the original goes to the original receiver.
    const byId = await runCli(['replay', 'sends.jsonl', '--id', original!.id.slice(0, 8)], { cwd: dir, env });
    assert.equal(byId.code, 0, byId.stderr);
    assert.deepEqual(real.got.at(-1)!.body, first.body);
  });

  test('replay without the secret refuses with the flag that gives it (exit 1)', BOUND, async () => {
    const run = await runCli(['replay', 'sends.jsonl', '--inbox'], { cwd: dir, env: {} });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /secret API_TOKEN is not set: pass --secret API_TOKEN=/);
  });

  test('replay --edit writes an editable action that send then sends; an existing file is never overwritten', BOUND, async () => {
    const run = await runCli(['replay', 'sends.jsonl', '--edit', 'edited.webhook.json'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(join(dir, 'edited.webhook.json'), 'utf8');
    assert.ok(!text.includes(SECRET));
    assert.match(text, /\{\{secrets\.API_TOKEN\}\}/);
    writeFileSync(join(dir, 'edited.webhook.json'), text.replace('"n": 1', '"n": 2'));
    const send = await runCli(['send', 'edited.webhook.json', '--inbox'], { cwd: dir, env });
    assert.equal(send.code, 0, send.stderr);
    assert.match(send.stdout, /"n":2/);
    copyFileSync(join(dir, 'edited.webhook.json'), join(dir, 'keep.webhook.json'));
    const again = await runCli(['replay', 'sends.jsonl', '--edit', 'keep.webhook.json'], { cwd: dir, env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /keep\.webhook\.json: exists already/);
    assert.equal(readFileSync(join(dir, 'keep.webhook.json'), 'utf8'), readFileSync(join(dir, 'edited.webhook.json'), 'utf8'));
  });

  test('usage errors: no log, a missing log, a file that is not a log, --to with a path, an unknown id (exit 2)', BOUND, async () => {
    const cases: [string[], RegExp][] = [
      [['replay'], /a log file \(as send --log writes it\) is required/],
      [['replay', 'none.jsonl'], /none\.jsonl: no such file/],
      [['replay', 'lead.webhook.json'], /lead\.webhook\.json: /],
      [['replay', 'sends.jsonl', '--to', 'http://localhost:3000/x'], /--to takes an origin/],
      [['replay', 'sends.jsonl', '--to', other.origin, '--inbox'], /give --to or --inbox, not both/],
      [['replay', 'sends.jsonl', '--id', 'zzzz'], /no record with id zzzz/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { cwd: dir, env });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
