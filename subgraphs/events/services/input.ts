import { badUserInput } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';

/** Trimmed text within `max` characters; empty text is refused for required fields. */
export function readText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (!text) throw badUserInput(`"${field}" must not be empty.`, field);
  if (text.length > max) throw badUserInput(`"${field}" must be at most ${max} characters; it was ${text.length}.`, field);
  return text;
}

/** An https link within `max` characters. */
export function readHttpsUrl(value: string, field: string, max: number): string {
  const text = readText(value, field, max);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(`"${field}" must be an https link.`, field);
  }
  if (url.protocol !== 'https:') throw badUserInput(`"${field}" must be an https link.`, field);
  return text;
}

/** Distinct, well-formed ids, at most `max` of them. */
export function readIds(values: readonly string[], field: string, max: number, min = 0): string[] {
  if (values.length > max || values.length < min) throw badUserInput(`"${field}" must list between ${min} and ${max} ids.`, field);
  const ids = values.map((value) => parseId(value, field));
  if (new Set(ids).size !== ids.length) throw badUserInput(`"${field}" lists an id twice.`, field);
  return ids;
}

/** A whole number in [min, max]. */
export function readInteger(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badUserInput(`"${field}" must be a whole number from ${min} to ${max}.`, field);
  return value;
}
