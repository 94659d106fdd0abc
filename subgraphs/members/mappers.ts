import type { Connection } from '../../platform/pagination';
import type { Invitation, Membership, MembershipDecision, Organisation, Person } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type OrganisationModel = Organisation;
export type PersonModel = Person;
export type OrganisationConnectionModel = Connection<Organisation>;
export type MembershipModel = Membership;
export type MembershipDecisionModel = MembershipDecision;
export type InvitationModel = Invitation;
export type InvitePersonPayloadModel = { invitation: Invitation; token: string };
/** The signed-in caller's own record; every other field is read from it. */
export type SignedInViewerModel = { person: Person };

/** Analyst insights: the checked period their fields aggregate over. */
export type { MembershipInsightsScope as MembershipInsightsModel } from './services/insights.service';
