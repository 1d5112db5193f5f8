/**
 * The platform's merge-field catalogue (docs/architecture.md, "Merge fields"): every namespace and field the
 * platform documents, with a one-line description and an example value. Completion, hover and lint use it
 * beside the samples; *Create Sample File* fills a sample from the examples. A field marked `unverified` is
 * one users write but the platform's documentation does not list.
 *
 * Example values hold no quote, backslash or control character, so they are safe in any escaping mode.
 */
import type { PathSegment } from './template';
import type { JsonObject, JsonValue } from './types';

/** One field of the catalogue. */
export interface CatalogueField {
  /** The path below the namespace, dot-separated; `*` stands for a step number (`chatgpt.*.response`). */
  readonly path: string;
  readonly description: string;
  readonly example: JsonValue;
  /** True when the platform's documentation does not list it (users report it). */
  readonly unverified?: boolean;
}

/** One namespace of the catalogue. */
export interface CatalogueNamespace {
  readonly name: string;
  readonly description: string;
  readonly fields: readonly CatalogueField[];
  /** Set when the namespace also holds keys the user defines (custom fields, custom values): how they are written. */
  readonly userKeys?: string;
  /** Set for namespaces only a trigger of that kind provides. */
  readonly trigger?: string;
  /** True for step outputs (`<action>.<n>.<field>`). */
  readonly step?: boolean;
}

const f = (path: string, description: string, example: JsonValue, unverified?: boolean): CatalogueField =>
  unverified ? { path, description, example, unverified } : { path, description, example };

const ATTRIBUTION_KEYS: ReadonlyArray<readonly [string, string, string]> = [
  ['sessionSource', 'the session source (e.g. Paid Search)', 'Paid Search'],
  ['url', 'the page URL', 'https://www.example.com/landing'],
  ['campaign', 'the campaign name', 'Spring promo'],
  ['utmSource', 'utm_source', 'google'],
  ['utmMedium', 'utm_medium', 'cpc'],
  ['utmContent', 'utm_content', 'hero-banner'],
  ['referrer', 'the referring URL', 'https://www.google.com/'],
  ['campaignId', 'the ad campaign id', 'cmp_4410'],
  ['clickId', 'the ad click id (gclid, fbclid)', 'gclid_8Xk2'],
  ['utmKeyword', 'utm_term / keyword', 'dental implants'],
  ['utmMatchType', 'the keyword match type', 'phrase'],
  ['adGroupId', 'the ad group id', 'adg_2231'],
  ['adId', 'the ad id', 'ad_9912'],
];

function attribution(prefix: string, which: string, extra: readonly CatalogueField[] = []): CatalogueField[] {
  return [...ATTRIBUTION_KEYS.map(([key, what, example]) => f(`${prefix}.${key}`, `${which} attribution: ${what}.`, example)), ...extra];
}

/** The catalogue, namespace by namespace. */
export const CATALOGUE: readonly CatalogueNamespace[] = [
  {
    name: 'contact',
    description: 'The contact the workflow runs for.',
    userKeys: 'Custom fields are written {{contact.<field_key>}}, the snake_case key shown on the field.',
    fields: [
      f('id', "The contact's unique id on the platform.", 'c_7Hq2Lm9X'),
      f('name', 'Full name: first and last name joined.', 'Maria Okafor'),
      f('first_name', 'First (given) name.', 'Maria'),
      f('last_name', 'Last (family) name.', 'Okafor'),
      f('email', 'Primary email address.', 'maria.okafor@example.com'),
      f('phone', 'Primary phone number, formatted.', '+1 555-555-0142'),
      f('phone_raw', 'Primary phone number, digits only (E.164).', '+15555550142'),
      f('company_name', 'Company or business name.', 'Brightside Dental Studio'),
      f('full_address', 'The whole postal address on one line.', '4820 Harbor View Road, Portland, OR 97201'),
      f('address1', 'Street address, first line.', '4820 Harbor View Road'),
      f('city', 'City.', 'Portland'),
      f('state', 'State, province or region.', 'OR'),
      f('postal_code', 'Postal or ZIP code.', '97201'),
      f('country', 'Country, as an ISO 3166-1 alpha-2 code.', 'US', true),
      f('timezone', "The contact's IANA time zone.", 'America/Los_Angeles'),
      f('date_of_birth', 'Date of birth.', '1987-09-23'),
      f('source', 'Where the contact came from: a form, an import, a campaign.', 'Website contact form'),
      f('website', "The contact's website.", 'https://brightside-dental.example.com'),
      f('tags', 'Tags on the contact; in a template the list is joined with ", ".', ['new-lead', 'dental', 'newsletter']),
      f('engagement_score', "The contact's engagement score.", 42),
      f('date_added', 'When the contact was created.', '2026-11-02T16:20:00Z', true),
      f('full_name', 'Full name (some accounts).', 'Maria Okafor', true),
      f('type', 'The contact type (lead, customer).', 'lead', true),
      ...attribution('attributionSource', 'First'),
      ...attribution('lastAttributionSource', 'Latest', [f('lastAttributionSource.utmCampaign', 'Latest attribution: utm_campaign.', 'spring-promo')]),
    ],
  },
  {
    name: 'opportunity',
    description: 'The opportunity (deal) of the workflow run, when there is one.',
    userKeys: 'Custom fields are written {{opportunity.<key>}}.',
    fields: [
      f('id', "The opportunity's id.", 'o_3Fk8Pz1Q', true),
      f('name', "The opportunity's name.", 'Practice website and booking', true),
      f('status', 'The status: open, won, lost or abandoned.', 'open', true),
      f('monetary_value', 'The value of the deal.', 6800, true),
      f('pipeline_id', 'The pipeline id.', 'pl_55', true),
      f('pipeline_stage_id', 'The id of the stage in the pipeline.', 'st_12', true),
      f('pipeline_stage_name', 'The name of the stage in the pipeline.', 'Qualified', true),
      f('pipeline_stage', 'The stage (another name users write).', 'Qualified', true),
      f('source', 'Where the opportunity came from.', 'Website contact form', true),
      f('lead_source', 'The lead source (another name users write).', 'Website contact form', true),
      f('assigned_to', 'The user the opportunity is assigned to.', 'Dana Whitfield', true),
    ],
  },
  {
    name: 'user',
    description: "The contact's assigned user.",
    fields: [
      f('name', "The user's full name.", 'Dana Whitfield'),
      f('first_name', "The user's first name.", 'Dana'),
      f('last_name', "The user's last name.", 'Whitfield'),
      f('email', "The user's email address.", 'dana@northwind.example.com'),
      f('phone', "The user's phone number, formatted.", '+1 555-555-0199'),
      f('phone_raw', "The user's phone number, digits only.", '+15555550199'),
      f('email_signature', "The user's email signature.", 'Dana Whitfield, Northwind Marketing'),
      f('calendar_link', "The user's booking link.", 'https://book.example.com/dana'),
      f('call_provider_phone_number', "The user's calling number, formatted.", '+1 555-555-0100'),
      f('call_provider_phone_number_raw', "The user's calling number, digits only.", '+15555550100'),
    ],
  },
  {
    name: 'appointment',
    description: 'The appointment that triggered the workflow.',
    fields: [
      f('id', "The appointment's id.", 'ap_7781', true),
      f('title', 'The appointment title.', 'Consultation with Maria Okafor'),
      f('start_time', 'Start date and time, formatted.', 'Wed, Nov 5, 2025 3:30 PM'),
      f('only_start_date', 'Start date only.', 'Wed, Nov 5, 2025'),
      f('only_start_time', 'Start time only.', '3:30 PM'),
      f('end_time', 'End date and time, formatted.', 'Wed, Nov 5, 2025 4:00 PM'),
      f('only_end_date', 'End date only.', 'Wed, Nov 5, 2025'),
      f('only_end_time', 'End time only.', '4:00 PM'),
      f('day_of_week', 'The weekday of the start.', 'Wednesday'),
      f('month', 'The month of the start.', 'November'),
      f('timezone', "The appointment's time zone.", 'America/Los_Angeles'),
      f('cancellation_link', 'Link that cancels the appointment.', 'https://book.example.com/cancel/ap_7781'),
      f('reschedule_link', 'Link that reschedules the appointment.', 'https://book.example.com/reschedule/ap_7781'),
      f('meeting_location', 'Where the meeting is (address or call link).', 'https://meet.example.com/ap-7781'),
      f('notes', 'Notes on the appointment.', 'First visit'),
      f('add_to_calendar', 'Link to add the appointment to a calendar.', 'https://book.example.com/ics/ap_7781'),
      f('add_to_google_calendar', 'Link to add the appointment to Google Calendar.', 'https://calendar.google.com/calendar/render?action=TEMPLATE'),
      f('add_to_ical', 'Link to an iCal file of the appointment.', 'https://book.example.com/ical/ap_7781'),
      f('recurring.repeats', 'How a recurring appointment repeats.', 'weekly'),
      f('recurring.times_to_repeat', 'How many times it repeats.', '4'),
      f('user.name', 'The user the appointment is with.', 'Dana Whitfield'),
      f('user.email', "That user's email address.", 'dana@northwind.example.com'),
      f('user.phone', "That user's phone number, formatted.", '+1 555-555-0199'),
      f('user.phone_raw', "That user's phone number, digits only.", '+15555550199'),
      f('user.email_signature', "That user's email signature.", 'Dana Whitfield, Northwind Marketing'),
    ],
  },
  {
    name: 'calendar',
    description: 'The calendar of the appointment.',
    fields: [f('name', "The calendar's name.", 'Consultations')],
  },
  {
    name: 'location',
    description: 'The sub-account (business location) the workflow belongs to.',
    fields: [
      f('id', "The location's id.", 'loc_2Rz81'),
      f('name', "The business's name.", 'Northwind Marketing'),
      f('full_address', 'The whole address on one line.', '100 Market Street, Portland, OR 97204, US'),
      f('address', 'Street address.', '100 Market Street'),
      f('city', 'City.', 'Portland'),
      f('state', 'State, province or region.', 'OR'),
      f('country', 'Country.', 'US'),
      f('postal_code', 'Postal or ZIP code.', '97204'),
      f('email', "The business's email address.", 'hello@northwind.example.com'),
      f('phone', "The business's phone number, formatted.", '+1 555-555-0110'),
      f('phone_raw', "The business's phone number, digits only.", '+15555550110'),
      f('website', "The business's website.", 'https://northwind.example.com'),
      f('logo_url', "URL of the business's logo.", 'https://northwind.example.com/logo.png'),
      f('timezone', "The location's IANA time zone: right_now is rendered in it.", 'America/Los_Angeles', true),
    ],
  },
  {
    name: 'location_owner',
    description: 'The owner of the sub-account.',
    fields: [
      f('first_name', "The owner's first name.", 'Lena'),
      f('last_name', "The owner's last name.", 'Marsh'),
      f('email', "The owner's email address.", 'lena@northwind.example.com'),
    ],
  },
  {
    name: 'company',
    description: "The contact's company; blank when the contact has none.",
    fields: [
      f('name', "The company's name.", 'Brightside Dental Studio'),
      f('email', "The company's email address.", 'office@brightside-dental.example.com'),
      f('phone', "The company's phone number.", '+15555550177'),
    ],
  },
  {
    name: 'right_now',
    description: 'The time the step runs, in the location time zone. The value changes with time.',
    fields: [
      f('second', 'Seconds, two digits.', '05'),
      f('minute', 'Minutes, two digits.', '07'),
      f('hour', 'Hour of the day, 24-hour clock, two digits.', '15'),
      f('hour_ampm', 'Hour on the 12-hour clock.', '3'),
      f('ampm', 'AM or PM.', 'PM'),
      f('day_of_week', 'The weekday.', 'Tuesday'),
      f('month_name', 'The month.', 'December'),
      f('day', 'Day of the month, two digits.', '01'),
      f('month', 'Month number, two digits.', '12'),
      f('year', 'The year, four digits.', '2026'),
      f('middle_endian_date', 'The date as MM/DD/YYYY.', '12/01/2026'),
      f('little_endian_date', 'The date as DD/MM/YYYY.', '01/12/2026'),
      f('date', 'The date (some accounts).', '2026-12-01', true),
    ],
  },
  {
    name: 'message',
    description: 'The message that triggered the workflow; empty unless a message did.',
    trigger: 'a message (Customer Replied, Inbound Email)',
    fields: [f('body', 'The text of the message.', 'Yes, Tuesday works for me'), f('subject', 'The subject (email).', 'Re: your appointment')],
  },
  {
    name: 'custom_values',
    description: "The sub-account's custom values.",
    userKeys: 'Written {{custom_values.<key>}}: the key is made from the name once and does not change on rename.',
    fields: [],
  },
  {
    name: 'inboundWebhookRequest',
    description: 'The request that an Inbound Webhook trigger received.',
    trigger: 'Inbound Webhook',
    userKeys: 'Follows the JSON path of the received body: {{inboundWebhookRequest.<json.path>}} (keys without spaces; arrays are not values).',
    fields: [f('body', 'The received body (newer accounts write inboundWebhookRequest.body.<key>).', { order_id: 'A-2047' })],
  },
  {
    name: 'payment',
    description: 'The payment of a payment trigger.',
    trigger: 'Payment Received',
    fields: [
      f('total_amount', 'The amount paid, formatted.', '$475.00'),
      f('transaction_id', 'The transaction id.', 'txn_5Hb20'),
      f('customer.email', "The payer's email address.", 'maria.okafor@example.com'),
      f('customer.name', "The payer's name.", 'Maria Okafor', true),
      f('currency', 'The currency code.', 'USD', true),
    ],
  },
  {
    name: 'invoice',
    description: 'The invoice of an invoice trigger.',
    trigger: 'Invoice',
    fields: [
      f('number', 'The invoice number.', 'INV-000112', true),
      f('total', 'The total, formatted.', '$475.00', true),
      f('due_date', 'The due date.', '2026-12-15', true),
      f('url', 'Link to the invoice.', 'https://pay.example.com/inv/112', true),
    ],
  },
  {
    name: 'campaign',
    description: 'The campaign event of a campaign trigger.',
    trigger: 'a campaign event',
    fields: [f('event_type', 'What happened (opened, clicked).', 'clicked', true), f('event_date', 'When it happened.', '2026-12-01', true)],
  },
  {
    name: 'user_replied',
    description: 'The reply of a reply trigger.',
    trigger: 'Customer Replied',
    fields: [f('message', 'The reply text.', 'Yes, Tuesday works for me', true), f('channel', 'The channel of the reply.', 'SMS', true)],
  },
  {
    name: 'inboundEmail',
    description: 'The email of an inbound email trigger.',
    trigger: 'Inbound Email',
    fields: [f('subject', 'The subject.', 'Question about my booking', true), f('from', 'The sender.', 'maria.okafor@example.com', true)],
  },
  {
    name: 'chatgpt',
    description: 'Outputs of earlier ChatGPT steps: {{chatgpt.<n>.response}}.',
    step: true,
    fields: [f('*.response', 'The text the n-th ChatGPT step produced.', 'Thanks for reaching out, Maria!')],
  },
  {
    name: 'datetime_formatter',
    description: 'Outputs of earlier Date/Time Formatter steps: {{datetime_formatter.<n>.<field>}}.',
    step: true,
    fields: [
      f('*.date', 'The formatted date.', '2026-12-01'),
      f('*.datetime', 'The formatted date and time.', '2026-12-01 15:07'),
      f('*.days', 'The difference in days.', '3'),
    ],
  },
  {
    name: 'workflow_ai_translate_content',
    description: 'Outputs of earlier translation steps: {{workflow_ai_translate_content.<n>.response}}.',
    step: true,
    fields: [f('*.response', 'The translated text.', 'Gracias por escribirnos')],
  },
  {
    name: 'custom_webhook',
    description: 'Responses saved by earlier Custom Webhook steps of the workflow: {{custom_webhook.<n>.response.<key>}}.',
    step: true,
    userKeys: 'The keys are those of the saved response: run the workflow once, or give them in the sample.',
    fields: [f('*.response', 'The response body the n-th Custom Webhook step saved ("saveResponse": true).', { id: 'rec_1001' })],
  },
];

const BY_NAME = new Map(CATALOGUE.map((ns) => [ns.name, ns]));

/** Every path below each namespace that the catalogue knows, prefixes included (`attributionSource`, `attributionSource.url`). */
const KNOWN = new Map(
  CATALOGUE.map((ns) => {
    const known = new Set<string>();
    for (const field of ns.fields) {
      const parts = field.path.split('.');
      for (let i = 1; i <= parts.length; i++) known.add(parts.slice(0, i).join('.'));
    }
    return [ns.name, known];
  }),
);

/** A catalogue namespace by name. */
export function catalogueNamespace(name: string): CatalogueNamespace | undefined {
  return BY_NAME.get(name);
}

/** The names of every catalogue namespace. */
export function catalogueNamespaceNames(): string[] {
  return CATALOGUE.map((ns) => ns.name);
}

type Seg = Pick<PathSegment, 'name' | 'indexes'>;

/** True when a written segment stands where the catalogue has `part` (`*` takes a step number). */
function segmentMatches(part: string, seg: Seg): boolean {
  return part === '*' ? /^\d+$/.test(seg.name) : part === seg.name;
}

/** The catalogue field at a whole path (namespace first), if it is one. */
export function catalogueField(segments: readonly Seg[]): CatalogueField | undefined {
  const ns = segments.length > 1 ? BY_NAME.get(segments[0]!.name) : undefined;
  if (!ns) return undefined;
  const rest = segments.slice(1);
  return ns.fields.find((field) => {
    const parts = field.path.split('.');
    return parts.length === rest.length && parts.every((p, i) => segmentMatches(p, rest[i]!));
  });
}

/** True when the catalogue knows the path: a namespace, a field, or an object above fields (`contact.attributionSource`). */
export function inCatalogue(segments: readonly Seg[]): boolean {
  const known = segments.length > 0 ? KNOWN.get(segments[0]!.name) : undefined;
  if (!known) return false;
  if (segments.length === 1) return true;
  const step = BY_NAME.get(segments[0]!.name)!.step === true;
  let key = '';
  for (let i = 1; i < segments.length; i++) {
    const name = segments[i]!.name;
    key += (i > 1 ? '.' : '') + (step && i === 1 && /^\d+$/.test(name) ? '*' : name);
  }
  return known.has(key);
}

/** A name the catalogue offers below a path, with whether more follows. */
export interface CatalogueChild {
  readonly name: string;
  /** The field, when the child is one (not an object above fields). */
  readonly field?: CatalogueField;
  /** True when the child holds further fields. */
  readonly branch: boolean;
}

/** What the catalogue has directly below a path (namespace first), in catalogue order. */
export function catalogueChildren(parent: readonly Seg[]): CatalogueChild[] {
  const ns = parent.length > 0 ? BY_NAME.get(parent[0]!.name) : undefined;
  if (!ns) return [];
  const rest = parent.slice(1);
  const out = new Map<string, CatalogueChild>();
  for (const field of ns.fields) {
    const parts = field.path.split('.');
    if (parts.length <= rest.length || !rest.every((seg, i) => segmentMatches(parts[i]!, seg))) continue;
    const name = parts[rest.length]!;
    if (name === '*') continue; // a step number is the user's to write
    const leaf = parts.length === rest.length + 1;
    const known = out.get(name);
    out.set(name, { name, field: leaf ? field : known?.field, branch: (known?.branch ?? false) || !leaf });
  }
  return [...out.values()];
}

/** Every catalogue namespace filled with its example values, as sample data. Step numbers become 1. */
export function catalogueExampleData(): JsonObject {
  const data: JsonObject = {};
  for (const ns of CATALOGUE) {
    const target: JsonObject = {};
    for (const field of ns.fields) {
      const parts = field.path.split('.').map((p) => (p === '*' ? '1' : p));
      let at = target;
      for (const p of parts.slice(0, -1)) {
        const next = at[p];
        if (typeof next === 'object' && next !== null && !Array.isArray(next)) at = next;
        else at = at[p] = {};
      }
      at[parts[parts.length - 1]!] = structuredClone(field.example);
    }
    data[ns.name] = target;
  }
  return data;
}
