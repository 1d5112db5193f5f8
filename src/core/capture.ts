/**
 * Comparing what was sent with what a receiver captured: byte for byte for the local inbox (the send
 * pipeline and `demo`), and value by value with likely causes for a real delivery (`diff`).
 */
import type { ReceivedRequest } from './captureFile';
import { redactText } from './redact';
import type { Capture, PlainRequest } from './types';

/**
 * The path and query of a parsed URL as they go on the request line. An empty query keeps its `?`
 * (`/a?`), which `URL.search` drops: curl and browsers send it, and so do we.
 */
export function pathAndQuery(url: URL): string {
  const bare = url.search === '' && url.href.split('#')[0]!.endsWith('?');
  return `${url.pathname}${bare ? '?' : url.search}`;
}

/** The request target (path and query) of an absolute URL, or the URL itself when it does not parse. */
export function requestTarget(url: string): { target: string; host?: string } {
  try {
    const parsed = new URL(url);
    return { target: pathAndQuery(parsed), host: parsed.host };
  } catch {
    return { target: url === '' ? '/' : url };
  }
}

/**
 * What differs between the request as sent and as captured. Headers the client adds for the transport
 * (Host, Connection, Content-Length) are not part of the rendered request and are skipped; every sent
 * header must arrive in order with the same name and value.
 */
export function compareCapture(sent: PlainRequest, capture: Capture): string[] {
  const out: string[] = [];
  if (capture.method !== sent.method) out.push(`method ${capture.method} instead of ${sent.method}`);
  const { target } = requestTarget(sent.url);
  if (capture.target !== target) out.push(`target ${capture.target} instead of ${target}`);
  const names = new Set(sent.headers.map(([n]) => n.toLowerCase()));
  const received = capture.rawHeaders.filter(([n]) => names.has(n.toLowerCase()));
  const same = received.length === sent.headers.length && received.every(([n, v], i) => n === sent.headers[i]![0] && v === sent.headers[i]![1]);
  if (!same) out.push('headers differ in name, value or order');
  const body = Buffer.from(sent.body ?? '', 'utf8');
  if (capture.bodyTruncated || !body.equals(Buffer.from(capture.body))) out.push(`body of ${capture.bodySize} bytes instead of ${body.length}`);
  return out;
}

/** Headers of the transport, not of the request: left aside by `diffDelivery`. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect', 'keep-alive', 'te', 'upgrade', 'proxy-connection']);

/** Headers a capture service or the proxies in front of it add on the way: noted, not differences. */
const ON_THE_WAY = /^(x-forwarded-.+|x-real-ip|via|forwarded|cf-.+|cdn-loop|x-amzn-trace-id|x-request-id|request-id|x-envoy-.+|x-cloud-trace-context)$/i;

/** One way a real delivery differs from our rendering, with its likely cause. Never holds a secret value. */
export interface DeliveryDifference {
  readonly part: 'method' | 'target' | 'header' | 'body';
  /** What differs: the method, the path or query name, the header name, the JSON path of the body. */
  readonly where: string;
  readonly message: string;
  readonly cause: string;
}

/** What `diffDelivery` found: the differences, and notes on what was left aside. */
export interface DeliveryDiff {
  readonly differences: DeliveryDifference[];
  readonly notes: string[];
}

/** What the delivery is compared with, besides our request. */
export interface DeliveryDiffOptions {
  /** The separator our rendering joined arrays with (to recognise another one in the delivery). */
  readonly arraySeparator: string;
  /** Secret values of our request: never shown, replaced by the mask in every message. */
  readonly secrets?: readonly string[];
}

const SEPARATORS = [',', ', ', ';', '; ', ' ', '|', '\n'];

/**
 * Compares a request as a capture service received it with our rendering of the same action and sample:
 * method, target (path and each query value), headers by name (transport headers aside; case of names and,
 * for captures that keep no order, order aside) and body (JSON value by value when both are JSON). Each
 * difference names its likely cause: escaping, quoting, array separator, encoding, a header the platform adds.
 */
export function diffDelivery(ours: PlainRequest, received: ReceivedRequest, options: DeliveryDiffOptions): DeliveryDiff {
  const out: DeliveryDifference[] = [];
  const notes: string[] = [];
  if (received.method.toUpperCase() !== ours.method) {
    out.push({
      part: 'method',
      where: 'method',
      message: `${received.method} instead of ${ours.method}`,
      cause: "the platform step's method is not the action's",
    });
  }
  diffTarget(requestTarget(ours.url).target, received.target, options.arraySeparator, out);
  diffHeaders(ours.headers, received, out, notes);
  diffBody(ours.body ?? '', received.body, options.arraySeparator, out);
  const secrets = (options.secrets ?? []).filter((s) => s !== '');
  const clean = (s: string) => (secrets.length > 0 ? redactText(s, secrets) : s);
  return { differences: out.map((d) => ({ ...d, where: clean(d.where), message: clean(d.message) })), notes: notes.map(clean) };
}

function shown(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}…` : s);
}

function plusDecoded(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The separator `theirs` uses where `ours` has `sep`, when that is the only difference. */
function otherSeparator(ours: string, theirs: string, sep: string): string | undefined {
  if (sep === '' || !ours.includes(sep)) return undefined;
  const parts = ours.split(sep);
  return SEPARATORS.find((s) => s !== sep && parts.join(s) === theirs);
}

function valueCause(ours: string, theirs: string, sep: string): string {
  const other = otherSeparator(ours, theirs, sep);
  if (other !== undefined) {
    return `array separator: the platform joined the list with ${JSON.stringify(other)}, the preview with ${JSON.stringify(sep)} (setting webhookStudio.render.arraySeparator, --array-separator)`;
  }
  if (theirs === '') return 'the platform sent it empty: the field is empty or missing for the record that triggered the delivery (the sample has a value)';
  if (JSON.stringify(ours).slice(1, -1) === theirs) return 'escaping: the delivery holds the value escaped once more (escaping setting)';
  if (JSON.stringify(theirs).slice(1, -1) === ours) return 'escaping: the delivery holds the value unescaped (the platform pastes values as they are)';
  return 'another value: the record that triggered the delivery differs from the sample, or the template is not the one the platform has';
}

function splitTarget(target: string): { path: string; query: string | undefined } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: undefined } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

function diffTarget(ours: string, theirs: string, sep: string, out: DeliveryDifference[]): void {
  if (ours === theirs) return;
  const a = splitTarget(ours);
  const b = splitTarget(theirs);
  if (a.path !== b.path) {
    const same = plusDecoded(a.path) === plusDecoded(b.path);
    out.push({
      part: 'target',
      where: 'path',
      message: `${shown(b.path)} instead of ${shown(a.path)}`,
      cause: same
        ? 'encoding: the same characters, percent-encoded another way'
        : "another path: the URL in the platform step is not the action's (or a value in it differs)",
    });
  }
  if (a.query === b.query) return;
  const pairs = (q: string | undefined) =>
    (q ?? '')
      .split('&')
      .filter((p) => p !== '')
      .map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? ([p, ''] as const) : ([p.slice(0, eq), p.slice(eq + 1)] as const);
      });
  const pa = pairs(a.query);
  const pb = pairs(b.query);
  const names = [...new Set([...pa.map(([k]) => plusDecoded(k)), ...pb.map(([k]) => plusDecoded(k))])];
  let found = false;
  for (const name of names) {
    const va = pa.filter(([k]) => plusDecoded(k) === name).map(([, v]) => v);
    const vb = pb.filter(([k]) => plusDecoded(k) === name).map(([, v]) => v);
    if (va.join('&') === vb.join('&')) continue;
    found = true;
    if (va.length === 0)
      out.push({ part: 'target', where: `query ${name}`, message: 'only in the delivery', cause: 'a query value the platform adds (not in the action)' });
    else if (vb.length === 0)
      out.push({
        part: 'target',
        where: `query ${name}`,
        message: 'missing in the delivery',
        cause: 'the platform dropped it (an empty value?), or the platform step lacks it',
      });
    else {
      const da = va.map(plusDecoded).join('&');
      const db = vb.map(plusDecoded).join('&');
      out.push({
        part: 'target',
        where: `query ${name}`,
        message: `${shown(vb.join('&'))} instead of ${shown(va.join('&'))}`,
        cause: da === db ? 'encoding: the same value, percent-encoded another way (for example a space as + or %20)' : valueCause(da, db, sep),
      });
    }
  }
  if (!found && a.query !== b.query) {
    out.push({
      part: 'target',
      where: 'query',
      message: `${shown(b.query ?? '')} instead of ${shown(a.query ?? '')}`,
      cause: 'the same values in another order or with another "?" or "&"',
    });
  }
}

function diffHeaders(ours: PlainRequest['headers'], received: ReceivedRequest, out: DeliveryDifference[], notes: string[]): void {
  const group = (list: ReadonlyArray<readonly [string, string]>) => {
    const map = new Map<string, { name: string; values: string[] }>();
    for (const [name, value] of list) {
      const key = name.toLowerCase();
      if (TRANSPORT_HEADERS.has(key)) continue;
      const g = map.get(key) ?? { name, values: [] };
      g.values.push(value);
      map.set(key, g);
    }
    return map;
  };
  const a = group(ours);
  const b = group(received.headers);
  const onTheWay: string[] = [];
  for (const [key, g] of b) {
    if (a.has(key)) continue;
    if (ON_THE_WAY.test(key)) {
      onTheWay.push(g.name);
      continue;
    }
    out.push({
      part: 'header',
      where: g.name,
      message: `only in the delivery: ${shown(g.values.join(', '))}`,
      cause: 'a header the platform adds (the action does not set it)',
    });
  }
  if (onTheWay.length > 0) notes.push(`Left aside, as added on the way by the capture service or its proxies: ${onTheWay.join(', ')}.`);
  for (const [key, g] of a) {
    const theirs = b.get(key);
    if (!theirs) {
      out.push({
        part: 'header',
        where: g.name,
        message: 'missing in the delivery',
        cause: 'the platform did not send it: an empty value is dropped, or the platform step lacks the header',
      });
      continue;
    }
    const va = g.values.join(', ');
    const vb = theirs.values.join(', ');
    if (va === vb) continue;
    out.push({
      part: 'header',
      where: g.name,
      message: `${shown(vb)} instead of ${shown(va)}`,
      cause: va.toLowerCase() === vb.toLowerCase() ? 'the same value in other letter case' : valueCause(va, vb, ', '),
    });
  }
  if (received.ordered) {
    const order = (list: ReadonlyArray<readonly [string, string]>, keep: Map<string, unknown>) =>
      list.map(([n]) => n.toLowerCase()).filter((n, i, all) => keep.has(n) && a.has(n) && b.has(n) && all.indexOf(n) === i);
    if (order(ours, b).join() !== order(received.headers, a).join()) notes.push('The headers arrived in another order (receivers do not depend on it).');
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJson(text: string): { ok: true; value: Json } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function diffBody(ours: string, theirs: string, sep: string, out: DeliveryDifference[]): void {
  if (ours === theirs) return;
  const a = ours === '' ? undefined : parseJson(ours);
  const b = theirs === '' ? undefined : parseJson(theirs);
  if (a?.ok && b?.ok) {
    const before = out.length;
    diffJson(a.value, b.value, '$', sep, out);
    if (out.length === before) {
      out.push({
        part: 'body',
        where: 'body',
        message: 'the same JSON value, written with other spacing or key order',
        cause: 'serialisation: the platform formats the JSON another way',
      });
    }
    return;
  }
  if (a?.ok && b && !b.ok) {
    out.push({
      part: 'body',
      where: 'body',
      message: `the delivery is not valid JSON (${b.error})`,
      cause: 'escaping: the platform pastes values into the body unescaped, so a quote, backslash or line break in a value breaks the JSON',
    });
    return;
  }
  if (ours === '' || theirs === '') {
    out.push({
      part: 'body',
      where: 'body',
      message: theirs === '' ? 'no body in the delivery' : 'a body only in the delivery',
      cause: theirs === '' ? 'the platform sent no body (a GET or DELETE step?)' : 'the action sends no body',
    });
    return;
  }
  if (plusDecoded(ours) === plusDecoded(theirs)) {
    out.push({
      part: 'body',
      where: 'body',
      message: 'the same form values, percent-encoded another way',
      cause: 'encoding (for example a space as + or %20)',
    });
    return;
  }
  let i = 0;
  while (i < ours.length && i < theirs.length && ours[i] === theirs[i]) i++;
  out.push({
    part: 'body',
    where: 'body',
    message: `differs from character ${i + 1}: ${shown(theirs.slice(i, i + 40))} instead of ${shown(ours.slice(i, i + 40))}`,
    cause: valueCause(ours, theirs, sep),
  });
}

function kind(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function diffJson(a: Json, b: Json, path: string, sep: string, out: DeliveryDifference[]): void {
  if (kind(a) !== kind(b)) {
    const quoting =
      (kind(a) === 'string' && (kind(b) === 'number' || kind(b) === 'boolean')) || (kind(b) === 'string' && (kind(a) === 'number' || kind(a) === 'boolean'));
    out.push({
      part: 'body',
      where: path,
      message: `${JSON.stringify(b)?.slice(0, 80)} (${kind(b)}) instead of ${JSON.stringify(a)?.slice(0, 80)} (${kind(a)})`,
      cause: quoting
        ? 'quoting: the template is quoted in one and unquoted in the other (a quoted tag sends text, an unquoted one a number)'
        : 'another kind of value',
    });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length)
      out.push({
        part: 'body',
        where: path,
        message: `${b.length} items instead of ${a.length}`,
        cause: 'another list in the record that triggered the delivery',
      });
    for (let i = 0; i < Math.min(a.length, b.length); i++) diffJson(a[i]!, b[i]!, `${path}[${i}]`, sep, out);
    return;
  }
  if (kind(a) === 'object') {
    const oa = a as { [key: string]: Json };
    const ob = b as { [key: string]: Json };
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);
    for (const k of Object.keys(oa)) {
      if (!Object.hasOwn(ob, k))
        out.push({ part: 'body', where: key(k), message: 'missing in the delivery', cause: "the platform step's body lacks this key" });
      else diffJson(oa[k]!, ob[k]!, key(k), sep, out);
    }
    for (const k of Object.keys(ob)) {
      if (!Object.hasOwn(oa, k))
        out.push({
          part: 'body',
          where: key(k),
          message: `only in the delivery: ${JSON.stringify(ob[k])?.slice(0, 80)}`,
          cause: "the platform step's body has a key the action lacks",
        });
    }
    return;
  }
  if (a === b) return;
  if (typeof a === 'string' && typeof b === 'string') {
    out.push({ part: 'body', where: path, message: `${shown(b)} instead of ${shown(a)}`, cause: valueCause(a, b, sep) });
    return;
  }
  out.push({
    part: 'body',
    where: path,
    message: `${JSON.stringify(b)} instead of ${JSON.stringify(a)}`,
    cause: 'another value: the record that triggered the delivery differs from the sample',
  });
}
