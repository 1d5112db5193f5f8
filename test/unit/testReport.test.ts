import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseTestResults } from 'test-results-parser';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubReport, junitReport, tapReport, type TestReport } from '../../src/cli/testReport';

const NASTY = 'a<b>&"c"\u0001\ud800 # 100%, done: yes\nnext';

function report(): TestReport {
  return {
    startedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 1234,
    totals: { tests: 3, passed: 1, failed: 1, errors: 1 },
    actions: [
      {
        file: 'dir/a,b.webhook.json',
        name: NASTY,
        lint: [],
        lintFailed: false,
        cases: [
          {
            sample: NASTY,
            status: 'failed',
            durationMs: 12,
            checks: 1,
            failures: [{ name: 'json $.x', message: 'm', expected: NASTY, actual: '1', line: 7, column: 9 }],
            output: NASTY,
          },
          { sample: 'down', status: 'error', durationMs: 5, checks: 0, failures: [], error: 'refused: nothing listens' },
        ],
      },
    ],
  };
}

describe('reporters keep odd text intact and well-formed', () => {
  test('JUnit: markup, controls and lone surrogates never break the XML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-junit-'));
    try {
      const file = join(dir, 'j.xml');
      writeFileSync(file, junitReport(report()));
      const result = parseTestResults({ type: 'junit', files: [file] });
      assert.equal(result.total, 3);
      assert.equal(result.failed, 1);
      assert.equal(result.errors, 1);
      const names = result.suites[0]!.cases.map((c) => c.name);
      assert.ok(names.includes('a<b>&"c"\\u0001\ufffd # 100%, done: yes\nnext'), JSON.stringify(names));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TAP: a # in a title is escaped, so it is no directive', () => {
    const tap = tapReport(report());
    assert.match(tap, /^not ok 2 - dir\/a,b\.webhook\.json › a<b>&"c"\u0001\ud800 \\# 100%/m);
    assert.doesNotMatch(tap, /^[^#\n]* # (SKIP|TODO)/im);
  });

  test('github: properties and data escaped as workflow commands require', () => {
    const lines = githubReport(report()).trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.startsWith('::error file=dir/a%2Cb.webhook.json,line=7,col=9,title='));
    assert.ok(lines[1]!.startsWith('::error file=dir/a%2Cb.webhook.json,line=1,col=1,title='));
    assert.match(lines[0]!, /title=[^:]*100%25%2C done%3A yes%0Anext/);
    assert.match(lines[0]!, /::json \$\.x: expected a<b>&"c"\u0001\ud800 # 100%25, done: yes%0Anext, got 1$/);
  });
});
