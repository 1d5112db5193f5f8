// Sample discovery in the real extension host: the folders skipped agree with the CLI's, and a file search
// that fails (as where no file-search provider runs) degrades to walking the workspace folders.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BUILTIN_SAMPLE } from '../../../src/core/builtinSample';
import { findFiles as findFilesOnDisk } from '../../../src/core/workspace';
import { WorkspaceFileSearch, type FileFinder, type FindFiles } from '../../../src/extension/fileSearch';
import { SampleStore } from '../../../src/extension/samples';
import { fixtureRoot, waitFor } from './helpers';
import { JANE, removeGenerated, writeGenerated, ZOE } from './studio';

const KEPT = 'Kept generated sample';
const SKIPPED = ['dist/in-dist', 'out/in-out', 'node_modules/pkg/in-node-modules', '.cache/in-hidden', 'nested/dist/in-nested-dist'];

const sampleText = (name: string) => JSON.stringify({ name, contact: { id: name, first_name: name } });

/** What VS Code's findFiles rejects with where ripgrep cannot be started. */
function spawnFailure(): Error {
  const error = new Error('spawn /opt/vscode-server/node_modules/@vscode/ripgrep/bin/rg ENOENT');
  return Object.assign(error, { code: 'ENOENT', errno: -2, syscall: 'spawn /opt/vscode-server/node_modules/@vscode/ripgrep/bin/rg' });
}

/** Workspace state kept in memory, so these stores do not touch the extension's own selection. */
class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

/** Records what the store says, and where. */
function recorder(): { warnings: string[]; notifications: string[]; log: { warn(m: string): void }; notify: (m: string) => void } {
  const warnings: string[] = [];
  const notifications: string[] = [];
  return { warnings, notifications, log: { warn: (m) => warnings.push(m) }, notify: (m) => notifications.push(m) };
}

const relative = (uris: readonly vscode.Uri[]) => uris.map((u) => vscode.workspace.asRelativePath(u, false)).sort();

describe('sample discovery', () => {
  const collections: vscode.DiagnosticCollection[] = [];
  const stores: SampleStore[] = [];
  const storeWith = (search: FileFinder, log: { warn(m: string): void }) => {
    const collection = vscode.languages.createDiagnosticCollection('sample-discovery-test');
    const store = new SampleStore(new MemoryMemento(), collection, () => '**/*.sample.json', search, log);
    collections.push(collection);
    stores.push(store);
    return store;
  };

  before(async () => {
    for (const path of SKIPPED) await writeGenerated(`${path}.sample.json`, sampleText(`Skipped ${path}`));
    await writeGenerated('kept/kept.sample.json', sampleText(KEPT));
  });

  after(async () => {
    for (const s of stores) s.dispose();
    for (const c of collections) c.dispose();
    await removeGenerated();
  });

  it('VS Code’s file search, the fallback walk and the CLI find the same sample files, skipping the same folders', async () => {
    const viaSearch = relative(await new WorkspaceFileSearch({ log: { warn: () => undefined } }).find('**/*.sample.json'));
    const quiet = recorder();
    const failing: FindFiles = () => Promise.reject(spawnFailure());
    const viaWalk = relative(await new WorkspaceFileSearch({ findFiles: failing, log: quiet.log, notify: quiet.notify }).find('**/*.sample.json'));
    const root = fixtureRoot().fsPath;
    const viaCli = relative((await findFilesOnDisk(['**/*.sample.json'], root)).map((p) => vscode.Uri.file(p)));
    assert.ok(viaSearch.includes('generated/kept/kept.sample.json'), `found: ${viaSearch.join(', ')}`);
    assert.ok(viaSearch.includes('jane.sample.json') && viaSearch.includes('samples/zoe.sample.json'));
    for (const path of SKIPPED) assert.ok(!viaSearch.includes(`generated/${path}.sample.json`), `${path} is skipped`);
    assert.deepEqual(viaWalk, viaSearch);
    assert.deepEqual(viaCli, viaSearch);
  });

  it('the running extension leaves out sample files created in skipped folders', async () => {
    await writeGenerated('dist/late.sample.json', sampleText('Skipped late in dist'));
    await writeGenerated('kept/late.sample.json', sampleText('Kept late'));
    await waitFor(
      async () => {
        const picked = await vscode.commands.executeCommand<{ name?: string }>('webhookStudio.selectSample', 'Kept late');
        return picked.name === 'Kept late';
      },
      'the extension to pick up kept/late.sample.json',
      10_000,
    );
    try {
      for (const name of ['Skipped late in dist', ...SKIPPED.map((p) => `Skipped ${p}`)]) {
        const refused = await vscode.commands.executeCommand<{ refused?: boolean }>('webhookStudio.selectSample', name);
        assert.equal(refused.refused, true, `"${name}" is not a sample of the workspace`);
      }
    } finally {
      await vscode.commands.executeCommand('webhookStudio.selectSample', JANE);
    }
  });

  it('when the file search rejects, samples come from walking the workspace folders, the built-in sample stays, and it is said once', async () => {
    const said = recorder();
    let searches = 0;
    const failing: FindFiles = () => {
      searches++;
      return Promise.reject(spawnFailure());
    };
    const store = storeWith(new WorkspaceFileSearch({ findFiles: failing, log: said.log, notify: said.notify }), said.log);

    const names = (await store.selectable()).map((s) => s.name);
    assert.ok(names.includes(JANE) && names.includes(ZOE) && names.includes(KEPT), `samples: ${names.join(', ')}`);
    assert.ok(!names.some((n) => n.startsWith('Skipped')), `skipped folders stay skipped: ${names.join(', ')}`);
    assert.equal(names.at(-1), BUILTIN_SAMPLE.name);
    const first = (await store.workspaceSamples())[0];
    assert.ok(first && !first.builtin);
    assert.equal(await store.selected(), first, 'the first sample of the workspace is selected');
    assert.equal((await store.select('builtin'))?.name, BUILTIN_SAMPLE.name);
    assert.equal((await store.inPlay()).selected.builtin, true);

    store.reset();
    assert.ok(
      (await store.workspaceSamples()).some((s) => s.name === ZOE),
      'a reload after a reset walks again',
    );
    assert.equal(searches, 2, 'the file search is tried again on each load');
    assert.equal(said.warnings.length, 1, `one log line: ${said.warnings.join(' | ')}`);
    assert.match(said.warnings[0]!, /file search failed \(spawn .*rg ENOENT\)/);
    assert.match(said.warnings[0]!, /walking the workspace folders/);
    assert.equal(said.notifications.length, 1, 'one notification');
    assert.match(said.notifications[0]!, /walking the workspace folders/);
  });

  it('a load that rejects is not kept: meanwhile the built-in sample is in play, and the next need loads again', async () => {
    const said = recorder();
    let broken = true;
    const real = new WorkspaceFileSearch({ log: said.log });
    const flaky: FileFinder = { find: (glob) => (broken ? Promise.reject(spawnFailure()) : real.find(glob)) };
    const store = storeWith(flaky, said.log);

    assert.deepEqual(await store.selectable(), [BUILTIN_SAMPLE]);
    assert.equal(await store.selected(), BUILTIN_SAMPLE);
    assert.deepEqual((await store.inPlay()).samples, [BUILTIN_SAMPLE]);
    assert.ok(said.warnings.length >= 1 && said.warnings.every((w) => /ENOENT/.test(w) && /built-in sample/.test(w)), said.warnings.join(' | '));

    broken = false;
    const names = (await store.selectable()).map((s) => s.name);
    assert.ok(names.includes(JANE) && names.includes(ZOE), `loaded again: ${names.join(', ')}`);
  });
});
