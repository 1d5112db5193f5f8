import * as vscode from 'vscode';
import { redactText } from '../core/redact';
import type { Logger } from '../core/types';

/**
 * The "Webhook Studio" log channel. Every line goes through `redactText` with the secrets known at that
 * moment: callers pass masked text already, this is the last line of defence.
 */
export class StudioLog implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(private readonly knownSecrets: () => Iterable<string>) {
    this.channel = vscode.window.createOutputChannel('Webhook Studio', { log: true });
  }

  private clean(message: string): string {
    return redactText(message, this.knownSecrets());
  }

  /** Logs at info level. */
  info(message: string): void {
    this.channel.info(this.clean(message));
  }

  /** Logs at warning level. */
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }

  /** Logs at error level. */
  error(message: string): void {
    this.channel.error(this.clean(message));
  }

  /** Logs at debug level. */
  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }

  /** Reveals the channel. */
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
