/**
 * The curl import against the real curl, on the corpus of real commands in test/fixtures/curl/.
 *
 * For every command: the shell (bash, with `curl` defined as a function that records its arguments)
 * gives the words curl would get; the real curl runs with those words, its URL pointed at a loopback
 * inbox; the imported action is sent through `sendAction` to the same inbox. Method, target, headers
 * (names case-insensitive, in order) and body bytes are compared, and every difference must be named by
 * one of the import's warnings, or the import must refuse with a reason. Commands that cannot run on
 * loopback are classified with a reason and listed in `UNRUNNABLE`.
 *
 * Not compared: the transport headers (Host, Content-Length, Connection, Transfer-Encoding, Expect) and
 * curl's own identity, `User-Agent: curl/…` and `Accept: *\/*`, when the command does not set them (the
 * platform sends its own).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCurl } from '../../src/core/curl';
import { parseActionDocument } from '../../src/core/document';
import { HttpSender } from '../../src/core/http/index';
import { inboxUrlFor, startInbox, type Inbox } from '../../src/core/inbox';
import { emptySecrets, noTokens } from '../../src/core/secretSources';
import { sendAction, type TokenProvider } from '../../src/core/sendAction';
import type { Capture } from '../../src/core/types';
import { BUILTIN_SAMPLE } from '../../src/core/builtinSample';
import { ROOT } from './helpers/cli';

interface Entry {
  readonly id: string;
  readonly command: string;
  /** The command as the shell gets it, when the import reads another text (the same command, pasted with its line breaks lost). */
  readonly shell?: string;
}

const CORPUS: Entry[] = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/curl/curl-commands.json'), 'utf8')) as Entry[];

/** Commands curl cannot run against a loopback server here, with why. Checked to be exactly these. */
const UNRUNNABLE: Record<string, string> = {
  'cc/bash_redirect': 'the shell redirects input from a file that does not exist (add_params.xml)',
  'cc/get_proxy': 'goes through an HTTP proxy on localhost:8080, which is not running here',
  'cc/get_proxy_with_auth': 'goes through an HTTP proxy on localhost:8080, which is not running here',
  'cc/multiple_commands#3': 'the shell redirects input from a file that does not exist (input_redirected_file.txt)',
  'cc/redirect_command_data': 'the shell redirects input from a file that does not exist (myfile.jg)',
  'cc/redirect_command_url_query': 'the shell redirects input from a file that does not exist (image.jpg)',
  'cc/redirect_variable_and_string_data': 'the shell redirects input from a file that does not exist (startend)',
  'cc/redirect_variable_data': 'the shell cannot redirect from an unset variable ($FILENAME)',
  'cc/socks_proxy': 'goes through a SOCKS proxy on another machine',
  'cc-old/windows_get_with_escaped_values': 'uses --windows, which is no curl option: curl exits 2 before sending',
};

/**
 * Commands in the style of API documentation, written for this test, for what the corpus lacks: the
 * encodings of --data-urlencode and --url-query, negated options, Digest, a key as Basic user name, a
 * command whose line breaks an input box joined, JSON sent without a Content-Type.
 */
const OWN: Entry[] = [
  { id: 'own/data-urlencode', command: `curl https://api.example.com/v1/search --data-urlencode 'q=jane doe & co' --data-urlencode 'tag=a b'` },
  { id: 'own/get-data-urlencode', command: `curl -G https://api.example.com/v1/search --data-urlencode 'q=jane doe' -d limit=5` },
  { id: 'own/url-query', command: `curl --url-query 'name=Jane Doe' --url-query '+raw=a%20b' https://api.example.com/v1/contacts -d x=1` },
  { id: 'own/no-location', command: `curl --no-location --no-get --no-compressed https://api.example.com/v1/ping` },
  { id: 'own/digest', command: `curl --digest -u 'admin:s3cret' https://api.example.com/v1/status` },
  { id: 'own/stripe-key-as-user', command: `curl https://api.stripe.com/v1/customers -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" -d name="Jenny Rosen"` },
  {
    id: 'own/joined-lines',
    command: `curl https://api.stripe.com/v1/customers \\ -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" \\ -d "name=Jenny Rosen" \\ --data-urlencode "email=jenny rosen@example.com"`,
    shell:
      `curl https://api.stripe.com/v1/customers \\` +
      `\n  -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" \\` +
      `\n  -d "name=Jenny Rosen" \\` +
      `\n  --data-urlencode "email=jenny rosen@example.com"`,
  },
  { id: 'own/json-without-content-type', command: `curl -X POST https://hooks.example.com/in -d '{"event":"lead","score":5}'` },
  { id: 'own/bare-question-mark', command: `curl 'https://api.example.com/v1/ping?' -H 'X-Trace: 1'` },
  {
    id: 'own/trailing-blanks-after-backslash',
    command: `curl https://api.example.com/v1/leads \\   \n  -H 'X-A: 1' \\\n  --json '{"a":1}'`,
    shell: `curl https://api.example.com/v1/leads \\\n  -H 'X-A: 1' \\\n  --json '{"a":1}'`,
  },
];

const TRANSPORT = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect']);
const PROXY_OPTIONS = /^(-x|--proxy|--preproxy|--socks4a?|--socks5(-hostname)?)$|^-x./;

type Kind = 'identical' | 'warned' | 'refused' | 'unrunnable' | 'silent';

interface Outcome {
  readonly id: string;
  readonly kind: Kind;
  readonly detail: string;
}

/** The argument lists of each curl the shell would run for `command`, or why the shell ran none. */
function shellCalls(command: string, cwd: string): Promise<{ calls: string[][]; stderr: string }> {
  return new Promise((resolve) => {
    const script = `curl() { { printf '\\1'; printf '%s\\0' "$@"; } >&3; }\n${command}`;
    const child = spawn('bash', ['--norc', '--noprofile', '-c', script], {
      cwd,
      env: { PATH: '/usr/bin:/bin', HOME: cwd },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdio[3]!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', () => {
      clearTimeout(timer);
      const calls = Buffer.concat(out)
        .toString('utf8')
        .split('\x01')
        .slice(1)
        .map((c) => c.split('\0').slice(0, -1));
      resolve({ calls, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function runCurl(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/curl',
      args,
      { cwd, env: { PATH: '/usr/bin:/bin', HOME: cwd }, timeout: 15_000, encoding: 'utf8', maxBuffer: 16 << 20 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stderr });
      },
    );
  });
}

interface Wire {
  readonly method: string;
  readonly target: string;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

function wireOf(c: Capture): Wire {
  return {
    method: c.method,
    target: c.target,
    headers: c.rawHeaders.filter(([n]) => !TRANSPORT.has(n.toLowerCase())).map(([n, v]) => [n.toLowerCase(), v]),
    body: Buffer.from(c.body),
  };
}

/** The differences between curl's request and ours, each with the words a warning naming it must hold. */
function differences(curl: Wire, ours: Wire): Array<{ what: string; named: RegExp }> {
  const out: Array<{ what: string; named: RegExp }> = [];
  if (curl.method !== ours.method) out.push({ what: `method ${ours.method} instead of ${curl.method}`, named: /method|HEAD|-I\b|-G|GET|POST|PUT|DELETE/ });
  if (curl.target !== ours.target) out.push({ what: `target ${ours.target} instead of ${curl.target}`, named: /URL|query|\?/i });
  const theirs = curl.headers.filter(
    ([n, v]) => !((n === 'user-agent' && v.startsWith('curl/')) || (n === 'accept' && v === '*/*')) || ours.headers.some(([m]) => m === n),
  );
  const key = (h: readonly [string, string]) => `${h[0]}: ${h[1]}`;
  const a = theirs.map(key);
  const b = ours.headers.map(key);
  const names = new Set<string>();
  for (const h of a) if (!b.includes(h)) names.add(h.slice(0, h.indexOf(':')));
  for (const h of b) if (!a.includes(h)) names.add(h.slice(0, h.indexOf(':')));
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const name of names) {
    // A shell variable the import kept as written (bash expands it, here to nothing) is named by its own warning.
    const variables = b.filter((h) => h.startsWith(`${name}:`)).flatMap((h) => h.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
    const named = [escape(name), ...variables.map((v) => `${escape(v.replace('{', ''))}\\b.*not expanded`)].join('|');
    out.push({
      what: `header ${name}: curl [${a.filter((h) => h.startsWith(`${name}:`)).join(' | ')}] ours [${b.filter((h) => h.startsWith(`${name}:`)).join(' | ')}]`,
      named: new RegExp(named, 'i'),
    });
  }
  if (names.size === 0 && a.join('\n') !== b.join('\n')) out.push({ what: 'header order', named: /order/i });
  if (!curl.body.equals(ours.body))
    out.push({ what: `body ${JSON.stringify(ours.body.toString())} instead of ${JSON.stringify(curl.body.toString())}`, named: /body/i });
  return out;
}

const tokens: TokenProvider = { ...noTokens, ensureToken: () => Promise.resolve({ ok: true }), canRefresh: () => false, invalidate: () => undefined };

async function check(entry: Entry, inbox: Inbox, sender: HttpSender, cwd: string): Promise<Outcome> {
  const outcome = (kind: Kind, detail: string): Outcome => ({ id: entry.id, kind, detail });
  const imported = fromCurl(entry.command);
  const { calls, stderr } = await shellCalls(entry.shell ?? entry.command, cwd);
  if (calls.length === 0) return outcome('unrunnable', `the shell runs no curl: ${stderr.trim().split('\n')[0] ?? ''}`);
  if (!imported.ok) return outcome('refused', imported.error);
  const words = calls[0]!;
  if (calls.length > 1 && !imported.warnings.some((w) => /only the (first )?curl command/i.test(w)))
    return outcome('silent', `${calls.length} curl commands, import says nothing`);
  if (words.some((w) => PROXY_OPTIONS.test(w))) return outcome('unrunnable', 'goes through a proxy that is not on this machine');
  const raw = imported.url;
  if (!words.includes(raw)) return outcome('silent', `the URL the import read (${raw}) is not a word curl gets: ${JSON.stringify(words)}`);
  const loopback = inboxUrlFor(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`, inbox.url);
  const curlArgs = words.map((w) => (w === raw ? loopback : w));

  inbox.clear();
  const ran = await runCurl(curlArgs, cwd);
  const curlCaptures = inbox.captures().slice();
  if (curlCaptures.length === 0) return outcome('unrunnable', `curl exits ${ran.code} without a request: ${ran.stderr.trim().split('\n').pop() ?? ''}`);
  if (curlCaptures.length > 1) return outcome('silent', `curl sent ${curlCaptures.length} requests`);

  inbox.clear();
  const sent = await sendAction({
    doc: parseActionDocument(imported.text),
    sample: BUILTIN_SAMPLE,
    file: 'imported.webhook.json',
    escaping: 'json',
    arraySeparator: ', ',
    secrets: emptySecrets,
    tokens,
    transport: sender,
    inbox,
    timeoutMs: 10_000,
  });
  if (!sent.sent) return outcome(imported.warnings.length > 0 ? 'warned' : 'silent', `our send is refused: ${sent.reason}`);
  // The report's capture has secrets masked: compare with the inbox's own, as received.
  const ours = inbox.captures();
  if (ours.length !== 1) return outcome('silent', `our send arrived ${ours.length} times`);
  const diffs = differences(wireOf(curlCaptures[0]!), wireOf(ours[0]!));
  if (diffs.length === 0) return outcome('identical', '');
  const unnamed = diffs.filter((d) => !imported.warnings.some((w) => d.named.test(w)));
  if (unnamed.length > 0) return outcome('silent', `${unnamed.map((d) => d.what).join('; ')} — warnings: ${JSON.stringify(imported.warnings)}`);
  return outcome('warned', diffs.map((d) => d.what).join('; '));
}

describe('curl import against the real curl, on the corpus', () => {
  let inbox: Inbox;
  const sender = new HttpSender({ privateAddresses: 'allow' });
  const cwd = mkdtempSync(join(tmpdir(), 'curl-corpus-'));
  before(async () => {
    inbox = await startInbox({ maxTotalBytes: 1 << 20 });
  });
  after(async () => {
    await inbox.close();
    await sender.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('every difference from what curl sends is named in a warning, and every unrunnable command is classified', { timeout: 600_000 }, async (t) => {
    const outcomes: Outcome[] = [];
    for (const entry of [...CORPUS, ...OWN]) outcomes.push(await check(entry, inbox, sender, cwd));
    const count = (k: Kind) => outcomes.filter((o) => o.kind === k).length;
    t.diagnostic(
      `${outcomes.length} commands (${CORPUS.length} of the corpus, ${OWN.length} of our own): ${count('identical')} identical, ${count('warned')} differ with a warning, ${count('refused')} refused with a reason, ${count('unrunnable')} unrunnable, ${count('silent')} silent`,
    );
    for (const o of outcomes) if (o.kind !== 'identical') t.diagnostic(`${o.kind} ${o.id}: ${o.detail.slice(0, 600)}`);
    assert.deepEqual(
      outcomes.filter((o) => o.kind === 'silent').map((o) => `${o.id}: ${o.detail}`),
      [],
    );
    assert.deepEqual(
      outcomes.filter((o) => o.kind === 'unrunnable').map((o) => o.id),
      Object.keys(UNRUNNABLE),
    );
    // Our own commands all run, and none is refused.
    assert.deepEqual(
      outcomes.filter((o) => o.id.startsWith('own/') && (o.kind === 'unrunnable' || o.kind === 'refused')).map((o) => `${o.id}: ${o.detail}`),
      [],
    );
  });
});
