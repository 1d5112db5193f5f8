import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesLog, LogFileError, buildRecord, formatBytes, formatRecord } from '../../src/core/executionLog';
import type { ExecutionRecord, PlainRequest, ResponseData, SendResult } from '../../src/core/types';

const request: PlainRequest = {
  method: 'POST',
  url: 'https://api.example.com/v1/leads?x=1',
  headers: [
    ['Content-Type', 'application/json'],
    ['Authorization', 'Bearer ••••••'],
  ],
  body: '{"a":1}',
};

function response(body: Uint8Array | string, extra: Partial<ResponseData> = {}): ResponseData {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return {
    status: 201,
    statusText: 'Created',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Request-Id', 'r1'],
    ],
    body: bytes,
    size: bytes.length,
    truncated: false,
    redirects: [],
    ...extra,
  };
}

function okResult(body: Uint8Array | string, extra: Partial<ResponseData> = {}): SendResult {
  return { ok: true, response: response(body, extra), timings: { firstByteMs: 12.4, totalMs: 20.6 }, outcome: 'accepted' };
}

const failed: SendResult = {
  ok: false,
  error: { code: 'refused', message: 'connection refused by 127.0.0.1:9', hint: 'Is the receiver running?' },
  timings: { totalMs: 3 },
  outcome: 'network-error',
};

describe('buildRecord', () => {
  test('copies the request, response, timings and outcome of a send', () => {
    const now = new Date('2024-05-06T07:08:09.010Z');
    const record = buildRecord({ file: 'lead.webhook.json', sample: 'Jane', request, result: okResult('{"id":7}'), now });
    assert.match(record.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { ...record, id: 'x' },
      {
        id: 'x',
        time: '2024-05-06T07:08:09.010Z',
        file: 'lead.webhook.json',
        sample: 'Jane',
        request,
        timings: { firstByteMs: 12.4, totalMs: 20.6 },
        outcome: 'accepted',
        response: {
          status: 201,
          statusText: 'Created',
          headers: [
            ['Content-Type', 'application/json'],
            ['X-Request-Id', 'r1'],
          ],
          bodyPreview: '{"id":7}',
          size: 8,
          truncated: false,
          redirects: [],
        },
      },
    );
  });

  test('a network error keeps the error and has no response', () => {
    const record = buildRecord({ file: 'f', sample: 's', request, result: failed, inbox: true, id: 'fixed' });
    assert.equal(record.id, 'fixed');
    assert.equal(record.outcome, 'network-error');
    assert.equal(record.response, undefined);
    assert.deepEqual(record.error, failed.error);
    assert.equal(record.inbox, true);
  });

  const previewCases: Array<{ name: string; body: Uint8Array | string; cap: number; extra?: Partial<ResponseData>; preview: string; truncated: boolean }> = [
    { name: 'a body within the cap is shown whole', body: 'hello', cap: 5, preview: 'hello', truncated: false },
    { name: 'a body past the cap is cut and marked truncated', body: 'hello world', cap: 5, preview: 'hello', truncated: true },
    { name: 'a cut inside a UTF-8 sequence drops the partial character', body: 'aé✓', cap: 4, preview: 'aé', truncated: true },
    {
      name: 'invalid bytes in a whole body become replacement characters',
      body: new Uint8Array([0x61, 0xff, 0x62, 0xc3]),
      cap: 10,
      preview: 'a\ufffdb\ufffd',
      truncated: false,
    },
    {
      name: 'a body the sender truncated stays truncated and drops a partial tail',
      body: new Uint8Array([0x61, 0xe2, 0x9c]),
      cap: 10,
      extra: { truncated: true, fullSize: 1000 },
      preview: 'a',
      truncated: true,
    },
  ];
  for (const c of previewCases) {
    test(c.name, () => {
      const record = buildRecord({ file: 'f', sample: 's', request, result: okResult(c.body, c.extra), maxPreviewBytes: c.cap });
      assert.equal(record.response?.bodyPreview, c.preview);
      assert.equal(record.response?.truncated, c.truncated);
    });
  }

  test('keeps the full size and redirects the sender reported', () => {
    const record = buildRecord({
      file: 'f',
      sample: 's',
      request,
      result: okResult('x', { fullSize: 99, redirects: [{ status: 302, location: 'https://b.example/' }] }),
    });
    assert.equal(record.response?.fullSize, 99);
    assert.deepEqual(record.response?.redirects, [{ status: 302, location: 'https://b.example/' }]);
  });

  test('ids are unique and the record survives a JSON round trip', () => {
    const ids = new Set(Array.from({ length: 100 }, () => buildRecord({ file: 'f', sample: 's', request, result: okResult('x') }).id));
    assert.equal(ids.size, 100);
    const record = buildRecord({ file: 'f', sample: 's', request, result: okResult('x') });
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });
});

describe('JsonLinesLog', () => {
  let dir = '';
  let counter = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webhook-studio-log-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fresh = (): string => join(dir, `log-${++counter}`, 'executions.jsonl');
  const record = (n: number): ExecutionRecord => buildRecord({ file: `f${n}`, sample: 's', request, result: okResult(`{"n":${n}}`), id: `id-${n}` });
  const fileLines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');

  test('a missing file lists as empty', async () => {
    assert.deepEqual(await new JsonLinesLog(fresh()).list(), []);
  });

  test('appends create the folder and list newest first', async () => {
    const log = new JsonLinesLog(fresh());
    for (const n of [1, 2, 3]) await log.append(record(n));
    assert.deepEqual(
      (await log.list()).map((r) => r.id),
      ['id-3', 'id-2', 'id-1'],
    );
  });

  const trimCases = [
    { keep: 5, appended: 12, maxLines: 5 },
    { keep: 20, appended: 45, maxLines: 22 },
  ];
  for (const c of trimCases) {
    test(`keeps the newest ${c.keep} of ${c.appended} records and bounds the file`, async () => {
      const file = fresh();
      const log = new JsonLinesLog(file, c.keep);
      for (let n = 1; n <= c.appended; n++) await log.append(record(n));
      const listed = await log.list();
      assert.equal(listed.length, c.keep);
      assert.equal(listed[0]?.id, `id-${c.appended}`);
      assert.equal(listed.at(-1)?.id, `id-${c.appended - c.keep + 1}`);
      assert.ok((await fileLines(file)).length <= c.maxLines);
      assert.deepEqual(
        (await readdir(join(file, '..'))).filter((name) => name.endsWith('.tmp')),
        [],
      );
    });
  }

  test('concurrent appends from several log objects on one file all land intact', async () => {
    const file = fresh();
    const logs = [new JsonLinesLog(file, 30), new JsonLinesLog(file, 30)];
    await Promise.all(Array.from({ length: 60 }, (_, n) => logs[n % 2]!.append(record(n))));
    const lines = await fileLines(file);
    for (const line of lines) JSON.parse(line);
    const listed = await logs[0]!.list();
    assert.equal(listed.length, 30);
    assert.equal(new Set(listed.map((r) => r.id)).size, 30);
    assert.equal(listed[0]?.id, 'id-59');
  });

  test('skips records cut short by an interrupted write, and appends after them cleanly', async () => {
    const file = fresh();
    await mkdir(join(file, '..'), { recursive: true });
    const good = JSON.stringify(record(1));
    await writeFile(file, `{"id":"cut-sh\n${good}\n{"id":"x"}\n\n${JSON.stringify(record(2)).slice(0, 40)}`);
    const log = new JsonLinesLog(file);
    assert.deepEqual(
      (await log.list()).map((r) => r.id),
      ['id-1'],
    );
    await log.append(record(3));
    assert.deepEqual(
      (await log.list()).map((r) => r.id),
      ['id-3', 'id-1'],
    );
  });

  test('appends from several processes across a trim lose no record', { timeout: 30_000 }, async () => {
    const file = fresh();
    const appender = join(__dirname, '..', 'fixtures', 'log', 'appender.ts');
    // keep 50 (trimmed past 55): 60 appends trim once, at the 56th, to 50; the last 4 make exactly 54.
    const runs = ['a', 'b', 'c', 'd'].map(
      (tag) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', appender, file, '50', '15', tag], { stdio: 'inherit' });
          child.on('exit', resolve);
        }),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0]);
    const lines = await fileLines(file);
    assert.equal(lines.length, 54);
    assert.equal(new Set(lines.map((l) => (JSON.parse(l) as ExecutionRecord).id)).size, 54);
  });

  test('a file that is not an execution log is refused and left exactly as it was', async () => {
    const file = join(dir, 'notes.md');
    const notes = Array.from({ length: 600 }, (_, i) => `- note ${i}`).join('\n') + '\n';
    await writeFile(file, notes, { mode: 0o600 });
    const log = new JsonLinesLog(file, 5);
    assert.match((await log.check())!, /notes\.md is not an execution log \(line 1 is not a record\)/);
    await assert.rejects(log.append(record(1)), (e: Error) => e instanceof LogFileError && /not an execution log/.test(e.message));
    await assert.rejects(log.clear(), LogFileError);
    assert.equal(await readFile(file, 'utf8'), notes);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('notes.md.')),
      [],
      'no lock or temporary file left',
    );
  });

  test('a folder or a device is refused before anything is written', async () => {
    const folder = join(dir, 'a-folder-to-refuse');
    await mkdir(folder, { recursive: true });
    assert.match((await new JsonLinesLog(folder).check())!, /is not a regular file/);
    assert.match((await new JsonLinesLog('/dev/null').check())!, /is not a regular file/);
    await assert.rejects(new JsonLinesLog('/dev/null').append(record(1)), LogFileError);
    assert.equal(await new JsonLinesLog(fresh()).check(), undefined);
  });

  test('a trim keeps the file mode and a symlink to the log', async () => {
    const real = fresh();
    await mkdir(join(real, '..'), { recursive: true });
    await writeFile(real, '', { mode: 0o600 });
    await chmod(real, 0o600);
    const link = join(dir, `link-${++counter}.jsonl`);
    await symlink(real, link);
    const log = new JsonLinesLog(link, 5);
    for (let n = 1; n <= 12; n++) await log.append(record(n));
    assert.ok((await lstat(link)).isSymbolicLink(), 'the link is still a link');
    assert.equal((await stat(real)).mode & 0o777, 0o600);
    assert.ok((await fileLines(real)).length <= 5);
    assert.equal((await log.list())[0]?.id, 'id-12');
  });

  test('an append waits for the lock another process holds, and takes over one left behind', async () => {
    const file = fresh();
    const log = new JsonLinesLog(file);
    await log.append(record(1));
    const lock = `${file}.lock`;
    await writeFile(lock, '99999');
    let done = false;
    const pending = log.append(record(2)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(done, false, 'the append waits while the lock is held');
    await rm(lock);
    await pending;
    assert.deepEqual(
      (await log.list()).map((r) => r.id),
      ['id-2', 'id-1'],
    );
    await writeFile(lock, '99999');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await log.append(record(3));
    assert.equal((await log.list())[0]?.id, 'id-3');
    await assert.rejects(stat(lock), 'the stale lock is gone');
  });

  test('reading a path that is not a file lists as empty instead of throwing', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder, { recursive: true });
    assert.deepEqual(await new JsonLinesLog(folder).list(), []);
  });

  test('an append that cannot write rejects and later operations still run', async () => {
    const folder = join(dir, 'blocked');
    await mkdir(folder, { recursive: true });
    const log = new JsonLinesLog(folder);
    await assert.rejects(log.append(record(1)));
    assert.deepEqual(await log.list(), []);
  });

  test('clear removes every record', async () => {
    const file = fresh();
    const log = new JsonLinesLog(file);
    await log.append(record(1));
    await log.clear();
    assert.deepEqual(await log.list(), []);
    await log.append(record(2));
    assert.deepEqual(
      (await log.list()).map((r) => r.id),
      ['id-2'],
    );
  });

  test('refuses a keep below one', () => {
    assert.throws(() => new JsonLinesLog('x', 0), RangeError);
  });
});

describe('formatRecord', () => {
  test('shows the request, status, outcome, timings, headers and body', () => {
    const text = formatRecord(buildRecord({ file: 'lead.webhook.json', sample: 'Jane', request, result: okResult('{"id":7}'), now: new Date(0) }));
    const expectedLines = [
      'POST https://api.example.com/v1/leads?x=1',
      '→ 201 Created · accepted',
      '  21 ms total, 12 ms to first byte · 1970-01-01T00:00:00.000Z · lead.webhook.json · sample Jane',
      'Response headers:',
      '  X-Request-Id: r1',
      'Body (8 B):',
      '{"id":7}',
    ];
    for (const line of expectedLines) assert.ok(text.split('\n').includes(line), `missing line ${JSON.stringify(line)} in\n${text}`);
  });

  test('shows a network error with its code, message and hint', () => {
    const text = formatRecord(buildRecord({ file: 'f', sample: 's', request, result: failed, inbox: true }));
    assert.match(text, /\(local inbox\)/);
    assert.match(text, /→ network error \(refused\): connection refused by 127\.0\.0\.1:9/);
    assert.match(text, /hint: Is the receiver running\?/);
    assert.doesNotMatch(text, /Response headers/);
  });

  test('marks a truncated body with its full size', () => {
    const text = formatRecord(buildRecord({ file: 'f', sample: 's', request, result: okResult('abc', { truncated: true, fullSize: 3 * 1024 * 1024 }) }));
    assert.match(text, /Body \(3 B of 3\.0 MiB, truncated\):/);
  });

  test('escapes terminal control characters from the response', () => {
    const text = formatRecord(buildRecord({ file: 'f', sample: 's', request, result: okResult('a\u001b[2Jb\r\nc\td') }));
    assert.ok(!text.includes('\u001b'));
    assert.ok(!text.includes('\r'));
    assert.ok(text.includes('a\\x1b[2Jb\\x0d\nc\td'));
  });

  test('escapes bidirectional controls, which would reorder what the terminal shows', () => {
    const text = formatRecord(buildRecord({ file: 'f', sample: 's', request, result: okResult('invoice\u202efdp.exe \u2066x\u2069 \u200f') }));
    for (const c of ['\u202e', '\u2066', '\u2069', '\u200f']) assert.ok(!text.includes(c), JSON.stringify(c));
    assert.ok(text.includes('invoice\\u202efdp.exe \\u2066x\\u2069 \\u200f'));
  });

  test('formatBytes picks the unit', () => {
    assert.deepEqual([0, 1023, 1536, 5 * 1024 * 1024].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '5.0 MiB']);
  });
});
