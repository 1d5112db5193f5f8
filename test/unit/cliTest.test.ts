import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseTestResults } from 'test-results-parser';
import { ROOT, runCli, type CliRun } from './helpers/cli';
import { readBody, startHttpServer, type TestServer } from './helpers/servers';

const BOUND = { timeout: 30_000 };
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cliTest');
const INBOX_ANSWER = ['--inbox', '--inbox-status', '201', '--inbox-body', '{"id":"L-9","email":"jane@example.com"}'];

/** A copy of a fixture folder whose samples and CSV rows point at `port`. */
function workspace(name: 'ok' | 'broken', port: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-test-cmd-'));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    if (file.endsWith('.sample.json')) writeFileSync(path, readFileSync(path, 'utf8').replace('"port": 9', `"port": ${port}`));
    if (file.endsWith('.csv')) writeFileSync(path, readFileSync(path, 'utf8').replace(/,9$/gm, `,${port}`));
  }
  return dir;
}

/** The line (1-based) of the first occurrence of `text` in a fixture file. */
function lineOf(file: string, text: string): number {
  return (
    readFileSync(join(FIXTURES, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

describe('webhook-studio test', () => {
  let server: TestServer;
  let dir: string;
  let closedPort: number;
  const received: string[] = [];
  const run = (args: string[], env: NodeJS.ProcessEnv = {}, tty = false): Promise<CliRun> =>
    runCli(['test', ...args], { cwd: dir, env, stdoutIsTTY: tty, stderrIsTTY: tty });

  before(async () => {
    server = await startHttpServer((req, res) => {
      void readBody(req).then((body) => {
        received.push(body);
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: 'L-1', email: 'jane@example.com' }));
      });
    });
    dir = workspace('ok', Number(new URL(server.origin).port));
    const closed = await startHttpServer((_req, res) => res.end());
    closedPort = Number(new URL(closed.origin).port);
    await closed.close();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('exit codes', () => {
    test('0 when every check of every case passes', BOUND, async () => {
      const r = await run(['--sample', 'Jane']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /2 tests: 2 passed, 0 failed, 0 without a response/);
    });

    test('--inbox --rules answers by a rules file: the receiver echoes each email back, so every sample passes', BOUND, async () => {
      const rules = join(dir, 'echo.inbox.json');
      writeFileSync(
        rules,
        JSON.stringify({
          rules: [
            {
              name: 'lead',
              match: { method: 'POST', path: '/leads/*' },
              respond: { status: 201, body: { id: 'L-{{request.id}}', email: '{{request.body.email}}' } },
            },
          ],
          default: { status: 404 },
        }),
      );
      const r = await run(['--inbox', '--rules', rules]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /3 tests: 3 passed, 0 failed/);
      // Without the rule's match the default answers 404: the status check fails.
      writeFileSync(rules, JSON.stringify({ rules: [], default: { status: 404 } }));
      const missed = await run(['--inbox', '--rules', rules]);
      assert.equal(missed.code, 1, missed.stdout + missed.stderr);
      assert.match(missed.stdout, /status: expected 201, got 404/);
      writeFileSync(rules, '{"rules": [{"respond": {"status": 99}}]}');
      const broken = await run(['--inbox', '--rules', rules]);
      assert.equal(broken.code, 2, broken.stdout + broken.stderr);
      assert.match(broken.stderr, /echo\.inbox\.json:1:\d+ error/);
      rmSync(rules);
    });

    test('expect.schema is checked (its compiler loaded only for such an action): the inbox answer fits one schema and not another', BOUND, async () => {
      const own = mkdtempSync(join(tmpdir(), 'webhook-studio-test-schema-'));
      try {
        const action = (schema: object) =>
          JSON.stringify({ name: 'S', method: 'POST', url: 'https://api.example.com/s', body: { a: '1' }, expect: { status: 200, schema } });
        writeFileSync(join(own, 'fits.webhook.json'), action({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }));
        writeFileSync(join(own, 'misses.webhook.json'), action({ type: 'object', required: ['lead'] }));
        const r = await runCli(['test', '--inbox'], { cwd: own });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /✗ misses\.webhook\.json/);
        assert.doesNotMatch(r.stdout, /✗ fits\.webhook\.json/);
        assert.match(r.stdout, /schema/);
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    });

    test('1 when a check fails for one sample, naming the check, the values and the expect line', BOUND, async () => {
      const r = await run([]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /✗ lead\.webhook\.json › Bob/);
      assert.ok(
        r.stdout.includes(
          `json $.email: expected "bob@example.com", got "jane@example.com" (lead.webhook.json:${lineOf('ok/lead.webhook.json', '"$.email"')}:7)`,
        ),
        r.stdout,
      );
      assert.doesNotMatch(r.stdout, /› Jane/, 'passing cases are not listed');
      assert.match(r.stdout, /3 tests: 2 passed, 1 failed/);
    });

    test('1 when the action has lint errors, even where its checks could pass', BOUND, async () => {
      const broken = workspace('broken', Number(new URL(server.origin).port));
      try {
        const r = await runCli(['test'], { cwd: broken, env: {} });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /typo\.webhook\.json:6:25 error schema expect\.status must be a status code/);
        assert.match(r.stdout, /error invalid-expect JSON path "\$\.\.email": recursive descent/);
      } finally {
        rmSync(broken, { recursive: true, force: true });
      }
    });

    test('3 when the receiver cannot be reached and nothing else failed', BOUND, async () => {
      const closed = workspace('ok', closedPort);
      try {
        const r = await runCli(['test', '--sample', 'Jane'], { cwd: closed, env: {} });
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stdout, /! lead\.webhook\.json › Jane\n {4}no response: refused/);
      } finally {
        rmSync(closed, { recursive: true, force: true });
      }
    });

    test('3 for a timeout too', BOUND, async () => {
      const stuck = await startHttpServer(() => undefined);
      const slow = workspace('ok', Number(new URL(stuck.origin).port));
      try {
        const r = await runCli(['test', '--sample', 'Jane', '--timeout', '200'], { cwd: slow, env: {} });
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stdout, /no response: (headers-timeout|timeout)/);
      } finally {
        rmSync(slow, { recursive: true, force: true });
        await stuck.close();
      }
    });

    const usage: Array<[string, string[], RegExp]> = [
      ['an unknown reporter', ['--reporter', 'xml'], /--reporter xml: not a reporter \(junit, json, tap, github\)/],
      ['two reporters on stdout', ['--reporter', 'junit', '--reporter', 'tap'], /only one --reporter can write to stdout/],
      ['a missing --data file', ['--data', 'nope.csv'], /--data nope\.csv: no such file/],
      ['a glob that matches nothing', ['*.nothing.json'], /no files match \*\.nothing\.json/],
      ['--inbox-status without --inbox', ['--inbox-status', '201'], /--inbox-status, --inbox-body and --rules need --inbox/],
      ['a bad --fail-on', ['--fail-on', 'info'], /--fail-on must be error or warning/],
      ['a bad --concurrency', ['--concurrency', '0'], /--concurrency must be a whole number from 1 to 256/],
      ['a bad --rate', ['--rate', 'fast'], /--rate must be a number of sends per second/],
      ['a mapping that is not a path', ['--data', 'contacts.csv', '--map', 'contacts.csv'], /--map contacts\.csv: not valid JSON/],
    ];
    for (const [name, args, message] of usage) {
      test(`2 for ${name}`, BOUND, async () => {
        const before = received.length;
        const r = await run(args);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, message);
        assert.equal(received.length, before, 'nothing was sent');
      });
    }

    test('2 for a CSV that breaks off inside a quoted cell, with its line', BOUND, async () => {
      const r = await run(['--data', 'bad.csv', '--inbox']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--data bad\.csv:2: a quoted cell is not closed before the end of the file/);
    });
  });

  describe('send checks expect too, with the same exit codes', () => {
    test('0 when the checks pass, each shown with its actual value', BOUND, async () => {
      const r = await runCli(['send', 'lead.webhook.json', '--sample', 'Jane'], { cwd: dir, env: {} });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Expectations \(4 of 4 passed\):\n {2}✓ status: 201\n/);
    });
    test('1 when a check fails, with the expected and the actual value', BOUND, async () => {
      const r = await runCli(['send', 'lead.webhook.json', '--sample', 'Bob'], { cwd: dir, env: {} });
      assert.equal(r.code, 1);
      assert.match(r.stdout, / {2}✗ json \$\.email: expected "bob@example\.com", got "jane@example\.com"/);
    });
    test('3 when the receiver is down', BOUND, async () => {
      const closed = workspace('ok', closedPort);
      try {
        const r = await runCli(['send', 'lead.webhook.json', '--sample', 'Jane'], { cwd: closed, env: {} });
        assert.equal(r.code, 3);
      } finally {
        rmSync(closed, { recursive: true, force: true });
      }
    });
  });

  describe('the inbox answers as told, so expectations run offline', () => {
    test('a set answer passes the checks', BOUND, async () => {
      const before = received.length;
      const r = await run(['--sample', 'Jane', ...INBOX_ANSWER]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(received.length, before, 'the receiver got nothing');
    });
    test('the default answer fails the expected status', BOUND, async () => {
      const r = await run(['--sample', 'Jane', '--inbox']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /status: expected 201, got 200/);
    });
  });

  describe('reporters', () => {
    test('JUnit of a failing run loads in a JUnit parser with the right counts', BOUND, async () => {
      const r = await run(['--reporter', 'junit:reports/junit.xml']);
      assert.equal(r.code, 1, 'the reporter does not change the exit code');
      const result = parseTestResults({ type: 'junit', files: [join(dir, 'reports', 'junit.xml')] });
      assert.equal(result.total, 3);
      assert.equal(result.passed, 2);
      assert.equal(result.failed, 1);
      assert.equal(result.suites.length, 1);
      const suite = result.suites[0]!;
      assert.equal(suite.name, 'lead.webhook.json');
      assert.deepEqual(suite.cases.map((c) => [c.name, c.status]).sort(), [
        ['Bob', 'FAIL'],
        ['Jane', 'PASS'],
        ['lint', 'PASS'],
      ]);
      assert.match(suite.cases.find((c) => c.name === 'Bob')!.failure, /json \$\.email: expected "bob@example\.com", got "jane@example\.com"/);
      const xml = readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8');
      assert.match(xml, /<system-out>POST http:\/\/127\.0\.0\.1:\d+\/leads\/c_2/);
    });

    test('a network failure is a JUnit error, not a failure', BOUND, async () => {
      const closed = workspace('ok', closedPort);
      try {
        const r = await runCli(['test', '--sample', 'Jane', '--reporter', 'junit:j.xml'], { cwd: closed, env: {} });
        assert.equal(r.code, 3);
        const result = parseTestResults({ type: 'junit', files: [join(closed, 'j.xml')] });
        assert.equal(result.total, 2);
        assert.equal(result.errors, 1);
        assert.equal(result.failed, 0);
      } finally {
        rmSync(closed, { recursive: true, force: true });
      }
    });

    test('JSON on stdout is one object, the human lines go to stderr', BOUND, async () => {
      const r = await run(['--reporter', 'json']);
      assert.equal(r.code, 1);
      const report = JSON.parse(r.stdout) as {
        totals: unknown;
        actions: Array<{ cases: Array<{ sample: string; status: string; failures: Array<{ name: string; line: number }> }> }>;
      };
      assert.deepEqual(report.totals, { tests: 3, passed: 2, failed: 1, errors: 0 });
      const bob = report.actions[0]!.cases.find((c) => c.sample === 'Bob')!;
      assert.equal(bob.status, 'failed');
      assert.deepEqual(
        bob.failures.map((f) => [f.name, f.line]),
        [['json $.email', lineOf('ok/lead.webhook.json', '"$.email"')]],
      );
      assert.match(r.stderr, /✗ lead\.webhook\.json › Bob/);
    });

    test('TAP: one test point per test, the plan, failures as YAML', BOUND, async () => {
      const r = await run(['--reporter', 'tap:out.tap']);
      assert.equal(r.code, 1);
      const tap = readFileSync(join(dir, 'out.tap'), 'utf8');
      assert.match(tap, /^TAP version 13\n/);
      assert.match(tap, /\n1\.\.3\n$/);
      assert.equal(tap.match(/^ok \d+ - /gm)?.length, 2);
      assert.equal(tap.match(/^not ok \d+ - lead\.webhook\.json › Bob$/gm)?.length, 1);
      assert.match(tap, /^ {6}expected: "\\"bob@example\.com\\""$/m);
    });

    test('github: an ::error annotation at the line of the failed expect entry', BOUND, async () => {
      const r = await run(['--reporter', 'github']);
      assert.equal(r.code, 1);
      const line = lineOf('ok/lead.webhook.json', '"$.email"');
      assert.equal(
        r.stdout,
        `::error file=lead.webhook.json,line=${line},col=7,title=Push lead › Bob::json $.email: expected "bob@example.com", got "jane@example.com"\n`,
      );
    });

    test('several reporters at once, and a report that cannot be written is exit 2', BOUND, async () => {
      writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
      const r = await run(['--sample', 'Jane', '--reporter', 'json:r.json', '--reporter', 'junit:blocker/j.xml']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--reporter junit:blocker\/j\.xml: cannot be written/);
      assert.equal((JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { totals: { tests: number } }).totals.tests, 2);
    });
  });

  describe('samples from CSV', () => {
    test('every row is a case; the mapping file decides which column is the email', BOUND, async () => {
      const r = await run(['--data', 'contacts.csv', '--map', 'map.json', '--reporter', 'json:rows.json']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const report = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as {
        totals: unknown;
        actions: Array<{ cases: Array<{ sample: string; status: string }> }>;
      };
      assert.deepEqual(report.totals, { tests: 4, passed: 3, failed: 1, errors: 0 });
      assert.deepEqual(report.actions[0]!.cases.map((c) => [c.sample, c.status]).sort(), [
        ['row 1 (line 2): Jane', 'passed'],
        ['row 2 (line 3): Ann', 'failed'],
        ['row 3 (line 4): Jane', 'passed'],
      ]);
      assert.ok(received.some((b) => b === JSON.stringify({ email: 'ann@example.com' })));
    });

    test('without the mapping the unknown column is a custom field, and the email check fails', BOUND, async () => {
      const r = await run(['--data', 'contacts.csv', '--inbox', '--inbox-status', '201', '--inbox-body', '{"id":"L-1","email":"jane@example.com"}']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /4 tests: 1 passed, 3 failed/);
      assert.match(r.stdout, /json \$\.email: expected "", got "jane@example\.com"/);
    });
  });

  describe('running', () => {
    test('--bail starts nothing after the first failure', BOUND, async () => {
      const before = received.length;
      const r = await run(['--data', 'contacts.csv', '--bail', '--concurrency', '1']);
      assert.equal(r.code, 1);
      assert.equal(received.length - before, 1, 'the first row failed (no mapping: no email), so no other row was sent');
    });

    test('--fail-on warning fails an action for its lint warnings', BOUND, async () => {
      const plain = await run(['--sample', 'Jane']);
      assert.equal(plain.code, 0);
      assert.match(plain.stdout, /warning/, 'the action has a warning (a private address)');
      const strict = await run(['--sample', 'Jane', '--fail-on', 'warning']);
      assert.equal(strict.code, 1);
      assert.match(strict.stdout, /1 failed/);
    });

    test('colours on a terminal, none with NO_COLOR; the progress line only on a terminal', BOUND, async () => {
      const coloured = await run(['--sample', 'Jane'], {}, true);
      assert.match(coloured.stdout, /\x1b\[32m2 tests/);
      const plain = await run(['--sample', 'Jane'], { NO_COLOR: '1' }, true);
      assert.doesNotMatch(plain.stdout, /\x1b\[/);
      const piped = await run(['--sample', 'Jane'], {}, false);
      assert.doesNotMatch(piped.stderr, /done ·/);
    });

    test('--help documents every option and the exit codes', BOUND, async () => {
      const r = await run(['--help']);
      assert.equal(r.code, 0);
      for (const option of [
        '--sample',
        '--data',
        '--map',
        '--inbox',
        '--inbox-status',
        '--inbox-body',
        '--concurrency',
        '--rate',
        '--timeout',
        '--bail',
        '--fail-on',
        '--reporter',
        'NO_COLOR',
      ]) {
        assert.ok(r.stdout.includes(option), option);
      }
      assert.match(r.stdout, /3 only network, TLS or\s+timeout failures/);
    });
  });
});
