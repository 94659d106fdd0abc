import type { MembersContext } from '../context';
import { notFound } from '../../../platform/errors';
import type { SignedInViewerResolvers } from '../generated/graphql';
import { asGraphQL, type SignedInViewerModel } from '../mappers';

// `any` parent: see mappers.ts; the parent is a SignedInViewerModel.
export const SignedInViewer: SignedInViewerResolvers<MembersContext, any> = {
  person: ({ person }: SignedInViewerModel) => person,
  organisation: async ({ person }: SignedInViewerModel, _args, { organisations }) =>
    (await organisations.findById(person.organisationId)) ?? Promise.reject(notFound('Organisation', person.organisationId)),
  membership: async ({ person }: SignedInViewerModel, _args, { memberships }) => {
    const membership = await memberships.findByOrganisation(person.organisationId);
    return membership && asGraphQL(membership);
  },
  // From the database, not the gateway's assertion, so a role change shows at once.
  organisationRoles: ({ person }: SignedInViewerModel) => person.organisationRoles,
  platformRoles: ({ person }: SignedInViewerModel) => person.platformRoles,
};
