import * as vscode from 'vscode';
import { parseActionDocument } from '../core/document';
import { inSkippedDirectory } from '../core/glob';
import type { ExecutionRecord, Sample } from '../core/types';
import {
  parseWorkflow,
  savedFromRecords,
  savesResponse,
  TRIGGER_NAMESPACES,
  withSavedResponses,
  type WorkflowFile,
  type WorkflowPosition,
} from '../core/workflowModel';
import { readDocumentText } from './analysis';
import type { ExecutionRecords } from './executionRecords';
import type { FileFinder } from './fileSearch';
import type { SampleStore } from './samples';

/** True for a `*.workflow.json` file. */
export function isWorkflowUri(uri: vscode.Uri): boolean {
  return /\.workflow\.json$/i.test(uri.path);
}

/** The documents workflow CodeLenses are offered on. */
export const WORKFLOW_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonc', pattern: '**/*.workflow.json' },
  { language: 'json', pattern: '**/*.workflow.json' },
];

/** A workflow file and where its steps are. */
export interface WorkflowEntry {
  readonly uri: vscode.Uri;
  readonly file: WorkflowFile;
  /** The name shown: the file's `name`, else its path. */
  readonly name: string;
  /** The steps' files, in order. */
  readonly steps: readonly vscode.Uri[];
}

/** Where an action stands in a workflow, with the workflow. */
export interface ActionInWorkflow {
  readonly workflow: WorkflowEntry;
  readonly position: WorkflowPosition;
}

/** What completion, hover, lint and the panel work against for one action file. */
export interface PlayContext {
  readonly samples: Sample[];
  readonly selected: Sample;
  readonly workflow?: ActionInWorkflow;
}

/** The step files of a workflow, resolved against the workflow file's folder. */
export function stepUris(uri: vscode.Uri, file: WorkflowFile): vscode.Uri[] {
  const folder = vscode.Uri.joinPath(uri, '..');
  return file.steps.map((s) => vscode.Uri.joinPath(folder, s.action));
}

/**
 * The workspace's workflows (docs/architecture.md, "Workflows"), found by `webhookStudio.workflows.glob` on
 * first need and kept current by a watcher and by edits to open workflow files. For an action file it gives
 * the samples with the responses earlier steps saved (the newest execution record of each step for the
 * sample, over the sample's own `custom_webhook` data) and the action's place in the workflow.
 */
export class WorkflowIndex implements vscode.Disposable {
  private readonly parsed = new Map<string, WorkflowEntry>();
  private loading: Promise<void> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private records: Promise<ExecutionRecord[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when a workflow file or the execution records change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly samples: SampleStore,
    private readonly log: ExecutionRecords,
    private readonly search: FileFinder,
    private readonly glob: () => string,
  ) {
    this.disposables.push(
      this.changed,
      log.onDidChange(() => {
        this.records = undefined;
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.loading && isWorkflowUri(e.document.uri)) {
          this.update(e.document.uri, e.document.getText());
          this.changed.fire();
        }
      }),
      // A workflow file opened is known at once, whether or not the file watcher has reported it yet.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (this.loading && isWorkflowUri(document.uri) && !this.parsed.has(document.uri.toString())) {
          this.update(document.uri, document.getText());
          this.changed.fire();
        }
      }),
    );
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    const loading = (async () => {
      const glob = this.glob();
      this.watch(glob);
      const uris = await this.search.find(glob);
      await Promise.all(uris.map((uri) => this.read(uri)));
    })().catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  private watch(glob: string): void {
    this.watcher?.dispose();
    const skipped = inSkippedDirectory(glob);
    const ours = (uri: vscode.Uri) => !skipped(vscode.workspace.asRelativePath(uri, false));
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    const reread = (uri: vscode.Uri) => void (ours(uri) && this.read(uri).then(() => this.changed.fire()));
    watcher.onDidCreate(reread);
    watcher.onDidChange(reread);
    watcher.onDidDelete((uri) => {
      this.parsed.delete(uri.toString());
      this.changed.fire();
    });
    this.watcher = watcher;
  }

  private async read(uri: vscode.Uri): Promise<void> {
    try {
      const { text } = await readDocumentText(uri);
      this.update(uri, text);
    } catch {
      this.parsed.delete(uri.toString());
    }
  }

  private update(uri: vscode.Uri, text: string): void {
    const file = parseWorkflow(text);
    this.parsed.set(uri.toString(), { uri, file, name: file.name ?? vscode.workspace.asRelativePath(uri), steps: stepUris(uri, file) });
  }

  /** Forgets everything, e.g. after the glob setting changed. */
  reset(): void {
    this.loading = undefined;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.parsed.clear();
    this.changed.fire();
  }

  /** Every workflow of the workspace, sorted by path. */
  async all(): Promise<WorkflowEntry[]> {
    await this.load();
    return [...this.parsed.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  /** A workflow by its file (read now when it is not among the found ones, e.g. outside the glob). */
  async entry(uri: vscode.Uri): Promise<WorkflowEntry | undefined> {
    await this.load();
    if (!this.parsed.has(uri.toString())) await this.read(uri);
    return this.parsed.get(uri.toString());
  }

  /** The first workflow (by path) that has the action as a step, and the action's place in it. */
  async find(action: vscode.Uri): Promise<ActionInWorkflow | undefined> {
    for (const workflow of await this.all()) {
      const index = workflow.steps.findIndex((s) => s.toString() === action.toString());
      if (index >= 0) return { workflow, position: await this.positionIn(workflow, index + 1) };
    }
    return undefined;
  }

  /** The place of step `step` in a workflow, with whether each step saves its response. */
  async positionIn(workflow: WorkflowEntry, step: number): Promise<WorkflowPosition> {
    const steps = await Promise.all(
      workflow.steps.map(async (uri) => {
        const saveResponse = await readDocumentText(uri).then(
          ({ text }) => savesResponse(parseActionDocument(text)),
          () => false,
        );
        return { shown: vscode.workspace.asRelativePath(uri), saveResponse };
      }),
    );
    const trigger = workflow.file.trigger;
    return {
      workflow: workflow.name,
      step,
      steps,
      ...(trigger !== undefined ? { trigger, triggerNamespaces: TRIGGER_NAMESPACES[trigger] ?? [] } : {}),
    };
  }

  /** The samples of an action file, with the responses the earlier steps of its workflow saved. */
  async inPlay(action: vscode.Uri): Promise<PlayContext> {
    const { samples, selected } = await this.samples.inPlay(action);
    const workflow = isWorkflowUri(action) ? undefined : await this.find(action);
    if (!workflow) return { samples, selected };
    const records = await (this.records ??= this.log.list().catch(() => []));
    const augment = (s: Sample) => withSavedResponses(s, savedFromRecords(workflow.position, s.name, records));
    const augmented = samples.map(augment);
    const at = samples.indexOf(selected);
    return { samples: augmented, selected: at >= 0 ? augmented[at]! : augment(selected), workflow };
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
