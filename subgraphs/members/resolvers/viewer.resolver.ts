import { notFound } from '../../../platform/errors';
import type { SignedInViewerResolvers } from '../generated/graphql';
import { type SignedInViewerModel } from '../mappers';

export const SignedInViewer: SignedInViewerResolvers = {
  person: ({ person }: SignedInViewerModel) => person,
  organisation: async ({ person }: SignedInViewerModel, _args, { organisations }) =>
    (await organisations.findById(person.organisationId)) ?? Promise.reject(notFound('Organisation', person.organisationId)),
  membership: async ({ person }: SignedInViewerModel, _args, { memberships }) => {
    const membership = await memberships.findByOrganisation(person.organisationId);
    return membership && membership;
  },
  // From the database, not the gateway's assertion, so a role change shows at once.
  organisationRoles: ({ person }: SignedInViewerModel) => person.organisationRoles,
  platformRoles: ({ person }: SignedInViewerModel) => person.platformRoles,
};
