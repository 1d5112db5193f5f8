/** Generates the benchmark definition (docs/architecture.md, "Performance budgets"): about 1 MiB of action with 10,000 templates. */
export function largeDefinition(templates = 10_000, targetBytes = 1024 * 1024): string {
  const fields = ['first_name', 'last_name', 'email', 'phone', 'city', 'tags', 'lead_score'];
  const items: Record<string, unknown>[] = [];
  const padding = 'x'.repeat(Math.max(0, Math.floor(targetBytes / templates) - 90));
  for (let i = 0; i < templates; i++) {
    items.push({ id: i, label: `Item ${i} ${padding}`, value: `{{contact.${fields[i % fields.length]}}}` });
  }
  return JSON.stringify(
    {
      name: 'Large benchmark action',
      method: 'POST',
      url: 'https://api.example.com/v1/bulk/{{contact.id}}',
      auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' },
      headers: { 'X-Source': 'bench' },
      body: { items },
    },
    null,
    2,
  );
}
