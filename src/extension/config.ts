import * as vscode from 'vscode';
import { fixedClock, isTimeZone, parseIsoTime, SYSTEM_CLOCK, type Clock } from '../core/clock';
import { proxyUrl, type ProxyConfig } from '../core/http/proxy';
import { DEFAULT_BODY } from '../core/inbox';
import type { EscapingMode, UnknownTagMode } from '../core/types';

/** What to do with requests to loopback and private addresses (`webhookStudio.network.privateAddresses`). */
export type PrivateAddressSetting = 'warn' | 'block' | 'allow';

/** One entry of `webhookStudio.oauth.connections`; the client secret lives in SecretStorage. */
export interface OAuthConnectionSetting {
  readonly name: string;
  readonly tokenUrl?: string;
  readonly clientId?: string;
  readonly scopes?: readonly string[];
}

/** Every `webhookStudio.*` setting, read for one resource. */
export interface StudioSettings {
  readonly samplesGlob: string;
  readonly arraySeparator: string;
  readonly escaping: EscapingMode;
  readonly unknownTag: UnknownTagMode;
  readonly timeoutMs: number;
  readonly followRedirects: boolean;
  readonly maxResponseBytes: number;
  readonly privateAddresses: PrivateAddressSetting;
  readonly rejectUnauthorized: boolean;
  readonly inboxPort: number;
  readonly inboxStatus: number;
  readonly inboxBody: string;
  /** Where the inbox forwards each capture; '' when it does not. Read from the user's settings only. */
  readonly inboxForwardUrl: string;
  readonly oauthConnections: readonly OAuthConnectionSetting[];
  /** `webhookStudio.render.now`: the fixed time `right_now` is read at; undefined for the real clock. */
  readonly now?: Date;
  /** `webhookStudio.render.timeZone`: the zone of `right_now` when the sample's `location.timezone` is not set. */
  readonly timeZone: string;
  /** `webhookStudio.workflows.glob`. */
  readonly workflowsGlob: string;
}

/** The clock renders read: fixed by the setting, else the real one. */
export function clockOf(settings: StudioSettings): Clock {
  return settings.now ? fixedClock(settings.now) : SYSTEM_CLOCK;
}

const SECTION = 'webhookStudio';

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

function connections(value: unknown): OAuthConnectionSetting[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): OAuthConnectionSetting[] => {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { name?: unknown }).name !== 'string') return [];
    const e = entry as Record<string, unknown>;
    return [
      {
        name: e['name'] as string,
        tokenUrl: typeof e['tokenUrl'] === 'string' ? e['tokenUrl'] : undefined,
        clientId: typeof e['clientId'] === 'string' ? e['clientId'] : undefined,
        scopes: Array.isArray(e['scopes']) ? e['scopes'].filter((s): s is string => typeof s === 'string') : undefined,
      },
    ];
  });
}

function nowOf(value: unknown): { now?: Date } {
  const at = typeof value === 'string' && value.trim() !== '' ? parseIsoTime(value) : undefined;
  return at ? { now: at } : {};
}

function zoneOf(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' && isTimeZone(value.trim()) ? value.trim() : 'UTC';
}

/** Reads the settings that apply to `scope` (a file), with the documented defaults. */
export function readSettings(scope?: vscode.Uri): StudioSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  // TLS verification may only be turned off by the user, never by a workspace file.
  const tls = c.inspect<boolean>('http.rejectUnauthorized');
  const port = c.get<number>('inbox.port', 0);
  return {
    samplesGlob: c.get<string>('samples.glob') || '**/*.sample.json',
    arraySeparator: c.get<string>('render.arraySeparator', ', '),
    escaping: oneOf(c.get('render.escaping'), ['json', 'text'] as const, 'text'),
    unknownTag: oneOf(c.get('render.unknownTag'), ['empty', 'marker'] as const, 'empty'),
    timeoutMs: positiveInt(c.get('http.timeoutMs'), 30_000),
    followRedirects: c.get<boolean>('http.followRedirects', false) === true,
    maxResponseBytes: positiveInt(c.get('http.maxResponseBytes'), 5 * 1024 * 1024),
    privateAddresses: oneOf(c.get('network.privateAddresses'), ['warn', 'block', 'allow'] as const, 'warn'),
    rejectUnauthorized: tls?.globalValue ?? tls?.defaultValue ?? true,
    inboxPort: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0,
    inboxStatus: c.get<number>('inbox.responseStatus', 200),
    inboxBody: c.get<string>('inbox.responseBody', DEFAULT_BODY),
    // A workspace may not send its captures elsewhere: only the user's own setting counts.
    inboxForwardUrl: (c.inspect<string>('inbox.forwardUrl')?.globalValue ?? '').trim(),
    oauthConnections: connections(c.get('oauth.connections')),
    ...nowOf(c.get('render.now')),
    timeZone: zoneOf(c.get('render.timeZone')),
    workflowsGlob: c.get<string>('workflows.glob') || '**/*.workflow.json',
  };
}

/**
 * The proxy from VS Code's own `http.proxy`, `http.proxyStrictSSL` and `http.noProxy` settings: as in VS Code,
 * one proxy for http:// and https:// targets alike.
 */
export function readProxy(): ProxyConfig | undefined {
  const http = vscode.workspace.getConfiguration('http');
  const setting = http.get<string>('proxy');
  if (typeof setting !== 'string' || setting.trim() === '') return undefined;
  const url = proxyUrl(setting);
  const noProxy = http.get<string[]>('noProxy') ?? [];
  return {
    http: url,
    https: url,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: (Array.isArray(noProxy) ? noProxy : []).filter((h) => typeof h === 'string' && h.trim() !== ''),
  };
}

/** True when a configuration change touches anything the extension reads. */
export function affectsStudio(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration(SECTION) ||
    event.affectsConfiguration('http.proxy') ||
    event.affectsConfiguration('http.proxyStrictSSL') ||
    event.affectsConfiguration('http.noProxy')
  );
}
