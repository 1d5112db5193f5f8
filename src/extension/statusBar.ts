import * as vscode from 'vscode';
import { isWebhookUri } from './convert';
import type { SampleStore } from './samples';

/** Shows the selected sample while a webhook file is active; clicking it picks another. */
export class SampleStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly samples: SampleStore) {
    this.item = vscode.window.createStatusBarItem('webhookStudio.sample', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Webhook Studio Sample';
    this.item.command = 'webhookStudio.selectSample';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      samples.onDidChange(() => void this.update()),
    );
    void this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private async update(): Promise<void> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || !isWebhookUri(uri)) {
      this.item.hide();
      return;
    }
    const selected = await this.samples.selected(uri);
    this.item.text = `$(account) ${selected.name}`;
    this.item.tooltip = `Webhook Studio sample: ${selected.name}${selected.file ? `\n${vscode.workspace.asRelativePath(selected.file)}` : ' (built in)'}\nClick to pick another.`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
