import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';

const work = mkdtempSync(join(tmpdir(), 'import-curl-'));
after(() => rmSync(work, { recursive: true, force: true }));

const STRIPE = `curl https://api.stripe.com/v1/customers \\
  -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" \\
  -H 'Content-Type: application/json' \\
  -d '{"name":"Jenny Rosen"}'
`;

describe('webhook-studio import-curl', () => {
  test('reads the command from a file and prints the action on stdout, with the warnings on stderr', async () => {
    writeFileSync(join(work, 'stripe.sh'), STRIPE);
    const r = await runCli(['import-curl', 'stripe.sh'], { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const action = JSON.parse(r.stdout) as { name: string; method: string; url: string; auth: { username: string } };
    assert.equal(action.method, 'POST');
    assert.equal(action.url, 'https://api.stripe.com/v1/customers');
    assert.equal(action.name, 'POST api.stripe.com/v1/customers');
    assert.equal(action.auth.username, 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'the file is what was asked for');
    assert.match(r.stderr, /warning .*literal secret\(s\) \(STRIPE_API_KEY\): --move-secrets/);
  });

  test('reads standard input for "-" and for no argument', async () => {
    for (const args of [['import-curl', '-'], ['import-curl']]) {
      const r = await runCli(args, { cwd: work, stdin: `curl -X DELETE https://api.example.com/v1/leads/7` });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { method: string }).method, 'DELETE');
    }
  });

  test('--move-secrets writes {{secrets.…}} and prints the names, never the values', async () => {
    const r = await runCli(['import-curl', '-', '--move-secrets'], { cwd: work, stdin: STRIPE });
    assert.equal(r.code, 0, r.stderr);
    const action = JSON.parse(r.stdout) as { auth: { username: string } };
    assert.equal(action.auth.username, '{{secrets.STRIPE_API_KEY}}');
    assert.ok(!r.stdout.includes('sk_test_') && !r.stderr.includes('sk_test_'));
    assert.match(r.stderr, /\{\{secrets\.STRIPE_API_KEY\}\}/);
  });

  test('-o writes the file and never overwrites one that exists', async () => {
    const out = join(work, 'post-v1-customers.webhook.json');
    const first = await runCli(['import-curl', '-', '-o', 'post-v1-customers.webhook.json'], { cwd: work, stdin: STRIPE });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.match(first.stderr, /wrote post-v1-customers\.webhook\.json/);
    const written = readFileSync(out, 'utf8');
    assert.equal((JSON.parse(written) as { method: string }).method, 'POST');
    const second = await runCli(['import-curl', '-', '-o', 'post-v1-customers.webhook.json'], { cwd: work, stdin: 'curl https://x.example/other' });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /post-v1-customers\.webhook\.json exists: import-curl never overwrites a file/);
    assert.equal(readFileSync(out, 'utf8'), written, 'the existing file is untouched');
  });

  test('a command the platform cannot send is refused with exit 1 and no file', async () => {
    const r = await runCli(['import-curl', '-', '-o', 'form.webhook.json'], { cwd: work, stdin: `curl -F file=@photo.jpg https://x.example/upload` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error -F sends a multipart form/);
    assert.ok(!existsSync(join(work, 'form.webhook.json')));
  });

  test('usage errors exit 2: a missing file, two files, an unknown option', async () => {
    const missing = await runCli(['import-curl', 'nowhere.sh'], { cwd: work });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere\.sh/);
    const two = await runCli(['import-curl', 'a', 'b'], { cwd: work });
    assert.equal(two.code, 2);
    const unknown = await runCli(['import-curl', '--frob'], { cwd: work });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --frob/);
  });

  test('--help describes the command', async () => {
    const r = await runCli(['import-curl', '--help'], { cwd: work });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: webhook-studio import-curl \[file\|-\] \[-o out\.webhook\.json\]/);
    assert.match(r.stdout, /never overwritten/);
  });
});
