/** For `ILIKE … ESCAPE '\'`: a user's `%` or `_` is a literal character, not a wildcard. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `%text%`, escaped, for a case-insensitive "contains" filter. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
