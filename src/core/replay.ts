/**
 * Replay (docs/architecture.md, "Replay"): a recorded request sent again through the one send path, with
 * its secrets re-read from the secret source (the log holds only masks and the recipe that names them),
 * to its receiver, another origin or the local inbox; and the same request as an editable action file.
 */
import { forwardRequestOf } from './inboxForward';
import { fillRecipe, recipeProblem } from './recipe';
import { MASK, MIN_SEARCHED_SECRET_LENGTH } from './redact';
import type { ReplaySource } from './sendAction';
import type { Capture, ExecutionRecord, JsonValue, RecipePiece, Sample, SecretSource } from './types';

/** The record with `id`, or the newest; a clear message when there is none. */
export function pickRecord(
  records: readonly ExecutionRecord[],
  id?: string,
): { readonly ok: true; readonly record: ExecutionRecord } | { readonly ok: false; readonly error: string } {
  if (records.length === 0) return { ok: false, error: 'the log holds no records' };
  if (id === undefined) {
    let newest = records[0]!;
    for (const r of records) if (r.time >= newest.time) newest = r;
    return { ok: true, record: newest };
  }
  const found = records.find((r) => r.id === id || r.id.startsWith(id));
  const matches = records.filter((r) => r.id.startsWith(id));
  if (!found) return { ok: false, error: `no record with id ${id}` };
  if (found.id !== id && matches.length > 1) return { ok: false, error: `${matches.length} records have ids starting with ${id}: give more of the id` };
  return { ok: true, record: found };
}

/** What sending a record again needs: the source for `sendAction` and the sample its record names. */
export interface ReplayPlan {
  readonly replay: ReplaySource;
  readonly sample: Sample;
  readonly file: string;
}

/**
 * The plan to send `record` again, to its receiver or, with `origin`, to another origin (path and query kept);
 * why it cannot be made exactly when it cannot. `sendAction` with `inbox` points it at the inbox instead.
 */
export function replayPlan(
  record: ExecutionRecord,
  secrets: SecretSource,
  origin?: string,
): { readonly ok: true; readonly plan: ReplayPlan } | { readonly ok: false; readonly error: string } {
  const problem = recipeProblem(record.request, record.replay);
  if (problem !== undefined) return { ok: false, error: `record ${record.id} cannot be replayed exactly: ${problem}` };
  const recipe = record.replay!;
  return {
    ok: true,
    plan: {
      replay: { of: record.id, render: (tokens) => fillRecipe(record.request, recipe, secrets, tokens, origin) },
      sample: { name: record.sample, data: {}, builtin: false },
      file: record.file,
    },
  };
}

/** The name a secret placeholder gets where the log cannot say which secret stood there. */
export const UNKNOWN_SECRET = 'REPLACE_ME';

/**
 * The recorded request as the text of an action file (`*.webhook.json`) to edit and send: secrets as
 * `{{secrets.NAME}}`, OAuth, Basic, bearer and API-key credentials as the auth block, the JSON body as a
 * value. What the log cannot name becomes `{{secrets.REPLACE_ME}}`.
 */
export function editableAction(record: ExecutionRecord): string {
  const recipe = record.replay;
  const templated = (text: string, fills: readonly (readonly RecipePiece[])[] | undefined): string => {
    const parts = text.split(MASK);
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i++) out += piecesTemplate(fills?.[i - 1]) + parts[i]!;
    return out;
  };
  const action: { [key: string]: JsonValue } = {
    name: `Replay of ${record.file || 'a request'} (${record.time})`,
    method: record.request.method,
    url: templated(recipe?.url ?? record.request.url, recipe?.fills.url),
  };
  const headers: { [key: string]: JsonValue } = {};
  record.request.headers.forEach(([name, value], i) => {
    const fills = recipe?.fills.headers[i];
    const only = fills?.length === 1 && fills[0]!.length === 1 ? fills[0]![0] : undefined;
    const auth = only !== undefined ? authOf(name, value, only) : undefined;
    if (auth && action['auth'] === undefined) action['auth'] = auth;
    else Object.defineProperty(headers, name, { value: templated(value, fills), enumerable: true, writable: true, configurable: true });
  });
  if (Object.keys(headers).length > 0) action['headers'] = headers;
  if (record.request.body !== null && record.request.body !== '') {
    const text = templated(record.request.body, recipe?.fills.body);
    let body: JsonValue = text;
    try {
      body = JSON.parse(text) as JsonValue;
    } catch {
      // A body that is not JSON stays text.
    }
    action['body'] = body;
  }
  return `${JSON.stringify(action, null, 2)}\n`;
}

function piecesTemplate(pieces: readonly RecipePiece[] | undefined): string {
  if (!pieces) return `{{secrets.${UNKNOWN_SECRET}}}`;
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') out += p;
    else if ('secret' in p) out += `{{secrets.${p.secret}}}`;
    else if ('credential' in p) out += piecesTemplate(p.pieces);
    else out += `{{secrets.${UNKNOWN_SECRET}}}`;
  }
  return out;
}

/** The auth block a header stands for when all of it is one credential. */
function authOf(name: string, value: string, piece: RecipePiece): JsonValue | undefined {
  if (typeof piece === 'string') return undefined;
  const isAuthorization = name.toLowerCase() === 'authorization';
  if ('token' in piece && isAuthorization && value === `Bearer ${MASK}`) return { type: 'oauth2', connection: piece.token };
  if ('basic' in piece && isAuthorization && value === `Basic ${MASK}`) {
    return { type: 'basic', username: piecesTemplate(piece.basic.user), password: piecesTemplate(piece.basic.password) };
  }
  if ('credential' in piece && piece.credential === 'bearer' && isAuthorization && value === `Bearer ${MASK}`)
    return { type: 'bearer', token: piecesTemplate(piece.pieces) };
  if ('credential' in piece && piece.credential === 'apiKey' && value === MASK) return { type: 'apiKey', header: name, value: piecesTemplate(piece.pieces) };
  return undefined;
}

/**
 * A captured request as the text of an action file to edit and send: its method, `origin` plus its target,
 * its headers (those the connection sets left out) and its body, with every value of `secrets` found in them
 * written as `{{secrets.NAME}}` (longest values first), so the file holds no secret.
 */
export function captureAction(capture: Capture, secrets: ReadonlyArray<readonly [string, string]>, origin: string): string {
  const known = secrets.filter(([, v]) => v.length >= MIN_SEARCHED_SECRET_LENGTH).sort((a, b) => b[1].length - a[1].length);
  const templated = (text: string, encode: (v: string) => string = (v) => v): string => {
    let out = text;
    for (const [name, value] of known) out = out.split(encode(value)).join(`{{secrets.${name}}}`);
    return out;
  };
  const made = forwardRequestOf(capture, origin);
  const request = made.ok
    ? made.request
    : { method: capture.method, url: origin + capture.target, headers: capture.rawHeaders, body: new TextDecoder().decode(capture.body) };
  const action: { [key: string]: JsonValue } = {
    name: `Capture #${capture.id} (${capture.time})`,
    method: PLATFORM_METHODS.includes(request.method) ? request.method : 'POST',
    url: templated(templated(request.url, (v) => encodeURIComponent(v))),
  };
  const headers: { [key: string]: JsonValue } = {};
  for (const [name, value] of request.headers)
    Object.defineProperty(headers, name, { value: templated(value), enumerable: true, writable: true, configurable: true });
  if (Object.keys(headers).length > 0) action['headers'] = headers;
  if (request.body !== null && request.body !== '') {
    const text = templated(templated(request.body, (v) => JSON.stringify(v).slice(1, -1)));
    let body: JsonValue = text;
    try {
      body = JSON.parse(text) as JsonValue;
    } catch {
      // A body that is not JSON stays text.
    }
    action['body'] = body;
  }
  return `${JSON.stringify(action, null, 2)}\n`;
}

const PLATFORM_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE'];
