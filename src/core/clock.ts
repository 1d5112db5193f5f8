/**
 * The platform's clock (docs/architecture.md, "Merge fields"): `{{right_now.*}}` from the current time in a
 * time zone. The time comes through the `Clock` port, so a render is reproducible when the face fixes it
 * (`--now`, the `webhookStudio.render.now` setting) and tests never read the real clock.
 */

/** The time port: what "now" is for a render. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** A clock stopped at one instant. */
export function fixedClock(at: Date): Clock {
  const time = at.getTime();
  return { now: () => new Date(time) };
}

/** The fields of `right_now`, in the order the platform lists them. */
export const RIGHT_NOW_FIELDS = [
  'second',
  'minute',
  'hour',
  'hour_ampm',
  'ampm',
  'day_of_week',
  'month_name',
  'day',
  'month',
  'year',
  'middle_endian_date',
  'little_endian_date',
  'date',
] as const;

/** A field of `right_now`. */
export type RightNowField = (typeof RIGHT_NOW_FIELDS)[number];

/** True for a name of a `right_now` field. */
export function isRightNowField(name: string): name is RightNowField {
  return (RIGHT_NOW_FIELDS as readonly string[]).includes(name);
}

/** True when `zone` is an IANA time zone this runtime knows (or UTC). */
export function isTimeZone(zone: string): boolean {
  // The default needs no check: building a formatter loads the time zone data, which costs a command's start-up ~18 ms.
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses an ISO 8601 date and time with a zone designator (`2026-12-01T15:07:05Z`, `…+01:00`) or a plain
 * date (midnight UTC); undefined for anything else.
 */
export function parseIsoTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text.trim())) return undefined;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The text of a `right_now` field at `at` in `zone` (an IANA zone; an unknown one is read as UTC). */
export function rightNow(field: RightNowField, at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: isTimeZone(zone) ? zone : 'UTC',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'long',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const year = part('year');
  const month = Number(part('month'));
  const day = Number(part('day'));
  const hour = Number(part('hour')) % 24;
  switch (field) {
    case 'second':
      return two(Number(part('second')));
    case 'minute':
      return two(Number(part('minute')));
    case 'hour':
      return two(hour);
    case 'hour_ampm':
      return String(hour % 12 === 0 ? 12 : hour % 12);
    case 'ampm':
      return hour < 12 ? 'AM' : 'PM';
    case 'day_of_week':
      return part('weekday');
    case 'month_name':
      return MONTHS[month - 1] ?? '';
    case 'day':
      return two(day);
    case 'month':
      return two(month);
    case 'year':
      return year;
    case 'middle_endian_date':
      return `${two(month)}/${two(day)}/${year}`;
    case 'little_endian_date':
      return `${two(day)}/${two(month)}/${year}`;
    case 'date':
      return `${year}-${two(month)}-${two(day)}`;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
