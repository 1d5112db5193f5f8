/**
 * The part of undici the core uses, as the CLI bundles it (`dist/cli-undici.js`, which every `undici` import
 * of the CLI's code resolves to; see scripts/cliBuild.mjs). undici's own entry also loads fetch, WebSocket,
 * the cache stores and the mocks, which costs more start-up time than the rest of `send` together; this
 * module loads only the dispatchers, the connector and `request`.
 */
import type * as Undici from 'undici';

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
  return dispatcher.request({ ...rest, origin: target.origin, path: `${target.pathname}${target.search}`, method: rest.method ?? 'GET' });
}) as typeof Undici.request;
