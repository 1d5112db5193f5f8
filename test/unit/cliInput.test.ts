// Hostile and unclear input on the command line: names looked up as own properties only, options without
// their value, sample and action files that are not usable, and the bundle's start-up line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, ROOT, runCli, type BuiltCli, type CliRun } from './helpers/cli';

const ACTION = join(ROOT, 'examples', 'new-lead-to-crm.webhook.json');
const SAMPLE = join(ROOT, 'examples', 'samples', '1-vip-lead.sample.json');

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhook-studio-input-'));
  copyFileSync(ACTION, join(dir, 'lead.webhook.json'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], cwd = dir): Promise<CliRun> {
  return runCli(args, { cwd, env: {} });
}

/** A fresh folder with the example action and the given files. */
function folder(files: Record<string, string | Buffer>): string {
  const at = mkdtempSync(join(dir, 'case-'));
  copyFileSync(ACTION, join(at, 'lead.webhook.json'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(at, name, '..'), { recursive: true });
    writeFileSync(join(at, name), content);
  }
  return at;
}

function noStack(r: CliRun): void {
  assert.ok(!/\n\s+at /.test(r.stderr + r.stdout), 'no stack trace');
}

describe('names from the command line are looked up as own properties only', () => {
  for (const topic of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    test(`help ${topic} is no help topic`, async () => {
      const r = await cli(['help', topic]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^webhook-studio: no help topic "${topic}"\\n`));
      assert.doesNotMatch(r.stderr, /function|native code|\[object/);
    });
    test(`${topic} is no command`, async () => {
      const r = await cli([topic]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`unknown command "${topic}"`));
    });
  }

  test('help of a real topic still prints its usage', async () => {
    const r = await cli(['help', 'render']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: webhook-studio render/);
  });

  test('a sample named like an Object property is just an unknown sample', async () => {
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'constructor']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--sample constructor: no sample with that name or path/);
  });
});

describe('options that take a value', () => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    {
      args: ['render', 'lead.webhook.json', '--sample', '-x'],
      message: /^webhook-studio: option --sample needs a value \(a value starting with "-" is written --sample=-…\)\n/,
    },
    { args: ['render', 'lead.webhook.json', '--sample', '--json'], message: /^webhook-studio: option --sample needs a value/ },
    { args: ['render', 'lead.webhook.json', '--sample='], message: /^webhook-studio: option --sample needs a value\n/ },
    { args: ['render', 'lead.webhook.json', '--env-file', '-h'], message: /^webhook-studio: option --env-file needs a value/ },
    { args: ['render', 'lead.webhook.json', '--env-file='], message: /^webhook-studio: option --env-file needs a value\n/ },
    { args: ['render', 'lead.webhook.json', '--format', '-j'], message: /^webhook-studio: option --format needs a value/ },
    { args: ['render', 'lead.webhook.json', '--escaping'], message: /^webhook-studio: option --escaping needs a value\n/ },
    { args: ['render', 'lead.webhook.json', '--secret', '--reveal-secrets'], message: /^webhook-studio: option --secret needs a value/ },
    { args: ['send', 'lead.webhook.json', '--log', '--json'], message: /^webhook-studio: option --log needs a value/ },
    { args: ['send', 'lead.webhook.json', '--timeout', '-1'], message: /^webhook-studio: option --timeout needs a value/ },
    { args: ['inbox', '--port', '-5'], message: /^webhook-studio: option --port needs a value/ },
    { args: ['validate', '--json=yes'], message: /^webhook-studio: option --json takes no value\n/ },
  ];
  for (const c of cases) {
    test(c.args.join(' '), async () => {
      const r = await cli(c.args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, c.message);
      noStack(r);
    });
  }

  test('what was typed is quoted with its control characters escaped', async () => {
    for (const args of [
      ['render', 'lead.webhook.json', '--format', '\x1b[31mred'],
      ['render', 'lead.webhook.json', '--env-file', '\x1b]0;title\x07.env'],
      ['send', 'lead.webhook.json', '--timeout', '\x1b[2J'],
      ['\x1b[31m'],
      ['help', '\u202e'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.doesNotMatch(r.stderr, /[\x1b\x07\u202e]/, args.join(' '));
      assert.match(r.stderr, /\\x1b|\\u202e/);
    }
  });

  test('an empty separator and an empty answer body stay allowed', async () => {
    const r = await cli(['render', 'lead.webhook.json', '--array-separator=', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(JSON.parse(r.stdout).url.startsWith('https://'));
  });
});

describe('sample files that are not usable are never used in part', () => {
  const sampleText = (): string => JSON.stringify({ name: 'Broken', contact: { first_name: 'Ann', email: 'ann@example.com' } }, null, 2);

  test('--sample with a syntax error: refused, exit 2, with the file, line and column', async () => {
    const at = folder({ 'bad.sample.json': '{\n  "contact": { "first_name": "Ann",, }\n}\n' });
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'bad.sample.json'], at);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^webhook-studio: --sample bad\.sample\.json:2:36: /);
    noStack(r);
  });

  test('--sample cut short: refused, saying the file ends early, with where', async () => {
    const text = sampleText();
    const at = folder({ 'cut.sample.json': text.slice(0, text.indexOf('"email"')) });
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'cut.sample.json'], at);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^webhook-studio: --sample cut\.sample\.json:5:\d+: the file ends before its JSON is complete/);
  });

  test('--sample by the name of a broken sample found in the folder is refused too', async () => {
    const text = sampleText();
    const at = folder({ 'samples/cut.sample.json': text.slice(0, -3) });
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'samples/cut.sample.json'], at);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^webhook-studio: --sample samples\/cut\.sample\.json:\d+:\d+: /);
  });

  test('a broken sample found by the search is left out with a warning naming it, not used in part', async () => {
    const text = sampleText();
    const at = folder({ 'a.sample.json': text.slice(0, -3) });
    const r = await cli(['render', 'lead.webhook.json', '--format', 'json'], at);
    assert.match(r.stderr, /^webhook-studio: warning: sample a\.sample\.json:\d+:\d+: .*; it is not used\n/m);
    // The built-in sample is used instead of what could be read of the broken one.
    assert.doesNotMatch(r.stdout, /Ann/);
    assert.match(r.stdout, /"url":"https:/);
  });

  test('a sample that is not an object is refused with where', async () => {
    const at = folder({ 'list.sample.json': '[1, 2]\n' });
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'list.sample.json'], at);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^webhook-studio: --sample list\.sample\.json:1:1: A sample must be a JSON object/);
  });

  test('a valid sample file still renders', async () => {
    const at = folder({ 'vip.sample.json': readFileSync(SAMPLE) });
    const r = await cli(['render', 'lead.webhook.json', '--sample', 'vip.sample.json', '--format', 'json'], at);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('files that are not UTF-8 text: said plainly, naming the file', () => {
  const utf16le = (text: string) => Buffer.from(text, 'utf16le');
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
  const sample = JSON.stringify({ contact: { first_name: 'Ann' } });
  const action = readFileSync(ACTION, 'utf8');

  const cases: Array<{ name: string; files: Record<string, Buffer>; args: string[]; message: RegExp }> = [
    {
      name: 'render of a UTF-16LE action without a byte-order mark',
      files: { 'u.webhook.json': utf16le(action) },
      args: ['render', 'u.webhook.json'],
      message: /^webhook-studio: u\.webhook\.json: looks like UTF-16LE text without a byte-order mark, which is not read; save it as UTF-8\n$/,
    },
    {
      name: 'render of a UTF-16BE action without a byte-order mark',
      files: { 'u.webhook.json': utf16be(action) },
      args: ['render', 'u.webhook.json'],
      message: /^webhook-studio: u\.webhook\.json: looks like UTF-16BE text without a byte-order mark/,
    },
    {
      name: 'render of a binary file',
      files: { 'b.webhook.json': binary },
      args: ['render', 'b.webhook.json'],
      message: /^webhook-studio: b\.webhook\.json: is a binary file, not text \(a NUL byte at line 1, column 1\)\n$/,
    },
    {
      name: '--sample in UTF-16 without a byte-order mark',
      files: { 'u.sample.json': utf16le(sample) },
      args: ['render', 'lead.webhook.json', '--sample', 'u.sample.json'],
      message: /^webhook-studio: --sample u\.sample\.json: looks like UTF-16LE text without a byte-order mark/,
    },
    {
      name: '--sample of a binary file',
      files: { 'b.sample.json': binary },
      args: ['render', 'lead.webhook.json', '--sample', 'b.sample.json'],
      message: /^webhook-studio: --sample b\.sample\.json: is a binary file, not text/,
    },
    {
      name: '--env-file in UTF-16 without a byte-order mark',
      files: { 'u.env': utf16le('A=b\nC=d\n') },
      args: ['render', 'lead.webhook.json', '--env-file', 'u.env'],
      message: /^webhook-studio: --env-file u\.env: looks like UTF-16LE text without a byte-order mark/,
    },
    {
      name: '--env-file of a binary file',
      files: { 'b.env': binary },
      args: ['render', 'lead.webhook.json', '--env-file', 'b.env'],
      message: /^webhook-studio: --env-file b\.env: is a binary file, not text/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await cli(c.args, folder(c.files));
      assert.equal(r.code, 2);
      assert.match(r.stderr, c.message);
    });
  }

  test('validate names each such file with what it is, and exits 2', async () => {
    const at = folder({ 'u.webhook.json': utf16le(action), 'b.sample.json': binary, 'u.sample.json': utf16be(sample) });
    const r = await cli(['validate'], at);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^u\.webhook\.json: error looks like UTF-16LE text without a byte-order mark/m);
    assert.match(r.stdout, /^b\.sample\.json: error is a binary file, not text/m);
    assert.match(r.stdout, /^u\.sample\.json: error looks like UTF-16BE text without a byte-order mark/m);
  });

  test('UTF-16 with its byte-order mark is still read', async () => {
    const at = folder({ 'bom.webhook.json': Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(action)]) });
    const r = await cli(['render', 'bom.webhook.json', '--format', 'json'], at);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stdout, /"url":"https:/);
  });
});

describe('the built binary, run as npm links it', () => {
  let built: BuiltCli;
  before(async () => {
    built = await buildCli();
  });
  after(() => built.remove());

  test("its first line ends Node's own options, and the file is executable", () => {
    assert.equal(readFileSync(built.file, 'utf8').split('\n')[0], '#!/usr/bin/env -S node --');
    assert.ok((statSync(built.file).mode & 0o111) !== 0);
  });

  test('--env-file /dev/urandom is our own refusal, exit 2, not Node reading the device', async () => {
    const r = await built.exec(['render', 'lead.webhook.json', '--env-file', '/dev/urandom'], { cwd: dir, timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, 'webhook-studio: --env-file /dev/urandom: is not a regular file (a device, pipe or socket), so it is not read\n');
  });

  test('a missing --env-file is our own "file not found", exit 2', async () => {
    for (const args of [
      ['render', 'lead.webhook.json', '--env-file', 'missing.env'],
      ['render', 'lead.webhook.json', '--env-file=missing.env'],
    ]) {
      const r = await built.exec(args, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, 'webhook-studio: --env-file missing.env: file not found\n');
    }
  });

  test('an --env-file that exists is read by the CLI, not by Node', async () => {
    writeFileSync(join(dir, 'ok.env'), 'CRM_TOKEN=from-the-env-file-1234\n');
    const r = await built.exec(['render', 'lead.webhook.json', '--env-file', 'ok.env', '--reveal-secrets', '--format', 'json'], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stdout, /from-the-env-file-1234/);
  });
});

describe('finding files: globs, odd names, links and folders that cannot be read', () => {
  test('a reversed range in a glob is a usage error naming it, not "no files match"', async () => {
    const r = await cli(['validate', '[z-a]*.webhook.json']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'webhook-studio: [z-a]*.webhook.json: [z-a] holds the range z-a, whose ends are the wrong way round (write a-z)\n');
  });

  test('a name with brackets that exists is that file; escaped it is that file too; otherwise brackets are a class', async () => {
    const at = folder({});
    copyFileSync(ACTION, join(at, 'a[1].webhook.json'));
    copyFileSync(ACTION, join(at, 'a1.webhook.json'));
    const files = (r: CliRun) => [...new Set([...r.stdout.matchAll(/^(\S+):\d+:\d+ /gm)].map((m) => m[1]))];
    const plain = await cli(['validate', 'a[1].webhook.json'], at);
    assert.match(plain.stdout, /^1 file,/m);
    assert.deepEqual(files(plain), ['a[1].webhook.json']);
    const escaped = await cli(['validate', 'a\\[1\\].webhook.json'], at);
    assert.match(escaped.stdout, /^1 file,/m);
    assert.deepEqual(files(escaped), ['a[1].webhook.json']);
    const rendered = await cli(['render', 'a[1].webhook.json', '--format', 'json'], at);
    assert.match(rendered.stdout, /"url":"https:/);
    const asClass = await cli(['validate', 'a[12].webhook.json'], at);
    assert.deepEqual(files(asClass), ['a1.webhook.json']);
  });

  test('links to files are followed; a broken link and a looping link are reported by name, exit 2; folder loops end', async () => {
    const at = folder({ 'samples/real.sample.json': JSON.stringify({ contact: { first_name: 'Linked' } }) });
    mkdirSync(join(at, 'sub'));
    symlinkSync(join('..', 'lead.webhook.json'), join(at, 'sub', 'linked.webhook.json'));
    symlinkSync('nowhere.webhook.json', join(at, 'broken.webhook.json'));
    symlinkSync('self.webhook.json', join(at, 'self.webhook.json'));
    symlinkSync(join('samples', 'real.sample.json'), join(at, 'link.sample.json'));
    mkdirSync(join(at, 'loop'));
    symlinkSync('..', join(at, 'loop', 'up'));
    symlinkSync(join('..', 'loop'), join(at, 'loop', 'again'));
    const r = await cli(['validate'], at);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^broken\.webhook\.json: error is a symbolic link to "nowhere\.webhook\.json", which does not exist$/m);
    assert.match(r.stdout, /^self\.webhook\.json: error is a symlink loop$/m);
    // lead, sub/linked, broken, self + samples/real, link: the linked files were checked.
    assert.match(r.stdout, /^6 files, /m);
    const json = JSON.parse((await cli(['validate', '--json'], at)).stdout) as { files: Array<{ file: string }> };
    assert.deepEqual(json.files.map((f) => f.file).sort(), [
      'broken.webhook.json',
      'lead.webhook.json',
      'link.sample.json',
      'samples/real.sample.json',
      'self.webhook.json',
      'sub/linked.webhook.json',
    ]);
  });

  test('render warns of a broken sample link found by the search, and follows a working one', async () => {
    const at = folder({ 'real.data.json': JSON.stringify({ name: 'Linked', contact: { first_name: 'Linked' } }) });
    symlinkSync('real.data.json', join(at, 'a.sample.json'));
    symlinkSync('gone.json', join(at, 'b.sample.json'));
    const r = await cli(['render', 'lead.webhook.json', '--format', 'json', '--sample', 'Linked'], at);
    assert.match(r.stderr, /^webhook-studio: warning: sample b\.sample\.json: is a symbolic link to "gone\.json", which does not exist; it is not used$/m);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const linked = await cli(['render', 'lead.webhook.json', '--sample', 'a.sample.json', '--format', 'json'], at);
    assert.ok(linked.code === 0 || linked.code === 1, linked.stderr);
  });

  test('a deep tree searched with a glob repeating ** between names is walked and matched', { timeout: 120_000 }, async () => {
    const at = folder({ [`${'a/'.repeat(24)}deep.webhook.json`]: readFileSync(ACTION) });
    const r = await cli(['validate', `${'**/a/'.repeat(24)}*.webhook.json`], at);
    assert.match(r.stdout, /^1 file,/m, r.stderr);
    assert.match(r.stdout, new RegExp(`^${'a/'.repeat(24)}deep\\.webhook\\.json:`, 'm'));
  });
});

describe('a folder the search cannot read', () => {
  let built: BuiltCli | undefined;
  let at: string;
  const asRoot = process.getuid?.() === 0;
  before(async () => {
    at = folder({ 'locked/hidden.webhook.json': readFileSync(ACTION), 'locked/hidden.sample.json': '{}' });
    chmodSync(join(at, 'locked'), 0o000);
    if (asRoot) {
      // Root reads any folder: run the real binary as an unprivileged user instead, with what it reads open to it.
      built = await buildCli();
      for (const open of [at, dir, join(built.file, '..', '..'), join(built.file, '..')]) chmodSync(open, 0o755);
    }
  });
  after(async () => {
    chmodSync(join(at, 'locked'), 0o755);
    await built?.remove();
  });
  const run = (args: string[]): Promise<CliRun> =>
    built ? built.execAs(['--reuid=65534', '--regid=65534', '--clear-groups'], args, { cwd: at }) : cli(args, at);

  test('validate names it as an error and exits 2: what is in it was not checked', async () => {
    const r = await run(['validate']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^locked\/: error folder cannot be read \(permission denied\): the files in it were not checked$/m);
    assert.match(r.stdout, /^1 file, 1 error/m);
  });

  test('render warns that samples in it are not used', async () => {
    const r = await run(['render', 'lead.webhook.json', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /^webhook-studio: warning: folder locked\/ cannot be read \(permission denied\): samples in it are not used$/m);
  });
});

test('--sample naming a sample that is not found still hears of the broken sample files first', async () => {
  const at = folder({ 'a.sample.json': '{ "name": "Broken", "contact": {' });
  const r = await cli(['render', 'lead.webhook.json', '--sample', 'Broken'], at);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^webhook-studio: warning: sample a\.sample\.json:1:\d+: .*; it is not used\nwebhook-studio: --sample Broken: no sample with that name or path/,
  );
});
