import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli';
import { startHttpServer, type TestServer } from './helpers/servers';

const CRM = join(ROOT, 'test', 'fixtures', 'openapi', 'crm');

/** A workspace with the CRM contract, two samples and the given action files. */
function workspace(actions: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-contract-'));
  mkdirSync(join(dir, 'contracts'));
  for (const f of ['openapi.yaml', 'components.yaml']) copyFileSync(join(CRM, f), join(dir, 'contracts', f));
  writeFileSync(
    join(dir, 'omar.sample.json'),
    JSON.stringify({ name: 'Omar', contact: { id: 'c_1', first_name: 'Omar', email: 'omar@example.com', phone: '+1 555' } }),
  );
  writeFileSync(
    join(dir, 'jane.sample.json'),
    JSON.stringify({ name: 'Jane', contact: { id: 'c_2', first_name: 'Jane', email: 'jane@example.com', phone: '+15555550123' } }),
  );
  for (const [file, action] of Object.entries(actions)) writeFileSync(join(dir, file), `${JSON.stringify(action, null, 2)}\n`);
  return dir;
}

const LEAD = {
  name: 'Lead',
  method: 'POST',
  url: 'https://api.crm.example.com/v1/leads',
  auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
  contract: { openapi: 'contracts/openapi.yaml', operation: 'createLead' },
  body: { email: '{{contact.email}}', first_name: '{{contact.first_name}}', phone: '{{contact.phone}}' },
};

describe('webhook-studio validate with contracts', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('checks every sample against the operation: the one that breaks it is reported at the template, exit 1', async () => {
    const dir = workspace({ 'lead.webhook.json': LEAD });
    dirs.push(dir);
    const r = await runCli(['validate', '--secret', 'CRM_TOKEN=tok_123456'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.includes('contract-violation'));
    assert.equal(lines.length, 1, r.stdout);
    const text = readFileSync(join(dir, 'lead.webhook.json'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"phone": "{{contact.phone}}"'));
    const column = text.split('\n')[line]!.indexOf('{{contact.phone}}');
    assert.ok(
      lines[0]!.startsWith(`lead.webhook.json:${line + 1}:${column + 1} error contract-violation for sample "Omar", {{contact.phone}} gives "+1 555"`),
      lines[0],
    );
    assert.ok(!r.stdout.includes('tok_123456'));
  });

  test('test reports the same violation as a failed lint test, and sends nothing for it to pass', async () => {
    const dir = workspace({ 'lead.webhook.json': LEAD });
    dirs.push(dir);
    const r = await runCli(['test', '--inbox', '--secret', 'CRM_TOKEN=tok_123456'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /lead\.webhook\.json:\d+:\d+ error contract-violation for sample "Omar", \{\{contact\.phone\}\} gives "\+1 555"/);
    assert.ok(!r.stdout.includes('tok_123456'));
  });

  test('the JSON output carries the same diagnostics; a fitting action exits 0', async () => {
    const fits = { ...LEAD, body: { email: '{{contact.email}}', first_name: '{{contact.first_name}}' } };
    const dir = workspace({ 'lead.webhook.json': fits });
    dirs.push(dir);
    const r = await runCli(['validate', '--json', '--secret', 'CRM_TOKEN=tok_123456'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout);
    const out = JSON.parse(r.stdout) as { files: Array<{ file: string; diagnostics: Array<{ code: string }> }> };
    assert.deepEqual(out.files.find((f) => f.file === 'lead.webhook.json')!.diagnostics, []);
  });

  test('a document that cannot be read is an error at "openapi"', async () => {
    const dir = workspace({ 'lead.webhook.json': { ...LEAD, contract: { openapi: 'contracts/missing.yaml' } } });
    dirs.push(dir);
    const r = await runCli(['validate'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /lead\.webhook\.json:\d+:\d+ error contract-violation the OpenAPI document cannot be read: .*missing\.yaml: file not found/);
  });
});

describe('URL contracts: fetched only with --fetch-contracts, then read from the cache', () => {
  let server: TestServer;
  let requests = 0;
  before(async () => {
    const doc = readFileSync(join(CRM, 'openapi.yaml'), 'utf8');
    const components = readFileSync(join(CRM, 'components.yaml'), 'utf8');
    server = await startHttpServer((req, res) => {
      requests++;
      if (req.url === '/openapi.yaml') res.end(doc);
      else if (req.url === '/components.yaml') res.end(components);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  after(() => server.close());

  test('not fetched: a warning that says how; fetched: checked; later runs use the cache without the network', async () => {
    const url = `${server.origin}/openapi.yaml`;
    const dir = workspace({ 'lead.webhook.json': { ...LEAD, contract: { openapi: url, operation: 'createLead' } } });
    const cache = join(dir, 'cache');
    try {
      const before = await runCli(['validate', '--contract-cache', cache], { cwd: dir });
      assert.equal(requests, 0, 'nothing fetched without --fetch-contracts');
      assert.match(before.stdout, /warning contract-violation .*is not fetched yet: run with --fetch-contracts/);
      const fetched = await runCli(['validate', '--fetch-contracts', '--contract-cache', cache], { cwd: dir });
      assert.ok(requests >= 2, 'the document and the file it refers to');
      assert.equal(fetched.code, 1);
      assert.match(fetched.stdout, /error contract-violation for sample "Omar", \{\{contact\.phone\}\} gives "\+1 555"/);
      assert.equal(readdirSync(cache).length, 1, 'one bundled file per URL');
      const count = requests;
      const cached = await runCli(['validate', '--contract-cache', cache], { cwd: dir });
      assert.equal(requests, count);
      assert.equal(cached.stdout, fetched.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('webhook-studio scaffold', () => {
  test('writes an action with every required field that validates clean, and never overwrites a file', async () => {
    const dir = workspace({});
    try {
      const r = await runCli(['scaffold', '--openapi', 'contracts/openapi.yaml', '--operation', 'createLead', '--out', 'actions/new-lead.webhook.json'], {
        cwd: dir,
      });
      // The folder does not exist: that is a clear message, nothing written.
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot write actions\/new-lead\.webhook\.json/);
      const ok = await runCli(['scaffold', '--openapi', 'contracts/openapi.yaml', '--operation', 'createLead'], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^wrote createLead\.webhook\.json for operation createLead/);
      const action = JSON.parse(readFileSync(join(dir, 'createLead.webhook.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(action.contract, { openapi: 'contracts/openapi.yaml', operation: 'createLead' });
      assert.deepEqual(action.auth, { type: 'bearer', token: '{{secrets.EXAMPLE_CRM_TOKEN}}' });
      const body = action.body as Record<string, unknown>;
      assert.equal(body.email, '{{contact.email}}');
      assert.equal(body.first_name, '{{contact.first_name}}');
      // Every sample is checked: only the one whose data fits the schema stays.
      rmSync(join(dir, 'omar.sample.json'));
      const v = await runCli(['validate', '--secret', 'EXAMPLE_CRM_TOKEN=tok_123456'], { cwd: dir });
      assert.equal(v.code, 0, v.stdout);
      assert.doesNotMatch(v.stdout, /contract-violation/);
      const again = await runCli(['scaffold', '--openapi', 'contracts/openapi.yaml', '--operation', 'createLead'], { cwd: dir });
      assert.equal(again.code, 2);
      assert.match(again.stderr, /it exists; nothing was written/);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'createLead.webhook.json'), 'utf8')), action);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown operation or an unsendable method is a message, exit 2', async () => {
    const dir = workspace({});
    try {
      const unknown = await runCli(['scaffold', '--openapi', 'contracts/openapi.yaml', '--operation', 'createLeads'], { cwd: dir });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /has no operation "createLeads". Did you mean "createLead"/);
      const patch = await runCli(['scaffold', '--openapi', 'contracts/openapi.yaml', '--operation', 'updateContact'], { cwd: dir });
      assert.equal(patch.code, 2);
      assert.match(patch.stderr, /is PATCH; the platform sends only GET, POST, PUT and DELETE/);
      const usage = await runCli(['scaffold', '--operation', 'x'], { cwd: dir });
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /--openapi DOC is required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
