import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeHeaderText, isInvalidHeader } from '../../src/core/headerText';
import { toHttpText } from '../../src/cli/httpText';

const ROOT = resolve(__dirname, '..', '..');

describe('escapeHeaderText', () => {
  const cases: Array<[string, string, string]> = [
    ['a value without a break', 'Bearer abc', 'Bearer abc'],
    ['a valid value keeps its backslashes', 'C:\\path\\n', 'C:\\path\\n'],
    ['LF', 'line1\nline2', 'line1\\nline2'],
    ['CR', 'line1\rline2', 'line1\\rline2'],
    ['CRLF and an injected header', 'x\r\nX-Admin: true', 'x\\r\\nX-Admin: true'],
    ['NUL', 'a\0b', 'a\\0b'],
    ['backslashes are doubled once something is escaped', 'a\\n\nb', 'a\\\\n\\nb'],
    ['a tab is legal and kept', 'a\tb', 'a\tb'],
  ];
  for (const [what, input, shown] of cases) {
    test(what, () => {
      assert.equal(escapeHeaderText(input), shown);
      assert.ok(!/[\r\n\0]/.test(escapeHeaderText(input)), 'never a line break or NUL in what is shown');
    });
  }

  test('isInvalidHeader: a name that is not a token, or a value with a line break or NUL', () => {
    assert.equal(isInvalidHeader('X-Last', 'line1'), false);
    assert.equal(isInvalidHeader('X-Last', 'line1\nline2'), true);
    assert.equal(isInvalidHeader('X-Last', 'a\rb'), true);
    assert.equal(isInvalidHeader('X-Last', 'a\0b'), true);
    assert.equal(isInvalidHeader('X A', 'v'), true);
    assert.equal(isInvalidHeader('X-A\nX-B', 'v'), true);
  });
});

describe('toHttpText', () => {
  test('a header value with a line break stays on its own line, escaped', () => {
    const text = toHttpText({
      method: 'POST',
      url: 'https://example.com/a',
      headers: [
        ['X-Last', 'line1\nline2\rline3'],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    });
    assert.equal(text, 'POST /a HTTP/1.1\nHost: example.com\nX-Last: line1\\nline2\\rline3\nContent-Type: application/json\n\n{}');
  });

  test('a header name with a line break cannot make a header line of its own', () => {
    const text = toHttpText({ method: 'GET', url: 'https://example.com/', headers: [['X-A\r\nX-Admin', 'true']], body: null });
    const head = text.split('\n\n')[0]!.split('\n');
    assert.deepEqual(head, ['GET / HTTP/1.1', 'Host: example.com', 'X-A\\r\\nX-Admin: true']);
  });
});

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // The loader by path: the command runs in a temporary folder, where `tsx` does not resolve.
    execFile(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src', 'cli', 'main.ts'), ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        done({ code: error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('webhook-studio render with a sample value holding a line break', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'render-header-'));
    writeFileSync(
      join(dir, 'lead.webhook.json'),
      JSON.stringify(
        {
          name: 'Lead',
          method: 'POST',
          url: 'https://example.com/leads',
          headers: { 'X-Last': '{{contact.last_name}}', 'X-Source': 'crm' },
          body: { id: '{{contact.id}}' },
        },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, 'multi.sample.json'), JSON.stringify({ name: 'Multi', contact: { id: 'c1', last_name: 'line1\nline2\rline3' } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--format http prints the value escaped on one line; stderr names the invalid-header problem', async () => {
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'Multi'], dir);
    assert.equal(r.code, 1, 'the action has an error');
    const head = r.stdout.split('\n\n')[0]!.split('\n');
    assert.deepEqual(head, ['POST /leads HTTP/1.1', 'Host: example.com', 'X-Last: line1\\nline2\\rline3', 'X-Source: crm', 'Content-Type: application/json']);
    assert.ok(!r.stdout.includes('\r'));
    assert.match(r.stderr, /^lead\.webhook\.json:\d+:\d+ error invalid-header Header "X-Last" would contain a line break/m);
  });

  test('--format json keeps the value exact, on one line, with the invalid-header diagnostic', async () => {
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'Multi', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trimEnd().split('\n').length, 1, 'one line of JSON');
    const out = JSON.parse(r.stdout) as { headers: Array<[string, string]>; diagnostics: Array<{ code: string; message: string }> };
    assert.deepEqual(out.headers[0], ['X-Last', 'line1\nline2\rline3']);
    assert.ok(out.diagnostics.some((d) => d.code === 'invalid-header' && d.message.includes('X-Last')));
  });
});
