import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_SAMPLE } from '../../src/core/builtinSample';
import { findFiles, loadSamples, readTextFile } from '../../src/core/workspace';

describe('findFiles and loadSamples', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-studio-workspace-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('b.webhook.json', '{}');
    write('sub/a.webhook.json', '{}');
    write('sub/deep/c.webhook.json', '{}');
    write('node_modules/pkg/x.webhook.json', '{}');
    write('dist/y.webhook.json', '{}');
    write('.hidden/z.webhook.json', '{}');
    write('out/o.webhook.json', '{}');
    write('.vscode-test/v.webhook.json', '{}');
    write('sub/node_modules/n.webhook.json', '{}');
    write('.config/hooks/h.webhook.json', '{}');
    write('.config/hooks/dist/d.webhook.json', '{}');
    write('odd/a[1].webhook.json', '{}');
    write('odd/a1.webhook.json', '{}');
    write('we[ird]/w.webhook.json', '{}');
    write('samples/2-second.sample.json', '{"name":"Second","contact":{"id":"2"}}');
    write('samples/1-first.sample.json', '{"name":"First","contact":{"id":"1"}}');
    write('samples/3-broken.sample.json', '{"contact": ');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the default glob finds action files at any depth, skipping node_modules, dist, out and hidden directories', async () => {
    const found = await findFiles([], dir);
    assert.deepEqual(found, [
      join(dir, 'b.webhook.json'),
      join(dir, 'odd/a1.webhook.json'),
      join(dir, 'odd/a[1].webhook.json'),
      join(dir, 'sub/a.webhook.json'),
      join(dir, 'sub/deep/c.webhook.json'),
      join(dir, 'we[ird]/w.webhook.json'),
    ]);
  });

  test('a glob whose fixed part names a skipped directory searches it, but not the skipped directories below', async () => {
    assert.deepEqual(await findFiles(['.config/**/*.webhook.json'], dir), [join(dir, '.config/hooks/h.webhook.json')]);
  });

  test('a glob that is the name of an existing file stands for that file; brackets are a class otherwise; escaped, they name one file', async () => {
    assert.deepEqual(await findFiles(['odd/a[1].webhook.json'], dir), [join(dir, 'odd/a[1].webhook.json')]);
    assert.deepEqual(await findFiles(['odd/a[12].webhook.json'], dir), [join(dir, 'odd/a1.webhook.json')]);
    assert.deepEqual(await findFiles(['odd/a\\[1\\].webhook.json'], dir), [join(dir, 'odd/a[1].webhook.json')]);
    assert.deepEqual(await findFiles(['we\\[ird\\]/*.json'], dir), [join(dir, 'we[ird]/w.webhook.json')]);
  });

  test('a glob with a directory prefix only searches below it', async () => {
    assert.deepEqual(await findFiles(['sub/*.webhook.json'], dir), [join(dir, 'sub/a.webhook.json')]);
  });

  test('a plain path is returned as is, even when missing, and results have no duplicates', async () => {
    const found = await findFiles(['b.webhook.json', 'missing.webhook.json', '*.webhook.json'], dir);
    assert.deepEqual(found, [join(dir, 'b.webhook.json'), join(dir, 'missing.webhook.json')]);
  });

  test('samples are sorted by path; a broken one is reported and kept as far as it parses', async () => {
    const loaded = await loadSamples(dir);
    assert.deepEqual(
      loaded.samples.map((s) => s.name),
      ['First', 'Second', '3-broken'],
    );
    assert.equal(loaded.diagnostics.length, 1);
    assert.equal(loaded.diagnostics[0]!.file, join(dir, 'samples/3-broken.sample.json'));
    assert.equal(loaded.diagnostics[0]!.diagnostics[0]!.code, 'invalid-json');
  });

  test('without samples the built-in sample is used', async () => {
    const loaded = await loadSamples(join(dir, 'sub'));
    assert.deepEqual(loaded.samples, [BUILTIN_SAMPLE]);
  });
});

describe('readTextFile', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-studio-read-'));
    writeFileSync(join(dir, 'bom.json'), '\ufeff{"a":1}');
    writeFileSync(join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    writeFileSync(join(dir, 'binary.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"name":"Zoë"}', 'utf16le')]));
    writeFileSync(join(dir, 'later.json'), Buffer.concat([Buffer.from('{\n  "a": "é",\n  "b":'), Buffer.from([0xe9]), Buffer.from('}')]));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<{ name: string; file: string; expected: Awaited<ReturnType<typeof readTextFile>> }> = [
    { name: 'drops a UTF-8 BOM', file: 'bom.json', expected: { ok: true, text: '{"a":1}' } },
    { name: 'says a missing file is not found', file: 'nope.json', expected: { ok: false, error: 'file not found' } },
    { name: 'says a directory is not a file', file: '.', expected: { ok: false, error: 'is a directory, not a file' } },
    {
      name: 'refuses text that is not UTF-8, saying where',
      file: 'latin1.json',
      expected: { ok: false, error: 'is not valid UTF-8 text (the first invalid byte is at line 1, column 3); save it as UTF-8' },
    },
    {
      name: 'refuses a binary file, saying where',
      file: 'binary.bin',
      expected: { ok: false, error: 'is a binary file, not text (a NUL byte at line 1, column 5)' },
    },
    { name: 'decodes UTF-16 with its byte-order mark', file: 'utf16.json', expected: { ok: true, text: '{"name":"Zoë"}' } },
    {
      name: 'says where invalid UTF-8 is on a later line',
      file: 'later.json',
      expected: { ok: false, error: 'is not valid UTF-8 text (the first invalid byte is at line 3, column 7); save it as UTF-8' },
    },
    {
      name: 'refuses a device instead of reading it forever',
      file: '/dev/zero',
      expected: { ok: false, error: 'is not a regular file (a device, pipe or socket), so it is not read' },
    },
    {
      name: 'refuses a named pipe instead of waiting for a writer',
      file: 'fifo',
      expected: { ok: false, error: 'is not a regular file (a device, pipe or socket), so it is not read' },
    },
    {
      name: 'says a path through a file is not found',
      file: 'bom.json/x',
      expected: { ok: false, error: 'file not found (a part of the path is not a directory)' },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => assert.deepEqual(await readTextFile(c.file.startsWith('/') ? c.file : join(dir, c.file)), c.expected));
  }

  test('refuses a file over the size limit without reading it', async () => {
    writeFileSync(join(dir, 'big.json'), Buffer.alloc(3000, 0x20));
    assert.deepEqual(await readTextFile(join(dir, 'big.json'), 2048), { ok: false, error: 'is 3 KiB; files over 2 KiB are not read' });
  });

  test('reads a file of several megabytes exactly, and one of exactly the limit', async () => {
    const text = `{"a":"${'é€𝄞x'.repeat(300_000)}"}`;
    writeFileSync(join(dir, 'large.json'), text);
    assert.deepEqual(await readTextFile(join(dir, 'large.json')), { ok: true, text });
    assert.deepEqual(await readTextFile(join(dir, 'large.json'), Buffer.byteLength(text)), { ok: true, text });
  });

  test('reads a file longer than its size says (a /proc file says 0), and stops one that passes the limit', async () => {
    // The process's memory map runs to hundreds of KiB, past the first buffer.
    const read = await readTextFile('/proc/self/smaps');
    assert.ok(read.ok);
    assert.ok(read.text.length > 64 * 1024 && read.text.endsWith('\n') && read.text.includes('Rss:'));
    const capped = await readTextFile('/proc/self/smaps', 100 * 1024);
    assert.equal(capped.ok, false);
    assert.match(!capped.ok ? capped.error : '', /^grew past 100 KiB while it was read/);
  });
});
