/** Realistic payloads for the harness: what the host would post for a lead-notification webhook. */
import type { DeliveryDiffParams, ResultParams, SamplesReportParams, SendingParams, StateParams } from '../../../src/protocol/messages';

const URL_PARTS = [
  { text: 'https://api.fulfilment.example.com/v2/leads/', source: 'literal' },
  { text: 'ct_8f2a91', source: 'variable', path: 'contact.id' },
  { text: '?source=crm&tag=', source: 'literal' },
  { text: 'vip%20lead', source: 'variable', path: 'contact.tags' },
  { text: '&ref=', source: 'literal' },
  { text: 'wf_311', source: 'variable', path: 'workflow.id' },
  { text: '&campaign=spring-2024-reactivation-long-campaign-identifier-that-keeps-going', source: 'literal' },
] as const;

/** The rendered request: POST with a redacted auth header, an automatic Content-Type, a query, a body and 2 problems. */
export const requestState: StateParams = {
  fileUri: 'file:///home/dev/crm-hooks/actions/new-lead.webhook.json',
  file: 'actions/new-lead.webhook.json',
  name: 'Notify fulfilment of a new lead',
  method: 'POST',
  url: URL_PARTS.map((p) => p.text).join(''),
  urlSegments: URL_PARTS,
  headers: [
    { name: 'Authorization', value: 'Bearer ••••••', origin: 'auth', secret: true },
    { name: 'Content-Type', value: 'application/json', origin: 'auto', secret: false },
    { name: 'X-Request-Source', value: 'crm-workflow', origin: 'user', secret: false },
    {
      name: 'X-Trace-Context',
      value:
        'traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;tracestate=rojo=00f067aa0ba902b7,congo=t61rcWkgMzE;baggage=userId=alice,serverNode=DF%2028,isProduction=false',
      origin: 'user',
      secret: false,
    },
  ],
  query: [
    ['source', 'crm'],
    ['tag', 'vip lead'],
    ['ref', 'wf_311'],
    ['campaign', 'spring-2024-reactivation-long-campaign-identifier-that-keeps-going'],
  ],
  body: '{"lead":{"id":"ct_8f2a91","name":"Ada Lovelace","email":"ada@example.com","score":12345678901234567890,"middle_name":""},"tags":["vip","2024"],"consent":true,"notes":null,"address":{}}',
  escaping: 'json',
  sendable: true,
  problems: [
    {
      code: 'unknown-variable',
      severity: 'warning',
      message: 'contact.middle_name is not in any sample; it renders as an empty string.',
      line: 14,
      column: 22,
      endLine: 14,
      endColumn: 45,
    },
    {
      code: 'hardcoded-secret',
      severity: 'error',
      message: 'This header holds a literal that looks like an API key: move it into the secret store.',
      line: 9,
      column: 18,
      endLine: 9,
      endColumn: 60,
    },
  ],
  unresolved: ['contact.middle_name'],
  samples: [
    { id: 'builtin', name: 'Built-in contact', builtin: true },
    { id: 'samples/ada.sample.json', name: 'Ada (VIP)', builtin: false },
    { id: 'samples/bob.sample.json', name: 'Bob (no email)', builtin: false },
  ],
  selectedSample: 'samples/ada.sample.json',
  revealed: false,
  trusted: true,
};

/** Results of the harness belong to the request above: its file, with its selected sample. */
const owner = { fileUri: requestState.fileUri, sampleId: requestState.selectedSample };

const base = {
  time: '2024-05-14T09:21:07.412Z',
  file: 'actions/new-lead.webhook.json',
  sample: 'Ada (VIP)',
  redirects: [],
};

/** A 200 JSON response. */
export const ok200: ResultParams = {
  owner,
  record: {
    ...base,
    id: 'rec_01',
    outcome: 'accepted',
    status: 200,
    statusText: 'OK',
    timings: { firstByteMs: 84, totalMs: 131 },
    size: 92,
    truncated: false,
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['X-Request-Id', 'req_7Hq2pL'],
      ['Date', 'Tue, 14 May 2024 09:21:07 GMT'],
      ['Set-Cookie', 'session=8f14e45fceea167a5a36dedd4bea2543cf8a2f1f; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=31536000'],
    ],
    bodyText: '{"received":true,"lead_id":"L-20931","queue":{"position":3,"eta_seconds":42},"warnings":[]}',
    bodyIsJson: true,
  },
};

/** A 500 with a plain-text body, truncated at the cap. */
export const error500: ResultParams = {
  owner,
  record: {
    ...base,
    id: 'rec_02',
    outcome: 'receiver-error',
    status: 500,
    statusText: 'Internal Server Error',
    timings: { firstByteMs: 2210, totalMs: 2304 },
    size: 5 * 1024 * 1024,
    fullSize: 12_897_331,
    capBytes: 5 * 1024 * 1024,
    truncated: true,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Retry-After', '30'],
    ],
    bodyText: 'upstream database timeout after 30000 ms\ntrace id 9f2c41d0\n\tat LeadQueue.enqueue (queue.js:211:17)',
    bodyIsJson: false,
  },
};

/** A refused connection. */
export const networkError: ResultParams = {
  owner,
  record: {
    ...base,
    id: 'rec_03',
    outcome: 'network-error',
    timings: { totalMs: 3 },
    size: 0,
    truncated: false,
    headers: [],
    bodyText: '',
    bodyIsJson: false,
    error: {
      code: 'refused',
      message: 'Connection refused by api.fulfilment.example.com:443.',
      hint: 'Nothing is listening at that address and port: check the host and port, or start the receiver.',
    },
  },
};

const intendedRaw = [
  'POST /v2/leads/ct_8f2a91?source=crm&tag=vip%20lead&ref=wf_311 HTTP/1.1',
  'Host: api.fulfilment.example.com',
  'Authorization: Bearer ••••••',
  'Content-Type: application/json',
  'X-Request-Source: crm-workflow',
  '',
  requestState.body,
].join('\n');

const captureRaw = [
  'POST /v2/leads/ct_8f2a91?source=crm&tag=vip%20lead&ref=wf_311 HTTP/1.1',
  'host: 127.0.0.1:41733',
  'connection: keep-alive',
  'Authorization: Bearer ••••••',
  'Content-Type: application/json',
  'X-Request-Source: crm-workflow',
  'content-length: 171',
  '',
  requestState.body,
].join('\n');

/** An inbox send: the intended request next to the raw capture. */
export const inboxResult: ResultParams = {
  owner,
  record: {
    ...base,
    id: 'rec_04',
    outcome: 'accepted',
    status: 200,
    statusText: 'OK',
    timings: { firstByteMs: 2, totalMs: 3 },
    size: 11,
    truncated: false,
    headers: [
      ['content-type', 'application/json'],
      ['content-length', '11'],
    ],
    bodyText: '{"ok":true}',
    bodyIsJson: true,
    inbox: true,
  },
  intended: {
    rawText: intendedRaw,
    method: 'POST',
    url: requestState.url,
    headers: [],
    body: requestState.body,
  },
  capture: {
    rawText: captureRaw,
    method: 'POST',
    target: '/v2/leads/ct_8f2a91?source=crm&tag=vip%20lead&ref=wf_311',
    headers: [],
    bodyText: requestState.body ?? '',
  },
};

/** The action rendered against three samples, two of them sent. */
export const samplesReport: SamplesReportParams = {
  rows: [
    {
      sample: requestState.samples[1]!,
      unresolved: ['contact.middle_name'],
      problems: 2,
      bodyDiff: [],
      result: { status: 200, outcome: 'accepted' },
    },
    {
      sample: requestState.samples[2]!,
      unresolved: ['contact.middle_name', 'contact.email'],
      problems: 2,
      bodyDiff: ['-  "email": "ada@example.com",', '+  "email": "",', '-  "name": "Ada Lovelace",', '+  "name": "Bob Stone",'],
      result: { status: 401, outcome: 'rejected' },
    },
    {
      sample: requestState.samples[0]!,
      unresolved: [],
      problems: 1,
      bodyDiff: ['-  "name": "Ada Lovelace",', '+  "name": "Jane Doe",'],
    },
  ],
};

/** A send in flight. */
export function sending(kind: SendingParams['kind']): SendingParams {
  return { kind, startedAt: Date.now() - 1200 };
}

/** A HAR capture of a real delivery compared with the preview: what the platform did otherwise. */
export const deliveryDiff: DeliveryDiffParams = {
  owner,
  capture: 'captures/new-lead-delivery.har',
  format: 'har',
  request: 'POST /v2/leads/ct_8f2a91?source=crm&tag=vip+lead&ref=wf_311',
  sample: 'Ada',
  match: false,
  differences: [
    {
      part: 'target',
      where: 'query tag',
      message: '"vip+lead" instead of "vip%20lead"',
      cause: 'encoding: the same value, percent-encoded another way (for example a space as + or %20)',
    },
    {
      part: 'header',
      where: 'User-Agent',
      message: 'only in the delivery: "PlatformWebhooks/1.0"',
      cause: 'a header the platform adds (the action does not set it)',
    },
    {
      part: 'body',
      where: '$.tags',
      message: '"vip,2024" instead of "vip, 2024"',
      cause: 'array separator: the platform joined the list with ",", the preview with ", " (setting webhookStudio.render.arraySeparator, --array-separator)',
    },
    {
      part: 'body',
      where: '$.lead.score',
      message: '12345678901234567890 (number) instead of "12345678901234567890" (string)',
      cause: 'quoting: the template is quoted in one and unquoted in the other (a quoted tag sends text, an unquoted one a number)',
    },
  ],
  notes: ['Left aside, as added on the way by the capture service or its proxies: X-Forwarded-For.'],
};

/** A 201 checked against `expect`: three checks pass, one fails. */
export const checked201: ResultParams = {
  owner,
  record: {
    ...ok200.record,
    id: 'rec_05',
    status: 201,
    statusText: 'Created',
    bodyText: '{"id":"L-20931","email":"jane@example.com","tags":["vip"]}',
    checks: [
      { name: 'status', expected: '201', actual: '201', passed: true },
      { name: 'header content-type', expected: 'matches /^application\\/json/', actual: '"application/json; charset=utf-8"', passed: true },
      { name: 'json $.id', expected: 'matches /^L-/', actual: '"L-20931"', passed: true },
      { name: 'json $.email', expected: '"maria.okafor@example.com"', actual: '"jane@example.com"', passed: false },
    ],
  },
};
