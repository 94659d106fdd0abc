import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference, { organisations }) => organisations.reference(reference.id),
  hostedEvents: (organisation, args, { organisations }) => organisations.hostedEvents(organisation, args),
};
