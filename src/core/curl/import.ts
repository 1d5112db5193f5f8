/**
 * cURL import: a pasted command read into the text of a new `*.webhook.json` file.
 *
 * Import keeps the request exact wherever the file format can express it,
 * so that importing an export renders the very same request:
 * - a query is moved into `query` only when `query` renders it back to the same bytes (canonical
 *   `encodeURIComponent` encoding, grouping of repeated keys keeps the order); otherwise it stays in `url`;
 * - a JSON body becomes a JSON value; it renders back byte for byte when it was compact `JSON.stringify`
 *   output (what the platform sends), and is re-serialised compactly otherwise (a warning says so);
 *   a body that is not JSON, or is a JSON string, becomes a string body: the platform's body text, sent
 *   as is (a warning says so when it is not JSON, which the platform refuses to send);
 * - `Authorization: Bearer …` / `Basic …` moves into `auth` only when it is the last header, since
 *   `auth` always sends it after the headers of the file; otherwise it stays a header;
 * - a last `Content-Type: application/json` with a body is left out, since rendering adds exactly
 *   that header in that place;
 * - header values lose leading and trailing blanks, which are not part of an HTTP field value.
 * Text that holds `{{path}}` becomes a template: that is how a pasted command gains variables.
 */
import { parseTree, type Node } from 'jsonc-parser';
import { encodeComponent, HEADER_NAME } from '../render';
import { CHALLENGE_AUTH, READ_WITH_ARG, SHORT_WITH_ARG, SKIP_FLAGS, SKIP_WITH_ARG } from './options';
import { shellWords } from './shellWords';

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** What importing a cURL command gave: the text of a new webhook file and what was not kept exactly. */
export type FromCurlResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly warnings: string[];
      /** The URL word of the command, as written (before a scheme is added). */
      readonly url: string;
      /** A file name for the action without extension, from the method and the URL's path: `post-v1-customers`. */
      readonly fileStem: string;
    }
  | { readonly ok: false; readonly error: string };

interface DataPart {
  readonly text: string;
  readonly json: boolean;
}

/** Headers curl makes from its own options, which it sends before the -H headers in this order. */
interface OwnHeaders {
  'User-Agent'?: string;
  Referer?: string;
  Cookie?: string;
}

interface Parsed {
  method?: string;
  urls: string[];
  extraWords: string[];
  headers: Array<[string, string]>;
  own: OwnHeaders;
  data: DataPart[];
  /** --url-query parts, already encoded as curl appends them to the query. */
  urlQuery: string[];
  /** A challenge-response method (--digest, --ntlm, …) curl was told to use. */
  challenge?: string;
  get: boolean;
  user?: string;
  bearer?: string;
  warnings: string[];
  jsonOption: boolean;
}

type Step = { ok: true } | { ok: false; error: string };

/** Reads a cURL command into the text of a new `*.webhook.json` file. Never throws. */
export function fromCurl(command: string): FromCurlResult {
  const split = shellWords(command);
  if (!split.ok) return { ok: false, error: `The command could not be read: ${split.error}` };
  const words = split.words;
  if (words.length === 0) return { ok: false, error: 'Nothing to import: paste a curl command.' };
  const first = words[0]!;
  if (/(^|[\\/])curl(\.exe)?$/i.test(first)) words.shift();
  else if (!first.startsWith('-') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(first)) {
    return { ok: false, error: `This is not a curl command: it starts with "${first}" instead of "curl".` };
  }

  const p: Parsed = { urls: [], extraWords: [], headers: [], own: {}, data: [], urlQuery: [], get: false, warnings: [...split.warnings], jsonOption: false };
  const read = readOptions(words, p);
  if (!read.ok) return read;
  return buildFile(p);
}

function readOptions(words: string[], p: Parsed): Step {
  let i = 0;
  const take = (option: string): { ok: true; value: string } | { ok: false; error: string } => {
    if (i >= words.length) return { ok: false, error: `The option ${option} needs a value.` };
    return { ok: true, value: words[i++]! };
  };
  while (i < words.length) {
    const word = words[i++]!;
    if (word === '--') {
      p.urls.push(...words.slice(i));
      break;
    }
    if (word.startsWith('--')) {
      const step = longOption(word, take, p);
      if (!step.ok) return step;
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // Short options combine (`-sSL`); one that takes a value takes the rest of the word or the next word.
      for (let k = 1; k < word.length; k++) {
        const option = `-${word[k]}`;
        if (SHORT_WITH_ARG.has(word[k]!)) {
          const rest = word.slice(k + 1);
          const value = rest !== '' ? { ok: true as const, value: rest } : take(option);
          if (!value.ok) return value;
          const step = applyWithArg(option, value.value, p);
          if (!step.ok) return step;
          break;
        }
        const step = applyFlag(option, p);
        if (!step.ok) return step;
      }
      continue;
    }
    p.urls.push(word);
  }
  return { ok: true };
}

function longOption(word: string, take: (option: string) => { ok: true; value: string } | { ok: false; error: string }, p: Parsed): Step {
  if (Object.hasOwn(READ_WITH_ARG, word) || Object.hasOwn(SKIP_WITH_ARG, word)) {
    const value = take(word);
    if (!value.ok) return value;
    return applyWithArg(word, value.value, p);
  }
  return applyFlag(word, p);
}

function applyFlag(option: string, p: Parsed): Step {
  if (option === '-G' || option === '--get') {
    p.get = true;
    return { ok: true };
  }
  if (option === '-I' || option === '--head') {
    return { ok: false, error: 'HEAD requests (-I/--head) are not offered by the platform: use GET, POST, PUT or DELETE.' };
  }
  if (Object.hasOwn(CHALLENGE_AUTH, option)) {
    p.challenge = option;
    return { ok: true };
  }
  if (option === '--basic') {
    p.challenge = undefined;
    return { ok: true };
  }
  if (option.startsWith('--no-')) return negatedFlag(option, p);
  if (Object.hasOwn(SKIP_FLAGS, option)) {
    const why = SKIP_FLAGS[option];
    if (why) p.warnings.push(`${option} was ignored. ${why}`);
    return { ok: true };
  }
  p.warnings.push(`Unknown option ${option} was ignored.`);
  return { ok: true };
}

/**
 * `--no-X` turns the flag `--X` off again (curl's own rule for every boolean option). Turning off a flag
 * import ignores changes nothing; turning off one it reads undoes it.
 */
function negatedFlag(option: string, p: Parsed): Step {
  const base = `--${option.slice('--no-'.length)}`;
  if (base === '--get') p.get = false;
  else if (Object.hasOwn(CHALLENGE_AUTH, base)) {
    if (p.challenge === base) p.challenge = undefined;
  } else if (base !== '--basic' && !Object.hasOwn(SKIP_FLAGS, base)) {
    p.warnings.push(`Unknown option ${option} was ignored.`);
  }
  return { ok: true };
}

function applyWithArg(option: string, value: string, p: Parsed): Step {
  const kind = Object.hasOwn(READ_WITH_ARG, option) ? READ_WITH_ARG[option] : undefined;
  if (kind === undefined) {
    const why = Object.hasOwn(SKIP_WITH_ARG, option) ? SKIP_WITH_ARG[option] : undefined;
    if (why) p.warnings.push(`${option} was ignored. ${why}`);
    return { ok: true };
  }
  switch (kind) {
    case 'request':
      p.method = value;
      return { ok: true };
    case 'header':
      return addHeader(value, p);
    case 'data':
    case 'data-raw':
    case 'json':
      if (kind !== 'data-raw' && value.startsWith('@')) {
        return { ok: false, error: `${option} ${value} reads the body from a file, which import cannot do: paste the body inline with --data-raw.` };
      }
      p.data.push({ text: value, json: kind === 'json' });
      if (kind === 'json') p.jsonOption = true;
      return { ok: true };
    case 'data-urlencode':
      return addUrlencoded(option, value, p);
    case 'user':
      p.user = value;
      return { ok: true };
    case 'oauth2-bearer':
      p.bearer = value;
      return { ok: true };
    case 'url':
      p.urls.push(value);
      return { ok: true };
    case 'user-agent':
      p.own['User-Agent'] = value;
      return { ok: true };
    case 'referer':
      p.own.Referer = value.replace(/;auto$/, '');
      return { ok: true };
    case 'url-query':
      return addUrlQuery(option, value, p);
    case 'cookie':
      if (!value.includes('=')) {
        p.warnings.push(`${option} ${value} names a cookie file, which import cannot read: add a Cookie header instead.`);
        return { ok: true };
      }
      p.own.Cookie = p.own.Cookie === undefined ? value : `${p.own.Cookie};${value}`;
      return { ok: true };
    case 'form':
      return { ok: false, error: `${option} sends a multipart form, which the platform cannot send: its body is always JSON.` };
    default:
      return { ok: false, error: `${option} uploads a file, which the platform cannot do: paste the body inline with --data-raw.` };
  }
}

function addHeader(raw: string, p: Parsed): Step {
  if (raw.startsWith('@')) return { ok: false, error: `-H ${raw} reads headers from a file, which import cannot do: give each header inline.` };
  const colon = raw.indexOf(':');
  let name: string;
  let value: string;
  if (colon < 0) {
    if (!raw.endsWith(';')) {
      p.warnings.push(`The header "${raw}" has no ":" and was ignored.`);
      return { ok: true };
    }
    name = raw.slice(0, -1).trim();
    value = '';
  } else {
    name = raw.slice(0, colon).trim();
    value = raw.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (value === '') {
      p.warnings.push(`"-H '${name}:'" removes one of curl's own headers; it was ignored.`);
      return { ok: true };
    }
  }
  if (!HEADER_NAME.test(name)) {
    p.warnings.push(`The header name "${name}" is not a valid token and was ignored.`);
    return { ok: true };
  }
  if (name.toLowerCase() === 'content-length') {
    p.warnings.push('Content-Length was ignored: it is computed from the body when sending.');
    return { ok: true };
  }
  p.headers.push([name, value]);
  return { ok: true };
}

/**
 * curl's form encoding for --data-urlencode and --url-query (curl 7.88): everything but unreserved
 * characters percent-encoded, and a space as `+`.
 */
function curlEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** The `name=content`, `=content`, `content` forms of --data-urlencode, encoded; or why it cannot be read. */
function urlencodedPart(option: string, value: string): { ok: true; text: string } | { ok: false; error: string } {
  const eq = value.indexOf('=');
  const at = value.indexOf('@');
  if (at >= 0 && (eq < 0 || at < eq)) {
    return { ok: false, error: `${option} ${value} reads a file, which import cannot do: paste the content inline.` };
  }
  if (eq < 0) return { ok: true, text: curlEscape(value) };
  if (eq === 0) return { ok: true, text: curlEscape(value.slice(1)) };
  return { ok: true, text: `${value.slice(0, eq)}=${curlEscape(value.slice(eq + 1))}` };
}

function addUrlencoded(option: string, value: string, p: Parsed): Step {
  const part = urlencodedPart(option, value);
  if (!part.ok) return part;
  p.data.push({ text: part.text, json: false });
  return { ok: true };
}

/** --url-query: a `+` prefix appends the rest as it is; otherwise it is encoded as --data-urlencode does. */
function addUrlQuery(option: string, value: string, p: Parsed): Step {
  if (value.startsWith('+')) {
    p.urlQuery.push(value.slice(1));
    return { ok: true };
  }
  const part = urlencodedPart(option, value);
  if (!part.ok) return part;
  p.urlQuery.push(part.text);
  return { ok: true };
}

/** Appends `extra` to the query of `url`, before any fragment. */
function appendQuery(url: string, extra: string): string {
  const hash = url.indexOf('#');
  const head = hash >= 0 ? url.slice(0, hash) : url;
  const sep = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return head + sep + extra + (hash >= 0 ? url.slice(hash) : '');
}

/** An object whose key order is kept exactly (plain objects put integer-like keys first). */
class Entries {
  constructor(readonly list: Array<[string, Ordered]>) {}
}

type Ordered = null | boolean | number | string | Ordered[] | Entries;

function buildFile(p: Parsed): FromCurlResult {
  const warnings = p.warnings;
  if (p.urls.length === 0) return { ok: false, error: 'No URL found in the curl command.' };
  let url = p.urls[0]!;
  const written = (): string => url;
  if (p.urls.length > 1) {
    const web = p.urls.filter((u) => /^https?:\/\//i.test(u));
    if (web.length !== 1)
      return { ok: false, error: `The command names more than one URL (${p.urls.map((u) => `"${u}"`).join(', ')}): import one request at a time.` };
    url = web[0]!;
    warnings.push(
      `Ignored ${p.urls
        .filter((u) => u !== url)
        .map((u) => `"${u}"`)
        .join(', ')}: not a URL (the argument of an unknown option?).`,
    );
  }
  const rawUrl = written();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    url = `http://${url}`;
    warnings.push(`The URL has no scheme; curl assumes http: "${url}".`);
  } else if (!/^https?:\/\//i.test(url)) {
    return { ok: false, error: `Only http and https URLs can be sent, not "${url.slice(0, url.indexOf(':'))}".` };
  }

  let bodyText: string | undefined;
  if (p.data.length > 0) {
    bodyText = p.data.map((d, k) => (k > 0 && !d.json ? '&' : '') + d.text).join('');
  }
  if (p.urlQuery.length > 0) url = appendQuery(url, p.urlQuery.join('&'));
  if (p.get && bodyText !== undefined) {
    url = appendQuery(url, bodyText);
    bodyText = undefined;
  }

  let method: string;
  if (p.method !== undefined) {
    method = p.method.toUpperCase();
    if (method !== p.method) warnings.push(`The method "${p.method}" was written as "${method}": the platform's methods are upper case.`);
  } else {
    method = p.get || bodyText === undefined ? 'GET' : 'POST';
  }
  if (!METHODS.has(method)) {
    return { ok: false, error: `The method "${p.method}" is not offered by the platform: use GET, POST, PUT or DELETE.` };
  }
  const sendsBody = bodyText !== undefined && method !== 'GET' && method !== 'DELETE';
  if (bodyText !== undefined && !sendsBody)
    warnings.push(`${method} sends no body on the platform: the body (and the Content-Type curl sends with it) is kept in the file but not sent.`);

  const has = (list: ReadonlyArray<readonly [string, string]>, name: string) => list.some(([n]) => n.toLowerCase() === name.toLowerCase());
  // curl sends the headers of its own options first, unless a -H header of the same name replaces them.
  const own = (['User-Agent', 'Referer', 'Cookie'] as const)
    .filter((n) => p.own[n] !== undefined && !has(p.headers, n))
    .map((n): [string, string] => [n, p.own[n]!]);
  const headers = [...own, ...p.headers];
  if (sendsBody && p.jsonOption) {
    // --json adds these two after the -H headers, unless they are given.
    if (!has(headers, 'content-type')) headers.push(['Content-Type', 'application/json']);
    if (!has(headers, 'accept')) headers.push(['Accept', 'application/json']);
  } else if (sendsBody && !has(headers, 'content-type')) {
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    warnings.push(
      'curl sends this body with Content-Type: application/x-www-form-urlencoded, since the command gives no Content-Type: the file says so in "headers". Change it to application/json if the receiver expects JSON.',
    );
  }
  const contentTypes = headers.filter(([n]) => n.toLowerCase() === 'content-type');
  const last = headers[headers.length - 1];
  if (sendsBody && contentTypes.length === 1 && last && last[0] === 'Content-Type' && last[1] === 'application/json') {
    // Rendering adds exactly this header in exactly this place when the file gives none.
    headers.pop();
  }

  const fromOption = (p.user !== undefined || p.bearer !== undefined) && explicitAuthorization(headers) === 0;
  const auth = chooseAuth(p, headers, warnings);
  if (auth && p.challenge !== undefined && explicitAuthorization(headers) === 0) {
    const scheme =
      auth.list[0]![1] === 'basic'
        ? 'Basic, with the same user name and password (the password now goes to the receiver in base64, not as a digest)'
        : 'Bearer';
    warnings.push(
      `${p.challenge}: curl sends no Authorization header until the receiver asks for ${CHALLENGE_AUTH[p.challenge]} authentication, which the platform cannot answer; the file sends an Authorization header from the first request instead, as ${scheme}.`,
    );
  }
  if (auth && fromOption && headers.length > 0) {
    warnings.push(
      'curl sends the Authorization header of -u/--oauth2-bearer before its other headers; "auth" sends it after the file\'s "headers", so the header order differs.',
    );
  }

  const file: Array<[string, Ordered]> = [
    ['name', actionName(method, url)],
    ['method', method],
  ];
  const split = splitQuery(url);
  file.push(['url', split.url]);
  if (auth) file.push(['auth', auth]);
  if (headers.length > 0) file.push(['headers', groupHeaders(headers, warnings)]);
  if (split.query) file.push(['query', split.query]);
  if (bodyText !== undefined) {
    const form = formBody(bodyText, contentTypes, warnings);
    if (form) file.push(['bodyType', 'form'], ['body', form]);
    else file.push(['body', bodyValue(bodyText, contentTypes, warnings)]);
  }
  return { ok: true, text: pretty(new Entries(file), '') + '\n', warnings: [...new Set(warnings)], url: rawUrl, fileStem: fileStem(method, url) };
}

/** The action's name: method, host and path (`POST api.stripe.com/v1/customers`). */
function actionName(method: string, url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)([^?#]*)/i.exec(url);
  const where = m ? `${m[1]!}${m[2] === '/' ? '' : m[2]!}` : url;
  return `${method} ${where}`.slice(0, 120);
}

/** Lower-case words of `text` joined by "-". */
function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `post-v1-customers`: the method and the URL's path; the host's name when the path is empty. */
export function fileStem(method: string, url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]*)[^/?#]*([^?#]*)/i.exec(url);
  let path: string;
  try {
    path = decodeURIComponent(m?.[2] ?? '');
  } catch {
    path = m?.[2] ?? '';
  }
  const where = slug(path.replace(/\{\{[^}]*\}\}/g, ' ')) || slug((m?.[1] ?? '').replace(/^(www|api)\./, ''));
  return `${method.toLowerCase()}${where ? `-${where}` : ''}`.slice(0, 60).replace(/-+$/, '');
}

function explicitAuthorization(headers: ReadonlyArray<readonly [string, string]>): number {
  return headers.filter(([n]) => n.toLowerCase() === 'authorization').length;
}

/** Picks the `auth` block: -u / --oauth2-bearer, else a last `Authorization` header that `auth` renders identically. */
function chooseAuth(p: Parsed, headers: Array<[string, string]>, warnings: string[]): Entries | undefined {
  const isAuthorization = (name: string) => name.toLowerCase() === 'authorization';
  const explicit = headers.filter(([n]) => isAuthorization(n));
  if (p.user !== undefined || p.bearer !== undefined) {
    if (explicit.length > 0) {
      warnings.push('The Authorization header wins over -u/--oauth2-bearer, as in curl: the latter was ignored.');
    } else if (p.bearer !== undefined) {
      warnings.push(literalWarning(p.bearer));
      return new Entries([
        ['type', 'bearer'],
        ['token', p.bearer],
      ]);
    } else {
      const user = p.user!;
      const colon = user.indexOf(':');
      if (colon < 0) warnings.push('-u gives no password (curl would ask for one): the password is left empty.');
      const password = colon < 0 ? '' : user.slice(colon + 1);
      if (password !== '') warnings.push(literalWarning(password));
      return new Entries([
        ['type', 'basic'],
        ['username', colon < 0 ? user : user.slice(0, colon)],
        ['password', password],
      ]);
    }
  }
  if (explicit.length !== 1) return undefined;
  const last = headers[headers.length - 1]!;
  const parsed = authFromHeader(explicit[0]![1]);
  if (!parsed) return undefined;
  if (last[0] !== 'Authorization') {
    warnings.push(
      last === explicit[0]
        ? `The header "${last[0]}" stays in "headers": "auth" would send it spelled "Authorization". Move it to "auth" if the spelling does not matter.`
        : 'The Authorization header stays in "headers": "auth" would send it after every other header, which changes the order. Move it to "auth" if the order does not matter.',
    );
    return undefined;
  }
  headers.pop();
  warnings.push(literalWarning(parsed.secret));
  return parsed.auth;
}

function literalWarning(secret: string): string {
  return /\{\{\s*secrets\./.test(secret)
    ? 'Credentials come from a secret template.'
    : 'The credentials are now written in the file as literals: move them into secret storage and use {{secrets.NAME}}.';
}

function authFromHeader(value: string): { auth: Entries; secret: string } | undefined {
  const bearer = /^Bearer (.+)$/s.exec(value);
  if (bearer)
    return {
      auth: new Entries([
        ['type', 'bearer'],
        ['token', bearer[1]!],
      ]),
      secret: bearer[1]!,
    };
  const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Only when encoding the parts again gives the same header: invalid UTF-8 or odd padding stays a header.
  if (colon < 0 || Buffer.from(decoded, 'utf8').toString('base64') !== basic[1] || decoded.includes('{{')) return undefined;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return {
    auth: new Entries([
      ['type', 'basic'],
      ['username', username],
      ['password', password],
    ]),
    secret: password,
  };
}

/** Header entries grouped by name: a repeated name becomes a list at its first place. */
function groupHeaders(headers: ReadonlyArray<readonly [string, string]>, warnings: string[]): Entries {
  const groups = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const list = groups.get(name);
    if (list) list.push(value);
    else groups.set(name, [value]);
  }
  const regrouped = [...groups].flatMap(([name, values]) => values.map((v) => `${name}\n${v}`));
  if (regrouped.some((h, k) => h !== `${headers[k]![0]}\n${headers[k]![1]}`)) {
    warnings.push('A repeated header was grouped with its first occurrence: the file lists its values together, so the header order changed.');
  }
  return new Entries([...groups].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

/**
 * Moves the URL's query into `query` when rendering `query` gives back the same bytes; otherwise keeps
 * the URL as written (rendering leaves a query written in the URL alone).
 */
function splitQuery(url: string): { url: string; query?: Entries } {
  const hash = url.indexOf('#');
  const head = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const q = head.indexOf('?');
  if (q < 0) return { url };
  const qs = head.slice(q + 1);
  if (qs === '' || qs.includes('{{')) return { url };
  const groups = new Map<string, string[]>();
  for (const piece of qs.split('&')) {
    const eq = piece.indexOf('=');
    if (eq < 0) return { url };
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(piece.slice(0, eq));
      value = decodeURIComponent(piece.slice(eq + 1));
    } catch {
      return { url };
    }
    if (`${encodeURIComponent(key)}=${encodeURIComponent(value)}` !== piece) return { url };
    const list = groups.get(key);
    if (list) list.push(value);
    else groups.set(key, [value]);
  }
  const rendered = [...groups].flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  if (rendered !== qs) return { url };
  return {
    url: head.slice(0, q) + fragment,
    query: new Entries([...groups].map(([k, vs]) => [k, vs.length === 1 ? vs[0]! : vs])),
  };
}

/** The body as a JSON value of the file (see the module comment for the rule). */
/**
 * Form data (`a=1&b=two`) sent as application/x-www-form-urlencoded becomes a form body ("bodyType": "form"),
 * which the platform sends with each name and value encoded as query entries are; where that encoding
 * differs from the command's bytes, a warning says so. Undefined for other bodies, and for data that is not
 * a well-formed form (it stays the body's text).
 */
function formBody(text: string, contentTypes: ReadonlyArray<readonly [string, string]>, warnings: string[]): Entries | undefined {
  const type = contentTypes[contentTypes.length - 1]?.[1] ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) || text === '' || !text.includes('=') || isJson(text)) return undefined;
  const fields = new Map<string, string[]>();
  try {
    for (const piece of text.split('&')) {
      if (piece === '') continue;
      const at = piece.indexOf('=');
      const decode = (part: string): string => decodeURIComponent(part.replaceAll('+', ' '));
      const name = decode(at < 0 ? piece : piece.slice(0, at));
      const value = at < 0 ? '' : decode(piece.slice(at + 1));
      fields.set(name, [...(fields.get(name) ?? []), value]);
    }
  } catch {
    // A bad percent sequence: not a form the platform's rows could hold.
    return undefined;
  }
  const sent = [...fields].flatMap(([name, values]) => values.map((v) => `${encodeComponent(name)}=${encodeComponent(v)}`)).join('&');
  if (sent !== text)
    warnings.push(
      `The form body is sent with each field encoded as the platform encodes form fields ("bodyType": "form"): ${JSON.stringify(sent)} instead of the command's ${JSON.stringify(text)} (same fields).`,
    );
  return new Entries([...fields].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function bodyValue(text: string, contentTypes: ReadonlyArray<readonly [string, string]>, warnings: string[]): Ordered {
  let valid = true;
  try {
    JSON.parse(text);
  } catch {
    valid = false;
  }
  const root = valid ? parseTree(text, [], { allowTrailingComma: false, disallowComments: true }) : undefined;
  if (!root) {
    const type = contentTypes[0]?.[1];
    warnings.push(
      `The body is not JSON${type ? ` (Content-Type: ${type})` : ''}: it is kept as the body's text, which the platform fails to parse as JSON (body-not-json). Rewrite it as JSON, or as a form body ("bodyType": "form").`,
    );
    return text;
  }
  // A string body is the platform's text, sent as is: a JSON string is written as its own text.
  if (root.type === 'string') return text;
  const value = fromNode(root);
  if (compact(value) !== text)
    warnings.push("The JSON body is re-serialised compactly when sent, as the platform does: its bytes differ from the command's (same JSON value).");
  return value;
}

function fromNode(node: Node): Ordered {
  switch (node.type) {
    case 'object': {
      // Duplicate keys: the last value wins, in the place of the first, as rendering does.
      const map = new Map<string, Ordered>();
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) map.set(String(k.value), fromNode(v));
      }
      return new Entries([...map]);
    }
    case 'array':
      return (node.children ?? []).map(fromNode);
    default:
      return node.value as null | boolean | number | string;
  }
}

function compact(v: Ordered): string {
  if (v instanceof Entries) return `{${v.list.map(([k, x]) => `${JSON.stringify(k)}:${compact(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(compact).join(',')}]`;
  return JSON.stringify(v);
}

function pretty(v: Ordered, indent: string): string {
  const inner = indent + '  ';
  if (v instanceof Entries) {
    if (v.list.length === 0) return '{}';
    return `{\n${v.list.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]`;
  }
  return JSON.stringify(v);
}
