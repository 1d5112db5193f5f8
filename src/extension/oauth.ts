import * as vscode from 'vscode';
import type { EnsureTokenResult, OAuthConnection } from '../core/oauth';
import type { TokenCache } from './analysis';
import { readProxy, type StudioSettings } from './config';
import { loadSendStack, type SendStack } from './sendStackLoader';

/** SecretStorage key of a connection's stored access token. */
export function oauthTokenKey(connection: string): string {
  return `oauth.${connection}.token`;
}

/** SecretStorage key of a connection's client secret (client-credentials grant). */
export function oauthClientSecretKey(connection: string): string {
  return `oauth.${connection}.clientSecret`;
}

type Tokens = InstanceType<SendStack['OAuthTokens']>;

/**
 * OAuth 2.0 access tokens for `auth.type: "oauth2"`: the connections of the `webhookStudio.oauth.connections`
 * setting (client credentials, secret in SecretStorage), or a token stored for the connection. Renders read
 * the tokens synchronously once `ensureToken` has run.
 */
export class OAuthService implements TokenCache, vscode.Disposable {
  private tokens: Tokens | undefined;
  private readonly names = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.subscription = storage.onDidChange((e) => {
      if (e.key.startsWith('oauth.')) this.reset();
    });
  }

  /** Forgets every token, e.g. after the connections setting or a stored credential changed. */
  reset(): void {
    this.tokens = undefined;
  }

  /** The current token of a connection, or undefined before `ensureToken`. */
  token(connection: string): string | undefined {
    return this.tokens?.token(connection);
  }

  /** Every token known now, for redaction. */
  knownValues(): string[] {
    return [...this.names].flatMap((n) => this.token(n) ?? []);
  }

  /** True when the connection's token comes from a token endpoint, so a 401 is worth one refresh. */
  canRefresh(connection: string): boolean {
    return this.tokens?.canRefresh(connection) ?? false;
  }

  /** Forgets one cached token. */
  invalidate(connection: string): void {
    this.tokens?.invalidate(connection);
  }

  /** Makes `token(connection)` answer: reads stored credentials and obtains a token when configured so. */
  async ensureToken(connection: string, settings: StudioSettings): Promise<EnsureTokenResult> {
    if (!this.names.has(connection) || !this.tokens) {
      this.names.add(connection);
      this.tokens = await this.build(settings);
    }
    return this.tokens.ensureToken(connection);
  }

  private async build(settings: StudioSettings): Promise<Tokens> {
    const connections: OAuthConnection[] = [];
    const clientSecrets = new Map<string, string>();
    for (const name of this.names) {
      const configured = settings.oauthConnections.find((c) => c.name === name);
      if (configured?.tokenUrl && configured.clientId) {
        const key = oauthClientSecretKey(name);
        const secret = await this.storage.get(key);
        if (secret !== undefined) clientSecrets.set(key, secret);
        connections.push({ name, tokenUrl: configured.tokenUrl, clientId: configured.clientId, scopes: configured.scopes, clientSecretKey: key });
      } else if (configured || (await this.storage.get(oauthTokenKey(name))) !== undefined) {
        connections.push({ name, accessToken: await this.storage.get(oauthTokenKey(name)) });
      }
    }
    const { OAuthTokens } = loadSendStack();
    const proxy = readProxy();
    return new OAuthTokens({ connections, secrets: { get: (key) => clientSecrets.get(key) }, ...(proxy !== undefined ? { proxy } : {}) });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
