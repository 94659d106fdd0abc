import type { EntityManager } from 'typeorm';
import { conflict } from '../../../platform/errors';
import { defineRecorder, type RecordEntry } from '../../../platform/recorder';
import { recordDomainEvent, type DomainEventFacts, type DomainEventKind } from '../../../platform/outbox';

export function illegalState(message: string, currentStatus: string, extensions: Record<string, unknown> = {}): never {
  throw conflict(message, { currentStatus, ...extensions });
}

/** One entry of the project audit trail (procurement.audit_event); its instant is the entry's `at`. */
export interface AuditEntry {
  subjectType: 'ADMISSION' | 'PROJECT' | 'QUESTION' | 'RESPONSE' | 'CONTRACT' | 'ROUTE' | 'CHALLENGE';
  subjectId: string;
  projectId?: string | null;
  actorId: string | null;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
}

const auditTrail = defineRecorder<AuditEntry>({
  table: 'procurement.audit_event',
  atColumn: 'at',
  columns: {
    subjectType: 'subject_type',
    subjectId: 'subject_id',
    projectId: 'project_id',
    actorId: 'actor_id',
    action: 'action',
    fromStatus: 'from_status',
    toStatus: 'to_status',
    reason: 'reason',
  },
});

/** Appends to the audit trail inside the caller's transaction, so a rolled-back change leaves no entry. */
export const audit = (manager: EntityManager, entry: RecordEntry<AuditEntry>): Promise<void> => auditTrail.record(manager, entry);

export const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';

/** Records a procurement domain event in the caller's transaction (platform/outbox.ts), at the caller's instant. */
export async function announce<K extends DomainEventKind>(
  manager: EntityManager,
  kind: K,
  at: Date,
  subject: { typename: string; id: string },
  facts: DomainEventFacts[K],
): Promise<void> {
  await recordDomainEvent(manager, { source: 'procurement', kind, occurredAt: at, subject, facts });
}

/** What every procurement event about a project carries (platform/domain-events.ts). */
export function projectFacts(project: { id: string; title: string; buyerId: string }) {
  return { projectId: project.id, projectTitle: project.title, buyerOrganisationId: project.buyerId };
}
