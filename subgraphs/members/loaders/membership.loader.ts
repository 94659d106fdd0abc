import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { boundedChildrenLoaders, findFirstPerParent, orderByKeys } from '../../../platform/loaders';
import { Invitation, Membership, MembershipDecision } from '../entities';

/** Memberships of many organisations in one query; null for an organisation that never applied. */
export const createMembershipByOrganisationLoader = (dataSource: DataSource) =>
  new DataLoader<string, Membership | null>(async (organisationIds) => {
    const rows = await dataSource.getRepository(Membership).find({ where: { organisationId: In([...organisationIds]) } });
    return orderByKeys(organisationIds, rows, (row) => row.organisationId);
  });

/** The audit trails of many memberships in one query, each oldest first, at most `first` each. */
export const createDecisionsByOrganisationLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders(
    (organisationIds, first) =>
      findFirstPerParent(dataSource.getRepository(MembershipDecision), {
        parent: 'organisationId',
        parentIds: organisationIds,
        order: [
          ['decidedAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: first,
      }),
    (row) => row.organisationId,
  );

/** Open invitations (not accepted, not expired by the clock) of many organisations in one query, newest first, at most `first` each. */
export const createOpenInvitationsByOrganisationLoaders = (dataSource: DataSource, clock: Clock) =>
  boundedChildrenLoaders(
    (organisationIds, first) =>
      findFirstPerParent(dataSource.getRepository(Invitation), {
        parent: 'organisationId',
        parentIds: organisationIds,
        order: [
          ['createdAt', 'DESC'],
          ['id', 'ASC'],
        ],
        where: 'accepted_at IS NULL AND expires_at > :now',
        parameters: { now: clock.now() },
        limit: first,
      }),
    (row) => row.organisationId,
  );
