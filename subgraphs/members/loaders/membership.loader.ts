import DataLoader from 'dataloader';
import { In, IsNull, MoreThan, type DataSource } from 'typeorm';
import { groupByKeys, orderByKeys } from '../../../platform/loaders';
import { Invitation, Membership, MembershipDecision } from '../entities';

/** Memberships of many organisations in one query; null for an organisation that never applied. */
export const createMembershipByOrganisationLoader = (dataSource: DataSource) =>
  new DataLoader<string, Membership | null>(async (organisationIds) => {
    const rows = await dataSource.getRepository(Membership).find({ where: { organisationId: In([...organisationIds]) } });
    return orderByKeys(organisationIds, rows, (row) => row.organisationId);
  });

/** The audit trails of many memberships in one query, each oldest first. */
export const createDecisionsByOrganisationLoader = (dataSource: DataSource) =>
  new DataLoader<string, MembershipDecision[]>(async (organisationIds) => {
    const rows = await dataSource.getRepository(MembershipDecision).find({
      where: { organisationId: In([...organisationIds]) },
      order: { decidedAt: 'ASC', id: 'ASC' },
    });
    return groupByKeys(organisationIds, rows, (row) => row.organisationId);
  });

/** Open invitations (not accepted, not expired) of many organisations in one query, newest first. */
export const createOpenInvitationsByOrganisationLoader = (dataSource: DataSource) =>
  new DataLoader<string, Invitation[]>(async (organisationIds) => {
    const rows = await dataSource.getRepository(Invitation).find({
      where: { organisationId: In([...organisationIds]), acceptedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return groupByKeys(organisationIds, rows, (row) => row.organisationId);
  });
