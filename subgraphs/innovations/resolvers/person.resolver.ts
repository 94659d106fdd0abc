import { parseId } from '../../../platform/ids';
import type { PersonResolvers } from '../generated/graphql';

/** A person (owned by members): here, their saved catalogue searches, the person's own to read. */
export const Person: PersonResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  savedCatalogueSearches: (person, _args, { savedSearches }) => savedSearches.of(person.id),
};
