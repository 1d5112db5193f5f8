import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCli, ROOT, runCli, startCli, waitForMatch, type BuiltCli, type CliRun } from './helpers/cli';
import { readBody, startForwardProxy, startHttpServer, startHttpsServer, type TestServer } from './helpers/servers';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');
const SECRET = 'sk_live_9f8e7d6c5b4a';

/** Runs the CLI in-process through `main(argv, io)`; the environment is only `options.env`. */
function cli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return runCli(args, { cwd: options.cwd, env: options.env ?? {} });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

const DIAGNOSTIC_LINE = /^[^\s:]+:\d+:\d+ (error|warning|info) [a-z-]+ \S.*$/;

let snapshot: Map<string, { mtimeMs: number; text: string }>;

before(() => {
  snapshot = new Map(files(FIXTURES).map((f) => [f, { mtimeMs: statSync(f).mtimeMs, text: readFileSync(f, 'utf8') }]));
});

after(() => {
  // No command may modify the files it reads.
  for (const [file, before] of snapshot) {
    assert.equal(statSync(file).mtimeMs, before.mtimeMs, `${file} was touched`);
    assert.equal(readFileSync(file, 'utf8'), before.text, `${file} was changed`);
  }
  assert.deepEqual(files(FIXTURES).sort(), [...snapshot.keys()].sort(), 'no file was added to the fixtures');
});

describe('webhook-studio (global)', () => {
  test('--version prints the package version', async () => {
    const r = await cli(['--version'], { cwd: ROOT });
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('--help lists every command and exits 0', async () => {
    const r = await cli(['--help'], { cwd: ROOT });
    assert.equal(r.code, 0);
    for (const command of ['validate', 'render', 'send', 'inbox', 'demo', 'import-curl', 'diff'])
      assert.match(r.stdout, new RegExp(`webhook-studio ${command}`));
  });

  const usage: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'no command', args: [], message: /Usage:/ },
    { name: 'an unknown command', args: ['frobnicate'], message: /unknown command "frobnicate"/ },
    { name: 'an unknown option', args: ['validate', '--bogus'], message: /^webhook-studio: unknown option --bogus\n[\s\S]*Usage: webhook-studio validate/ },
    { name: 'an option without its value', args: ['render', 'x.webhook.json', '--sample'], message: /option --sample needs a value/ },
    { name: 'a bad --format', args: ['render', 'render/action.webhook.json', '--format', 'xml'], message: /--format must be http, json or curl/ },
    { name: 'a bad --escaping', args: ['render', 'render/action.webhook.json', '--escaping', 'raw'], message: /--escaping must be json or text/ },
    { name: 'a bad --timeout', args: ['send', 'send/hook.webhook.json', '--timeout', 'soon'], message: /--timeout must be a whole number/ },
    { name: 'a missing file', args: ['render', 'nope.webhook.json'], message: /^webhook-studio: nope\.webhook\.json: file not found\n$/ },
    { name: 'a directory given as a file', args: ['render', 'render'], message: /^webhook-studio: render: is a directory, not a file\n$/ },
    {
      name: 'a missing --env-file',
      args: ['render', 'render/action.webhook.json', '--env-file', 'render/missing.env'],
      message: /^webhook-studio: --env-file render\/missing\.env: file not found\n$/,
    },
    {
      name: 'an --env-file that is not UTF-8',
      args: ['render', 'render/action.webhook.json', '--env-file', 'render/latin1.env'],
      message: /--env-file render\/latin1\.env: is not valid UTF-8 text/,
    },
    {
      name: 'an action file that is not UTF-8',
      args: ['render', 'render/latin1.env'],
      message: /^webhook-studio: render\/latin1\.env: is not valid UTF-8 text \(the first invalid byte is at line 1, column \d+\); save it as UTF-8\n$/,
    },
    {
      name: 'a device as the action file',
      args: ['render', '/dev/zero'],
      message: /^webhook-studio: [./]*\/?dev\/zero: is not a regular file \(a device, pipe or socket\), so it is not read\n$/,
    },
    {
      name: 'an unknown sample',
      args: ['render', 'render/action.webhook.json', '--sample', 'Nobody'],
      message: /--sample Nobody: no sample with that name or path/,
    },
  ];
  for (const c of usage) {
    test(`exits 2 with a clear message on ${c.name}`, async () => {
      const r = await cli(c.args, { cwd: FIXTURES });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, c.message);
      assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    });
  }
});

describe('webhook-studio validate', () => {
  test('a clean directory: summary only, exit 0, no colour when not on a terminal', async () => {
    const r = await cli(['validate'], { cwd: join(FIXTURES, 'clean') });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'checked: lead.webhook.json, jane.sample.json\n2 files, 0 errors, 0 warnings\n');
    assert.ok(!r.stdout.includes('\x1b['));
  });

  test('a dirty directory: one line per problem, file:line:col severity code message, exit 1', async () => {
    const r = await cli(['validate'], { cwd: join(FIXTURES, 'dirty') });
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    assert.match(lines.pop()!, /^checked: filter\.webhook\.json, malformed\.webhook\.json, .*not-an-object\.sample\.json$/);
    for (const line of lines) assert.match(line, DIAGNOSTIC_LINE);
    const starts = lines.map((l) => l.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(starts, [
      'filter.webhook.json:5:22 error unsupported-expression',
      'malformed.webhook.json:4:3 error invalid-json',
      'unknown-auth.webhook.json:5:21 error schema',
      'wrong-type.webhook.json:5:14 error schema',
      'not-an-object.sample.json:1:1 error schema',
    ]);
    assert.match(lines[2]!, /"digest"/);
    assert.match(lines[4]!, /must be an object/);
    assert.equal(summary, '6 files, 5 errors, 0 warnings');
  });

  test('globs and plain paths select the files; a missing plain path exits 2', async () => {
    const one = await cli(['validate', '*/filter.webhook.json'], { cwd: FIXTURES });
    assert.equal(one.code, 1);
    assert.match(one.stdout, /^dirty\/filter\.webhook\.json:5:22 error unsupported-expression/);
    assert.ok(!one.stdout.includes('malformed'));
    const missing = await cli(['validate', 'clean/lead.webhook.json', 'clean/missing.webhook.json'], { cwd: FIXTURES });
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /clean\/missing\.webhook\.json: error file not found/);
  });

  test('a folder stands for the actions and samples under it, and the run names the files it checked', async () => {
    const clean = await cli(['validate', 'clean'], { cwd: FIXTURES });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    // The broken sample in dirty/ is neither checked nor used: only what is under clean/ is.
    assert.equal(clean.stdout, 'checked: clean/lead.webhook.json, clean/jane.sample.json\n2 files, 0 errors, 0 warnings\n');
    assert.equal(clean.stderr, '');

    const examples = await cli(['validate', 'examples/'], { cwd: ROOT });
    // The examples' one intended error: the GitHub contract refuses the empty event_type of the samples without a deal.
    const errors = examples.stdout.split('\n').filter((l) => / error /.test(l));
    assert.deepEqual(
      errors.map((l) => l.replace(/ for sample .*/, '')),
      [
        'examples/trigger-github-workflow.webhook.json:20:20 error contract-violation',
        'examples/trigger-github-workflow.webhook.json:20:20 error contract-violation',
      ],
    );
    assert.equal(examples.code, 1, examples.stdout + examples.stderr);
    const checked = /^checked: (.*)$/m.exec(examples.stdout)?.[1]?.split(', ');
    const expected = files(join(ROOT, 'examples'))
      .filter((f) => /\.(webhook|sample)\.json$/.test(f))
      .map((f) =>
        f
          .slice(ROOT.length + 1)
          .split('\\')
          .join('/'),
      );
    assert.deepEqual([...(checked ?? [])].sort(), expected.sort());
    assert.ok(!examples.stdout.includes('test/'), 'no test fixture is swept in');
    assert.match(examples.stdout, new RegExp(`^${expected.length} files, 2 errors, `, 'm'));

    const mixed = await cli(['validate', 'clean', 'dirty/filter.webhook.json'], { cwd: FIXTURES });
    assert.equal(mixed.code, 1);
    assert.match(mixed.stdout, /^checked: clean\/lead\.webhook\.json, dirty\/filter\.webhook\.json, /m);
  });

  test('--json prints one object with positions and counts', async () => {
    const r = await cli(['validate', '--json', 'malformed.webhook.json'], { cwd: join(FIXTURES, 'dirty') });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    const malformed = out.files.find((f: { file: string }) => f.file === 'malformed.webhook.json');
    assert.deepEqual(malformed.diagnostics[0], {
      code: 'invalid-json',
      severity: 'error',
      message: 'A comma "," is expected between entries.',
      line: 4,
      column: 3,
    });
    assert.equal(out.errors, 2);
  });
});

describe('webhook-studio render', () => {
  test('--unknown-tag marker renders ##{}## for a tag neither the catalogue nor the sample has; another value is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-unknown-tag-'));
    try {
      writeFileSync(
        join(dir, 'a.webhook.json'),
        JSON.stringify({ name: 'A', method: 'POST', url: 'https://api.example.com/a', body: { n: '{{contact.first_name}}', t: '{{contact.frist}}' } }),
      );
      writeFileSync(join(dir, 'jane.sample.json'), JSON.stringify({ name: 'Jane', contact: { first_name: 'Jane' } }));
      const plain = await runCli(['render', 'a.webhook.json', '--format', 'json'], { cwd: dir });
      assert.equal((JSON.parse(plain.stdout) as { body: string }).body, '{"n":"Jane","t":""}');
      const marked = await runCli(['render', 'a.webhook.json', '--format', 'json', '--unknown-tag', 'marker'], { cwd: dir });
      assert.equal((JSON.parse(marked.stdout) as { body: string }).body, '{"n":"Jane","t":"##{}##"}');
      const bad = await runCli(['render', 'a.webhook.json', '--unknown-tag', 'hash'], { cwd: dir });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--unknown-tag must be empty or marker, not "hash"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const renderDir = join(FIXTURES, 'render');

  test('--format json prints exactly the documented object, secrets masked', async () => {
    const r = await cli(['render', 'action.webhook.json', '--format', 'json', '--sample', 'Bob', '--secret', `CRM_TOKEN=${SECRET}`], { cwd: renderDir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['method', 'url', 'headers', 'body', 'unresolved', 'diagnostics']);
    assert.deepEqual(out, {
      method: 'POST',
      url: 'https://api.example.com/v1/people/b2?source=cli',
      headers: [
        ['X-Source', 'workflow'],
        ['Authorization', 'Bearer ••••••'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"name":"Bob","missing":""}',
      unresolved: ['contact.nickname'],
      diagnostics: [
        {
          code: 'unknown-variable',
          severity: 'warning',
          message: '"contact.nickname" is in no sample and not a platform field: probably a typo; it renders empty.',
          line: 7,
          column: 59,
        },
      ],
    });
    assert.ok(!r.stdout.includes(SECRET));
  });

  test('--reveal-secrets prints the secret value', async () => {
    const r = await cli(['render', 'action.webhook.json', '--format', 'json', '--reveal-secrets', '--secret', `CRM_TOKEN=${SECRET}`], { cwd: renderDir });
    assert.deepEqual(JSON.parse(r.stdout).headers[1], ['Authorization', `Bearer ${SECRET}`]);
  });

  const precedence: Array<{ name: string; args: string[]; env: Record<string, string>; token: string }> = [
    {
      name: '--secret wins over the environment and the env file',
      args: ['--secret', 'CRM_TOKEN=from-arg', '--env-file', 'secrets.env'],
      env: { WEBHOOK_STUDIO_SECRET_CRM_TOKEN: 'from-env' },
      token: 'from-arg',
    },
    {
      name: 'the environment wins over the env file',
      args: ['--env-file', 'secrets.env'],
      env: { WEBHOOK_STUDIO_SECRET_CRM_TOKEN: 'from-env' },
      token: 'from-env',
    },
    { name: 'the env file supplies what nothing else does', args: ['--env-file', 'secrets.env'], env: {}, token: 'from-env-file' },
    { name: 'nothing set leaves the token empty and unresolved', args: [], env: {}, token: '' },
  ];
  for (const c of precedence) {
    test(`secret sources: ${c.name}`, async () => {
      const r = await cli(['render', 'action.webhook.json', '--format', 'json', '--reveal-secrets', ...c.args], { cwd: renderDir, env: c.env });
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.headers[1], ['Authorization', `Bearer ${c.token}`]);
      assert.equal(out.unresolved.includes('secrets.CRM_TOKEN'), c.token === '');
    });
  }

  const samples: Array<{ name: string; sample: string[]; id: string }> = [
    { name: 'the first sample by path when none is given', sample: [], id: 'a1' },
    { name: 'a sample by name', sample: ['--sample', 'Bob'], id: 'b2' },
    { name: 'a sample by path', sample: ['--sample', './bob.sample.json'], id: 'b2' },
    { name: 'a sample file outside the directory by path', sample: ['--sample', '../clean/jane.sample.json'], id: 'c_1' },
  ];
  for (const c of samples) {
    test(`--sample picks ${c.name}`, async () => {
      const r = await cli(['render', 'action.webhook.json', '--format', 'json', ...c.sample], { cwd: renderDir });
      assert.equal(JSON.parse(r.stdout).url, `https://api.example.com/v1/people/${c.id}?source=cli`);
    });
  }

  test('--format http prints request line, Host, headers, blank line, body; warnings go to stderr', async () => {
    const r = await cli(['render', 'action.webhook.json', '--sample', 'Alice', '--secret', `CRM_TOKEN=${SECRET}`], { cwd: renderDir });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'POST /v1/people/a1?source=cli HTTP/1.1',
        'Host: api.example.com',
        'X-Source: workflow',
        'Authorization: Bearer ••••••',
        'Content-Type: application/json',
        '',
        '{"name":"Alice","missing":""}',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      'action.webhook.json:7:59 warning unknown-variable "contact.nickname" is in no sample and not a platform field: probably a typo; it renders empty.\n',
    );
  });

  test('--format curl prints a cURL command with the secret masked', async () => {
    const r = await cli(['render', 'action.webhook.json', '--format', 'curl', '--sample', 'Alice', '--secret', `CRM_TOKEN=${SECRET}`], { cwd: renderDir });
    assert.equal(
      r.stdout,
      [
        "curl 'https://api.example.com/v1/people/a1?source=cli' \\",
        "  -H 'X-Source: workflow' \\",
        "  -H 'Authorization: Bearer ••••••' \\",
        "  -H 'Content-Type: application/json' \\",
        `  --data-raw '{"name":"Alice","missing":""}'`,
        '',
      ].join('\n'),
    );
  });

  const oauth: Array<{ name: string; args: string[]; env: Record<string, string>; header: string }> = [
    { name: 'a stored token from --secret OAUTH_<NAME>_TOKEN', args: ['--secret', 'OAUTH_CRM_MAIN_TOKEN=tok-arg'], env: {}, header: 'Bearer tok-arg' },
    {
      name: 'a stored token from WEBHOOK_STUDIO_OAUTH_<NAME>_TOKEN',
      args: [],
      env: { WEBHOOK_STUDIO_OAUTH_CRM_MAIN_TOKEN: 'tok-env' },
      header: 'Bearer tok-env',
    },
  ];
  for (const c of oauth) {
    test(`oauth2 takes ${c.name}`, async () => {
      const r = await cli(['render', 'oauth.webhook.json', '--format', 'json', '--reveal-secrets', ...c.args], { cwd: renderDir, env: c.env });
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.headers, [['Authorization', c.header]]);
      assert.deepEqual(out.unresolved, []);
    });
  }

  test('send refuses an oauth2 action without a token, saying how to give one', async () => {
    const r = await cli(['send', 'oauth.webhook.json'], { cwd: renderDir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /network error \(oauth\): no access token is stored for OAuth connection "crm-main"/);
    assert.match(r.stdout, /hint: Store the connection’s access token/);
  });

  test('render --help prints the command usage and exits 0', async () => {
    const r = await cli(['render', '--help'], { cwd: renderDir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: webhook-studio render <file>/);
    assert.match(r.stdout, /WEBHOOK_STUDIO_OAUTH_NAME_TOKEN/);
  });

  test('--escaping text pastes values unescaped', async () => {
    const r = await cli(['render', 'action.webhook.json', '--format', 'json', '--escaping', 'text', '--sample', '../clean/jane.sample.json'], {
      cwd: renderDir,
    });
    assert.equal(JSON.parse(r.stdout).body, '{"name":"Jane","missing":""}');
  });

  test('by default values are pasted as the platform does: a body a sample breaks is body-not-json, exit 1', async () => {
    const dir = join(FIXTURES, 'platform');
    const r = await cli(['render', 'lead.webhook.json'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\{"first_name":"Tom","last_name":"O"Brien"\}/);
    const line = r.stderr.split('\n').find((l) => l.includes('body-not-json'))!;
    assert.match(line, DIAGNOSTIC_LINE);
    assert.match(line, /^lead\.webhook\.json:5:67 error body-not-json For sample "Tom O"Brien", \{\{contact\.last_name\}\} = `O"Brien` holds a quote/);
    const escaped = await cli(['render', 'lead.webhook.json', '--escaping', 'json'], { cwd: dir });
    assert.equal(escaped.code, 0, escaped.stderr);
    assert.match(escaped.stderr, /json-unsafe-value .*platform pastes it unescaped/);
  });

  test('--platform-form prints what to type into the platform, templates intact, and reads no secret', async () => {
    const r = await cli(['render', 'score.webhook.json', '--platform-form'], { cwd: join(FIXTURES, 'platform') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Method: POST\nURL: https://api.example.com/score\n\nHeaders (key, value):\n  X-Source\tworkflow\n\nQuery parameters (key, value):\n  id\t{{contact.first_name}}\n\nContent-Type: application/json\n\nBody:\n{"score": {{contact.lead_score}}, "name": "{{contact.first_name}}"}\n',
    );
  });

  test('a string body with an unquoted numeric tag renders a number', async () => {
    const r = await cli(['render', 'score.webhook.json', '--format', 'json'], { cwd: join(FIXTURES, 'platform') });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(JSON.parse(r.stdout).body), { score: 87, name: 'Tom' });
  });

  test('an action with errors is still printed, and exits 1', async () => {
    const r = await cli(['render', 'filter.webhook.json', '--format', 'json'], { cwd: join(FIXTURES, 'dirty') });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.body, '{"name":"{{contact.first_name | upcase}}"}');
    assert.equal(out.diagnostics[0].code, 'unsupported-expression');
  });
});

/**
 * A loopback receiver that records each request and echoes it back, Authorization included: the CLI must
 * still never print or log it. A path starting with /fail answers 500, any other 201.
 */
function startEchoReceiver(received: Array<{ url?: string; authorization?: string; body: string }>): Promise<TestServer> {
  return startHttpServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(req.url?.startsWith('/fail') ? 500 : 201, { 'content-type': 'application/json', 'x-echo-auth': req.headers.authorization ?? '' });
      res.end(JSON.stringify({ echo: body }));
    });
  });
}

describe('webhook-studio send', () => {
  let server: TestServer;
  let port = 0;
  let work: string;
  const received: Array<{ url: string; authorization?: string; body: string }> = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-'));
    server = await startEchoReceiver(received);
    port = server.port;
  });

  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  function sampleFile(outcome: string, samplePort = port): string {
    const file = join(work, `${outcome}-${samplePort}.sample.json`);
    writeFileSync(
      file,
      JSON.stringify({ name: `run ${outcome}`, contact: { email: 'jane@example.com' }, workflow: { port: samplePort, outcome, pad: 'x'.repeat(1000) } }),
    );
    return file;
  }

  const sendDir = join(FIXTURES, 'send');

  test('a 2xx exits 0 and prints status, outcome, timings, headers and body without the secret', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'hook.webhook.json', '--sample', sampleFile('ok'), '--secret', `API_TOKEN=${SECRET}`], { cwd: sendDir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/ok\\?run=1\\n→ 201 Created · accepted\\n  \\d+ ms total, \\d+ ms to first byte`));
    assert.match(r.stdout, /Response headers:\n {2}content-type: application\/json/);
    assert.match(r.stdout, /x-echo-auth: Bearer ••••••/);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
    assert.equal(received.at(-1)!.authorization, `Bearer ${SECRET}`, 'the real secret went on the wire');
  });

  test('a one-character secret does not break the output: --json stays JSON, the request masks it, and a warning says why', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'hook.webhook.json', '--json', '--sample', sampleFile('ok'), '--secret', 'API_TOKEN=1'], { cwd: sendDir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const record = JSON.parse(r.stdout) as { response: { status: number }; request: { url: string; headers: Array<[string, string]>; body: string } };
    assert.equal(record.response.status, 201);
    assert.equal(record.request.url, `http://127.0.0.1:${port}/ok?run=1`, 'the port and query keep their digits');
    assert.deepEqual(
      record.request.headers.find(([n]) => n === 'Authorization'),
      ['Authorization', 'Bearer ••••••'],
    );
    assert.match(record.request.body, /"token_echo":"••••••"/);
    assert.match(r.stderr, /warning: secret API_TOKEN is shorter than 4 characters/);
  });

  test('a 500 exits 1 and says receiver error', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'hook.webhook.json', '--sample', sampleFile('fail'), '--secret', `API_TOKEN=${SECRET}`], { cwd: sendDir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /→ 500 Internal Server Error · receiver error/);
  });

  test('a refused connection exits 3 (the receiver is down, not the action wrong) with a clear message', { timeout: 30_000 }, async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await cli(['send', 'hook.webhook.json', '--sample', sampleFile('ok', freePort), '--secret', `API_TOKEN=${SECRET}`], { cwd: sendDir });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /network error \(refused\)/);
    assert.ok(!/\n\s+at /.test(r.stdout + r.stderr));
  });

  test('a missing secret refuses to send, exit 1', { timeout: 30_000 }, async () => {
    const before = received.length;
    const r = await cli(['send', 'hook.webhook.json', '--sample', sampleFile('ok')], { cwd: sendDir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not sent: secret API_TOKEN is not set: pass --secret API_TOKEN=… or set WEBHOOK_STUDIO_SECRET_API_TOKEN\n/);
    assert.equal(received.length, before);
  });

  test('an unsendable request is refused with its diagnostics, exit 1', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'unknown-auth.webhook.json'], { cwd: join(FIXTURES, 'dirty') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown-auth\.webhook\.json:5:11 error schema Unknown auth type "digest"/);
    assert.match(r.stderr, /not sent: the request has errors/);
  });

  test('a file that is not valid JSON is never sent, exit 1', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'malformed.webhook.json'], { cwd: join(FIXTURES, 'dirty') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /malformed\.webhook\.json:4:3 error invalid-json/);
    assert.match(r.stderr, /not sent: the file is not valid JSON/);
  });

  test('--json prints the execution record; --log appends it with secrets masked', { timeout: 30_000 }, async () => {
    const log = join(work, 'logs', 'sends.jsonl');
    const r = await cli(['send', 'hook.webhook.json', '--json', '--log', log, '--sample', sampleFile('ok'), '--secret', `API_TOKEN=${SECRET}`], {
      cwd: sendDir,
    });
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(record).sort(), ['file', 'id', 'outcome', 'replay', 'request', 'response', 'sample', 'time', 'timings']);
    assert.equal(record.file, 'hook.webhook.json');
    assert.equal(record.sample, 'run ok');
    assert.equal(record.outcome, 'accepted');
    assert.equal(record.response.status, 201);
    assert.deepEqual(record.request.headers[0], ['Authorization', 'Bearer ••••••']);
    assert.equal(typeof record.timings.totalMs, 'number');
    const again = await cli(['send', 'hook.webhook.json', '--log', log, '--sample', sampleFile('fail'), '--secret', `API_TOKEN=${SECRET}`], { cwd: sendDir });
    assert.equal(again.code, 1);
    const text = readFileSync(log, 'utf8');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.response.status),
      [201, 500],
    );
    assert.ok(!text.includes(SECRET), 'the log holds no secret');
    assert.ok(!text.includes(Buffer.from(SECRET).toString('base64')), 'nor its base64');
    assert.match(text, /••••••/);
  });

  test('--inbox sends to a local inbox, only the origin replaced, and prints the capture', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'remote.webhook.json', '--inbox', '--sample', '../render/alice.sample.json'], { cwd: sendDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PUT http:\/\/127\.0\.0\.1:\d+\/v1\/deals\/a1\?notify=false \(local inbox\)\n→ 200 OK · accepted/);
    assert.match(
      r.stdout,
      /Received by the local inbox:\nPUT \/v1\/deals\/a1\?notify=false HTTP\/1\.1\n[\s\S]*X-Trace: t-1\nContent-Type: application\/json\n[\s\S]*\n\n\{"stage":"won"\}\n$/,
    );
  });

  test('--inbox --json adds the capture to the record', { timeout: 30_000 }, async () => {
    const r = await cli(['send', 'remote.webhook.json', '--inbox', '--json', '--sample', '../render/alice.sample.json'], { cwd: sendDir });
    const record = JSON.parse(r.stdout);
    assert.equal(record.inbox, true);
    assert.equal(record.capture.target, '/v1/deals/a1?notify=false');
    assert.equal(record.capture.body, '{"stage":"won"}');
  });
});

describe('webhook-studio inbox and demo', () => {
  test('inbox escapes control and bidirectional characters of what it received', { timeout: 30_000 }, async () => {
    const { io, exited } = startCli(['inbox'], { cwd: FIXTURES });
    const [url] = await waitForMatch(() => io.stdout, /http:\/\/127\.0\.0\.1:\d+/);
    await fetch(`${url}/x`, { method: 'POST', body: 'gnp.\u202eexe \u001b[31mred' });
    await waitForMatch(() => io.stdout, /red/);
    io.interrupt();
    assert.equal(await exited, 0);
    assert.ok(!io.stdout.includes('\u202e') && !io.stdout.includes('\u001b'), io.stdout);
    assert.ok(io.stdout.includes('gnp.\\u202eexe \\x1b[31mred'));
  });

  test('inbox prints its URL, then each capture; Ctrl+C closes it with exit 0', { timeout: 30_000 }, async () => {
    const { io, exited } = startCli(['inbox', '--status', '202', '--body', 'thanks'], { cwd: FIXTURES });
    const [url] = await waitForMatch(() => io.stdout, /http:\/\/127\.0\.0\.1:\d+/);
    const response = await fetch(`${url}/hook?a=1`, { method: 'POST', body: 'hello', headers: { 'X-Test': 'yes' } });
    assert.equal(response.status, 202);
    assert.equal(await response.text(), 'thanks');
    await waitForMatch(() => io.stdout, /\nhello\n/);
    io.interrupt();
    assert.equal(await exited, 0);
    assert.match(io.stdout, /^Local inbox listening on http:\/\/127\.0\.0\.1:\d+ /);
    assert.match(
      io.stdout,
      /── #1 .* 5 body bytes · answered 202 by the default answer ──\nPOST \/hook\?a=1 HTTP\/1\.1\n[\s\S]*X-Test: yes[\s\S]*\n\nhello\n\nInbox stopped\.\n$/i,
    );
    // The server is closed once the command has returned.
    await assert.rejects(fetch(`${url}/again`));
  });

  test('demo DIR sends every example to the inbox, prints each, and exits 0', { timeout: 60_000 }, async () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.webhook.json'));
    const r = await cli(['demo', 'examples'], { cwd: ROOT });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const file of examples) assert.ok(r.stdout.includes(`(examples/${file})`), `${file} printed`);
    assert.equal((r.stdout.match(/✓ received byte for byte as rendered/g) ?? []).length, examples.length);
    assert.match(r.stdout, new RegExp(`${examples.length} of ${examples.length} examples received byte for byte as rendered\\.\\n$`));
    assert.ok(!/demo-[a-z_]+-7f3a9c/.test(r.stdout), 'demo secrets are shown masked');
  });
});

describe('colours', () => {
  test('validate colours severities and the summary on a terminal', async () => {
    const r = await runCli(['validate'], { cwd: join(FIXTURES, 'dirty'), stdoutIsTTY: true });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\x1b\[1mfilter\.webhook\.json:5:22\x1b\[22m \x1b\[31merror\x1b\[39m /);
    assert.match(r.stdout, /\x1b\[31m6 files, 5 errors, 0 warnings\x1b\[39m\n$/);
  });

  test('NO_COLOR turns colours off on a terminal too', async () => {
    const r = await runCli(['validate'], { cwd: join(FIXTURES, 'dirty'), stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes('\x1b['));
  });

  test('render warnings on stderr follow stderr, not stdout', async () => {
    const r = await runCli(['render', 'action.webhook.json'], { cwd: join(FIXTURES, 'render'), stderrIsTTY: true });
    assert.match(r.stderr, /\x1b\[33mwarning\x1b\[39m/);
    assert.ok(!r.stdout.includes('\x1b['));
  });
});

describe('the built webhook-studio binary (a real process)', () => {
  let built: BuiltCli;
  let server: TestServer;
  let port = 0;
  let work: string;
  const received: Array<{ authorization?: string; body: string }> = [];

  before(async () => {
    built = await buildCli();
    work = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-bin-'));
    server = await startEchoReceiver(received);
    port = server.port;
  });

  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
    await built?.remove();
  });

  test('--version prints the package version and exits 0', async () => {
    const r = await built.run(['--version'], { cwd: ROOT });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  test('a usage error exits 2, a command that finds errors 1, a clean one 0', async () => {
    assert.equal((await built.run(['frobnicate'], { cwd: FIXTURES })).code, 2);
    assert.equal((await built.run(['render', 'nope.webhook.json'], { cwd: FIXTURES })).code, 2);
    // A usage error from a command's own file is still recognised as one: the command's usage follows it.
    const bogus = await built.run(['render', 'render/action.webhook.json', '--bogus'], { cwd: FIXTURES });
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /^webhook-studio: unknown option --bogus\n\nUsage: webhook-studio render <file>/);
    assert.equal((await built.run(['validate'], { cwd: join(FIXTURES, 'dirty') })).code, 1);
    const clean = await built.run(['validate'], { cwd: join(FIXTURES, 'clean') });
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, 'checked: lead.webhook.json, jane.sample.json\n2 files, 0 errors, 0 warnings\n');
  });

  test('send puts the request on the wire and exits 0 on a 2xx, the secret never printed', { timeout: 30_000 }, async () => {
    const sample = join(work, 'bin.sample.json');
    writeFileSync(sample, JSON.stringify({ name: 'bin', contact: { email: 'jane@example.com' }, workflow: { port, outcome: 'ok', pad: 'x'.repeat(1000) } }));
    const r = await built.run(['send', 'hook.webhook.json', '--sample', sample, '--secret', `API_TOKEN=${SECRET}`], { cwd: join(FIXTURES, 'send') });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /→ 201 Created · accepted/);
    assert.match(r.stdout, /x-echo-auth: Bearer ••••••/);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
    assert.equal(received.at(-1)!.authorization, `Bearer ${SECRET}`);
    assert.equal(JSON.parse(received.at(-1)!.body).pad.length, 1000);
  });

  test('send over TLS loads TLS when it needs it: a self-signed receiver is refused, exit 3', { timeout: 30_000 }, async () => {
    const tls = {
      key: readFileSync(join(ROOT, 'test', 'fixtures', 'tls', 'testOnlySelfSigned.key.pem')),
      cert: readFileSync(join(ROOT, 'test', 'fixtures', 'tls', 'testOnlySelfSigned.cert.pem')),
    };
    const https = await startHttpsServer(tls, (_req, res) => res.end('{}'));
    try {
      writeFileSync(join(work, 'tls.webhook.json'), JSON.stringify({ name: 'TLS', method: 'POST', url: `${https.origin}/hook`, body: { a: 1 } }));
      const r = await built.run(['send', 'tls.webhook.json'], { cwd: work });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /tls-self-signed/);
      assert.ok(!/\n\s+at /.test(r.stdout + r.stderr), 'no stack trace');
    } finally {
      await https.close();
    }
  });

  test('send honours HTTPS_PROXY: an https target is tunnelled through the proxy with CONNECT', { timeout: 30_000 }, async () => {
    const tls = {
      key: readFileSync(join(ROOT, 'test', 'fixtures', 'tls', 'testOnlySelfSigned.key.pem')),
      cert: readFileSync(join(ROOT, 'test', 'fixtures', 'tls', 'testOnlySelfSigned.cert.pem')),
    };
    const https = await startHttpsServer(tls, (_req, res) => res.end('{}'));
    const proxy = await startForwardProxy();
    try {
      writeFileSync(join(work, 'proxied.webhook.json'), JSON.stringify({ name: 'Proxied', method: 'POST', url: `${https.origin}/hook`, body: { a: 1 } }));
      const r = await built.run(['send', 'proxied.webhook.json'], { cwd: work, env: { HTTPS_PROXY: proxy.origin } });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.deepEqual(proxy.seen, [`CONNECT 127.0.0.1:${https.port}`]);
      // The certificate is checked end to end through the tunnel.
      assert.match(r.stdout, /tls-self-signed/);
    } finally {
      await proxy.close();
      await https.close();
    }
  });

  test('the bundle keeps V8 code caches in a private folder under TMPDIR, reuses them and survives a bad one', { timeout: 60_000 }, async () => {
    const temp = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-tmp-'));
    try {
      const root = join(temp, `webhook-studio-code-cache-${process.getuid!()}`);
      const caches = () => (existsSync(root) ? readdirSync(root).flatMap((v) => readdirSync(join(root, v)).map((f) => join(root, v, f))) : []);
      const validate = () => built.run(['validate'], { cwd: join(FIXTURES, 'clean'), env: { TMPDIR: temp } });
      const first = await validate();
      assert.equal(first.code, 0, first.stderr);
      const [cache, ...others] = caches().filter((f) => f.includes('cli-validate.js'));
      assert.ok(cache !== undefined && others.length === 0, 'one cache for the validate file');
      assert.equal(statSync(root).mode & 0o077, 0, 'the folder is private');
      // An accepted cache is read, not written again.
      utimesSync(cache, 1000, 1000);
      const second = await validate();
      assert.deepEqual([second.code, second.stdout, second.stderr], [first.code, first.stdout, first.stderr]);
      assert.equal(statSync(cache).mtimeMs, 1000_000);
      // One V8 rejects is replaced.
      writeFileSync(cache, 'not a code cache');
      const third = await validate();
      assert.deepEqual([third.code, third.stdout, third.stderr], [first.code, first.stdout, first.stderr]);
      assert.notEqual(readFileSync(cache, 'utf8'), 'not a code cache');
      // A folder others may write to is not used at all.
      for (const f of caches()) rmSync(f);
      chmodSync(root, 0o777);
      const fourth = await validate();
      assert.deepEqual([fourth.code, fourth.stdout], [first.code, first.stdout]);
      assert.deepEqual(caches(), []);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  test('each command needs only its own files of the bundle: --version none, render and validate not undici', { timeout: 60_000 }, async () => {
    const only = async (names: string[], args: string[], cwd: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-cli-only-'));
      try {
        for (const name of ['cli.js', ...names]) copyFileSync(join(dirname(built.file), name), join(dir, name));
        return await new Promise<CliRun>((resolveRun) =>
          execFile(
            process.execPath,
            [join(dir, 'cli.js'), ...args],
            { cwd, env: { PATH: process.env['PATH'] ?? '', TMPDIR: dir }, encoding: 'utf8' },
            (error, stdout, stderr) => resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
          ),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const version = await only([], ['--version'], ROOT);
    assert.equal(version.code, 0, version.stderr);
    const render = await only(['cli-render.js'], ['render', 'action.webhook.json', '--format', 'json'], join(FIXTURES, 'render'));
    assert.equal(render.code, 0, render.stderr);
    assert.equal(JSON.parse(render.stdout).method, 'POST');
    const validate = await only(['cli-validate.js'], ['validate'], join(FIXTURES, 'dirty'));
    assert.equal(validate.code, 1, validate.stderr);
    assert.match(validate.stdout, /unknown-auth\.webhook\.json:5:21 error schema/);
    const sample = join(work, 'only.sample.json');
    writeFileSync(sample, JSON.stringify({ name: 'only', contact: { email: 'jane@example.com' }, workflow: { port, outcome: 'ok', pad: 'x' } }));
    const send = await only(
      ['cli-send.js', 'cli-undici.js'],
      ['send', 'hook.webhook.json', '--sample', sample, '--secret', `API_TOKEN=${SECRET}`],
      join(FIXTURES, 'send'),
    );
    assert.equal(send.code, 0, send.stdout + send.stderr);
  });

  test('inbox ends with exit 0 on SIGINT', { timeout: 30_000 }, async () => {
    const child = built.spawn(['inbox', '--status', '202', '--body', 'thanks'], { cwd: FIXTURES });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const [url] = await waitForMatch(() => stdout, /http:\/\/127\.0\.0\.1:\d+/);
    const response = await fetch(`${url}/hook?a=1`, { method: 'POST', body: 'hello' });
    assert.equal(await response.text(), 'thanks');
    await waitForMatch(() => stdout, /\nhello\n/);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(stdout, /\nInbox stopped\.\n$/);
  });

  test('demo without DIR finds the examples shipped next to the bundle', { timeout: 60_000 }, async () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.webhook.json'));
    const r = await built.run(['demo'], { cwd: work, timeoutMs: 50_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`${examples.length} of ${examples.length} examples received byte for byte as rendered\\.\\n$`));
  });
});
