import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { boundedChildrenLoaders, findFirstPerParent, firstRowsPerParentSql, groupByKeys } from '../../../platform/loaders';
import { MAX_PAGE_SIZE } from '../../../platform/pagination';
import type { Identity } from '../../../platform/identity';
import {
  Assessment,
  AssessorAssignment,
  AuditEvent,
  Certification,
  ConflictDeclaration,
  Endorsement,
  Evidence,
  Innovation,
  InnovationRevision,
} from '../entities';
import { applyInnovationVisibility, type InnovationVisibility } from '../policy';

/** One `WHERE innovation_id = ANY(…)` per tick for a child table, grouped back per innovation. */
function childrenByInnovation<T extends { innovationId: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (ids) => groupByKeys(ids, await load([...ids]), (row) => row.innovationId));
}

/**
 * A bounded child list of many innovations: at most `first` rows each (newest or oldest first, by
 * `order`), in one statement per batch and `first`.
 */
function firstChildrenByInnovation<T extends { innovationId: string }>(
  repository: import('typeorm').Repository<T>,
  order: [keyof T & string, 'ASC' | 'DESC'][],
) {
  return boundedChildrenLoaders(
    (ids, first) => findFirstPerParent(repository, { parent: 'innovationId' as keyof T & string, parentIds: ids, order, limit: first }),
    (row) => row.innovationId,
  );
}

/**
 * The loaders behind the vetting record and the viewer's capabilities. Every one is a single
 * statement per batch, so a page of 100 innovations asking for `evidence`, `assessments` and
 * `viewerCan` costs the same number of statements as a page of one.
 */
export function createVettingLoaders(dataSource: DataSource, visibility: InnovationVisibility, viewer: Identity) {
  const manager = dataSource.manager;
  const viewerPersonId = viewer?.personId.toLowerCase() ?? null;
  const viewerOrganisationId = viewer?.organisationId.toLowerCase() ?? null;
  let conflictedSuppliers: Promise<Set<string>> | undefined;
  // Which evidence rows the viewer may see (policy.ts: pending evidence is part of the vetting
  // record): withdrawn never; pending only for vetting staff and the supplier's own people.
  const ownSupplierId = visibility.everything ? null : visibility.ownSupplierId;
  const shownEvidence = visibility.everything
    ? `vetting <> 'WITHDRAWN'`
    : ownSupplierId === null
      ? `vetting = 'VETTED'`
      : `(vetting = 'VETTED' OR (vetting = 'PENDING' AND innovation_id IN (SELECT id FROM innovations.innovation WHERE supplier_id = CAST(:ownSupplierId AS uuid))))`;
  return {
    /**
     * Evidence items, oldest first: at most MAX_PAGE_SIZE of each confirmation state per
     * innovation (the most `confirmed`/`disputed`/`unconfirmed(first)` may ask for; the
     * InnovationEvidence resolvers cut to `first`).
     */
    evidence: childrenByInnovation((ids) => {
      const kept = firstRowsPerParentSql(
        `SELECT id, innovation_id, confirmation, created_at FROM innovations.evidence WHERE innovation_id = ANY(CAST(:ids AS uuid[])) AND ${shownEvidence}`,
        { parent: 'innovation_id, confirmation', orderBy: 'created_at, id', limit: MAX_PAGE_SIZE },
      );
      return manager
        .getRepository(Evidence)
        .createQueryBuilder('evidence')
        .where(`evidence.id IN (SELECT kept.id FROM (${kept}) AS kept)`, { ids, ownSupplierId })
        .orderBy('evidence.createdAt', 'ASC')
        .addOrderBy('evidence.id', 'ASC')
        .getMany();
    }),
    /** Certifications, current ones first: at most MAX_PAGE_SIZE per innovation (the resolver cuts to `first`). */
    certifications: childrenByInnovation((ids) => {
      const kept = firstRowsPerParentSql(
        `SELECT id, innovation_id, expires_on FROM innovations.certification WHERE innovation_id = ANY(CAST(:ids AS uuid[])) AND ${shownEvidence}`,
        {
          parent: 'innovation_id',
          orderBy: 'expires_on DESC NULLS FIRST, id',
          limit: MAX_PAGE_SIZE,
        },
      );
      return manager
        .getRepository(Certification)
        .createQueryBuilder('certification')
        .where(`certification.id IN (SELECT kept.id FROM (${kept}) AS kept)`, { ids, ownSupplierId })
        .orderBy('certification.expiresOn', 'DESC', 'NULLS FIRST')
        .addOrderBy('certification.id', 'ASC')
        .getMany();
    }),
    revisions: firstChildrenByInnovation(manager.getRepository(InnovationRevision), [['number', 'ASC']]),
    /** Assessments of each innovation's current review round, oldest first, at most `first` each. */
    assessments: boundedChildrenLoaders(
      (ids, first) => {
        const kept = firstRowsPerParentSql(
          `SELECT assessment.id, assessment.innovation_id, assessment.submitted_at
           FROM innovations.assessment assessment
           JOIN innovations.innovation innovation ON innovation.id = assessment.innovation_id AND innovation.review_round = assessment.round
          WHERE assessment.innovation_id = ANY(CAST(:ids AS uuid[]))`,
          { parent: 'innovation_id', orderBy: 'submitted_at, id', limit: first },
        );
        return manager
          .getRepository(Assessment)
          .createQueryBuilder('assessment')
          .where(`assessment.id IN (SELECT kept.id FROM (${kept}) AS kept)`, { ids })
          .orderBy('assessment.submittedAt', 'ASC')
          .addOrderBy('assessment.id', 'ASC')
          .getMany();
      },
      (row) => row.innovationId,
    ),
    endorsements: firstChildrenByInnovation(manager.getRepository(Endorsement), [
      ['createdAt', 'DESC'],
      ['id', 'ASC'],
    ]),
    /** What organisations endorsed, only for innovations the viewer may see: the newest `first` of each, in one statement. */
    endorsementsByOrganisation: boundedChildrenLoaders(
      (organisationIds, first) => {
        const query = manager.getRepository(Endorsement).createQueryBuilder('endorsement');
        // Ranked among the endorsements the viewer may see, so hidden ones never take a place.
        const visible = query
          .subQuery()
          .select('ranked.id', 'id')
          .addSelect('ranked.organisationId', 'organisation_id')
          .addSelect('ranked.createdAt', 'created_at')
          .from(Endorsement, 'ranked')
          .innerJoin(Innovation, 'endorsed', 'endorsed.id = ranked.innovationId')
          .where('ranked.organisationId IN (:...organisationIds)', { organisationIds });
        applyInnovationVisibility(visible, visibility, 'endorsed');
        const kept = firstRowsPerParentSql(visible.getQuery(), { parent: 'organisation_id', orderBy: 'created_at DESC, id', limit: first });
        return query
          .where(`endorsement.id IN (SELECT kept.id FROM (${kept}) AS kept)`)
          .orderBy('endorsement.createdAt', 'DESC')
          .addOrderBy('endorsement.id', 'ASC')
          .getMany();
      },
      (row) => row.organisationId,
    ),
    auditTrail: firstChildrenByInnovation(manager.getRepository(AuditEvent), [['id', 'ASC']]),
    /** Whether the viewer is assigned to each innovation's current review round (no SQL for non-assessors). */
    assignedToViewer: new DataLoader<string, boolean>(async (ids) => {
      if (!viewerPersonId) return ids.map(() => false);
      const rows = await manager
        .getRepository(AssessorAssignment)
        .createQueryBuilder('assignment')
        .innerJoin(Innovation, 'innovation', 'innovation.id = assignment.innovationId AND innovation.reviewRound = assignment.round')
        .where('assignment.innovationId IN (:...ids)', { ids: [...ids] })
        .andWhere('assignment.assessorId = :viewerPersonId', { viewerPersonId })
        .getMany();
      const assigned = new Set(rows.map((row) => row.innovationId));
      return ids.map((id) => assigned.has(id));
    }),
    /** The viewer's own declarations, by innovation. */
    viewerDeclarations: new DataLoader<string, ConflictDeclaration | null>(async (ids) => {
      if (!viewerPersonId) return ids.map(() => null);
      const rows = await manager.find(ConflictDeclaration, { where: { innovationId: In([...ids]), assessorId: viewerPersonId } });
      const byInnovation = new Map(rows.map((row) => [row.innovationId, row]));
      return ids.map((id) => byInnovation.get(id) ?? null);
    }),
    /** Suppliers the viewer declared a conflict with, on any innovation: one statement per request. */
    viewerConflictedSuppliers(): Promise<Set<string>> {
      if (!viewerPersonId) return Promise.resolve(new Set());
      return (conflictedSuppliers ??= manager
        .find(ConflictDeclaration, { where: { assessorId: viewerPersonId, conflicted: true } })
        .then((rows) => new Set(rows.map((row) => row.supplierId))));
    },
    /** Whether the viewer's organisation has endorsed each innovation. */
    endorsedByViewerOrganisation: new DataLoader<string, boolean>(async (ids) => {
      if (!viewerOrganisationId) return ids.map(() => false);
      const rows = await manager.find(Endorsement, { where: { innovationId: In([...ids]), organisationId: viewerOrganisationId } });
      const endorsed = new Set(rows.map((row) => row.innovationId));
      return ids.map((id) => endorsed.has(id));
    }),
  };
}
