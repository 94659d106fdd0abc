import { notFound } from '../../../platform/errors';
import type { InvitationResolvers } from '../generated/graphql';
import type { InvitationModel } from '../mappers';

export const Invitation: InvitationResolvers = {
  organisation: async (invitation: InvitationModel, _args, { organisations }) =>
    (await organisations.findById(invitation.organisationId)) ?? Promise.reject(notFound('Organisation', invitation.organisationId)),
  roles: (invitation: InvitationModel) => invitation.organisationRoles,
  invitedById: (invitation: InvitationModel) => invitation.invitedBy,
};
