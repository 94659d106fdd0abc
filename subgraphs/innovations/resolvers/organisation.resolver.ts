import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  innovations: (organisation, args, { innovations }) => innovations.listBySupplier(organisation.id, args),
  endorsements: (organisation, _args, { innovations }) => innovations.endorsementsByOrganisation(organisation.id),
};
