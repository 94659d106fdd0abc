import { readListSize } from '../../../platform/pagination';
import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  innovations: (organisation, args, { innovations }) => innovations.listBySupplier(organisation.id, args),
  endorsements: (organisation, { first }, { innovations }) => innovations.endorsementsByOrganisation(organisation.id, readListSize(first)),
};
