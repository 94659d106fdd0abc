import type { EntityManager } from 'typeorm';
import { badUserInput, conflict } from '../../../platform/errors';

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

export interface AuditEntry {
  subjectType: 'ADMISSION' | 'PROJECT' | 'QUESTION' | 'RESPONSE' | 'CONTRACT' | 'ROUTE' | 'CHALLENGE';
  subjectId: string;
  projectId?: string | null;
  actorId: string | null;
  at: Date;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
}

/** Appends to the audit trail inside the caller's transaction, so a rolled-back change leaves no entry. */
export async function audit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    `INSERT INTO procurement.audit_event (subject_type, subject_id, project_id, actor_id, at, action, from_status, to_status, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.subjectType,
      entry.subjectId,
      entry.projectId ?? null,
      entry.actorId,
      entry.at,
      entry.action,
      entry.fromStatus ?? null,
      entry.toStatus ?? null,
      entry.reason ?? null,
    ],
  );
}

export const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
