/**
 * The workflow file's schema check, apart from the runner so that the editor's bundle (which leaves schemas
 * to VS Code's JSON language features) does not carry the schema validators (docs/architecture.md, "Workflows").
 */
import { validateSchemaOfText } from './schemaValidation';
import { parseWorkflow, type WorkflowFile } from './workflowModel';

/** Parses a workflow file and checks it against the workflow schema (the CLI's check; the editor has VS Code's). */
export function validateWorkflow(text: string): WorkflowFile {
  const parsed = parseWorkflow(text);
  if (!parsed.root) return parsed;
  return { ...parsed, diagnostics: [...parsed.diagnostics, ...validateSchemaOfText('workflow', text, () => parsed.root)] };
}
