import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';
import type { Identity } from '../../../platform/identity';
import { Assessment, AssessorAssignment, AuditEvent, Certification, ConflictDeclaration, Endorsement, Evidence, Innovation, InnovationRevision } from '../entities';
import { applyInnovationVisibility, type InnovationVisibility } from '../policy';

/** One `WHERE innovation_id = ANY(…)` per tick for a child table, grouped back per innovation. */
function childrenByInnovation<T extends { innovationId: string }>(
  load: (ids: string[]) => Promise<T[]>,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (ids) => groupByKeys(ids, await load([...ids]), (row) => row.innovationId));
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
  return {
    evidence: childrenByInnovation((ids) =>
      manager.find(Evidence, { where: { innovationId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ),
    certifications: childrenByInnovation((ids) =>
      manager.find(Certification, { where: { innovationId: In(ids) }, order: { expiresOn: { direction: 'DESC', nulls: 'FIRST' }, id: 'ASC' } }),
    ),
    revisions: childrenByInnovation((ids) =>
      manager.find(InnovationRevision, { where: { innovationId: In(ids) }, order: { number: 'ASC' } }),
    ),
    /** Assessments of each innovation's current review round. */
    assessments: childrenByInnovation((ids) =>
      manager
        .getRepository(Assessment)
        .createQueryBuilder('assessment')
        .innerJoin(Innovation, 'innovation', 'innovation.id = assessment.innovationId AND innovation.reviewRound = assessment.round')
        .where('assessment.innovationId IN (:...ids)', { ids })
        .orderBy('assessment.submittedAt', 'ASC')
        .addOrderBy('assessment.id', 'ASC')
        .getMany(),
    ),
    endorsements: childrenByInnovation((ids) =>
      manager.find(Endorsement, { where: { innovationId: In(ids) }, order: { createdAt: 'DESC', id: 'ASC' } }),
    ),
    /** What organisations endorsed, only for innovations the viewer may see. */
    endorsementsByOrganisation: new DataLoader<string, Endorsement[]>(async (organisationIds) => {
      const query = manager
        .getRepository(Endorsement)
        .createQueryBuilder('endorsement')
        .innerJoin(Innovation, 'endorsed', 'endorsed.id = endorsement.innovationId')
        .where('endorsement.organisationId IN (:...organisationIds)', { organisationIds: [...organisationIds] })
        .orderBy('endorsement.createdAt', 'DESC')
        .addOrderBy('endorsement.id', 'ASC');
      applyInnovationVisibility(query, visibility, 'endorsed');
      return groupByKeys(organisationIds, await query.getMany(), (row) => row.organisationId);
    }),
    auditTrail: childrenByInnovation((ids) => manager.find(AuditEvent, { where: { innovationId: In(ids) }, order: { id: 'ASC' } })),
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
export type VettingLoaders = ReturnType<typeof createVettingLoaders>;
