import type { MembersContext } from '../context';
import { notFound } from '../../../platform/errors';
import type { InvitationResolvers } from '../generated/graphql';
import type { InvitationModel } from '../mappers';

// `any` parent: see mappers.ts; the parent is an InvitationModel.
export const Invitation: InvitationResolvers<MembersContext, any> = {
  organisation: async (invitation: InvitationModel, _args, { organisations }) =>
    (await organisations.findById(invitation.organisationId)) ?? Promise.reject(notFound('Organisation', invitation.organisationId)),
  roles: (invitation: InvitationModel) => invitation.organisationRoles,
  invitedById: (invitation: InvitationModel) => invitation.invitedBy,
};
