import { conflict, badUserInput } from '../../../platform/errors';
import type { MembershipStatus } from '../../../platform/identity';
import { LOCAL_AUTHORITY_KINDS, type LocalAuthorityKind } from '../../../platform/organisation-kinds';
import type { MembershipTier, OrganisationKind } from '../generated/graphql';

/**
 * The membership state machine, in one table: for each action, the statuses it may start from
 * (`null`: the organisation has never applied) and the status it leads to.
 *
 *   (none) | LEFT | REJECTED | LAPSED --apply--> APPLIED --approve--> ACTIVE
 *   APPLIED --reject--> REJECTED
 *   ACTIVE --suspend--> SUSPENDED --reinstate--> ACTIVE
 *   ACTIVE --lapse--> LAPSED --reinstate--> ACTIVE
 *   ACTIVE | SUSPENDED --leave--> LEFT
 */
export const membershipTransitions = {
  apply: { from: [null, 'LEFT', 'REJECTED', 'LAPSED'], to: 'APPLIED', verb: 'apply' },
  approve: { from: ['APPLIED'], to: 'ACTIVE', verb: 'be approved' },
  reject: { from: ['APPLIED'], to: 'REJECTED', verb: 'be rejected' },
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED', verb: 'be suspended' },
  reinstate: { from: ['SUSPENDED', 'LAPSED'], to: 'ACTIVE', verb: 'be reinstated' },
  lapse: { from: ['ACTIVE'], to: 'LAPSED', verb: 'lapse' },
  leave: { from: ['ACTIVE', 'SUSPENDED'], to: 'LEFT', verb: 'be left' },
} as const satisfies Record<string, { from: readonly (MembershipStatus | null)[]; to: MembershipStatus; verb: string }>;

export type MembershipAction = keyof typeof membershipTransitions;

function listStatuses(statuses: readonly (MembershipStatus | null)[]): string {
  const named = statuses.filter((s): s is MembershipStatus => s !== null);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`;
}

/**
 * The status `action` leads to from `current`; a CONFLICT naming the current status (also the
 * refusal's `currentStatus`, a `StateConflict`) when the table does not allow it.
 */
export function nextStatus(action: MembershipAction, current: MembershipStatus | null, organisationName: string): MembershipStatus {
  const transition = membershipTransitions[action];
  if ((transition.from as readonly (MembershipStatus | null)[]).includes(current)) return transition.to;
  const extensions = { currentStatus: current };
  if (action === 'apply') {
    throw conflict(
      `Membership of ${organisationName} is ${current}; an organisation may apply only when it has no membership or a ${listStatuses(transition.from)} one.`,
      extensions,
    );
  }
  const state = current === null ? `${organisationName} has no membership` : `Membership of ${organisationName} is ${current}`;
  throw conflict(`${state}; only ${listStatuses(transition.from)} memberships can ${transition.verb}.`, extensions);
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
