import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import picomatch from 'picomatch/posix';
import {
  globMatcher,
  globProblem,
  isGlob,
  isSkippedDirectory,
  searchMatcher,
  SKIPPED_DIRECTORIES,
  skippedDirectoriesGlob,
  splitGlob,
  unescapeGlob,
  walkGlob,
  type DirectoryEntry,
  type ReadDirectory,
} from '../../src/core/glob';

describe('glob semantics', () => {
  const cases: Array<{ what: string; glob: string; matches: string[]; rejects: string[] }> = [
    {
      what: '** crosses directories, * does not',
      glob: '**/*.webhook.json',
      matches: ['a.webhook.json', 'x/a.webhook.json', 'x/y/z.webhook.json'],
      rejects: ['a.webhook.jsonc', 'a.sample.json', 'x/awebhook.json'],
    },
    { what: '* stays in one directory', glob: '*.json', matches: ['a.json'], rejects: ['x/a.json'] },
    { what: 'a trailing ** matches everything below', glob: 'x/**', matches: ['x/a', 'x/y/b'], rejects: ['y/a'] },
    { what: '? is exactly one character but not /', glob: 'a?.json', matches: ['ab.json'], rejects: ['a.json', 'abc.json', 'a/.json'] },
    {
      what: '** in the middle matches zero or more directories',
      glob: 'x/**/b.json',
      matches: ['x/b.json', 'x/y/b.json', 'x/y/z/b.json'],
      rejects: ['b.json', 'xb.json'],
    },
    { what: 'brackets are a character class', glob: '[ab]*.json', matches: ['a1.json', 'b.json'], rejects: ['c.json'] },
    { what: 'a negated class', glob: '[!ab]*.json', matches: ['c.json'], rejects: ['a.json', 'b.json'] },
    { what: 'an escaped bracket opens no class, negated or not', glob: 'a\\[!b].json', matches: ['a[!b].json'], rejects: ['ac.json', 'a!.json'] },
    { what: 'braces are alternatives', glob: '*.{webhook,sample}.json', matches: ['a.webhook.json', 'a.sample.json'], rejects: ['a.other.json'] },
    {
      what: 'braces may hold paths',
      glob: '{samples,fixtures/samples}/*.json',
      matches: ['samples/a.json', 'fixtures/samples/a.json'],
      rejects: ['fixtures/a.json'],
    },
    { what: 'regular-expression characters are literal', glob: 'a+b$.json', matches: ['a+b$.json'], rejects: ['aab$.json', 'a+b.json'] },
    { what: 'an escaped * is a literal star', glob: 'a\\*b.json', matches: ['a*b.json'], rejects: ['axb.json', 'ab.json'] },
    { what: 'escaped brackets are literal', glob: 'a\\[1\\].json', matches: ['a[1].json'], rejects: ['a1.json'] },
    { what: 'escaped braces are literal', glob: '\\{a,b\\}.json', matches: ['{a,b}.json'], rejects: ['a.json', 'b.json'] },
    { what: 'an escaped ? is a literal question mark', glob: 'why\\?.json', matches: ['why?.json'], rejects: ['whyx.json'] },
    { what: '* matches dot files', glob: '*.json', matches: ['.json', '.hidden.json'], rejects: ['.x/a.json'] },
    { what: '** enters dot directories', glob: '**/*.sample.json', matches: ['.samples/a.sample.json', 'x/.y/a.sample.json'], rejects: [] },
  ];
  for (const c of cases) {
    test(`${c.what}: "${c.glob}"`, () => {
      const matches = globMatcher(c.glob);
      for (const path of c.matches) assert.ok(matches(path), `${path} should match`);
      for (const path of c.rejects) assert.ok(!matches(path), `${path} should not match`);
    });
  }

  const globs: Array<{ pattern: string; isGlob: boolean; base: string; rest: string }> = [
    { pattern: '**/*.sample.json', isGlob: true, base: '', rest: '**/*.sample.json' },
    { pattern: 'samples/*.sample.json', isGlob: true, base: 'samples', rest: '*.sample.json' },
    { pattern: 'a/b/{c,d}/*.json', isGlob: true, base: 'a/b', rest: '{c,d}/*.json' },
    { pattern: 'we\\[ird\\]/*.json', isGlob: true, base: 'we\\[ird\\]', rest: '*.json' },
    { pattern: 'one.webhook.json', isGlob: false, base: '', rest: 'one.webhook.json' },
    { pattern: 'a\\[1\\].json', isGlob: false, base: '', rest: 'a\\[1\\].json' },
  ];
  for (const g of globs) {
    test(`"${g.pattern}" ${g.isGlob ? 'is a glob based at "' + g.base + '"' : 'names one file'}`, () => {
      assert.equal(isGlob(g.pattern), g.isGlob);
      assert.deepEqual(splitGlob(g.pattern), { base: g.base, rest: g.rest });
    });
  }

  test('unescaping gives the name an escaped pattern stands for', () => {
    assert.equal(unescapeGlob('a\\[1\\]\\*.json'), 'a[1]*.json');
    assert.equal(unescapeGlob('plain.json'), 'plain.json');
  });
});

describe('the shared skip list', () => {
  const names: Array<{ name: string; skipped: boolean }> = [
    { name: 'node_modules', skipped: true },
    { name: 'dist', skipped: true },
    { name: 'out', skipped: true },
    { name: '.git', skipped: true },
    { name: '.vscode-test', skipped: true },
    { name: '.hidden', skipped: true },
    { name: 'src', skipped: false },
    { name: 'samples', skipped: false },
    { name: 'distribution', skipped: false },
    { name: 'output', skipped: false },
    { name: 'my.dist', skipped: false },
  ];
  for (const { name, skipped } of names) {
    test(`"${name}" is ${skipped ? '' : 'not '}skipped, alike by the walker and by the exclude glob`, () => {
      assert.equal(isSkippedDirectory(name), skipped);
      const exclude = globMatcher(skippedDirectoriesGlob('**/*.sample.json'));
      assert.equal(exclude(`${name}/a.sample.json`), skipped, 'at the root');
      assert.equal(exclude(`src/${name}/deep/a.sample.json`), skipped, 'below');
      assert.equal(searchMatcher('**/*.sample.json')(`src/${name}/a.sample.json`), !skipped, 'the search matcher');
    });
  }

  test('the list holds the dependency and build folders and every hidden one', () => {
    assert.deepEqual(SKIPPED_DIRECTORIES, ['node_modules', 'dist', 'out', '.*']);
  });

  test('a skipped directory named in the fixed part of the glob is searched, those below it are not', () => {
    const glob = '.config/**/*.sample.json';
    assert.equal(skippedDirectoriesGlob(glob), '.config/**/{node_modules,dist,out,.*}/**');
    const exclude = globMatcher(skippedDirectoriesGlob(glob));
    const matches = searchMatcher(glob);
    assert.ok(!exclude('.config/a.sample.json') && matches('.config/a.sample.json'));
    assert.ok(exclude('.config/x/dist/a.sample.json') && !matches('.config/x/dist/a.sample.json'));
    assert.ok(!matches('other/a.sample.json'));
  });

  test('the file name itself may start with a dot', () => {
    assert.ok(searchMatcher('**/*.sample.json')('samples/.draft.sample.json'));
  });
});

/** A directory tree in memory: `tree['a/b']` lists the directory `a/b`; every listing is counted. */
function memoryTree(tree: Record<string, Array<string>>): { read: ReadDirectory; listed: string[] } {
  const listed: string[] = [];
  const read: ReadDirectory = async (path) => {
    listed.push(path);
    const names = tree[path];
    if (!names) throw Object.assign(new Error(`EACCES ${path}`), { code: 'EACCES' });
    return names.map((n): DirectoryEntry => (n.endsWith('/') ? { name: n.slice(0, -1), kind: 'directory' } : { name: n, kind: 'file' }));
  };
  return { read, listed };
}

describe('walkGlob', () => {
  const tree = {
    '': ['a.sample.json', 'x.txt', 'samples/', 'node_modules/', '.git/', 'dist/', 'broken/'],
    samples: ['b.sample.json', 'deep/'],
    'samples/deep': ['c.sample.json', 'deeper/'],
    'samples/deep/deeper': ['d.sample.json'],
    node_modules: ['n.sample.json'],
    '.git': ['g.sample.json'],
    dist: ['d.sample.json'],
  };

  test('finds matching files breadth first, never lists skipped directories, passes over unreadable ones and names them', async () => {
    const { read, listed } = memoryTree(tree);
    const result = await walkGlob(read, '**/*.sample.json');
    assert.deepEqual(result, {
      files: ['a.sample.json', 'samples/b.sample.json', 'samples/deep/c.sample.json', 'samples/deep/deeper/d.sample.json'],
      unreadable: [{ path: 'broken', error: 'permission denied' }],
    });
    assert.deepEqual(listed.sort(), ['', 'broken', 'samples', 'samples/deep', 'samples/deep/deeper']);
  });

  test('starts at the fixed part of the glob', async () => {
    const { read, listed } = memoryTree(tree);
    assert.deepEqual(await walkGlob(read, 'samples/deep/*.sample.json'), { files: ['samples/deep/c.sample.json'] });
    assert.equal(listed[0], 'samples/deep');
    assert.ok(!listed.includes(''));
  });

  test('stops at the depth limit and says so', async () => {
    const { read, listed } = memoryTree(tree);
    const result = await walkGlob(read, '**/*.sample.json', { maxDepth: 2, maxEntries: 1000 });
    assert.deepEqual(result, {
      files: ['a.sample.json', 'samples/b.sample.json'],
      truncated: 'depth',
      unreadable: [{ path: 'broken', error: 'permission denied' }],
    });
    assert.ok(!listed.includes('samples/deep'));
  });

  test('stops at the entry limit and says so', async () => {
    const { read } = memoryTree(tree);
    const result = await walkGlob(read, '**/*.sample.json', { maxDepth: 100, maxEntries: 3 });
    assert.deepEqual(result, { files: ['a.sample.json'], truncated: 'entries' });
  });

  test('a walk within its limits is not marked truncated', async () => {
    const { read } = memoryTree(tree);
    const result = await walkGlob(read, '**/*.sample.json', { maxDepth: 4, maxEntries: 1000 });
    assert.equal(result.truncated, undefined);
    assert.equal(result.files.length, 4);
  });

  test('walks a real directory through a file-system reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-studio-glob-'));
    try {
      for (const file of ['a.sample.json', 'we[ird]/b.sample.json', 'out/c.sample.json', '.hidden/d.sample.json']) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), '{}');
      }
      const read: ReadDirectory = async (path) =>
        (await readdir(join(dir, path), { withFileTypes: true })).map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : 'file' }));
      assert.deepEqual(await walkGlob(read, '**/*.sample.json'), { files: ['a.sample.json', 'we[ird]/b.sample.json'] });
      assert.deepEqual(await walkGlob(read, 'we\\[ird\\]/*.json'), { files: ['we[ird]/b.sample.json'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('globs matched level by level', () => {
  // Small alphabets, so patterns and paths meet often; picomatch's one expression is the reference.
  const namePart = fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[!a]', '\\*', '{a,b}', '@(a|b)', '[a-b]', 'x');
  const globPart = fc.oneof(
    fc.constant('**'),
    fc.array(namePart, { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
  );
  const glob = fc.array(globPart, { minLength: 1, maxLength: 5 }).map((p) => p.join('/'));
  const path = fc
    .array(
      fc
        .array(fc.constantFrom('a', 'b', 'x', '.', '*'), { minLength: 1, maxLength: 4 })
        .map((p) => p.join(''))
        // A directory listing never holds "." or "..".
        .filter((n) => n !== '.' && n !== '..'),
      { minLength: 1, maxLength: 5 },
    )
    .map((p) => p.join('/'));

  test('agree with picomatch on globs whose one expression stays small', () => {
    fc.assert(
      fc.property(glob, fc.array(path, { minLength: 1, maxLength: 8 }), (g, paths) => {
        const ours = globMatcher(g);
        const reference = picomatch(g.replace(/\[!/g, '[^'), { dot: true });
        for (const p of paths) assert.equal(ours(p), reference(p), `${g} against ${p}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('a glob repeating ** between names 30 levels deep is matched level by level, and right', { timeout: 120_000 }, () => {
    // One regular expression for these globs backtracks exponentially: at 25 levels a single test took
    // tens of seconds. Level by level they finish with the rest of the file.
    for (const unit of ['**/a/', '*/**/', '**/*a/', '**/**/']) {
      const g = unit.repeat(30) + '*.webhook.json';
      const matches = globMatcher(g);
      const deep = 'a/'.repeat(60);
      assert.equal(matches(`${deep}x.webhook.json`), true, g);
      assert.equal(matches(`${deep}x.webhook.jsox`), false, g);
      assert.equal(matches(`${'b/'.repeat(60)}x.webhook.json`), unit === '**/**/' || unit === '*/**/', g);
    }
  });

  test('a reversed character range is named, with the way to write it', () => {
    assert.equal(globProblem('[z-a].webhook.json'), '[z-a] holds the range z-a, whose ends are the wrong way round (write a-z)');
    assert.equal(globProblem('x/[!9-0]*.json'), '[!9-0] holds the range 9-0, whose ends are the wrong way round (write 0-9)');
    for (const fine of ['[a-z].json', '\\[z-a\\].json', '[-za].json', '[za-].json', '**/*.webhook.json', '[z\\-a].json'])
      assert.equal(globProblem(fine), undefined, fine);
  });
});
