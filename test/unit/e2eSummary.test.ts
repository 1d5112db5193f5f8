import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutcomes, summarize } from '../../scripts/e2eSummary';
import type { FileAttempt } from '../../scripts/e2eSummary';

const pass = (name: string) => ({ name, passed: true });
const fail = (name: string) => ({ name, passed: false });
const ok = (...tests: FileAttempt['tests']): FileAttempt => ({ ok: true, tests });
const bad = (...tests: FileAttempt['tests']): FileAttempt => ({ ok: false, tests });

describe('e2e summary', () => {
  test('a clean run passes and ends with the plain totals line', () => {
    const s = summarize([
      { file: 'a.test.ts', attempts: [ok(pass('x'), pass('y'))] },
      { file: 'b.test.ts', attempts: [ok(pass('z'))] },
    ]);
    assert.equal(s.exitCode, 0);
    assert.deepEqual(s.flaky, []);
    assert.equal(s.lines.at(-1), '3 passed, 0 failed');
    assert.equal(s.lines.at(-2), 'e2e: 0 flaky');
  });

  test('one test that passes only on the rerun is named as flaky, and the run still passes', () => {
    const s = summarize([{ file: 'a.test.ts', attempts: [bad(pass('x'), fail('suite > y')), ok(pass('x'), pass('suite > y'))] }]);
    assert.deepEqual(s.flaky, ['a.test.ts: suite > y']);
    assert.equal(s.exitCode, 0);
    assert.equal(s.passed, 2);
    assert.equal(s.failed, 0);
    assert.ok(s.lines.includes('  a.test.ts: suite > y'), s.lines.join('\n'));
    assert.equal(s.lines.at(-1), '2 passed, 0 failed');
  });

  test('two flaky tests fail the run, also when they are in different files', () => {
    const s = summarize([
      { file: 'a.test.ts', attempts: [bad(fail('x')), ok(pass('x'))] },
      { file: 'b.test.ts', attempts: [bad(fail('y'), pass('z')), ok(pass('y'), pass('z'))] },
    ]);
    assert.deepEqual(s.flaky, ['a.test.ts: x', 'b.test.ts: y']);
    assert.equal(s.failed, 0);
    assert.equal(s.exitCode, 1);
    assert.match(s.lines.at(-2)!, /^e2e: 2 flaky — more than 1 flaky test fails the run$/);
    assert.equal(s.lines.at(-1), '3 passed, 0 failed');
  });

  test('a test that fails twice fails the run and is listed; one that recovered beside it is still flaky', () => {
    const s = summarize([{ file: 'a.test.ts', attempts: [bad(fail('x'), fail('y')), bad(fail('x'), pass('y'))] }]);
    assert.deepEqual(s.failures, ['a.test.ts: x']);
    assert.deepEqual(s.flaky, ['a.test.ts: y']);
    assert.equal(s.exitCode, 1);
    assert.equal(s.lines.at(-1), '1 passed, 1 failed');
  });

  test('a test that passed the first time is not flaky because its file was rerun', () => {
    const s = summarize([{ file: 'a.test.ts', attempts: [bad(pass('x'), fail('y')), ok(pass('x'), pass('y'))] }]);
    assert.deepEqual(s.flaky, ['a.test.ts: y']);
  });

  test('a file that failed without a failing test and then passed counts as one flaky entry', () => {
    const s = summarize([{ file: 'a.test.ts', attempts: [bad(), ok(pass('x'), pass('y'))] }]);
    assert.deepEqual(s.flaky, ['a.test.ts: the file failed without a failing test']);
    assert.equal(s.exitCode, 0);
  });

  test('a file that fails twice without a failing test counts as one failure', () => {
    const s = summarize([{ file: 'a.test.ts', attempts: [bad(), bad(pass('x'))] }]);
    assert.equal(s.failed, 1);
    assert.equal(s.passed, 1);
    assert.equal(s.exitCode, 1);
    assert.deepEqual(s.flaky, []);
  });

  test('parses the reporter lines and skips anything else, including a torn last line', () => {
    assert.deepEqual(parseOutcomes('{"name":"a > b","passed":true}\nnoise\n{"name":"c","passed":false}\n{"name":"d","pa'), [pass('a > b'), fail('c')]);
  });
});

describe('the e2e runner on real test files', () => {
  const run = (files: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'runE2e.ts'), ...files], { encoding: 'utf8' });

  /** A test file whose tests named in `flaky` fail on their first run only (a marker file remembers it). */
  function testFile(dir: string, name: string, flaky: string[]): string {
    const file = join(dir, name);
    const body = [
      `import { describe, test } from 'node:test';`,
      `import { existsSync, writeFileSync } from 'node:fs';`,
      `const once = (id: string) => { const f = ${JSON.stringify(dir)} + '/' + id + '.ran'; if (!existsSync(f)) { writeFileSync(f, ''); throw new Error('first run of ' + id); } };`,
      `describe('suite', () => {`,
      ...['one', 'two', 'three'].map((t) => `  test('${t}', () => { ${flaky.includes(t) ? `once('${t}');` : ''} });`),
      `});`,
    ];
    writeFileSync(file, `${body.join('\n')}\n`);
    return file;
  }

  test('one flaky test: named, exit 0, totals of the rerun on the last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-runner-'));
    try {
      const r = run([testFile(dir, 'a.test.ts', ['two'])]);
      assert.equal(r.status, 0, r.stdout);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.at(-1), '3 passed, 0 failed');
      assert.ok(
        lines.some((l) => l.trim().endsWith('a.test.ts: suite > two')),
        r.stdout,
      );
      assert.equal(lines.at(-2), 'e2e: 1 flaky');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two flaky tests: both named, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-runner-'));
    try {
      const r = run([testFile(dir, 'a.test.ts', ['one', 'three'])]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /a\.test\.ts: suite > one\n.*a\.test\.ts: suite > three\n/);
      assert.equal(r.stdout.trimEnd().split('\n').at(-1), '3 passed, 0 failed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
