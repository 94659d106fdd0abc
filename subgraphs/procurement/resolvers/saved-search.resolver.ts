import { parseId } from '../../../platform/ids';
import type { PersonResolvers, SavedOpportunitySearchResolvers } from '../generated/graphql';

/** A person (owned by members): here, their saved opportunity searches, the person's own to read. */
export const Person: PersonResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  savedOpportunitySearches: (person, _args, { savedSearches }) => savedSearches.of(person.id),
};

export const SavedOpportunitySearch: SavedOpportunitySearchResolvers = {
  route: (search, _args, { loaders }) => (search.routeId ? loaders.routeById.load(search.routeId) : null),
  lot: (search, _args, { loaders }) => (search.lotId ? loaders.lotById.load(search.lotId) : null),
};
