import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { optionalText, requiredText } from '../../../platform/input';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { readPage } from '../../../platform/pagination';
import { defineRecorder } from '../../../platform/recorder';
import { recordDomainEvent } from '../../../platform/outbox';
import type { Identity } from '../../../platform/identity';
import { Membership, MembershipDecision, Organisation } from '../entities';
import type { MembershipTier } from '../generated/graphql';
import type { MembersLoaders } from '../loaders';
import { authorizeChange } from '../../../platform/sign-in';
import { authorize, canApplyForMembership, canDecideMemberships, canLeaveMembership, canSeeMembership } from '../policy';
import { addOneYear, assertTierFits, isoDate, nextStatus, type MembershipAction } from './membership-lifecycle';

/** The reason given with a decision, kept in its audit trail. */
const reasonLimits = { field: 'reason', max: 2000 };

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
  // Every entry is a membership moving: an application (for platform admins) or a decision (for the organisation).
  domainEvent: async (manager, entry) => {
    // The membership as the change left it (saved before its decision is recorded): its renewal date
    // lets a consumer remind the organisation before it is due.
    const [membership] = (await manager.query(
      `SELECT o.name, o.kind, to_char(m.renewal_due_on, 'YYYY-MM-DD') AS renewal_due_on
         FROM members.organisation o LEFT JOIN members.membership m ON m.organisation_id = o.id WHERE o.id = $1`,
      [entry.organisationId],
    )) as { name: string; kind: string; renewal_due_on: string | null }[];
    await recordDomainEvent(manager, {
      source: 'members',
      kind: entry.toStatus === 'APPLIED' ? 'membership.applied' : 'membership.decided',
      occurredAt: entry.at,
      subject: { typename: 'Organisation', id: entry.organisationId },
      facts: {
        organisationId: entry.organisationId,
        fromStatus: entry.fromStatus,
        toStatus: entry.toStatus,
        reason: entry.reason,
        decidedByPersonId: entry.decidedBy,
        organisationName: membership!.name,
        organisationKind: membership!.kind,
        renewalDueOn: membership!.renewal_due_on,
      },
    });
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

  apply(organisationId: string, tier: MembershipTier, version?: number | null): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canApplyForMembership(this.viewer, id), "Only the organisation's admins may apply for its membership.");
    return this.transition('apply', id, null, version, tier);
  }

  decide(
    action: Exclude<MembershipAction, 'apply' | 'leave'>,
    organisationId: string,
    reason: string | null | undefined,
    version?: number | null,
  ): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canDecideMemberships(this.viewer), 'Only platform admins decide memberships.');
    const required = action === 'reject' || action === 'suspend';
    return this.transition(action, id, required ? requiredText(reason, reasonLimits) : optionalText(reason, reasonLimits), version);
  }

  leave(organisationId: string, reason: string | null | undefined, version?: number | null): Promise<Membership> {
    const id = parseId(organisationId, 'organisationId');
    authorizeChange(this.viewer, canLeaveMembership(this.viewer, id), "Only the organisation's admins may end its membership.");
    return this.transition('leave', id, optionalText(reason, reasonLimits), version);
  }

  /**
   * One transaction: lock, check the state machine, change the membership, append the decision.
   * The organisation row is locked first (FOR NO KEY UPDATE, so it does not block foreign-key
   * checks) because a first application has no membership row yet to lock; the membership row
   * is then locked FOR UPDATE. A stale `version` is refused before the state machine is asked, as
   * for every versioned type: the client's view is out of date, whatever else is wrong with it.
   */
  private async transition(
    action: MembershipAction,
    organisationId: string,
    reason: string | null,
    version: number | null | undefined,
    tier?: MembershipTier,
  ): Promise<Membership> {
    const decidedBy = this.viewer!.personId;
    const now = this.clock.now();
    const membership = await this.dataSource.transaction(async (manager) => {
      const organisation = await manager.findOne(Organisation, { where: { id: organisationId }, lock: { mode: 'for_no_key_update' } });
      if (!organisation) throw notFound('Organisation', organisationId);
      const current = await manager.findOne(Membership, { where: { organisationId }, lock: { mode: 'pessimistic_write' } });
      if (current) await stepVersion(manager, current, version);
      // A version names a membership the client read; with none to read, the version cannot be current.
      else if (version != null) {
        throw conflict(`${organisation.name} has no membership; reload it and try again.`, { currentStatus: null, currentVersion: null });
      }
      const to = nextStatus(action, current?.status ?? null, organisation.name);
      if (tier) assertTierFits(organisation.kind, tier);

      const next = applyTransition(action, current, organisationId, to, now, tier);
      await saveMembership(manager, next, current !== null);
      await decisions.record(manager, { at: now, organisationId, decidedBy, fromStatus: current?.status ?? null, toStatus: to, reason });
      // Read back: a first application's version is the column default.
      return manager.findOneByOrFail(Membership, { organisationId });
    });
    // Committed: fields of the result read the new state, not a cached old one.
    this.loaders.membershipByOrganisation.clear(organisationId).prime(organisationId, membership);
    this.loaders.decisionsByOrganisation.clear(organisationId);
    return membership;
  }
}

/**
 * The version step on the locked membership (platform/optimistic-lock.ts), before the other columns
 * are saved in the same transaction: a stale client `version` is refused with CONFLICT,
 * `currentVersion` and `currentStatus`; without one (optional on every membership mutation), last
 * write wins. Every change to an existing membership comes through here, so its version moves on
 * whoever makes it.
 */
async function stepVersion(manager: EntityManager, membership: Membership, version: number | null | undefined): Promise<void> {
  membership.version = await updateAtVersion(manager, {
    table: 'members.membership',
    key: 'organisation_id',
    noun: 'membership',
    id: membership.organisationId,
    expectedVersion: version ?? null,
    assignments: '',
    values: [],
    conflictFacts: () => ({ currentStatus: membership.status }),
  });
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
