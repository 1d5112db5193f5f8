/**
 * The example workflow the walkthrough writes (docs/architecture.md, "Workflows"): two Custom Webhook steps,
 * the first saving its response, the second reading the id in it.
 */
import { EXAMPLE_SECRET } from './exampleFiles';

/** File names of the example workflow and its two actions, in the workspace root. */
export const EXAMPLE_WORKFLOW_FILES = {
  workflow: 'welcome.workflow.json',
  create: 'welcome-create.webhook.json',
  tag: 'welcome-tag.webhook.json',
} as const;

/** The text of each file of the example workflow, by its name. */
export function exampleWorkflowFiles(): Record<string, string> {
  const create = `// Step 1 of ${EXAMPLE_WORKFLOW_FILES.workflow}: creates a record and saves the answer for step 2.
{
  "name": "Welcome: create a CRM record",
  "method": "POST",
  "url": "https://api.example.com/v1/records",
  "auth": { "type": "bearer", "token": "{{secrets.${EXAMPLE_SECRET}}}" },
  "saveResponse": true,
  "body": { "email": "{{contact.email}}", "first_name": "{{contact.first_name}}" }
}
`;
  const tag = `// Step 2 of ${EXAMPLE_WORKFLOW_FILES.workflow}: tags the record step 1 created, by the id step 1 saved.
{
  "name": "Welcome: tag the CRM record",
  "method": "PUT",
  "url": "https://api.example.com/v1/records/{{custom_webhook.1.response.id}}/tags",
  "auth": { "type": "bearer", "token": "{{secrets.${EXAMPLE_SECRET}}}" },
  "body": { "record_id": "{{custom_webhook.1.response.id}}", "tags": "{{contact.tags}}" }
}
`;
  const workflow = `${JSON.stringify(
    { name: 'Welcome: create a record, then tag it', steps: [{ action: EXAMPLE_WORKFLOW_FILES.create }, { action: EXAMPLE_WORKFLOW_FILES.tag }] },
    null,
    2,
  )}\n`;
  return { [EXAMPLE_WORKFLOW_FILES.create]: create, [EXAMPLE_WORKFLOW_FILES.tag]: tag, [EXAMPLE_WORKFLOW_FILES.workflow]: workflow };
}
