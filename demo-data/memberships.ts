import { demoId } from './ids';
import { demoOrganisations, type DemoOrganisation, type DemoOrganisationKind } from './organisations';
import { demoPersona } from './personas';

/**
 * Demo memberships and their audit trails. Most organisations are ACTIVE members; a few are
 * waiting for a decision, one is SUSPENDED and one LAPSED, so every screen has something to show.
 * The organisations the personas belong to (kent, cardiff, leeds, resurface-tech, pothole-pro,
 * ips-body) are always ACTIVE: their people must be able to buy and sell in development and tests.
 *
 * Also here: the details the members subgraph added to organisations later (supplier size bands
 * and a few descriptions), keyed like `demo-data/organisations.ts`.
 */
export type DemoMembershipTier = 'FUNDED_COUNCIL' | 'NATIONAL_PARTNER' | 'ASSOCIATE_SUPPLIER' | 'PARTNER';
export type DemoMembershipStatus = 'APPLIED' | 'ACTIVE' | 'LAPSED' | 'SUSPENDED' | 'LEFT' | 'REJECTED';

export interface DemoMembershipDecision {
  id: string;
  organisationId: string;
  decidedBy: string;
  decidedAt: Date;
  fromStatus: DemoMembershipStatus | null;
  toStatus: DemoMembershipStatus;
  reason: string | null;
}

export interface DemoMembership {
  organisationId: string;
  tier: DemoMembershipTier;
  status: DemoMembershipStatus;
  appliedAt: Date;
  joinedOn: string | null;
  renewalDueOn: string | null;
  decisions: DemoMembershipDecision[];
}

/** Organisations not (or no longer) ACTIVE; every other one is. */
const unusualStatuses: Record<string, { status: 'APPLIED' | 'SUSPENDED' | 'LAPSED'; reason?: string }> = {
  croydon: { status: 'APPLIED' },
  'kerbside-digital': { status: 'APPLIED' },
  'caledonian-roads-institute': { status: 'APPLIED' },
  'safe-roads': {
    status: 'SUSPENDED',
    reason: 'Public liability insurance certificate expired; suspended until a current one is provided.',
  },
  'south-cambridgeshire': { status: 'LAPSED', reason: 'Annual subscription not renewed by the renewal date.' },
};

export function demoTierFor(kind: DemoOrganisationKind): DemoMembershipTier {
  if (kind === 'SUPPLIER') return 'ASSOCIATE_SUPPLIER';
  if (kind === 'NATIONAL_BODY') return 'NATIONAL_PARTNER';
  if (kind === 'ACADEMIC' || kind === 'TRADE_BODY') return 'PARTNER';
  return 'FUNDED_COUNCIL';
}

const day = 24 * 60 * 60 * 1000;
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The next anniversary of `joined` after 1 April 2026, so active demo memberships are not overdue. */
function renewalAfter(joined: Date): string {
  const renewal = new Date(joined);
  do renewal.setUTCFullYear(renewal.getUTCFullYear() + 1);
  while (renewal < new Date('2026-04-01T00:00:00Z'));
  return isoDate(renewal);
}

function membershipOf(organisation: DemoOrganisation, index: number): DemoMembership {
  const unusual = unusualStatuses[organisation.key];
  const applicant = demoId('person', `${organisation.key}-0`); // each organisation's first person is its admin
  const platformAdmin = demoPersona('platform-admin').id;
  const decision = (
    n: number,
    decidedBy: string,
    decidedAt: Date,
    fromStatus: DemoMembershipStatus | null,
    toStatus: DemoMembershipStatus,
    reason: string | null,
  ) => ({
    id: demoId('membership-decision', `${organisation.key}-${n}`),
    organisationId: organisation.id,
    decidedBy,
    decidedAt,
    fromStatus,
    toStatus,
    reason,
  });

  if (unusual?.status === 'APPLIED') {
    const appliedAt = new Date(Date.UTC(2026, 0, 12 + (index % 20), 10));
    return {
      organisationId: organisation.id,
      tier: demoTierFor(organisation.kind),
      status: 'APPLIED',
      appliedAt,
      joinedOn: null,
      renewalDueOn: null,
      decisions: [decision(0, applicant, appliedAt, null, 'APPLIED', null)],
    };
  }

  const appliedAt = new Date(Date.UTC(2024, 0, 8, 9) + index * 9 * day);
  const joined = new Date(appliedAt.getTime() + 14 * day);
  const decisions = [
    decision(0, applicant, appliedAt, null, 'APPLIED', null),
    decision(1, platformAdmin, joined, 'APPLIED', 'ACTIVE', 'Eligible; membership terms accepted.'),
  ];
  let status: DemoMembershipStatus = 'ACTIVE';
  let renewalDueOn = renewalAfter(joined);
  if (unusual?.status === 'SUSPENDED') {
    status = 'SUSPENDED';
    decisions.push(decision(2, platformAdmin, new Date('2025-08-20T11:00:00Z'), 'ACTIVE', 'SUSPENDED', unusual.reason!));
  } else if (unusual?.status === 'LAPSED') {
    status = 'LAPSED';
    const due = new Date(joined);
    due.setUTCFullYear(2025);
    renewalDueOn = isoDate(due);
    decisions.push(decision(2, platformAdmin, new Date(due.getTime() + 30 * day), 'ACTIVE', 'LAPSED', unusual.reason!));
  }
  return {
    organisationId: organisation.id,
    tier: demoTierFor(organisation.kind),
    status,
    appliedAt,
    joinedOn: isoDate(joined),
    renewalDueOn,
    decisions,
  };
}

export const demoMemberships: DemoMembership[] = demoOrganisations.map(membershipOf);

/** Supplier size bands (UK SME definition); every demo supplier has one. */
export const demoSupplierSizes: Record<string, 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE'> = {
  'resurface-tech': 'SMALL',
  'pothole-pro': 'MICRO',
  'lumen-streets': 'SMALL',
  'aquaflow-drainage': 'MEDIUM',
  bridgewise: 'SMALL',
  'signal-logic': 'MEDIUM',
  'safe-roads': 'SMALL',
  voltway: 'MEDIUM',
  'grit-smart': 'MICRO',
  'asset-vision': 'SMALL',
  'cycleway-systems': 'MICRO',
  'green-binder': 'MICRO',
  'kerbside-digital': 'MICRO',
  'northern-surfacing': 'LARGE',
};

export const demoOrganisationDescriptions: Record<string, string> = {
  'ips-body': 'The membership body that runs the Innovation Procurement System for UK highway authorities.',
  'resurface-tech': 'Develops low-carbon, graphene-enhanced asphalt binders and in-situ recycling for carriageway resurfacing.',
  'pothole-pro': 'Makes thermal pothole repair equipment for permanent first-time fixes.',
  kent: 'Highway authority for Kent: about 5,400 miles of road.',
};
