/**
 * The example a new user starts from: one webhook action and the sample contact it is filled from, written
 * into the workspace by the getting-started walkthrough.
 */

/** File name of the example action, in the workspace root. */
export const EXAMPLE_ACTION_FILE = 'welcome.webhook.json';

/** File name of the example sample, in the workspace root. */
export const EXAMPLE_SAMPLE_FILE = 'welcome.sample.json';

/** The variable the walkthrough's hover step points at. */
export const EXAMPLE_VARIABLE = 'contact.first_name';

/** The secret the example's auth refers to. */
export const EXAMPLE_SECRET = 'CRM_TOKEN';

/** Text of the example action: every part of an action once, with comments that say what each does. */
export function exampleActionText(): string {
  return `// A Custom Webhook action: the request one workflow step sends.
// Templates such as {{${EXAMPLE_VARIABLE}}} are filled from the selected sample (${EXAMPLE_SAMPLE_FILE}).
{
  "name": "Welcome: push a new lead to the CRM",
  "method": "POST",
  "url": "https://api.example.com/v1/leads/{{contact.id}}",
  // The token lives in secret storage, never in this file: Webhook Studio: Set Secret…
  "auth": { "type": "bearer", "token": "{{secrets.${EXAMPLE_SECRET}}}" },
  "headers": { "X-Source": "workflow" },
  "query": { "source": "welcome" },
  "body": {
    "first_name": "{{${EXAMPLE_VARIABLE}}}",
    "email": "{{contact.email}}",
    "tags": "{{contact.tags}}",
    "deal": { "stage": "{{opportunity.stage}}", "value": "{{opportunity.value}}" }
  }
}
`;
}

/** Text of the example sample: the contact and opportunity of one workflow run. */
export function exampleSampleText(): string {
  return `${JSON.stringify(
    {
      name: 'Ada — welcome contact',
      contact: { id: 'c_1815', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', tags: ['new', 'newsletter'] },
      opportunity: { name: 'Analytical engine', stage: 'Proposal', value: 1843 },
      workflow: { id: 'wf_welcome' },
    },
    null,
    2,
  )}\n`;
}
