import { badUserInput } from './errors';
import { parseId } from './ids';

/**
 * The readers of client input: each takes a value as GraphQL delivered it and returns it clean
 * (trimmed, normalised, in range), or throws BAD_USER_INPUT naming `field`, which a mutation
 * answers as an `InvalidInput` refusal with that `field` and a query as an error with
 * `extensions.argument`. Services read their input through these before any SQL, so bad input
 * changes nothing and costs no statement. Rules that relate two values (an end before its start)
 * or need the database stay with the service that owns them.
 */

/** The argument or input field a value came in, as the client spelt it: "title", "input.links[0].url". */
interface Field {
  field: string;
}

interface TextLimits extends Field {
  /** The most characters kept, after trimming. Every text a client sends has one. */
  max: number;
  /** The fewest characters, after trimming; 1 unless a text must say more than a word. */
  min?: number;
}

interface Range extends Field {
  min: number;
  max?: number;
}

interface ListLimits extends Field {
  min?: number;
  max?: number;
  /** What the list holds, plural, for the message ("tags", "links"). */
  noun?: string;
}

const tooLong = (field: string, max: number, length: number) =>
  badUserInput(`"${field}" must be at most ${max} characters; it was ${length}.`, field);

/** Text the client must give: trimmed, `min` (1) to `max` characters. */
export function requiredText(value: string | null | undefined, { field, max, min = 1 }: TextLimits): string {
  const text = value?.trim() ?? '';
  if (text.length === 0) throw badUserInput(`"${field}" must not be empty.`, field);
  if (text.length < min) throw badUserInput(`"${field}" must be at least ${min} characters; it was ${text.length}.`, field);
  if (text.length > max) throw tooLong(field, max, text.length);
  return text;
}

/** Text the client may leave out: trimmed, at most `max` characters; absent or blank is null. */
export function optionalText(value: string | null | undefined, { field, max }: TextLimits): string | null {
  const text = value?.trim() ?? '';
  if (text.length === 0) return null;
  if (text.length > max) throw tooLong(field, max, text.length);
  return text;
}

/**
 * What a client typed into a search or filter box: null when absent or blank, else trimmed. The
 * limit is on the text as sent, spaces included: an over-long one is refused before anything reads it.
 */
export function searchText(value: string | null | undefined, { field, max }: TextLimits): string | null {
  if (value === null || value === undefined) return null;
  if (value.length > max) throw tooLong(field, max, value.length);
  return value.trim() || null;
}

/** An https link (never plain http or a script URL, which a page would render as a link), normalised. */
export function httpsUrl(value: string | null | undefined, limits: TextLimits): string {
  const text = requiredText(value, limits);
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url) throw badUserInput(`"${limits.field}" must be an https URL; it is not a URL.`, limits.field);
  if (url.protocol !== 'https:') throw badUserInput(`"${limits.field}" must be an https URL; it was ${url.protocol}.`, limits.field);
  return url.href;
}

/** The longest email address (RFC 5321's path limit). */
const MAX_EMAIL_LENGTH = 320;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email address, trimmed and in lower case: addresses are compared and stored that way. */
export function emailAddress(value: string | null | undefined, { field }: Field): string {
  const email = value?.trim().toLowerCase() ?? '';
  if (email.length > MAX_EMAIL_LENGTH || !emailPattern.test(email)) {
    throw badUserInput(`"${field}" must be an email address such as "name@kent.gov.uk".`, field);
  }
  return email;
}

const range = (min: number, max: number | undefined) => (max === undefined ? `of at least ${min}` : `from ${min} to ${max}`);

/** A whole number from `min` to `max` (or no upper bound). */
export function wholeNumber(value: number, { field, min, max }: Range): number {
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    throw badUserInput(`"${field}" must be a whole number ${range(min, max)}; it was ${value}.`, field);
  }
  return value;
}

/** A number (fractions allowed) from `min` to `max`. */
export function decimalNumber(value: number, { field, min, max }: Range): number {
  if (!Number.isFinite(value) || value < min || (max !== undefined && value > max)) {
    throw badUserInput(`"${field}" must be a number ${range(min, max)}; it was ${value}.`, field);
  }
  return value;
}

/** Money is stored as numeric(14,2): below a trillion pounds. */
const MAX_POUNDS = 1e12;

/** An amount of money in pounds: above 0, to the penny. */
export function pounds(value: number, { field }: Field): number {
  if (!Number.isFinite(value) || value <= 0 || value >= MAX_POUNDS || Math.round(value * 100) !== value * 100) {
    throw badUserInput(`"${field}" must be an amount in pounds above 0, to the penny.`, field);
  }
  return value;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date "YYYY-MM-DD" that exists (no 30 February). */
export function calendarDate(value: string, { field }: Field): string {
  const date = datePattern.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badUserInput(`"${field}" must be a date "YYYY-MM-DD"; it was "${value.slice(0, 40)}".`, field);
  }
  return value;
}

/** A list of `min` (0) to `max` (unbounded) items; the values themselves are the caller's to read. */
export function boundedList<L extends readonly unknown[]>(values: L, { field, min = 0, max = Infinity, noun = 'items' }: ListLimits): L {
  if (values.length === 0 && min > 0) throw badUserInput(`"${field}" must not be empty.`, field);
  if (values.length < min || values.length > max) {
    const allowed = max === Infinity ? `at least ${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
    throw badUserInput(`"${field}" must hold ${allowed} ${noun}; it held ${values.length}.`, field);
  }
  return values;
}

/**
 * Well-formed ids (UUIDs, lower case), `min` to `max` of them. An id given twice is refused, or
 * with `repeats: 'merged'` kept once, for lists where naming one twice can only mean it once.
 */
export function idList(
  values: readonly string[],
  { repeats = 'refused', ...limits }: ListLimits & { repeats?: 'refused' | 'merged' },
): string[] {
  const counted = { noun: 'ids', ...limits };
  // Counted before reading when repeats are refused, so an over-long list costs nothing more.
  if (repeats === 'refused') boundedList(values, counted);
  const ids = values.map((value) => parseId(value, limits.field));
  const distinct = [...new Set(ids)];
  if (repeats === 'refused' && distinct.length !== ids.length) throw badUserInput(`"${limits.field}" lists an id twice.`, limits.field);
  boundedList(distinct, counted);
  return distinct;
}
