import type { DataSource } from 'typeorm';
import { boundedChildrenLoaders, firstRowsPerParentSql } from '../../../platform/loaders';

/** One row of `procurement.audit_event` as the audit trail reads it. */
export interface AuditTrailRow {
  project_id: string;
  subject_type: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string | null;
  at: Date | string;
  reason: string | null;
  /** For an entry about a response: whether that response stands withdrawn now (policy.ts withheldFromAuditEntry). */
  response_withdrawn: boolean;
}

/**
 * The audit trails of many projects, oldest first (insertion order: entries of one transaction can
 * share an instant), the first `first` of each, in one statement for every project of a page.
 */
export const createAuditTrailByProjectLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders<AuditTrailRow>(
    (projectIds, first) =>
      dataSource.query(
        firstRowsPerParentSql(
          `SELECT event.id, event.project_id, event.subject_type, event.action, event.from_status, event.to_status,
                  event.actor_id, event.at, event.reason, (response.withdrawn_at IS NOT NULL) AS response_withdrawn
             FROM procurement.audit_event event
             LEFT JOIN procurement.response response ON event.subject_type = 'RESPONSE' AND response.id = event.subject_id
            WHERE event.project_id = ANY(CAST($1 AS uuid[]))`,
          { parent: 'project_id', orderBy: 'id', limit: first },
        ),
        [projectIds],
      ),
    (row) => row.project_id,
  );
