/**
 * The part of undici the core uses, which is what both bundles take for `undici`: the CLI's
 * `dist/cli-undici.js` (see scripts/cliBuild.mjs) and the extension's `dist/sendStack.js` (esbuild.mjs).
 * undici's own entry also loads fetch, WebSocket, the cache stores and the mocks, which costs more start-up
 * time than the rest of `send` together and doubles the send stack's size; this module loads only the
 * dispatchers, the connector and `request`. From source (tests, tsx) the core imports undici itself.
 */
import type * as Undici from 'undici';
import { pathAndQuery } from '../capture';

/* eslint-disable @typescript-eslint/no-require-imports */
const Dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
const api = require('undici/lib/api') as object;
const global = require('undici/lib/global') as { getGlobalDispatcher: typeof Undici.getGlobalDispatcher };

// As undici's entry does: every dispatcher gets `request()`, `connect()` and the other API methods
// (ProxyAgent tunnels with its client's `connect()`).
Object.assign(Dispatcher.prototype, api);

export const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
export const Pool = require('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof Undici.ProxyAgent;
export const buildConnector = require('undici/lib/core/connect') as typeof Undici.buildConnector;
export const getGlobalDispatcher = global.getGlobalDispatcher;

/** `request(url, options)`: the request on `options.dispatcher`, else on undici's global dispatcher. */
export const request = ((url: string | URL, options: Undici.Dispatcher.RequestOptions & { dispatcher?: Undici.Dispatcher } = {} as never) => {
  const { dispatcher = getGlobalDispatcher(), ...rest } = options;
  const target = typeof url === 'string' ? new URL(url) : url;
  return dispatcher.request({ ...rest, origin: target.origin, path: pathAndQuery(target), method: rest.method ?? 'GET' });
}) as typeof Undici.request;
