/**
 * The workflow runner (docs/architecture.md, "Workflows"): sends the steps of a workflow in order through
 * `sendAction`, each rendered with the responses saved so far, and goes on after a failed step as the platform
 * does. The faces only present what it returns.
 */
import { sendAction, type SendActionInput, type SendActionResult } from './sendAction';
import type { ActionDocument } from './document';
import type { JsonValue, Sample } from './types';
import { savedValueOf, savesResponse, withSavedResponses } from './workflowModel';

/** One step as the runner gets it: the action, or why it could not be read. */
export interface WorkflowStepInput {
  /** The action's file as records name it. */
  readonly file: string;
  readonly doc?: ActionDocument;
  /** Why the action could not be read (then nothing is sent for the step). */
  readonly error?: string;
}

/** What one step of a run did. */
export interface WorkflowStepResult {
  /** 1 for the first step. */
  readonly step: number;
  readonly file: string;
  readonly result?: SendActionResult;
  readonly error?: string;
  /** The response this step saved for later steps, when it saves one and got a JSON answer. */
  readonly saved?: JsonValue;
  /** True when the step was sent and accepted (2xx). */
  readonly ok: boolean;
}

/** What a run did, step by step. */
export interface WorkflowRunResult {
  readonly steps: readonly WorkflowStepResult[];
  /** True when every step was sent and accepted. */
  readonly ok: boolean;
}

/** Everything a run needs: the steps in order, the sample, and what every send shares. */
export interface RunWorkflowInput {
  readonly name: string;
  readonly steps: readonly WorkflowStepInput[];
  readonly sample: Sample;
  readonly send: Omit<SendActionInput, 'doc' | 'sample' | 'file'>;
  /** What differs for one step's send (the OAuth connections its action uses). */
  readonly perStep?: (doc: ActionDocument, step: number) => Partial<Omit<SendActionInput, 'doc' | 'sample' | 'file'>>;
  /** Told after each step, in order. */
  readonly onStep?: (step: WorkflowStepResult) => void;
}

/** Sends the steps in order, each with the responses saved so far; a failed step does not stop the run. Never throws. */
export async function runWorkflow(input: RunWorkflowInput): Promise<WorkflowRunResult> {
  const saved = new Map<number, JsonValue>();
  const results: WorkflowStepResult[] = [];
  for (const [i, step] of input.steps.entries()) {
    const number = i + 1;
    let result: WorkflowStepResult;
    if (!step.doc) {
      result = { step: number, file: step.file, error: step.error ?? 'the action could not be read', ok: false };
    } else if (input.send.signal?.aborted) {
      result = { step: number, file: step.file, error: 'the run was cancelled', ok: false };
    } else {
      const sent = await sendAction({
        ...input.send,
        ...input.perStep?.(step.doc, number),
        doc: step.doc,
        sample: withSavedResponses(input.sample, saved),
        file: step.file,
      });
      const response = sent.sent ? sent.record.response : undefined;
      const value = response && savesResponse(step.doc) ? savedValueOf(response.bodyPreview) : undefined;
      if (value !== undefined) saved.set(number, value);
      result = {
        step: number,
        file: step.file,
        result: sent,
        ...(value !== undefined ? { saved: value } : {}),
        ok: sent.sent && sent.record.outcome === 'accepted',
      };
    }
    results.push(result);
    input.onStep?.(result);
  }
  return { steps: results, ok: results.every((r) => r.ok) };
}
