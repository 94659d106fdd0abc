import type { EntityManager } from 'typeorm';
import { badUserInput, conflict } from '../../../platform/errors';
import { defineRecorder, type RecordEntry } from '../../../platform/recorder';

/** Every string input has a length limit; the message names the field. */
export function requireText(value: string | null | undefined, field: string, min: number, max: number): string {
  const text = (value ?? '').trim();
  if (text.length < min || text.length > max) {
    throw badUserInput(`"${field}" must be ${min === 0 ? 'at most' : `${min} to`} ${max} characters long.`, field);
  }
  return text;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return requireText(value, field, 1, max);
}

export function requireMoney(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0 || value >= 1e12 || Math.round(value * 100) !== value * 100) {
    throw badUserInput(`"${field}" must be an amount in pounds above 0, to the penny.`, field);
  }
  return value;
}

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
