import type { Connection } from '../../platform/pagination';
import type { Invitation, Membership, MembershipDecision, Organisation, Person } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type OrganisationModel = Organisation;
export type PersonModel = Person;
export type OrganisationConnectionModel = Connection<Organisation>;

/*
 * The models of the types below are not in codegen.ts's `mappedTypes` yet (that file is shared
 * by every subgraph), so the generated resolver types still expect their full GraphQL shape.
 * `asGraphQL` hands a model over where a resolver returns one, and these types' own resolvers
 * (typed with `any` parents) read the model. Once codegen.ts maps them, both can go.
 */
export type MembershipModel = Membership;
export type MembershipDecisionModel = MembershipDecision;
export type InvitationModel = Invitation;
export type InvitePersonPayloadModel = { invitation: Invitation; token: string };
/** The signed-in caller's own record; every other field is read from it. */
export type SignedInViewerModel = { person: Person };

export function asGraphQL<TGraphQL>(model: MembershipModel | MembershipDecisionModel | InvitationModel | InvitePersonPayloadModel | SignedInViewerModel): TGraphQL {
  return model as unknown as TGraphQL;
}
