import { readListSize } from '../../../platform/pagination';
import type { AdmissionResolvers, OrganisationResolvers } from '../generated/graphql';

/** Members owns organisations; procurement adds their contracts, which are published information. */
export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  contracts: (organisation, { first }, { projects }) => projects.contractsOf(organisation.id, readListSize(first)),
};

export const Admission: AdmissionResolvers = {
  lot: async (admission, _args, { lots }) => (await lots.findById(admission.lotId))!,
  supplier: (admission) => ({ id: admission.supplierId }),
  status: (admission, _args, { admissions }) => admissions.status(admission),
  appliedAt: (admission) => admission.createdAt,
};
