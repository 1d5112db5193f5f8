/**
 * The Testing view (docs/architecture.md, "The editor"): a TestController with one test per action × sample.
 * *Run* sends through the send service (so trust, secrets, the log and the panel behave as for any send) and
 * reports the action's `expect` results: a failure shows the expected and the actual value and links to
 * its `expect` entry. The workspace samples are the tests of every action; with none, the built-in one.
 */
import * as vscode from 'vscode';
import { parseActionDocument } from '../core/document';
import { readExpect } from '../core/expect';
import type { ExecutionRecord, Sample } from '../core/types';
import type { FileFinder } from './fileSearch';
import type { StudioLog } from './log';
import type { SampleStore } from './samples';
import { isRefusal, UNTRUSTED_REASON, type SendService } from './send';

/** How one test ended, as the last run reported it (for tests and other extensions). */
export interface TestOutcome {
  readonly id: string;
  readonly state: 'passed' | 'failed' | 'errored' | 'skipped';
  readonly messages: ReadonlyArray<{ readonly text: string; readonly expected?: string; readonly actual?: string; readonly line?: number }>;
}

/** What `ActionTests` needs from the rest of the extension. */
export interface ActionTestsDeps {
  readonly search: FileFinder;
  readonly samples: SampleStore;
  readonly sends: SendService;
  readonly log: StudioLog;
}

const ACTION_GLOB = '**/*.webhook.json';

/** The Testing view's controller of webhook actions. */
export class ActionTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];
  private samplesByItem = new Map<string, Sample>();

  constructor(private readonly deps: ActionTestsDeps) {
    this.controller = vscode.tests.createTestController('webhookStudio.actions', 'Webhook actions');
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.refresh();
    };
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile('Send and check expect', vscode.TestRunProfileKind.Run, (request, token) => void this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(ACTION_GLOB);
    const again = () => void this.refresh();
    this.disposables.push(
      this.controller,
      watcher,
      watcher.onDidCreate(again),
      watcher.onDidDelete(again),
      watcher.onDidChange(again),
      deps.samples.onDidChange(again),
    );
  }

  /** Finds every action and gives it one child per sample, each linked to the action's `expect`. */
  async refresh(): Promise<void> {
    const files = (await this.deps.search.find(ACTION_GLOB)).sort((a, b) => a.path.localeCompare(b.path));
    const samples = await this.samplesToRun();
    const items: vscode.TestItem[] = [];
    // Built aside and swapped in at the end: a run under way keeps finding its samples while a refresh reads files.
    const samplesByItem = new Map<string, Sample>();
    for (const uri of files) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const doc = parseActionDocument(text);
      const fileItem = this.controller.createTestItem(uri.toString(), doc.model.name ?? vscode.workspace.asRelativePath(uri), uri);
      fileItem.description = vscode.workspace.asRelativePath(uri);
      const expect = readExpect(doc);
      const range = expect ? rangeOf(text, expect.range) : undefined;
      for (const sample of samples) {
        const id = `${uri.toString()}#${sample.file ?? 'builtin'}#${sample.name}`;
        const child = this.controller.createTestItem(id, sample.name, uri);
        if (range) child.range = range;
        fileItem.children.add(child);
        samplesByItem.set(id, sample);
      }
      items.push(fileItem);
    }
    this.samplesByItem = samplesByItem;
    this.controller.items.replace(items);
  }

  /** Runs the tests of a request (every test when it names none); resolves with how each ended. */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<TestOutcome[]> {
    if (this.controller.items.size === 0) await this.refresh();
    const run = this.controller.createTestRun(request);
    const outcomes: TestOutcome[] = [];
    const end = (item: vscode.TestItem, state: TestOutcome['state'], messages: vscode.TestMessage[] = [], ms?: number) => {
      if (state === 'passed') run.passed(item, ms);
      else if (state === 'failed') run.failed(item, messages, ms);
      else if (state === 'errored') run.errored(item, messages, ms);
      else run.skipped(item);
      outcomes.push({
        id: item.id,
        state,
        messages: messages.map((m) => ({
          text: typeof m.message === 'string' ? m.message : m.message.value,
          ...(m.expectedOutput !== undefined ? { expected: m.expectedOutput } : {}),
          ...(m.actualOutput !== undefined ? { actual: m.actualOutput } : {}),
          ...(m.location ? { line: m.location.range.start.line } : {}),
        })),
      });
    };
    try {
      for (const item of this.leaves(request)) {
        if (token.isCancellationRequested) {
          end(item, 'skipped');
          continue;
        }
        if (!vscode.workspace.isTrusted) {
          end(item, 'errored', [new vscode.TestMessage(UNTRUSTED_REASON)]);
          continue;
        }
        const sample = this.samplesByItem.get(item.id);
        if (!sample || !item.uri) {
          end(item, 'skipped');
          continue;
        }
        run.started(item);
        const outcome = await this.deps.sends.send(item.uri, { sample, cancel: token, notify: false, progress: false });
        if (isRefusal(outcome)) {
          end(item, token.isCancellationRequested ? 'skipped' : 'errored', [new vscode.TestMessage(outcome.reason)]);
          continue;
        }
        const record = outcome.record;
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(item.uri));
        const failures = failuresOf(record, item.uri, text);
        const ms = record.timings.totalMs;
        if (record.error)
          end(item, 'errored', [new vscode.TestMessage(`No response: ${record.error.message} (${record.error.code}). ${record.error.hint}`)], ms);
        else if (failures.length > 0) end(item, 'failed', failures, ms);
        else end(item, 'passed', [], ms);
      }
    } finally {
      run.end();
    }
    return outcomes;
  }

  private async samplesToRun(): Promise<Sample[]> {
    const workspace = await this.deps.samples.workspaceSamples();
    return workspace.length > 0 ? workspace : [await this.deps.samples.selected()];
  }

  /** The sample tests a request covers: an action stands for all its samples; excluded ones are left out. */
  private leaves(request: vscode.TestRunRequest): vscode.TestItem[] {
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((i) => roots.push(i));
    const leaves: vscode.TestItem[] = [];
    const walk = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      if (item.children.size === 0) leaves.push(item);
      else item.children.forEach(walk);
    };
    roots.forEach(walk);
    return leaves;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A failed check as a Testing view message: expected vs actual, at its `expect` entry. */
function failuresOf(record: ExecutionRecord, uri: vscode.Uri, text: string): vscode.TestMessage[] {
  const messages: vscode.TestMessage[] = [];
  for (const check of record.checks ?? []) {
    if (check.passed) continue;
    const message = vscode.TestMessage.diff(`${check.name}: expected ${check.expected}, got ${check.actual}`, check.expected, check.actual);
    message.location = new vscode.Location(uri, rangeOf(text, check.range));
    messages.push(message);
  }
  const hasStatus = record.checks?.some((c) => c.name === 'status') ?? false;
  if (messages.length === 0 && !hasStatus && record.response && record.outcome !== 'accepted') {
    messages.push(vscode.TestMessage.diff(`status: expected 2xx, got ${record.response.status}`, '2xx', String(record.response.status)));
  }
  return messages;
}

function rangeOf(text: string, range: { start: number; end: number }): vscode.Range {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = (before.match(/\r\n|\r|\n/g) ?? []).length;
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
    return new vscode.Position(line, offset - lineStart);
  };
  return new vscode.Range(position(range.start), position(range.end));
}
