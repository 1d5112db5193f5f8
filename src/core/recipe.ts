/**
 * Replay recipes (docs/architecture.md, "Replay"): a record holds its request masked, so it can be shown and
 * stored; its recipe says what each mask stands for (a secret by name, an OAuth token by connection, Basic
 * credentials by their parts), never a value. Filling the masks again with the secrets as they are now gives
 * the recorded request back, byte for byte, as a render result the send path takes like any other.
 */
import { inboxUrlFor } from './inbox';
import { isSecretSpan, MASK } from './redact';
import { credentialPieces } from './render';
import type { PlainRequest, RecipePiece, RenderedHeader, RenderResult, ReplayRecipe, SecretSource, Span, TokenSource, UnresolvedVariable } from './types';

type Pieces = readonly RecipePiece[];

const NO_RANGE = { start: 0, end: 0 };

/** The secret or credential spans of a text, merged as `maskSpans` merges them: one group per mask. */
function maskGroups(spans: readonly Span[]): { start: number; end: number }[] {
  const sorted = spans.filter((s) => isSecretSpan(s) && s.end > s.start).sort((a, b) => a.start - b.start);
  const groups: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = groups[groups.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else groups.push({ start: s.start, end: s.end });
  }
  return groups;
}

function secretPiece(name: string, shown: string, secrets: SecretSource, where: string): RecipePiece {
  const value = secrets.get(name);
  if (value === undefined || value === shown) return { secret: name };
  if (encodeURIComponent(value.toWellFormed()) === shown) return { secret: name, encoding: 'uri' };
  if (JSON.stringify(value).slice(1, -1) === shown) return { secret: name, encoding: 'json' };
  return { unrestorable: `secret ${name} was changed where it stood in ${where}` };
}

/** What each mask of one field stands for, in order. */
function fieldFills(text: string, spans: readonly Span[], secrets: SecretSource, where: string): RecipePiece[][] {
  return maskGroups(spans).map((group) => {
    const inGroup = spans.filter((s) => s.start >= group.start && s.end <= group.end && s.end > s.start);
    const credentials = inGroup.filter((s) => s.source.kind === 'credential');
    const inside = (s: Span) => credentials.some((c) => c !== s && s.start >= c.start && s.end <= c.end);
    const top = inGroup.filter((s) => isSecretSpan(s) && !inside(s)).sort((a, b) => a.start - b.start);
    const out: RecipePiece[] = [];
    for (const s of top) {
      const source = s.source;
      if (source.kind === 'secret') out.push(secretPiece(source.name, text.slice(s.start, s.end), secrets, where));
      else if (source.kind !== 'credential') continue;
      else if (source.scheme === 'oauth2') out.push({ token: source.connection ?? '' });
      else if (source.scheme === 'basic') out.push(source.basic ? { basic: source.basic } : { unrestorable: 'the Basic credentials' });
      else {
        const own = inGroup
          .filter((x) => x !== s && x.start >= s.start && x.end <= s.end)
          .map((x) => ({ ...x, start: x.start - s.start, end: x.end - s.start }));
        const variables = spans
          .filter((x) => x.source.kind === 'variable' && x.start >= s.start && x.end <= s.end)
          .map((x) => ({ ...x, start: x.start - s.start, end: x.end - s.start }));
        const what = source.scheme === 'bearer' ? 'the bearer token' : 'the API key';
        out.push({
          credential: source.scheme,
          pieces: credentialPieces(text.slice(s.start, s.end), [...own, ...variables], `${what} is written in the action file, not in the secret store`),
        });
      }
    }
    return out;
  });
}

/** The recipe of a rendered request: its masked receiver URL and what each mask of each field stands for. */
export function recipeOf(request: RenderedRequest, maskedUrl: string, secrets: SecretSource): ReplayRecipe {
  return {
    url: maskedUrl,
    fills: {
      url: fieldFills(request.url, request.urlSpans, secrets, 'the URL'),
      headers: request.headers.map((h) => fieldFills(h.value, h.spans, secrets, `header ${h.name}`)),
      body: request.body === null ? [] : fieldFills(request.body, request.bodySpans, secrets, 'the body'),
    },
  };
}

type RenderedRequest = RenderResult['request'];

/** The URL with its origin replaced (path and query kept byte for byte, as for inbox sends); spans in the path moved along. */
function retarget(url: Filled, origin: string | undefined): Filled {
  if (origin === undefined) return url;
  const text = inboxUrlFor(url.text, origin);
  const path = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url.text)?.[0].length ?? 0;
  const shift = text.length - url.text.length;
  return { text, spans: url.spans.filter((s) => s.start >= path).map((s) => ({ ...s, start: s.start + shift, end: s.end + shift })) };
}

/** Why a recorded request cannot be made again exactly, or undefined when its recipe fills every mask. */
export function recipeProblem(request: PlainRequest, recipe: ReplayRecipe | undefined): string | undefined {
  if (!recipe) return 'the record was written before replay existed: it has no recipe for its masked parts';
  const fields: [string, string, readonly Pieces[]][] = [
    ['the URL', recipe.url, recipe.fills.url],
    ...request.headers.map(([n, v], i) => [`header ${n}`, v, recipe.fills.headers[i] ?? []] as [string, string, readonly Pieces[]]),
    ['the body', request.body ?? '', recipe.fills.body],
  ];
  if (recipe.fills.headers.length !== request.headers.length) return "the record's recipe does not match its headers";
  for (const [where, text, fills] of fields) {
    const masks = text.split(MASK).length - 1;
    if (masks !== fills.length) {
      return `${where} holds ${masks} mask(s) where the recipe knows ${fills.length}: the log masked a value that was not a secret reference (a value equal to a secret), so the request cannot be made again exactly`;
    }
    for (const fill of fills) {
      const lost = unrestorable(fill);
      if (lost) return `${where}: ${lost}; replay with edits and put it in a secret`;
    }
  }
  return undefined;
}

function unrestorable(pieces: Pieces): string | undefined {
  for (const p of pieces) {
    if (typeof p === 'string') {
      if (p.includes(MASK)) return 'a part of it was masked in the log';
    } else if ('unrestorable' in p) return p.unrestorable;
    else if ('basic' in p) {
      const lost = unrestorable(p.basic.user) ?? unrestorable(p.basic.password);
      if (lost) return lost;
    } else if ('credential' in p) {
      const lost = unrestorable(p.pieces);
      if (lost) return lost;
    }
  }
  return undefined;
}

interface Filled {
  text: string;
  spans: Span[];
}

/** Fills the masks of a recorded request with the secrets and tokens as they are now; call `recipeProblem` first. */
export function fillRecipe(request: PlainRequest, recipe: ReplayRecipe, secrets: SecretSource, tokens: TokenSource, origin?: string): RenderResult {
  const unresolved: UnresolvedVariable[] = [];
  const secretsUsed = new Set<string>();
  const connectionsUsed = new Set<string>();
  const secretText = (name: string): string => {
    secretsUsed.add(name);
    const value = secrets.get(name);
    if (value === undefined) unresolved.push({ path: `secrets.${name}`, range: NO_RANGE });
    return value ?? '';
  };
  const plain = (pieces: Pieces): string => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : 'secret' in p ? secretText(p.secret) : '';
    return out;
  };
  const fillPieces = (into: Filled, pieces: Pieces): void => {
    for (const p of pieces) {
      const start = into.text.length;
      if (typeof p === 'string') into.text += p;
      else if ('secret' in p) {
        const value = secretText(p.secret);
        into.text += p.encoding === 'uri' ? encodeURIComponent(value.toWellFormed()) : p.encoding === 'json' ? JSON.stringify(value).slice(1, -1) : value;
        into.spans.push({ start, end: into.text.length, source: { kind: 'secret', name: p.secret, range: NO_RANGE } });
      } else if ('token' in p) {
        connectionsUsed.add(p.token);
        const token = tokens.token(p.token);
        if (token === undefined) unresolved.push({ path: `oauth2:${p.token}`, range: NO_RANGE });
        into.text += token ?? '';
        into.spans.push({ start, end: into.text.length, source: { kind: 'credential', scheme: 'oauth2', connection: p.token } });
      } else if ('basic' in p) {
        into.text += Buffer.from(`${plain(p.basic.user)}:${plain(p.basic.password)}`, 'utf8').toString('base64');
        into.spans.push({ start, end: into.text.length, source: { kind: 'credential', scheme: 'basic', basic: p.basic } });
      } else if ('credential' in p) {
        fillPieces(into, p.pieces);
        into.spans.push({ start, end: into.text.length, source: { kind: 'credential', scheme: p.credential } });
      }
    }
  };
  const fill = (text: string, fills: readonly Pieces[]): Filled => {
    const parts = text.split(MASK);
    const out: Filled = { text: parts[0]!, spans: [] };
    for (let i = 1; i < parts.length; i++) {
      fillPieces(out, fills[i - 1] ?? []);
      out.text += parts[i]!;
    }
    return out;
  };
  const filledUrl = retarget(fill(recipe.url, recipe.fills.url), origin);
  const headers: RenderedHeader[] = request.headers.map(([name, value], i) => {
    const f = fill(value, recipe.fills.headers[i] ?? []);
    return { name, value: f.text, origin: 'user', spans: f.spans };
  });
  const body = request.body === null ? null : fill(request.body, recipe.fills.body);
  return {
    request: { method: request.method, url: filledUrl.text, urlSpans: filledUrl.spans, headers, body: body?.text ?? null, bodySpans: body?.spans ?? [] },
    sendable: true,
    problems: [],
    unresolved,
    secretsUsed: [...secretsUsed],
    connectionsUsed: [...connectionsUsed],
  };
}

/** The OAuth connections whose tokens a recipe puts back. */
export function recipeConnections(recipe: ReplayRecipe | undefined): string[] {
  const names = new Set<string>();
  const walk = (pieces: Pieces): void => {
    for (const p of pieces) {
      if (typeof p === 'string') continue;
      if ('token' in p) names.add(p.token);
      else if ('credential' in p) walk(p.pieces);
    }
  };
  if (recipe) for (const fill of [...recipe.fills.url, ...recipe.fills.headers.flat(), ...recipe.fills.body]) walk(fill);
  return [...names];
}
