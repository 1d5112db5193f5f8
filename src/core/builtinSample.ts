/**
 * The built-in sample contact (docs/architecture.md, "From file text to the wire"): used when the workspace has no `*.sample.json`, so that
 * completion, hover and the preview work on first open. Every standard contact field is filled.
 */
import { catalogueExampleData } from './catalogue';
import type { JsonObject, Sample } from './types';

/** The standard contact fields of the platform, offered by completion even when no sample has them. */
export const STANDARD_CONTACT_FIELDS: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: 'id', description: "The contact's unique id on the platform." },
  { name: 'first_name', description: 'First (given) name.' },
  { name: 'last_name', description: 'Last (family) name.' },
  { name: 'name', description: 'Full name as the platform shows it: first and last name joined.' },
  { name: 'email', description: 'Primary email address.' },
  { name: 'phone', description: 'Primary phone number, in E.164 form where known.' },
  { name: 'company_name', description: 'Company or business name.' },
  { name: 'address1', description: 'Street address, first line.' },
  { name: 'city', description: 'City.' },
  { name: 'state', description: 'State, province or region.' },
  { name: 'postal_code', description: 'Postal or ZIP code.' },
  { name: 'country', description: 'Country, as an ISO 3166-1 alpha-2 code.' },
  { name: 'date_of_birth', description: 'Date of birth as an ISO date (YYYY-MM-DD).' },
  { name: 'source', description: 'Where the contact came from: a form, an import, a campaign.' },
  { name: 'tags', description: 'Tags on the contact; in a template the list is joined with ", ".' },
  { name: 'timezone', description: "The contact's IANA time zone." },
  { name: 'website', description: "The contact's website." },
];

const BUILTIN_NAME = 'Built-in sample contact';

const BUILTIN_DATA: JsonObject = deepFreeze({
  contact: {
    id: 'c_7Hq2Lm9X',
    first_name: 'Maria',
    last_name: 'Okafor',
    name: 'Maria Okafor',
    email: 'maria.okafor@example.com',
    phone: '+15555550142',
    company_name: 'Brightside Dental Studio',
    address1: '4820 Harbor View Road',
    city: 'Portland',
    state: 'OR',
    postal_code: '97201',
    country: 'US',
    date_of_birth: '1987-09-23',
    source: 'Website contact form',
    tags: ['new-lead', 'dental', 'newsletter'],
    timezone: 'America/Los_Angeles',
    website: 'https://brightside-dental.example.com',
  },
  opportunity: {
    id: 'o_3Fk8Pz1Q',
    name: 'Practice website and booking',
    pipeline_name: 'Sales',
    stage: 'Qualified',
    value: 6800,
    status: 'open',
    source: 'Website contact form',
  },
  workflow: {
    order_id: 'A-2047',
    appointment_date: '2025-03-18',
    plan: 'growth',
  },
  custom_values: {
    company_name: 'Northwind Marketing',
    support_email: 'help@northwind.example.com',
    booking_link: 'https://book.example.com/northwind',
  },
});

/** Freezes a JSON value and everything in it: the built-in sample is shared by every caller. */
function deepFreeze<T extends JsonObject>(value: T): T {
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    Object.freeze(v);
    for (const child of Object.values(v)) visit(child);
  };
  visit(value);
  return value;
}

/** The sample used when the workspace has none. */
export const BUILTIN_SAMPLE: Sample = { name: BUILTIN_NAME, data: BUILTIN_DATA, builtin: true };

/** The built-in sample as the text of a `*.sample.json` file, for the "create sample" command. */
export function builtinSampleFileText(): string {
  return `${JSON.stringify({ name: BUILTIN_NAME, ...BUILTIN_DATA }, null, 2)}\n`;
}

/**
 * A sample file for *Create Sample File*: every namespace of the platform's catalogue filled with its example
 * values (docs/architecture.md, "Merge fields"), with the built-in contact, opportunity, workflow variables
 * and custom values over them.
 */
export function catalogueSampleFileText(name = 'New sample'): string {
  const data: JsonObject = catalogueExampleData();
  for (const [namespace, value] of Object.entries(BUILTIN_DATA)) {
    const example = data[namespace];
    const own = structuredClone(value);
    data[namespace] =
      typeof example === 'object' && example !== null && !Array.isArray(example) && typeof own === 'object' && own !== null && !Array.isArray(own)
        ? { ...example, ...own }
        : own;
  }
  return `${JSON.stringify({ name, ...data }, null, 2)}\n`;
}
