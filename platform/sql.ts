import { badUserInput } from './errors';

/** For `ILIKE … ESCAPE '\'`: a user's `%` or `_` is a literal character, not a wildcard. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The longest search text a "contains" filter accepts. */
export const MAX_SEARCH_LENGTH = 200;

/** `%text%`, escaped, for a case-insensitive "contains" filter; longer text is BAD_USER_INPUT. */
export function containsPattern(text: string, argument = 'filter'): string {
  if (text.length > MAX_SEARCH_LENGTH) throw badUserInput(`Search text may be at most ${MAX_SEARCH_LENGTH} characters.`, argument);
  return `%${escapeLike(text)}%`;
}
