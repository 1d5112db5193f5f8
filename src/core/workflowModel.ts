/**
 * Workflows (docs/architecture.md, "Workflows"), the data side: a `*.workflow.json` file orders Custom Webhook
 * steps; a step whose action sets `"saveResponse": true` gives its response to every later step as
 * `{{custom_webhook.N.response.<path>}}`. Lint, completion and hover read saved responses through
 * `withSavedResponses`; the runner (`workflow.ts`) sends the steps.
 */
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { ActionDocument } from './document';
import { parseJsonc } from './jsonc';
import type { Diagnostic, ExecutionRecord, JsonObject, JsonValue, OffsetRange, Sample } from './types';

/** The namespace of saved responses. */
export const SAVED_RESPONSES_NAMESPACE = 'custom_webhook';

/** The triggers a workflow may name, and the trigger namespaces each provides. */
export const TRIGGER_NAMESPACES: Readonly<Record<string, readonly string[]>> = {
  contact_created: [],
  form_submitted: [],
  customer_replied: ['message', 'user_replied'],
  inbound_email: ['message', 'inboundEmail'],
  inbound_webhook: ['inboundWebhookRequest'],
  payment_received: ['payment'],
  invoice: ['invoice'],
  campaign_event: ['campaign'],
  appointment: ['appointment', 'calendar'],
};

/** One step of a workflow file. */
export interface WorkflowStep {
  /** The action's path as written, relative to the workflow file. */
  readonly action: string;
  /** The range of the path's string in the workflow file. */
  readonly range: OffsetRange;
}

/** A parsed `*.workflow.json`. */
export interface WorkflowFile {
  readonly name?: string;
  readonly trigger?: string;
  readonly steps: readonly WorkflowStep[];
  /** JSON syntax problems, with ranges (schema problems: `validateWorkflow`). */
  readonly diagnostics: readonly Diagnostic[];
  /** The syntax tree, when the text parsed. */
  readonly root?: Node;
}

/** Parses a workflow file. Never throws: problems come back as diagnostics. */
export function parseWorkflow(text: string): WorkflowFile {
  const { root, diagnostics } = parseJsonc(text);
  if (!root || diagnostics.some((d) => d.severity === 'error')) return { steps: [], diagnostics };
  const str = (node: Node | undefined) => (node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined);
  const steps: WorkflowStep[] = [];
  const list = findNodeAtLocation(root, ['steps']);
  for (const item of list?.type === 'array' ? (list.children ?? []) : []) {
    const node = item.type === 'object' ? findNodeAtLocation(item, ['action']) : undefined;
    const action = str(node);
    if (node && action !== undefined && action !== '') steps.push({ action, range: { start: node.offset, end: node.offset + node.length } });
  }
  const name = str(findNodeAtLocation(root, ['name']));
  const trigger = str(findNodeAtLocation(root, ['trigger']));
  return { ...(name !== undefined ? { name } : {}), ...(trigger !== undefined ? { trigger } : {}), steps, diagnostics, root };
}

/** True when an action sets `"saveResponse": true`. */
export function savesResponse(doc: ActionDocument): boolean {
  if (!doc.text.includes('saveResponse')) return false;
  const root = doc.root;
  return root?.type === 'object' && findNodeAtLocation(root, ['saveResponse'])?.value === true;
}

/** Where an action stands in a workflow, for lint, completion and hover. */
export interface WorkflowPosition {
  /** The workflow's name (or file). */
  readonly workflow: string;
  /** This action's step number, 1 for the first. */
  readonly step: number;
  /** Every step of the workflow, in order. */
  readonly steps: ReadonlyArray<{ readonly shown: string; readonly saveResponse: boolean }>;
  /** The namespaces the trigger provides; undefined when the workflow names no trigger. */
  readonly triggerNamespaces?: readonly string[];
  readonly trigger?: string;
}

/** Saved responses by step number. */
export type SavedResponses = ReadonlyMap<number, JsonValue>;

/** The value of a response body as a saved response: its JSON, or undefined when it is not JSON. */
export function savedValueOf(bodyText: string): JsonValue | undefined {
  try {
    return JSON.parse(bodyText) as JsonValue;
  } catch {
    return undefined;
  }
}

/**
 * The response saved by each step from the newest real response recorded for that step's file and the
 * sample (records newest first); steps that do not save their response, or have none, are left out.
 */
export function savedFromRecords(position: WorkflowPosition, sample: string, records: readonly ExecutionRecord[]): Map<number, JsonValue> {
  const saved = new Map<number, JsonValue>();
  position.steps.forEach((step, i) => {
    if (!step.saveResponse || i + 1 >= position.step) return;
    const record = records.find((r) => r.file === step.shown && r.sample === sample && r.response !== undefined);
    const value = record?.response ? savedValueOf(record.response.bodyPreview) : undefined;
    if (value !== undefined) saved.set(i + 1, value);
  });
  return saved;
}

/**
 * The sample with saved responses in `custom_webhook.N.response`, over the sample's own: a real response wins,
 * the sample's data stands where there is none. The sample itself is not changed.
 */
export function withSavedResponses(sample: Sample, saved: SavedResponses): Sample {
  if (saved.size === 0) return sample;
  const own = sample.data[SAVED_RESPONSES_NAMESPACE];
  const steps: JsonObject = own !== null && typeof own === 'object' && !Array.isArray(own) ? { ...own } : {};
  for (const [n, value] of saved) {
    const before = steps[String(n)];
    const rest = before !== null && typeof before === 'object' && !Array.isArray(before) ? before : {};
    steps[String(n)] = { ...rest, response: value };
  }
  return { ...sample, data: { ...sample.data, [SAVED_RESPONSES_NAMESPACE]: steps } };
}
