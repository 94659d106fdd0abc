/** For `ILIKE … ESCAPE '\'`: a user's `%` or `_` is a literal character, not a wildcard. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The longest search text a "contains" filter accepts (read with platform/input.ts searchText). */
export const MAX_SEARCH_LENGTH = 200;

/** `%text%`, escaped, for a case-insensitive "contains" filter. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
