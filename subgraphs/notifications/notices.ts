import type { NotificationKind } from './generated/graphql';
import { reminderKinds } from './reminders/plan';

/**
 * The kinds of notice, in the order `notificationPreferences` lists them (the `NotificationKind`
 * enum's), and which of them the law requires.
 */
export const notificationKinds = [
  'INNOVATION_SUBMITTED',
  'INNOVATION_APPROVED',
  'INNOVATION_REJECTED',
  'INNOVATION_REVISION_APPROVED',
  'EVIDENCE_CONFIRMED',
  'EVIDENCE_DISPUTED',
  'ASSESSOR_ASSIGNED',
  'ADMISSION_DECIDED',
  'PROJECT_PUBLISHED',
  'CLARIFICATION_ANSWERED',
  'AWARD_ISSUED',
  'ASSESSMENT_SUMMARY',
  'CHALLENGE_RAISED',
  'CHALLENGE_ANSWERED',
  'CONTRACT_RECORDED',
  'EVENT_RESCHEDULED',
  'EVENT_CANCELLED',
  'WAITING_LIST_PLACE_CONFIRMED',
  'SUPPORT_REQUEST_ANSWERED',
  'MEMBERSHIP_APPLIED',
  'MEMBERSHIP_DECIDED',
  // Reminders (reminders/plan.ts `reminderKinds`, sent by services/reminders.ts).
  ...reminderKinds,
  // Decided by procurement's route-retirement job, told as any event's notice (audience.ts).
  'ROUTE_RETIRING',
  // A person's saved searches (issue 25 item 6), told at once or in the digest as each search says.
  'CATALOGUE_SEARCH_MATCHED',
  'OPPORTUNITY_SEARCH_MATCHED',
] as const satisfies readonly NotificationKind[];

/**
 * Notices the law requires: a tenderer's assessment summary (Procurement Act 2023 s.50) starts the
 * standstill it may challenge in, so it always reaches the inbox and is always emailed at once
 * (never held for a digest). Updating such a preference to anything less is refused.
 */
export const requiredKinds: ReadonlySet<NotificationKind> = new Set<NotificationKind>(['ASSESSMENT_SUMMARY']);

export interface Preference {
  kind: NotificationKind;
  inApp: boolean;
  email: boolean;
  dailyDigest: boolean;
  required: boolean;
}

/** What a person gets before choosing anything: every notice in the inbox and by email as it happens. */
export function defaultPreference(kind: NotificationKind): Preference {
  return { kind, inApp: true, email: true, dailyDigest: false, required: requiredKinds.has(kind) };
}

/** A stored choice, with what the law requires put back over it (a row written before a kind became required cannot weaken it). */
export function effectivePreference(kind: NotificationKind, stored: Omit<Preference, 'kind' | 'required'> | undefined): Preference {
  if (requiredKinds.has(kind) || !stored) return defaultPreference(kind);
  return { kind, inApp: stored.inApp, email: stored.email, dailyDigest: stored.dailyDigest, required: false };
}
