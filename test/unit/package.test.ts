import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { checkVsixEntries, optionalVsixFiles, readZipEntries, readZipFile, requiredVsixFiles } from '../../scripts/package';

/** A zip archive in the format `vsce` writes: local headers, central directory, end record; stored or deflated. */
function zipOf(files: Array<{ name: string; data: Buffer; deflate?: boolean }>, comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const body = file.deflate ? deflateRawSync(file.data) : file.data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(file.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(file.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}

describe('reading a VSIX', () => {
  const text = Buffer.from('{"name":"webhook-action-studio"}\n'.repeat(50));
  const cases: Array<[string, string]> = [
    ['without an archive comment', ''],
    ['with an archive comment after the end record', 'packed for the marketplace'],
  ];
  for (const [name, comment] of cases) {
    test(`lists names and sizes and reads stored and deflated files back, ${name}`, async () => {
      const zip = zipOf(
        [
          { name: 'extension/package.json', data: text, deflate: true },
          { name: 'extension/dist/codicon.ttf', data: Buffer.from([0, 1, 2, 255]) },
        ],
        comment,
      );
      const listed = await readZipEntries(zip);
      assert.ok(listed.ok, listed.ok ? '' : listed.error);
      assert.deepEqual(
        listed.value.map((e) => [e.name, e.size, e.method]),
        [
          ['extension/package.json', text.length, 8],
          ['extension/dist/codicon.ttf', 4, 0],
        ],
      );
      assert.ok((listed.value[0]?.compressedSize ?? 0) < text.length, 'the deflated entry is smaller than its text');
      const back = await Promise.all(listed.value.map((e) => readZipFile(zip, e.name)));
      assert.deepEqual(
        back.map((r) => (r.ok ? [...r.value] : r.error)),
        [[...text], [0, 1, 2, 255]],
      );
    });
  }

  test('refuses bytes that are not a zip archive', async () => {
    const res = await readZipEntries(Buffer.from('PK but not really a zip archive at all, just text'));
    assert.equal(res.ok, false);
    assert.match(res.ok ? '' : res.error, /^not a zip archive: .*end of central directory/i);
  });

  test('reports a central directory cut short, and a file that is not there', async () => {
    const zip = zipOf([
      { name: 'extension/a.txt', data: Buffer.from('a') },
      { name: 'extension/b.txt', data: Buffer.from('b') },
    ]);
    const end = zip.length - 22;
    const count = zip.readUInt16LE(end + 10);
    const lying = Buffer.from(zip);
    lying.writeUInt16LE(count + 1, end + 8);
    lying.writeUInt16LE(count + 1, end + 10);
    const res = await readZipEntries(lying);
    assert.equal(res.ok, false);
    assert.match(res.ok ? '' : res.error, /^corrupt zip archive: /);
    assert.deepEqual(await readZipFile(zip, 'extension/c.txt'), { ok: false, error: 'extension/c.txt: not in the archive' });
  });
});

describe('what a VSIX may hold', () => {
  const complete = [...requiredVsixFiles, 'extension/media/walkthrough/preview.md', 'extension/'];
  const cases: Array<{ name: string; files: string[]; missing: string[]; unexpected: string[] }> = [
    { name: 'the required files plus walkthrough pages pass', files: complete, missing: [], unexpected: [] },
    {
      name: 'a missing bundle is reported',
      files: complete.filter((f) => f !== 'extension/dist/sendStack.js'),
      missing: ['extension/dist/sendStack.js'],
      unexpected: [],
    },
    { name: 'the CLI bundle is not shipped', files: [...complete, 'extension/dist/cli.js'], missing: [], unexpected: ['extension/dist/cli.js'] },
    {
      name: 'source maps are not shipped',
      files: [...complete, 'extension/dist/extension.js.map'],
      missing: [],
      unexpected: ['extension/dist/extension.js.map'],
    },
    {
      name: 'sources, tests, dependencies, examples and build output are not shipped',
      files: [
        ...complete,
        'extension/src/core/render.ts',
        'extension/test/unit/render.test.ts',
        'extension/node_modules/undici/index.js',
        'extension/examples/new-lead-to-crm.webhook.json',
        'extension/out/test/integration/index.js',
        'extension/.vscode-test/x',
        'extension/media/icon.svg',
      ],
      missing: [],
      unexpected: [
        'extension/src/core/render.ts',
        'extension/test/unit/render.test.ts',
        'extension/node_modules/undici/index.js',
        'extension/examples/new-lead-to-crm.webhook.json',
        'extension/out/test/integration/index.js',
        'extension/.vscode-test/x',
        'extension/media/icon.svg',
      ],
    },
    {
      name: 'walkthrough media is limited to pages and pictures',
      files: [...complete, 'extension/media/walkthrough/run.sh'],
      missing: [],
      unexpected: ['extension/media/walkthrough/run.sh'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(checkVsixEntries(c.files), { missing: c.missing, unexpected: c.unexpected });
    });
  }

  test('the optional patterns admit no path outside media/walkthrough', () => {
    for (const path of ['extension/media/icon.svg', 'extension/media/walkthrough/../../src/x.md', 'extension/dist/walkthrough/a.md']) {
      assert.equal(
        optionalVsixFiles.some((re) => re.test(path)),
        false,
        path,
      );
    }
  });
});
