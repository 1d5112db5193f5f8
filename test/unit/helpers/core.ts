import { parseActionDocument } from '../../../src/core/document';
import { lint, type LintContext, type LintResult } from '../../../src/core/lint';
import { render } from '../../../src/core/render';
import type { JsonObject, RenderOptions, RenderResult, Sample } from '../../../src/core/types';
import type { WorkflowPosition } from '../../../src/core/workflowModel';

/** A sample made from namespaces, for tests. */
export function sample(data: JsonObject, name = 'Test sample'): Sample {
  return { name, data, builtin: false, file: `${name}.sample.json` };
}

/** Render options with the given secrets and OAuth tokens. */
export function options(
  overrides: Partial<RenderOptions> & { secretValues?: Record<string, string>; tokenValues?: Record<string, string> } = {},
): RenderOptions {
  const secrets = overrides.secretValues ?? {};
  const tokens = overrides.tokenValues ?? {};
  return {
    escaping: overrides.escaping ?? 'json',
    arraySeparator: overrides.arraySeparator ?? ', ',
    secrets: overrides.secrets ?? { get: (n) => (Object.hasOwn(secrets, n) ? secrets[n] : undefined) },
    tokens: overrides.tokens ?? { token: (c) => (Object.hasOwn(tokens, c) ? tokens[c] : undefined) },
    ...(overrides.unknownTag ? { unknownTag: overrides.unknownTag } : {}),
  };
}

/** An action file text from a JS object (pretty JSON). */
export function actionText(action: Record<string, unknown>): string {
  return JSON.stringify({ name: 'Test', method: 'POST', url: 'https://api.example.com/x', ...action }, null, 2);
}

/** Renders an action object against a sample. */
export function renderAction(action: Record<string, unknown>, data: JsonObject = {}, opts = options()): RenderResult {
  return render(parseActionDocument(actionText(action)), sample(data), opts);
}

/** Lints an action text against samples (the first selected). */
export function lintText(
  text: string,
  samples: Sample[],
  opts = options(),
  secretExists?: (n: string) => boolean,
  workflow?: WorkflowPosition,
  contract?: LintContext['contract'],
): LintResult & { text: string } {
  const result = lint(parseActionDocument(text), { samples, selected: samples[0]!, options: opts, secretExists, ...(workflow ? { workflow } : {}), contract });
  return { ...result, text };
}

/** The standard test contact. */
export const JANE: JsonObject = {
  contact: {
    id: 'c_81f2',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane@example.com',
    tags: ['vip', 'newsletter'],
    lead_score: 87,
    nothing: null,
    address: { city: 'Paris' },
  },
  opportunity: { name: 'Website redesign', stage: 'Proposal', value: 4200, status: 'open' },
  workflow: { order_id: 'A-1001' },
};
