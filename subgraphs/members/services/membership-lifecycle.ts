import { badUserInput } from '../../../platform/errors';
import type { MembershipStatus } from '../../../platform/identity';
import { LOCAL_AUTHORITY_KINDS, type LocalAuthorityKind } from '../../../platform/organisation-kinds';
import type { MembershipTier, OrganisationKind } from '../generated/graphql';
import { membershipMachine, type MembershipAction } from '../status-machines';

export type { MembershipAction } from '../status-machines';

/**
 * The status `action` leads to from `current` (status-machines.ts, the one table); a CONFLICT
 * naming the current status (also the refusal's `currentStatus`, a `StateConflict`) when the table
 * does not allow it.
 */
export function nextStatus(action: MembershipAction, current: MembershipStatus | null, organisationName: string): MembershipStatus {
  return membershipMachine.next(action, { status: current, organisationName });
}

/** The tiers each kind of organisation may hold: every local authority (platform/organisation-kinds.ts) is a FUNDED_COUNCIL. */
const tiersByKind: Record<OrganisationKind, MembershipTier[]> = {
  ...(Object.fromEntries(LOCAL_AUTHORITY_KINDS.map((kind) => [kind, ['FUNDED_COUNCIL']])) as Record<LocalAuthorityKind, MembershipTier[]>),
  NATIONAL_BODY: ['NATIONAL_PARTNER'],
  SUPPLIER: ['ASSOCIATE_SUPPLIER'],
  ACADEMIC: ['PARTNER'],
  TRADE_BODY: ['PARTNER'],
};

export function assertTierFits(kind: OrganisationKind, tier: MembershipTier): void {
  if (!tiersByKind[kind].includes(tier)) {
    throw badUserInput(`A ${kind} organisation cannot be a ${tier} member; it may be ${tiersByKind[kind].join(' or ')}.`, 'tier');
  }
}

/** "YYYY-MM-DD" of `date` (UTC). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The same calendar day a year later (29 February becomes 1 March). */
export function addOneYear(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return isoDate(date);
}
