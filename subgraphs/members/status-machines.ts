import { membershipStatuses, type MembershipStatus } from '../../platform/identity';
import { defineStatusMachine } from '../../platform/transitions';

/**
 * The members subgraph's status machine (platform/transitions.ts): a membership's lifecycle. Who
 * may take each step is policy.ts (`canApplyForMembership`, `canDecideMemberships`,
 * `canLeaveMembership`); this says from which status.
 *
 *   (none) | LEFT | REJECTED | LAPSED --apply--> APPLIED --approve--> ACTIVE
 *   APPLIED --reject--> REJECTED
 *   ACTIVE --suspend--> SUSPENDED --reinstate--> ACTIVE
 *   ACTIVE --lapse--> LAPSED --reinstate--> ACTIVE
 *   ACTIVE | SUSPENDED --leave--> LEFT
 */

/** A membership as the machine judges it: its status (null when the organisation never applied) and whose it is. */
export interface MembershipSubject {
  status: MembershipStatus | null;
  organisationName: string;
}

function listStatuses(statuses: readonly (MembershipStatus | null)[]): string {
  const named = statuses.filter((s): s is MembershipStatus => s !== null);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`;
}

export const membershipMachine = defineStatusMachine({
  statuses: membershipStatuses,
  statusOf: (membership: MembershipSubject) => membership.status,
  refused: ({ current, subject, from, verb }) => {
    const state =
      current === null ? `${subject.organisationName} has no membership` : `Membership of ${subject.organisationName} is ${current}`;
    return `${state}; only ${listStatuses(from)} memberships can ${verb}.`;
  },
  actions: {
    apply: {
      from: [null, 'LEFT', 'REJECTED', 'LAPSED'],
      to: 'APPLIED',
      refused: ({ current, subject, from }) =>
        `Membership of ${subject.organisationName} is ${current}; an organisation may apply only when it has no membership or a ${listStatuses(from)} one.`,
    },
    approve: { from: ['APPLIED'], to: 'ACTIVE', verb: 'be approved' },
    reject: { from: ['APPLIED'], to: 'REJECTED', verb: 'be rejected' },
    suspend: { from: ['ACTIVE'], to: 'SUSPENDED', verb: 'be suspended' },
    reinstate: { from: ['SUSPENDED', 'LAPSED'], to: 'ACTIVE', verb: 'be reinstated' },
    lapse: { from: ['ACTIVE'], to: 'LAPSED', verb: 'lapse' },
    leave: { from: ['ACTIVE', 'SUSPENDED'], to: 'LEFT', verb: 'be left' },
  },
});

export type MembershipAction = (typeof membershipMachine.actions)[number];
