import { CreateOrganisationsAndPeople1764201600000 } from './1764201600000-create-organisations-and-people';
import { AddOrganisationDescriptionAndSupplierSize1764288000000 } from './1764288000000-add-organisation-description-and-supplier-size';
import { AddMembershipsRolesAndInvitations1764288000001 } from './1764288000001-add-memberships-roles-and-invitations';
import { BindPeopleToSignInSubjects1764374401600 } from './1764374401600-bind-people-to-sign-in-subjects';
import { AddOrganisationInvitationDomains1765152000000 } from './1765152000000-add-organisation-invitation-domains';
import { VersionOrganisationsMembershipsAndPeople1765500000000 } from './1765500000000-version-organisations-memberships-and-people';
import { AddOutbox1765800000000 } from './1765800000000-add-outbox';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  CreateOrganisationsAndPeople1764201600000,
  AddOrganisationDescriptionAndSupplierSize1764288000000,
  AddMembershipsRolesAndInvitations1764288000001,
  BindPeopleToSignInSubjects1764374401600,
  AddOrganisationInvitationDomains1765152000000,
  VersionOrganisationsMembershipsAndPeople1765500000000,
  AddOutbox1765800000000,
];
