/**
 * The part of undici the core uses, as the CLI bundles it (`dist/cli-undici.js`, which every `undici` import
 * of the CLI's code resolves to; see scripts/cliBuild.mjs). undici's own entry also loads fetch, WebSocket,
 * the cache stores and the mocks, which costs more start-up time than the rest of `send` together; this
 * module loads only the dispatchers, the connector and `request`.
 */
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
const Dispatcher: { prototype: object } = require('undici/lib/dispatcher/dispatcher');
const api: object = require('undici/lib/api');
const global: { getGlobalDispatcher: typeof Undici.getGlobalDispatcher } = require('undici/lib/global');

// As undici's entry does: every dispatcher gets `request()`, `connect()` and the other API methods
// (ProxyAgent tunnels with its client's `connect()`).
Object.assign(Dispatcher.prototype, api);

export const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent');
export const Pool: typeof Undici.Pool = require('undici/lib/dispatcher/pool');
export const ProxyAgent: typeof Undici.ProxyAgent = require('undici/lib/dispatcher/proxy-agent');
export const buildConnector: typeof Undici.buildConnector = require('undici/lib/core/connect');
export const getGlobalDispatcher = global.getGlobalDispatcher;

/** `request(url, options)`: the request on `options.dispatcher`, else on undici's global dispatcher. */
export const request = ((url: string | URL, options: Undici.Dispatcher.RequestOptions & { dispatcher?: Undici.Dispatcher } = {} as never) => {
  const { dispatcher = getGlobalDispatcher(), ...rest } = options;
  const target = typeof url === 'string' ? new URL(url) : url;
  return dispatcher.request({ ...rest, origin: target.origin, path: `${target.pathname}${target.search}`, method: rest.method ?? 'GET' });
}) as typeof Undici.request;
