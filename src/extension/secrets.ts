import * as vscode from 'vscode';
import { MASK } from '../core/redact';
import type { SecretSource } from '../core/types';

/** The SecretStorage key of the index of secret names (names only; values are stored one key each). */
export const SECRET_INDEX_KEY = 'webhookStudio.secretNames';

/** A secret name as a template can write it: `{{secrets.NAME}}`. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The SecretStorage key of a user secret's value. */
export function secretKey(name: string): string {
  return `secret.${name}`;
}

/**
 * The user's `{{secrets.NAME}}` values, kept in VS Code SecretStorage only. Names are indexed (in
 * SecretStorage as well) so lint can tell a missing secret synchronously; values are read into memory
 * only once the workspace is trusted and a render needs them.
 */
export class SecretStore implements vscode.Disposable {
  private names = new Set<string>();
  private values = new Map<string, string>();
  private namesLoaded: Promise<void> | undefined;
  private valuesLoaded: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;

  /** Fires after a secret is set or deleted (here or in another window). */
  readonly onDidChange = this.changed.event;

  /** Bumped by every local write, so a reload that started before it does not overwrite newer state. */
  private generation = 0;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.subscription = storage.onDidChange((event) => {
      if (event.key === SECRET_INDEX_KEY) void this.reloadFromStorage();
      else if (event.key.startsWith('secret.')) void this.reloadValue(event.key.slice('secret.'.length));
    });
  }

  /** Another window (or this one) changed the index: take the stored names as the truth. */
  private async reloadFromStorage(): Promise<void> {
    const generation = this.generation;
    const names = await this.readIndex();
    if (generation !== this.generation) return;
    this.names = names;
    for (const name of [...this.values.keys()]) if (!names.has(name)) this.values.delete(name);
    this.changed.fire();
  }

  private async reloadValue(name: string): Promise<void> {
    if (this.valuesLoaded === undefined) return;
    const generation = this.generation;
    const value = await this.storage.get(secretKey(name));
    if (generation !== this.generation) return;
    if (value === undefined) this.values.delete(name);
    else this.values.set(name, value);
  }

  private async readIndex(): Promise<Set<string>> {
    const raw = await this.storage.get(SECRET_INDEX_KEY);
    let list: unknown;
    try {
      list = raw ? JSON.parse(raw) : [];
    } catch {
      list = [];
    }
    return new Set(Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string' && SECRET_NAME.test(n)) : []);
  }

  /** Loads the index of names (no values). */
  ready(): Promise<void> {
    this.namesLoaded ??= (async () => {
      const generation = this.generation;
      const names = await this.readIndex();
      if (generation === this.generation) this.names = names;
    })();
    return this.namesLoaded;
  }

  /** Reads every indexed value into the in-memory cache used by renders. Call only in a trusted workspace. */
  loadValues(): Promise<void> {
    this.valuesLoaded ??= (async () => {
      await this.ready();
      const values = new Map<string, string>();
      for (const name of this.names) {
        const value = await this.storage.get(secretKey(name));
        if (value !== undefined) values.set(name, value);
      }
      this.values = values;
    })();
    return this.valuesLoaded;
  }

  /** Names of the stored secrets, sorted (after `ready()`). */
  list(): string[] {
    return [...this.names].sort();
  }

  /** True when a secret of that name is stored (after `ready()`). */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The values loaded so far, for redacting text before it is shown or logged. */
  knownValues(): string[] {
    return [...this.values.values()];
  }

  /** A synchronous source for renders: real values once loaded. */
  source(): SecretSource {
    return { get: (name) => this.values.get(name) };
  }

  /** A source that resolves every stored name to the mask, for previews where values must not be read. */
  maskedSource(): SecretSource {
    return { get: (name) => (this.names.has(name) ? MASK : undefined) };
  }

  /** Reads one value straight from storage. */
  async get(name: string): Promise<string | undefined> {
    return this.storage.get(secretKey(name));
  }

  /** Stores a secret and indexes its name. */
  async set(name: string, value: string): Promise<void> {
    await this.ready();
    this.generation++;
    await this.storage.store(secretKey(name), value);
    this.values.set(name, value);
    if (!this.names.has(name)) {
      this.names.add(name);
      await this.writeIndex();
    }
    this.changed.fire();
  }

  /** Deletes a secret; returns false when there was none. */
  async delete(name: string): Promise<boolean> {
    await this.ready();
    this.generation++;
    const existed = this.names.delete(name);
    this.values.delete(name);
    await this.storage.delete(secretKey(name));
    if (existed) await this.writeIndex();
    this.changed.fire();
    return existed;
  }

  private async writeIndex(): Promise<void> {
    await this.storage.store(SECRET_INDEX_KEY, JSON.stringify(this.list()));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
