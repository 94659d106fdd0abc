import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference, { organisations }) => organisations.findById(reference.id),
  people: (organisation, _args, { people }) => people.listByOrganisation(organisation.id),
};
