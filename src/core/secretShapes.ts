/**
 * Literal secrets by their shape: the token formats of well-known services, and the webhook URLs whose
 * path is the credential. Used by the `hardcoded-secret` lint (docs/architecture.md, "Lint") to find
 * secrets written into a URL, and in an auth user name.
 */

/** Token formats that are secret wherever they appear (published formats of each service). */
const TOKEN_SHAPES: readonly RegExp[] = [
  /(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}/, // Stripe secret and restricted keys
  /xox[abposr]-[0-9A-Za-z-]{10,}/, // Slack tokens
  /gh[pousr]_[0-9A-Za-z]{30,}/, // GitHub tokens
  /github_pat_[0-9A-Za-z_]{30,}/,
  /AKIA[0-9A-Z]{16}/, // AWS access key ids
  /AIza[0-9A-Za-z_-]{35}/, // Google API keys
  /SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/, // SendGrid
  /sk-[0-9A-Za-z_-]{20,}/, // OpenAI-style keys
  /key-[0-9a-f]{32}/, // Mailgun
  /eyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]+/, // a signed JWT
];

/** True when `text` holds a token of a well-known secret format. */
export function hasSecretShape(text: string): boolean {
  return TOKEN_SHAPES.some((shape) => shape.test(text));
}

/**
 * Incoming-webhook URLs whose path is the credential: anyone with the URL can post. `token` is the path
 * segment that is the secret proper (the ids before it name the workspace and channel); without one, the
 * whole URL is the secret.
 */
const SECRET_URLS: ReadonlyArray<{ readonly host: RegExp; readonly path: RegExp; readonly what: string; readonly token?: number }> = [
  { host: /^hooks\.slack\.com$/i, path: /^\/services\/T[^/]+\/B[^/]+\/[^/?#]+/, what: 'Slack incoming-webhook URL', token: 4 },
  { host: /^(?:canary\.|ptb\.)?discord(?:app)?\.com$/i, path: /^\/api\/webhooks\/\d+\/[^/?#]+/, what: 'Discord webhook URL', token: 4 },
  { host: /^hooks\.zapier\.com$/i, path: /^\/hooks\/catch\/\d+\/[^/?#]+/, what: 'Zapier catch-hook URL', token: 4 },
  { host: /\.webhook\.office\.com$/i, path: /^\/webhookb2\/[^?#]+/, what: 'Microsoft Teams webhook URL' },
];

/** Query names whose value is a credential. */
export const KEYLIKE_QUERY = /api[-_]?key|apikey|access[-_]?token|^token$|_token$|secret|signature|passw(or)?d|^key$|^sig$/i;

/** A literal secret found in a URL string. */
export interface UrlSecret {
  /** What it is, for the message: `The "api_key" query value`, `This Slack incoming-webhook URL`. */
  readonly what: string;
  /** Offset and length of the secret in the URL string. */
  readonly start: number;
  readonly end: number;
  /** The value to store; the URL keeps `{{secrets.NAME}}` in its place. */
  readonly value: string;
  /** Suffix of the suggested secret name. */
  readonly suffix: string;
  /** False when a template would not render back to the same bytes, so no quick fix is offered. */
  readonly fixable: boolean;
  /** The URL as a whole is the credential (an incoming-webhook URL). */
  readonly whole?: boolean;
}

/**
 * The literal secrets in a URL without templates: the whole URL of a webhook service whose path is the
 * credential, query values under key-like names or of a secret shape, and path segments of a secret shape.
 */
export function urlSecrets(url: string): UrlSecret[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(url);
  if (!m) return [];
  const host = m[2]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const path = m[3]!;
  const pathStart = m[1]!.length + m[2]!.length;
  for (const known of SECRET_URLS) {
    if (!known.host.test(host) || !known.path.test(path)) continue;
    const segments = path.split('/');
    if (known.token !== undefined && segments[known.token]) {
      // The token segment goes into secret storage; the URL keeps its host and ids, so it stays a URL.
      const start = pathStart + segments.slice(0, known.token).join('/').length + 1;
      return [{ ...literal(`This ${known.what} holds its secret token in the path: it`, start, segments[known.token]!, 'WEBHOOK_TOKEN'), whole: true }];
    }
    // A template at the start of the URL renders as is: the whole URL goes into secret storage.
    return [{ what: `This ${known.what}`, start: 0, end: url.length, value: url, suffix: 'WEBHOOK_URL', fixable: true, whole: true }];
  }
  const out: UrlSecret[] = [];
  let at = pathStart;
  for (const segment of path.split('/')) {
    if (segment !== '' && hasSecretShape(segment)) out.push(literal('A path segment of the URL', at, segment, 'PATH_TOKEN'));
    at += segment.length + 1;
  }
  const query = m[4];
  if (query !== undefined) {
    let offset = pathStart + path.length + 1;
    for (const piece of query.slice(1).split('&')) {
      const eq = piece.indexOf('=');
      if (eq > 0) {
        const name = decoded(piece.slice(0, eq));
        const raw = piece.slice(eq + 1);
        if ((KEYLIKE_QUERY.test(name) && decoded(raw).trim().length >= 8) || hasSecretShape(raw)) {
          out.push(literal(`The "${name}" query value`, offset + eq + 1, raw, constantCase(name)));
        }
      }
      offset += piece.length + 1;
    }
  }
  return out;
}

function literal(what: string, start: number, raw: string, suffix: string): UrlSecret {
  const value = decoded(raw);
  // A template in the path or query is percent-encoded when rendered: only then is it the same bytes.
  return { what, start, end: start + raw.length, value, suffix, fixable: encodeURIComponent(value) === raw };
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `api-key` → `API_KEY`: a name fit for `{{secrets.NAME}}`. */
export function constantCase(s: string): string {
  const c = s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z_]/.test(c) ? c : `_${c}`;
}
