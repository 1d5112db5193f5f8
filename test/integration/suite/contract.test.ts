import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import {
  GENERATED,
  hoverText,
  JANE,
  open,
  positionOf,
  removeGenerated,
  selectSample,
  studioApi,
  studioDiagnostics,
  waitForDiagnostics,
  writeGenerated,
} from './studio';

/** The receiver's OpenAPI document, in two files joined by a $ref, written into the workspace by the tests. */
function crmYaml(): string {
  return [
    'openapi: 3.0.3',
    'info:',
    '  title: Example CRM API',
    '  version: 1.0.0',
    'servers:',
    '  - url: https://api.crm.example.com/v1',
    'paths:',
    '  /leads:',
    '    post:',
    '      operationId: createLead',
    '      summary: Create a lead',
    '      requestBody:',
    '        required: true',
    '        content:',
    '          application/json:',
    '            schema:',
    "              $ref: './lead.yaml#/Lead'",
    '      responses:',
    "        '201':",
    '          description: Created',
    '',
  ].join('\n');
}

function leadYaml(stages: string[]): string {
  return [
    'Lead:',
    '  type: object',
    '  required: [email, first_name]',
    '  properties:',
    '    email:',
    '      type: string',
    '      format: email',
    '      description: Where the lead is reached.',
    '    first_name:',
    '      type: string',
    '      minLength: 1',
    '    phone:',
    '      type: string',
    "      pattern: '^\\+[0-9]{7,15}$'",
    '      description: E.164 phone number.',
    '    stage:',
    '      type: string',
    `      enum: [${stages.join(', ')}]`,
    '',
  ].join('\n');
}

function action(body: Record<string, string>): string {
  return `${JSON.stringify(
    {
      name: 'Lead with a contract',
      method: 'POST',
      url: 'https://api.crm.example.com/v1/leads',
      contract: { openapi: 'crm/openapi.yaml', operation: 'createLead' },
      body,
    },
    null,
    2,
  )}\n`;
}

const contractDiagnostics = (uri: vscode.Uri) =>
  studioDiagnostics(uri).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'contract-violation');

describe('the receiver’s OpenAPI contract in the editor', () => {
  before(async () => {
    await studioApi();
    await selectSample(JANE);
    await writeGenerated('crm/openapi.yaml', crmYaml());
    await writeGenerated('crm/lead.yaml', leadYaml(['new', 'qualified', 'won']));
  });
  afterEach(closeAllEditors);
  after(removeGenerated);

  it('shows a contract-violation at the template whose value breaks the schema for the selected sample, none where it fits; an edit of the document is seen', async () => {
    const uri = await writeGenerated(
      'lead-contract.webhook.json',
      action({ email: '{{contact.email}}', first_name: '{{contact.first_name}}', stage: '{{opportunity.stage}}' }),
    );
    const editor = await open(uri);
    await waitForDiagnostics(uri, () => contractDiagnostics(uri).length > 0, 'a contract-violation', 15000);
    const [d] = contractDiagnostics(uri);
    assert.ok(d);
    assert.equal(editor.document.getText(d.range), '{{opportunity.stage}}');
    assert.match(
      d.message,
      /for sample "Jane Doe — VIP lead", \{\{opportunity\.stage\}\} gives "Proposal" at body \/stage; the receiver's schema wants one of "new", "qualified", "won"/,
    );
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);

    const fits = await writeGenerated(
      'lead-fits.webhook.json',
      action({ email: '{{contact.email}}', first_name: '{{contact.first_name}}', phone: '{{contact.phone}}' }),
    );
    // The document is loaded already (the first file's diagnostic came from it): the render's diagnostics include the check.
    const view = await vscode.commands.executeCommand<{ diagnostics: Array<{ code: string }> }>('webhookStudio.renderRequest', fits);
    assert.deepEqual(
      view.diagnostics.filter((x) => x.code === 'contract-violation'),
      [],
    );
    // The document loads asynchronously (a late watcher event of the files written above drops it and it is read
    // again): until it is loaded a render carries no check, so wait for it rather than catch it mid-read.
    await waitFor(
      async () => {
        const broken = await vscode.commands.executeCommand<{ diagnostics: Array<{ code: string }> }>('webhookStudio.renderRequest', uri);
        return broken.diagnostics.filter((x) => x.code === 'contract-violation').length === 1 ? true : undefined;
      },
      'the same check the editor shows, from the render command',
      15000,
    );

    // The document is watched: allowing the stage in it, edited and saved in the editor, makes the violation go away.
    const lead = await vscode.workspace.openTextDocument(fixtureUri(`${GENERATED}/crm/lead.yaml`));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(lead.uri, new vscode.Range(lead.positionAt(0), lead.positionAt(lead.getText().length)), leadYaml(['new', 'qualified', 'won', 'Proposal']));
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await lead.save());
    await waitFor(() => (contractDiagnostics(uri).length === 0 ? true : undefined), 'the violation to go once the document allows the value', 15000);
  });

  it('fetches a URL contract only when asked, then checks against the cached copy', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      if (req.url === '/openapi.yaml') res.end(crmYaml());
      else if (req.url === '/lead.yaml') res.end(leadYaml(['new', 'qualified', 'won']));
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.yaml`;
      const uri = await writeGenerated(
        'lead-url.webhook.json',
        action({ email: '{{contact.email}}', first_name: '{{contact.first_name}}', stage: '{{opportunity.stage}}' }).replace(
          '"crm/openapi.yaml"',
          JSON.stringify(url),
        ),
      );
      await open(uri);
      await waitFor(() => (contractDiagnostics(uri).some((d) => /is not fetched yet/.test(d.message)) ? true : undefined), 'the not-fetched warning', 15000);
      assert.equal(contractDiagnostics(uri)[0]!.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(requests, 0, 'nothing fetched before the command');
      const results = await vscode.commands.executeCommand<Array<{ ok: boolean; error?: string }>>('webhookStudio.fetchContracts', uri);
      assert.deepEqual(
        results.map((r) => r.ok),
        [true],
        JSON.stringify(results),
      );
      assert.ok(requests >= 2, 'the document and the file its $ref names');
      await waitFor(
        () => (contractDiagnostics(uri).some((d) => /gives "Proposal" at body \/stage/.test(d.message)) ? true : undefined),
        'the violation from the fetched copy',
        15000,
      );
    } finally {
      server.close();
    }
  });

  it('completes body keys from the operation, with type, required and description, and a contact template as value', async () => {
    const uri = await writeGenerated('lead-complete.webhook.json', action({ first_name: '{{contact.first_name}}' }).replace('"first_name"', '"em"'));
    const editor = await open(uri);
    const at = positionOf(editor.document, '"em', { delta: 0 });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at, '"');
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const name of ['email', 'first_name', 'phone', 'stage']) assert.ok(labels.includes(name), `${name} offered: ${labels.slice(0, 20).join(', ')}`);
    const email = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'email')!;
    assert.match(String(email.detail), /string \(email\) · required/);
    const docs = email.documentation instanceof vscode.MarkdownString ? email.documentation.value : String(email.documentation);
    assert.match(docs, /Where the lead is reached/);

    // Outside a key's quotes, a new property comes with its value: a contact template where the name is a contact field.
    const fresh = await writeGenerated('lead-fresh.webhook.json', action({}).replace('"body": {}', '"body": {\n    \n  }'));
    const e2 = await open(fresh);
    const inside = new vscode.Position(positionOf(e2.document, '"body": {').line + 1, 4);
    const list2 = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', fresh, inside);
    const phone = list2.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'phone');
    assert.ok(phone, 'phone offered in an empty body');
    const insert = phone.insertText instanceof vscode.SnippetString ? phone.insertText.value : String(phone.insertText);
    assert.equal(insert, '"phone": "${1:{{contact.phone}}}"');
  });

  it('completes query and header parameter names from the operation', async () => {
    await writeGenerated(
      'crm/search.yaml',
      [
        'openapi: 3.1.0',
        'info:',
        '  title: Search API',
        '  version: 1.0.0',
        'servers:',
        '  - url: https://api.crm.example.com/v1',
        'paths:',
        '  /contacts:',
        '    get:',
        '      operationId: searchContacts',
        '      parameters:',
        '        - { name: q, in: query, required: true, description: Words to look for., schema: { type: string } }',
        '        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }',
        "        - { name: X-Api-Version, in: header, required: true, schema: { type: string, enum: ['2024-01'] } }",
        '',
      ].join('\n'),
    );
    const text = `${JSON.stringify(
      {
        name: 'Search',
        method: 'GET',
        url: 'https://api.crm.example.com/v1/contacts',
        contract: { openapi: 'crm/search.yaml' },
        headers: { 'X-': '1' },
        query: { q: 'x', l: '1' },
      },
      null,
      2,
    )}\n`;
    const uri = await writeGenerated('search.webhook.json', text);
    const editor = await open(uri);
    const labels = async (at: vscode.Position) =>
      (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at, '"')).items.map((i) =>
        typeof i.label === 'string' ? i.label : i.label.label,
      );
    const query = await labels(positionOf(editor.document, '"l'));
    assert.ok(query.includes('limit'), query.join(', '));
    assert.ok(!query.includes('q'), 'a name already there is not offered again');
    const headers = await labels(positionOf(editor.document, '"X-'));
    assert.ok(headers.includes('X-Api-Version'), headers.join(', '));
  });

  it('shows the schema of a body key on hover', async () => {
    const uri = await writeGenerated('lead-hover.webhook.json', action({ email: '{{contact.email}}', first_name: 'A', phone: '{{contact.phone}}' }));
    const editor = await open(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(editor.document, '"pho'));
    const text = hoverText(hovers);
    assert.match(text, /\*\*phone\*\*: `string`/);
    assert.match(text, /pattern `\^\\\+\[0-9\]\{7,15\}\$`/);
    assert.match(text, /E\.164 phone number/);
  });

  it('checks every sample on demand, and writes a new action from an operation that fits the contract', async () => {
    const uri = await writeGenerated(
      'lead-all.webhook.json',
      action({ email: '{{contact.email}}', first_name: '{{contact.first_name}}', phone: '{{contact.phone}}' }),
    );
    await open(uri);
    const findings = await vscode.commands.executeCommand<Array<{ message: string }>>('webhookStudio.checkContractAllSamples', uri);
    assert.ok(Array.isArray(findings), JSON.stringify(findings));
    // Jane's phone fits; the hostile sample has none, so its empty phone breaks the pattern.
    assert.ok(
      findings.some((f) => /for sample "Zoë — hostile data", \{\{contact\.phone\}\} gives ""/.test(f.message)),
      JSON.stringify(findings),
    );
    assert.ok(!findings.some((f) => /Jane Doe/.test(f.message)));

    const made = await vscode.commands.executeCommand<vscode.Uri>('webhookStudio.newFromOpenApi', {
      openapi: 'generated/crm/openapi.yaml',
      operation: 'createLead',
    });
    assert.ok(made instanceof vscode.Uri, JSON.stringify(made));
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(made));
      const written = JSON.parse(text) as { contract: unknown; body: Record<string, string> };
      assert.deepEqual(written.contract, { openapi: 'generated/crm/openapi.yaml', operation: 'createLead' });
      assert.equal(written.body.email, '{{contact.email}}');
      const view = await vscode.commands.executeCommand<{ diagnostics: Array<{ code: string; severity: string }> }>('webhookStudio.renderRequest', made);
      assert.deepEqual(
        view.diagnostics.filter((x) => x.code === 'contract-violation' || x.severity === 'error'),
        [],
      );
    } finally {
      await vscode.workspace.fs.delete(made).then(undefined, () => undefined);
    }
  });
});
