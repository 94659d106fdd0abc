import { demoId, pick, seededRandom } from './ids';
import { demoInnovations, type DemoInnovation } from './innovations';
import { demoBuyers, type DemoNation } from './organisations';
import { demoPeople } from './people';
import { demoPersona } from './personas';

/**
 * What happened to the demo innovations on their way through vetting, so the explorer shows every
 * state: approved innovations with evidence (mostly confirmed by the authority named), certifications
 * (some expired), endorsements by councils that confirmed, and a listed revision each; submissions
 * under review with assignments, declarations and assessments; decided ones (changes requested,
 * rejected) with their assessments and reasons; one approved innovation with a revision pending.
 * Deterministic, like the rest of the demo data.
 */
export interface DemoEvidence {
  id: string;
  innovationId: string;
  kind: 'CASE_STUDY' | 'TRIAL' | 'DEPLOYMENT';
  title: string;
  authorityId: string;
  startedOn: string;
  endedOn: string | null;
  scale: string;
  costSavedGbp: number | null;
  carbonSavedTco2e: number | null;
  timeSaved: string | null;
  safety: string | null;
  confirmation: 'UNCONFIRMED' | 'CONFIRMED' | 'DISPUTED';
  confirmationNote: string | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  authorityNation: DemoNation | null;
}

export interface DemoCertification {
  id: string;
  innovationId: string;
  scheme: string;
  issuer: string;
  reference: string;
  expiresOn: string | null;
}

export interface DemoAssessment {
  innovationId: string;
  round: number;
  assessorId: string;
  scores: [number, number, number, number, number];
  submittedAt: Date;
}

export interface DemoEndorsement {
  id: string;
  innovationId: string;
  organisationId: string;
  /** A buyer or admin of the endorsing council. */
  personId: string;
  statement: string;
  createdAt: Date;
}

export interface DemoAuditEvent {
  innovationId: string;
  actorId: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  at: Date;
}

export interface DemoVettingState {
  innovationId: string;
  reviewRound: number;
  /** Set for the one innovation with a pending revision. */
  revision: { status: 'UNDER_REVIEW'; title: string; summary: string } | null;
  /** When it was first listed, for approved and later-retired ones. */
  approvedAt: Date | null;
  /** When it stopped being listed (withdrawn or archived). */
  delistedAt: Date | null;
}

const assessors = [demoPersona('assessor').id, demoPersona('second-assessor').id];
const admin = demoPersona('platform-admin').id;
const schemes: [scheme: string, issuer: string][] = [
  ['HAPAS', 'BBA'],
  ['UKCA', 'BSI'],
  ['Sector Scheme 13', 'Lloyd’s Register'],
  ['ISO 9001', 'NQA'],
];
const kinds: DemoEvidence['kind'][] = ['DEPLOYMENT', 'TRIAL', 'CASE_STUDY', 'DEPLOYMENT'];
const decisionReasons: Record<string, string> = {
  APPROVED: 'Deployments confirmed by authorities; outcomes measured; standards met.',
  CHANGES_REQUESTED: 'Please add measured outcomes from a live deployment and the certification reference.',
  REJECTED: 'Not yet ready: laboratory results only, and no trial at a highway authority.',
};
/** The approved innovation whose supplier has proposed changes that are under review. */
export const demoPendingRevisionKey = 'bio-based-rejuvenator-for-reclaimed-asphalt';

const day = 86_400_000;
const iso = (date: Date) => date.toISOString().slice(0, 10);

function build() {
  const random = seededRandom(7007);
  const evidence: DemoEvidence[] = [];
  const certifications: DemoCertification[] = [];
  const assessments: DemoAssessment[] = [];
  const endorsements: DemoEndorsement[] = [];
  const audit: DemoAuditEvent[] = [];
  const states: DemoVettingState[] = [];

  demoInnovations.forEach((innovation: DemoInnovation, index) => {
    const created = new Date(Date.UTC(2025, 0, 6) + index * 2 * day);
    const submitted = new Date(created.getTime() + 10 * day);
    // Vetting takes three to seven weeks from submission, so time-to-decision percentiles mean something.
    const decided = new Date(submitted.getTime() + (20 + ((index * 7) % 29)) * day);
    const event = (
      action: string,
      at: Date,
      fromStatus: string | null,
      toStatus: string | null,
      actorId: string | null,
      reason: string | null = null,
    ) => audit.push({ innovationId: innovation.id, action, at, fromStatus, toStatus, actorId, reason });
    event('CREATED', created, null, 'DRAFT', null);
    const status = innovation.status;
    const state: DemoVettingState = { innovationId: innovation.id, reviewRound: 0, revision: null, approvedAt: null, delistedAt: null };
    states.push(state);
    if (status === 'DRAFT') return;

    state.reviewRound = 1;
    event('STATUS_CHANGED', submitted, 'DRAFT', 'SUBMITTED', null);
    if (status === 'SUBMITTED') return;

    event('STATUS_CHANGED', new Date(submitted.getTime() + day), 'SUBMITTED', 'UNDER_REVIEW', admin);
    // Under review: one or both assessments in; decided ones: both.
    const assessedBy = status === 'UNDER_REVIEW' && index % 2 === 0 ? assessors.slice(0, 1) : assessors;
    for (const [n, assessorId] of assessedBy.entries()) {
      const base = status === 'REJECTED' ? 1 : status === 'CHANGES_REQUESTED' ? 2 : 4;
      const scores = Array.from({ length: 5 }, () => Math.min(5, base + Math.floor(random() * 2))) as DemoAssessment['scores'];
      const at = new Date(submitted.getTime() + (5 + n * 3) * day);
      assessments.push({ innovationId: innovation.id, round: 1, assessorId, scores, submittedAt: at });
      event(
        'CONFLICT_DECLARED',
        new Date(at.getTime() - day),
        null,
        null,
        assessorId,
        'No conflict of interest: no links with the supplier.',
      );
      event('ASSESSED', at, null, null, assessorId, `Round 1: ${scores.join(', ')}.`);
    }
    if (status === 'UNDER_REVIEW') return;

    const outcome = status === 'CHANGES_REQUESTED' || status === 'REJECTED' ? status : 'APPROVED';
    event('DECIDED', decided, 'UNDER_REVIEW', outcome, assessors[0]!, decisionReasons[outcome]!);
    if (outcome !== 'APPROVED') return;

    state.approvedAt = decided;
    // Evidence at one to three councils; most confirmed, one in nine disputed, some unanswered.
    const authorities = new Set<number>();
    const evidenceCount = 1 + Math.floor(random() * 3);
    while (authorities.size < evidenceCount) authorities.add(Math.floor(random() * demoBuyers.length));
    [...authorities].forEach((buyerIndex, n) => {
      const authority = demoBuyers[buyerIndex]!;
      const kind = kinds[(index + n) % kinds.length]!;
      const roll = random();
      const confirmation: DemoEvidence['confirmation'] = roll < 0.11 ? 'DISPUTED' : roll < 0.75 ? 'CONFIRMED' : 'UNCONFIRMED';
      const started = new Date(created.getTime() - (200 + n * 90) * day);
      const answeredAt = new Date(decided.getTime() - 5 * day);
      evidence.push({
        id: demoId('evidence', `${innovation.key}:${n}`),
        innovationId: innovation.id,
        kind,
        title: `${kind === 'TRIAL' ? 'Trial' : kind === 'DEPLOYMENT' ? 'Deployment' : 'Case study'} at ${authority.name}`,
        authorityId: authority.id,
        startedOn: iso(started),
        endedOn: kind === 'TRIAL' ? iso(new Date(started.getTime() + 120 * day)) : null,
        scale: pick(random, ['3 km of carriageway', '40 sites', '1,200 units', 'one depot', '12 junctions']),
        costSavedGbp: random() < 0.7 ? Math.round(random() * 200) * 1000 : null,
        carbonSavedTco2e: random() < 0.6 ? Math.round(random() * 800) / 10 : null,
        timeSaved: random() < 0.5 ? pick(random, ['30% faster', 'two days per site', 'one visit instead of three']) : null,
        safety: random() < 0.4 ? pick(random, ['No lane closures needed', 'Fewer operatives in live traffic']) : null,
        confirmation,
        confirmationNote:
          confirmation === 'CONFIRMED'
            ? 'Confirmed by our highways team.'
            : confirmation === 'DISPUTED'
              ? 'The scale stated is larger than what we commissioned.'
              : null,
        confirmedBy: confirmation === 'UNCONFIRMED' ? null : demoPeople.find((p) => p.organisationId === authority.id)!.id,
        confirmedAt: confirmation === 'UNCONFIRMED' ? null : answeredAt,
        authorityNation: confirmation === 'UNCONFIRMED' ? null : authority.nation,
      });
      if (confirmation !== 'UNCONFIRMED') {
        event(
          confirmation === 'CONFIRMED' ? 'EVIDENCE_CONFIRMED' : 'EVIDENCE_DISPUTED',
          answeredAt,
          null,
          null,
          null,
          `At ${authority.name}.`,
        );
      }
      // Councils that confirmed a deployment often vouch for it.
      if (confirmation === 'CONFIRMED' && random() < 0.6) {
        endorsements.push({
          id: demoId('endorsement', `${innovation.key}:${authority.key}`),
          innovationId: innovation.id,
          organisationId: authority.id,
          personId: demoPeople.find(
            (p) => p.organisationId === authority.id && p.organisationRoles.some((r) => r === 'BUYER' || r === 'ORG_ADMIN'),
          )!.id,
          statement: pick(random, [
            'Delivered what it promised on our network.',
            'Our crews rate it; we will use it again.',
            'Measurable savings in the first year.',
          ]),
          createdAt: new Date(decided.getTime() + 30 * day),
        });
      }
    });
    if (random() < 0.45) {
      const [scheme, issuer] = pick(random, schemes);
      certifications.push({
        id: demoId('certification', innovation.key),
        innovationId: innovation.id,
        scheme,
        issuer,
        reference: `${scheme.replace(/\W+/g, '').toUpperCase()}-${1000 + index}`,
        // One in four has lapsed, so the explorer shows expired certificates too.
        expiresOn: random() < 0.25 ? '2025-06-30' : random() < 0.8 ? '2029-03-31' : null,
      });
    }
    if (status === 'WITHDRAWN' || status === 'ARCHIVED') {
      state.delistedAt = new Date(decided.getTime() + 120 * day);
      event('STATUS_CHANGED', state.delistedAt, 'APPROVED', status, status === 'ARCHIVED' ? admin : null, 'No longer offered.');
    }
    if (innovation.key === demoPendingRevisionKey) {
      state.reviewRound = 2;
      state.revision = {
        status: 'UNDER_REVIEW',
        title: `${innovation.title} (cold-mix grade)`,
        summary: `${innovation.summary} Now also for cold-mix recycling.`,
      };
      event(
        'STATUS_CHANGED',
        new Date(decided.getTime() + 60 * day),
        null,
        'SUBMITTED',
        null,
        'Revision of the approved version submitted.',
      );
      event('STATUS_CHANGED', new Date(decided.getTime() + 61 * day), 'SUBMITTED', 'UNDER_REVIEW', admin);
    }
  });
  return { evidence, certifications, assessments, endorsements, audit, states };
}

export const demoVetting = build();
