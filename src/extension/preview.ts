import type * as vscode from 'vscode';
import type { DeliveryDiffParams } from '../protocol/messages';
import type { Analyzer } from './analysis';
import type { SampleStore } from './samples';
import type { SecretStore } from './secrets';
import type { SendOutcome, WorkflowRunOutcome } from './send';

/** What opening a preview gives back to the command. */
export interface PreviewOpened {
  /** The webhook file shown. */
  readonly source: string;
  /** The Uri of the view that shows it. */
  readonly view: string;
}

/**
 * The seam between the commands and whatever shows the preview. `webhookStudio.openPreview` calls `open`;
 * every send calls `showResult` so the preview of that file can show the response.
 */
export interface PreviewController extends vscode.Disposable {
  /** Shows the rendered request of `source` beside its editor, and keeps it current. */
  open(source: vscode.Uri): Promise<PreviewOpened>;
  /** A send of `source` finished. */
  showResult(source: vscode.Uri, outcome: SendOutcome): void;
  /** Shows a real delivery compared with the preview of `source`, opening the preview when needed. */
  showDeliveryDiff(source: vscode.Uri, diff: DeliveryDiffParams): Promise<void>;
  /** A workflow run made progress (`inProgress`) or ended: the panel shows its steps in order. */
  showWorkflowRun(run: WorkflowRunOutcome, inProgress?: boolean): void;
}

/** The services a preview implementation is built from. */
export interface PreviewServices {
  readonly analyzer: Analyzer;
  readonly samples: SampleStore;
  readonly secrets: SecretStore;
}
