import type { DataSource } from 'typeorm';
import {
  createDecisionsByOrganisationLoader,
  createMembershipByOrganisationLoader,
  createOpenInvitationsByOrganisationLoader,
} from './membership.loader';
import { createOrganisationByIdLoader } from './organisation.loader';
import { createPeopleByOrganisationLoader, createPersonByIdLoader } from './person.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createMembersLoaders(dataSource: DataSource) {
  return {
    organisationById: createOrganisationByIdLoader(dataSource),
    personById: createPersonByIdLoader(dataSource),
    peopleByOrganisation: createPeopleByOrganisationLoader(dataSource),
    membershipByOrganisation: createMembershipByOrganisationLoader(dataSource),
    decisionsByOrganisation: createDecisionsByOrganisationLoader(dataSource),
    openInvitationsByOrganisation: createOpenInvitationsByOrganisationLoader(dataSource),
  };
}
export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
