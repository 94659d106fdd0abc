import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { badUserInput, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { readPage } from '../../../platform/pagination';
import { defineRecorder } from '../../../platform/recorder';
import type { Identity } from '../../../platform/identity';
import { Membership, MembershipDecision, Organisation } from '../entities';
import type { MembershipTier } from '../generated/graphql';
import type { MembersLoaders } from '../loaders';
import { authorizeChange } from '../../../platform/sign-in';
import { authorize, canApplyForMembership, canDecideMemberships, canLeaveMembership, canSeeMembership } from '../policy';
import { addOneYear, assertTierFits, isoDate, nextStatus, type MembershipAction } from './membership-lifecycle';

const MAX_REASON_LENGTH = 2000;

/** The membership audit trail (members.membership_decision, append-only; read as `MembershipDecision`). */
const decisions = defineRecorder<Omit<MembershipDecision, 'id' | 'decidedAt'>>({
  table: 'members.membership_decision',
  atColumn: 'decided_at',
  columns: {
    organisationId: 'organisation_id',
    decidedBy: 'decided_by',
    fromStatus: 'from_status',
    toStatus: 'to_status',
    reason: 'reason',
  },
});

/** Memberships: reading them as the policy allows, and moving them through their lifecycle. */
export class MembershipService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: MembersLoaders,
    private readonly viewer: Identity,
    /** A decision's time, and the dates it sets (applied, joined, renewal due), come from it. */
    private readonly clock: Clock,
  ) {}

  async findByOrganisation(organisationId: string): Promise<Membership | null> {
    authorize(canSeeMembership(this.viewer, organisationId), 'Only the organisation itself and platform admins may see its membership.');
    return this.loaders.membershipByOrganisation.load(organisationId);
  }

  /** Applications waiting for a platform admin's decision, oldest first: one statement (staff dashboard). */
  async applicationsWaiting(first: number | null | undefined): Promise<Membership[]> {
    authorize(canDecideMemberships(this.viewer), 'Only platform admins see the membership applications waiting.');
    const size = readPage({ first }).size;
    if (size === 0) return [];
    const waiting = await this.dataSource.getRepository(Membership).find({
      where: { status: 'APPLIED' },
      order: { appliedAt: 'ASC', organisationId: 'ASC' },
      take: size,
    });
    for (const membership of waiting) this.loaders.membershipByOrganisation.prime(membership.organisationId, membership);
    return waiting;
  }

  /** The audit trail; reached only through a membership the caller was allowed to see. */
  async decisions(organisationId: string, first: number): Promise<MembershipDecision[]> {
    return this.loaders.decisionsByOrganisation(first).load(organisationId);
  }

  apply(organisationId: string, tier: MembershipTier): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canApplyForMembership(this.viewer, id), "Only the organisation's admins may apply for its membership.");
    return this.transition('apply', id, null, tier);
  }

  decide(
    action: Exclude<MembershipAction, 'apply' | 'leave'>,
    organisationId: string,
    reason: string | null | undefined,
  ): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canDecideMemberships(this.viewer), 'Only platform admins decide memberships.');
    const required = action === 'reject' || action === 'suspend';
    return this.transition(action, id, readReason(reason, required));
  }

  leave(organisationId: string, reason: string | null | undefined): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canLeaveMembership(this.viewer, id), "Only the organisation's admins may end its membership.");
    return this.transition('leave', id, readReason(reason, false));
  }

  /**
   * One transaction: lock, check the state machine, change the membership, append the decision.
   * The organisation row is locked first (FOR NO KEY UPDATE, so it does not block foreign-key
   * checks) because a first application has no membership row yet to lock; the membership row
   * is then locked FOR UPDATE.
   */
  private async transition(
    action: MembershipAction,
    organisationId: string,
    reason: string | null,
    tier?: MembershipTier,
  ): Promise<Membership> {
    const decidedBy = this.viewer!.personId;
    const now = this.clock.now();
    const membership = await this.dataSource.transaction(async (manager) => {
      const organisation = await manager.findOne(Organisation, { where: { id: organisationId }, lock: { mode: 'for_no_key_update' } });
      if (!organisation) throw notFound('Organisation', organisationId);
      const current = await manager.findOne(Membership, { where: { organisationId }, lock: { mode: 'pessimistic_write' } });
      const to = nextStatus(action, current?.status ?? null, organisation.name);
      if (tier) assertTierFits(organisation.kind, tier);

      const next = applyTransition(action, current, organisationId, to, now, tier);
      await saveMembership(manager, next, current !== null);
      await decisions.record(manager, { at: now, organisationId, decidedBy, fromStatus: current?.status ?? null, toStatus: to, reason });
      return next;
    });
    // Committed: fields of the result read the new state, not a cached old one.
    this.loaders.membershipByOrganisation.clear(organisationId).prime(organisationId, membership);
    this.loaders.decisionsByOrganisation.clear(organisationId);
    return membership;
  }
}

/** The membership after `action`: the status, and the dates each step sets. */
function applyTransition(
  action: MembershipAction,
  current: Membership | null,
  organisationId: string,
  to: Membership['status'],
  now: Date,
  tier?: MembershipTier,
): Membership {
  const next = Object.assign(new Membership(), current ?? { organisationId }, { status: to, updatedAt: now });
  const today = isoDate(now);
  switch (action) {
    case 'apply':
      // A fresh application: earlier dates belong to the previous membership.
      return Object.assign(next, { tier: tier!, appliedAt: now, joinedOn: null, renewalDueOn: null });
    case 'approve':
      return Object.assign(next, { joinedOn: today, renewalDueOn: addOneYear(today) });
    case 'reinstate':
      // Reinstating a lapsed membership is its renewal; a suspension does not move the renewal date.
      return current?.status === 'LAPSED' ? Object.assign(next, { renewalDueOn: addOneYear(today) }) : next;
    default:
      return next;
  }
}

async function saveMembership(manager: EntityManager, membership: Membership, exists: boolean): Promise<void> {
  const { organisationId, tier, status, appliedAt, joinedOn, renewalDueOn } = membership;
  if (exists) await manager.update(Membership, { organisationId }, { tier, status, appliedAt, joinedOn, renewalDueOn });
  else await manager.insert(Membership, { organisationId, tier, status, appliedAt, joinedOn, renewalDueOn });
}

function readReason(reason: string | null | undefined, required: boolean): string | null {
  const text = reason?.trim() ?? '';
  if (required && !text) throw badUserInput('A reason is required for this decision.', 'reason');
  if (text.length > MAX_REASON_LENGTH) throw badUserInput(`A reason may be at most ${MAX_REASON_LENGTH} characters.`, 'reason');
  return text || null;
}
