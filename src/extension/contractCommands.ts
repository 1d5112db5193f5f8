import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';
import { readContractLink } from '../core/contract/link';
import { operationName } from '../core/contract/model';
import { scaffoldAction } from '../core/contract/scaffold';
import type { Analyzer } from './analysis';
import type { ContractService } from './contracts';
import { fileExists, isWebhookUri } from './convert';
import type { DiagnosticsController } from './diagnostics';
import type { StudioLog } from './log';
import type { Refusal } from './send';
import { refusal, targetOf } from './commandTarget';

/** One contract diagnostic as the all-samples command returns it. */
export interface ContractFinding {
  readonly severity: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** The services the contract commands use. */
export interface ContractCommandServices {
  readonly analyzer: Analyzer;
  readonly contracts: ContractService;
  readonly diagnostics: DiagnosticsController;
  readonly log: StudioLog;
}

/** Registers *Fetch OpenAPI Contracts*, *Check Contract for All Samples* and *New Webhook from OpenAPI Operation…*. */
export function registerContractCommands(s: ContractCommandServices): vscode.Disposable[] {
  const guarded =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | Refusal> => {
      try {
        return await run(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        s.log.error(`${name} failed: ${message}`);
        void vscode.window.showErrorMessage(`Webhook Studio: ${message}`);
        return { refused: true, reason: message };
      }
    };

  const handlers: Record<string, (...args: never[]) => Promise<unknown>> = {
    'webhookStudio.fetchContracts': guarded('fetchContracts', async (arg?: unknown) => {
      // A URL the workspace names is fetched only for a workspace the user trusts.
      if (!vscode.workspace.isTrusted) return refusal('Trust this workspace to fetch the OpenAPI documents it names.', s.log);
      const one = targetOf(arg);
      const docs = one ? [one] : vscode.workspace.textDocuments.map((d) => d.uri).filter(isWebhookUri);
      const locations: Array<{ action: vscode.Uri; location: string }> = [];
      for (const uri of docs) {
        const a = await s.analyzer.analyzeUri(uri);
        const link = readContractLink(a.doc);
        if (link?.openapi) locations.push({ action: uri, location: link.openapi.value });
      }
      if (!locations.some((l) => /^https?:\/\//i.test(l.location)))
        return refusal('No open webhook file has a contract given by URL: local documents are read and watched without fetching.', s.log);
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Webhook Studio: fetching OpenAPI contracts' },
        () => s.contracts.fetch(locations),
      );
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) void vscode.window.showErrorMessage(`Webhook Studio: ${failed.map((f) => `${f.url}: ${f.error}`).join('; ')}`);
      else void vscode.window.showInformationMessage(`Webhook Studio: fetched ${results.length} contract(s).`);
      return results;
    }),
    'webhookStudio.checkContractAllSamples': guarded('checkContractAllSamples', async (arg?: unknown): Promise<ContractFinding[] | Refusal> => {
      const uri = targetOf(arg);
      if (!uri) return refusal('Open a *.webhook.json file first.', s.log);
      const document = await vscode.workspace.openTextDocument(uri);
      const first = await s.analyzer.analyze(uri, document.getText(), document.version);
      const link = readContractLink(first.doc);
      if (!link?.openapi) return refusal('This action has no "contract": add { "openapi": "…", "operation": "…" } to check it.', s.log);
      await s.contracts.documentFor(uri, first.doc);
      s.analyzer.checkAllSamples(uri, document.version);
      const a = await s.diagnostics.lintDocument(document);
      const found = (a?.lint.diagnostics ?? []).filter((d) => d.code === 'contract-violation');
      const findings = found.map((d) => {
        const p = a!.doc.lines.positionAt(d.range.start);
        return { severity: d.severity, message: d.message, line: p.line + 1, column: p.character + 1 };
      });
      void vscode.window.showInformationMessage(
        `Webhook Studio: ${findings.length === 0 ? 'every sample fits the contract' : `${findings.length} contract violation(s) over ${a?.samples.length ?? 0} sample(s): see the Problems view`}.`,
      );
      return findings;
    }),
    'webhookStudio.newFromOpenApi': guarded('newFromOpenApi', async (arg?: unknown): Promise<vscode.Uri | Refusal> => {
      const given = typeof arg === 'object' && arg !== null ? (arg as { openapi?: unknown; operation?: unknown }) : {};
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!folder) return refusal('Open a folder first: the new webhook file is written into it.', s.log);
      let docUri: vscode.Uri | undefined =
        typeof given.openapi === 'string'
          ? isAbsolute(given.openapi)
            ? vscode.Uri.file(given.openapi)
            : vscode.Uri.joinPath(folder, given.openapi)
          : undefined;
      if (!docUri) {
        const picked = await vscode.window.showOpenDialog({
          title: 'New webhook from an OpenAPI operation: pick the OpenAPI document',
          canSelectMany: false,
          defaultUri: folder,
          filters: { 'OpenAPI (JSON or YAML)': ['json', 'yaml', 'yml'] },
        });
        docUri = picked?.[0];
      }
      if (!docUri) return { refused: true, reason: 'cancelled' };
      const contract = await s.contracts.load(folder, docUri.fsPath);
      if (!contract) return refusal(`${vscode.workspace.asRelativePath(docUri)} cannot be read as an OpenAPI document: see the Webhook Studio log.`, s.log);
      let operation = typeof given.operation === 'string' ? given.operation : undefined;
      if (operation === undefined) {
        const items = contract.operations
          .filter((o) => o.id !== undefined && ['GET', 'POST', 'PUT', 'DELETE'].includes(o.method))
          .map((o) => ({ label: `${o.method} ${o.path}`, description: o.id, detail: o.summary, id: o.id! }));
        const pick = await vscode.window.showQuickPick(items, {
          title: `${contract.title}: the operation the webhook calls`,
          matchOnDescription: true,
          matchOnDetail: true,
        });
        if (!pick) return { refused: true, reason: 'cancelled' };
        operation = pick.id;
      }
      const written = relative(folder.fsPath, docUri.fsPath).split('\\').join('/');
      const made = scaffoldAction(contract, operation, written);
      if (!made.ok) return refusal(made.error, s.log);
      const base = operation.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'operation';
      let uri = vscode.Uri.joinPath(folder, `${base}.webhook.json`);
      for (let i = 2; await fileExists(uri); i++) uri = vscode.Uri.joinPath(folder, `${base}-${i}.webhook.json`);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(made.text));
      await vscode.window.showTextDocument(uri, { preview: false });
      s.log.info(`new webhook ${vscode.workspace.asRelativePath(uri)} from ${operationName(contract.operations.find((o) => o.id === operation)!)}`);
      return uri;
    }),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
