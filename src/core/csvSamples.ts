/**
 * Samples from a CRM contacts export (docs/architecture.md, "Samples from CSV"): each row of a CSV becomes
 * one sample, streamed with csv-parse so an export of any length is read in constant memory. Columns map
 * to fields by their normalised header ("First Name" → `contact.first_name`, "Tags" split on commas);
 * unknown columns become custom fields by their snake_case key (`{{contact.<key>}}`, as the platform
 * names them); a header that is already a path (`opportunity.stage`) is taken as is; a mapping overrides
 * the guess for any column, or leaves it out with `null`.
 */
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { JsonObject, Sample } from './types';

/** Column header → the variable path it fills, or null to leave the column out. */
export type CsvMapping = { readonly [header: string]: string | null };

/** Header words (snake_case) that are another name of a standard contact field. */
const ALIASES: Readonly<Record<string, string>> = {
  email_address: 'email',
  e_mail: 'email',
  mail: 'email',
  phone_number: 'phone',
  mobile: 'phone',
  mobile_phone: 'phone',
  company: 'company_name',
  business_name: 'company_name',
  zip: 'postal_code',
  zip_code: 'postal_code',
  postcode: 'postal_code',
  address: 'address1',
  street_address: 'address1',
  address_line_1: 'address1',
  full_name: 'name',
  contact_name: 'name',
  dob: 'date_of_birth',
  birthday: 'date_of_birth',
  tag: 'tags',
  contact_id: 'id',
  time_zone: 'timezone',
  given_name: 'first_name',
  family_name: 'last_name',
  surname: 'last_name',
};

const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;

/** The snake_case key of a header: "First Name" → first_name, "LeadScore" → lead_score, "Über-Größe" → uber_grosse. */
export function snakeCase(header: string): string {
  const key = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (key === '') return 'field';
  return /^[0-9]/.test(key) ? `field_${key}` : key;
}

/** The variable path a column fills (undefined: left out), by the mapping first, then by its header. */
export function columnTarget(header: string, mapping: CsvMapping = {}): string | undefined {
  if (Object.hasOwn(mapping, header)) return mapping[header] ?? undefined;
  const trimmed = header.trim();
  if (PATH.test(trimmed)) return trimmed;
  const key = snakeCase(trimmed);
  return `contact.${ALIASES[key] ?? key}`;
}

/** Why a mapping is unusable, or undefined: every value must be a variable path (`namespace.field`) or null. */
export function mappingProblem(mapping: unknown): string | undefined {
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping))
    return 'a mapping is a JSON object of column header → "namespace.field" or null';
  for (const [header, target] of Object.entries(mapping)) {
    if (target !== null && (typeof target !== 'string' || !PATH.test(target))) {
      return `the column "${header}" maps to ${JSON.stringify(target)}: use a path such as "contact.first_name", or null to leave the column out`;
    }
  }
  return undefined;
}

/** A CSV that cannot be read as samples, with the line it went wrong on. */
export class CsvSampleError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Options of reading samples from CSV. */
export interface CsvSampleOptions {
  readonly mapping?: CsvMapping;
  /** Shown in sample names and messages: the file as the user named it. */
  readonly source?: string;
}

/**
 * Reads samples from CSV text chunks, one per data row, in order. The first row is the header. Throws a
 * `CsvSampleError` with the line for malformed CSV (an unclosed quote, a row with more cells than headers).
 */
export async function* csvSamples(chunks: AsyncIterable<string | Uint8Array>, options: CsvSampleOptions = {}): AsyncGenerator<Sample> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count_less: true, info: true });
  const source = Readable.from(chunks, { objectMode: false });
  // pipeline keeps the reading as slow as the sending (back-pressure) and takes either stream down with the other.
  pipeline(source, parser, () => undefined);
  let targets: Array<string | undefined> | undefined;
  let row = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!targets) {
        targets = record.map((h) => columnTarget(h, options.mapping));
        continue;
      }
      row++;
      yield rowSample(record, targets, row, info.lines);
    }
  } catch (error) {
    if (error instanceof CsvSampleError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    throw new CsvSampleError(csvMessage(e.code, e.message ?? String(error)), line);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

function csvMessage(code: string | undefined, message: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is not closed before the end of the file';
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return 'a row has more cells than the header has columns';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a quoted cell must be doubled ("")';
    default:
      return message.replace(/^Invalid Record Length: /, '').replace(/, got \d+ on line \d+$/, '');
  }
}

function rowSample(cells: readonly string[], targets: ReadonlyArray<string | undefined>, row: number, line: number): Sample {
  const data: JsonObject = {};
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    const cell = cells[i];
    if (target === undefined || cell === undefined) continue;
    const [namespace, ...rest] = target.split('.');
    let at = (data[namespace!] ??= {}) as JsonObject;
    for (const key of rest.slice(0, -1)) {
      const next = at[key];
      at = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (at[key] = {});
    }
    const field = rest[rest.length - 1]!;
    at[field] =
      field === 'tags'
        ? cell
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== '')
        : cell;
  }
  return { name: sampleName(data, row, line), data, builtin: false };
}

function sampleName(data: JsonObject, row: number, line: number): string {
  const contact = (data['contact'] ?? {}) as JsonObject;
  const text = (key: string) => (typeof contact[key] === 'string' ? contact[key].trim() : '');
  const who = text('name') || [text('first_name'), text('last_name')].filter((s) => s !== '').join(' ') || text('email');
  return who ? `row ${row} (line ${line}): ${who}` : `row ${row} (line ${line})`;
}

/** The header row of a CSV (its first record), read without going further; empty for an empty file. */
export async function csvHeader(chunks: AsyncIterable<string | Uint8Array>): Promise<string[]> {
  for await (const sample of csvRecords(chunks)) return sample;
  return [];
}

async function* csvRecords(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string[]> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, to_line: 1 });
  const source = Readable.from(chunks, { objectMode: false });
  pipeline(source, parser, () => undefined);
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (error) {
    const e = error as { code?: string; lines?: number; message?: string };
    throw new CsvSampleError(csvMessage(e.code, e.message ?? String(error)), typeof e.lines === 'number' ? e.lines : undefined);
  } finally {
    source.destroy();
    parser.destroy();
  }
}
