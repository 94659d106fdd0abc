import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import {
  createDecisionsByOrganisationLoaders,
  createMembershipByOrganisationLoader,
  createOpenInvitationsByOrganisationLoaders,
} from './membership.loader';
import { createOrganisationByIdLoader } from './organisation.loader';
import { createPeopleByOrganisationLoaders, createPersonByIdLoader } from './person.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createMembersLoaders(dataSource: DataSource, clock: Clock) {
  return {
    organisationById: createOrganisationByIdLoader(dataSource),
    personById: createPersonByIdLoader(dataSource),
    peopleByOrganisation: createPeopleByOrganisationLoaders(dataSource),
    membershipByOrganisation: createMembershipByOrganisationLoader(dataSource),
    decisionsByOrganisation: createDecisionsByOrganisationLoaders(dataSource),
    openInvitationsByOrganisation: createOpenInvitationsByOrganisationLoaders(dataSource, clock),
  };
}
export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
