import { wholeNumber } from '../../../platform/input';
import { MAX_PAGE_SIZE } from '../../../platform/pagination';
import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference, { organisations }) => organisations.reference(reference.id),
  hostedEvents: (organisation, args, { organisations }) => organisations.hostedEvents(organisation, args),
  upcomingEvents: async (organisation, { first }, { loaders }) => {
    const size = wholeNumber(first ?? 10, { field: 'first', min: 0, max: MAX_PAGE_SIZE });
    return size === 0 ? [] : loaders.upcomingEvents(size).load(organisation.id);
  },
};
