import { badUserInput } from './errors';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * Ids are UUIDs. A malformed one is the client's mistake and gets BAD_USER_INPUT here, before it
 * can reach PostgreSQL and come back as an opaque cast error.
 */
export function parseId(value: string, argument = 'id'): string {
  if (!isUuid(value)) throw badUserInput(`"${value}" is not a valid id: ids are UUIDs.`, argument);
  return value.toLowerCase();
}
