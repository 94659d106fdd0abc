import { hasPlatformRole, type Identity } from '../../platform/identity';
import { defineStatusMachine } from '../../platform/transitions';
import type { Evidence, EvidenceVettingState, Innovation, RevisionStatus } from './entities';
import type { InnovationStatus } from './generated/graphql';
import { canConfirmEvidence, isAuthorOf, isEndorser, isPlatformAdmin, reviewStatus } from './policy';

/**
 * The innovations subgraph's status machines (platform/transitions.ts): an innovation's review,
 * and an evidence item's vetting and its authority's answer. The workflow service refuses from
 * these tables (CONFLICT with `currentStatus`) and `Innovation.viewerCan` reads them, so the two
 * cannot disagree. Who may act is policy.ts; each action names it (`who`) where it depends on the
 * viewer and the innovation alone. An assessor's standing (assigned, declared) is a fact of its
 * own, so the vetting capabilities below add it to the table's answer.
 */

/**
 * Where an innovation stands, as the rules judge it: its status, or, while an approved innovation
 * has a pending revision, the revision's status (`REVISION_…`): the approved version stays listed
 * (it may be withdrawn, archived and endorsed) while the revision goes through its own review.
 * Refusals report the review status (`reviewStatus`), as the schema's `InnovationStatus`.
 */
export type InnovationStage = InnovationStatus | `REVISION_${RevisionStatus}`;

export function innovationStage(innovation: Pick<Innovation, 'status' | 'revisionStatus'>): InnovationStage {
  return innovation.revisionStatus === null ? innovation.status : `REVISION_${innovation.revisionStatus}`;
}

const inRevision = [
  'REVISION_DRAFT',
  'REVISION_SUBMITTED',
  'REVISION_UNDER_REVIEW',
  'REVISION_CHANGES_REQUESTED',
  'REVISION_REJECTED',
] as const satisfies readonly InnovationStage[];
/** Approved, with or without a pending revision: the version in the catalogue. */
const listed = ['APPROVED', ...inRevision] as const;

const author = (viewer: Identity, innovation: Innovation) => isAuthorOf(viewer, innovation);
const platformAdmin = (viewer: Identity) => isPlatformAdmin(viewer);

export const innovationMachine = defineStatusMachine({
  statuses: [
    'DRAFT',
    'SUBMITTED',
    'UNDER_REVIEW',
    'CHANGES_REQUESTED',
    'APPROVED',
    'REJECTED',
    'WITHDRAWN',
    'ARCHIVED',
    ...inRevision,
  ] satisfies InnovationStage[],
  statusOf: (innovation: Innovation) => innovationStage(innovation),
  currentStatusOf: (innovation) => reviewStatus(innovation),
  refused: ({ verb, subject }) => `Cannot ${verb} an innovation that is ${reviewStatus(subject)}.`,
  actions: {
    /** Content changes; once approved, they start (or continue) a revision, even after a rejected one. */
    edit: {
      from: ['DRAFT', 'CHANGES_REQUESTED', 'APPROVED', 'REVISION_DRAFT', 'REVISION_CHANGES_REQUESTED', 'REVISION_REJECTED'],
      who: author,
    },
    /** Only never-approved work may be deleted; approved versions are a record buyers rely on. */
    delete: { from: ['DRAFT', 'CHANGES_REQUESTED'], who: author },
    submit: { from: ['DRAFT', 'CHANGES_REQUESTED', 'REVISION_DRAFT', 'REVISION_CHANGES_REQUESTED'], who: author },
    withdraw: { from: listed, to: 'WITHDRAWN', who: author },
    archive: { from: listed, to: 'ARCHIVED', who: platformAdmin },
    assignAssessor: {
      from: ['SUBMITTED', 'UNDER_REVIEW', 'REVISION_SUBMITTED', 'REVISION_UNDER_REVIEW'],
      verb: 'assign an assessor to',
      who: platformAdmin,
    },
    /** Declaring conflicts and scoring; who also depends on the assessor's standing (`canAssess`). */
    assess: { from: ['UNDER_REVIEW', 'REVISION_UNDER_REVIEW'] },
    /** Approving, requesting changes or rejecting; the outcome decides where it leads (`canDecide`). */
    decide: { from: ['UNDER_REVIEW', 'REVISION_UNDER_REVIEW'] },
    addEvidence: {
      from: ['DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED', ...inRevision],
      verb: 'add evidence to',
      who: author,
    },
    /** Once per organisation: whether it already has is a fact beside the table (`canEndorse`). */
    endorse: { from: listed, who: (viewer) => isEndorser(viewer) },
  },
});

/** What an assessor's eligibility depends on, beyond the viewer and the innovation. */
export interface AssessorStanding {
  /** Assigned to the innovation for its current review round. */
  assigned: boolean;
  /** Declared, for this innovation, that there is no conflict. */
  declaredNoConflict: boolean;
  /** Declared a conflict with the innovation's supplier (on this or any other innovation). */
  conflictedWithSupplier: boolean;
}

/** May declare conflicts for this innovation: an assigned assessor from outside the supplier, while it is under review. */
export function canDeclareConflict(viewer: Identity, innovation: Innovation, standing: AssessorStanding): boolean {
  return (
    hasPlatformRole(viewer, 'ASSESSOR') &&
    viewer!.organisationId !== innovation.supplierId &&
    standing.assigned &&
    innovationMachine.can('assess', innovation)
  );
}

export function canAssess(viewer: Identity, innovation: Innovation, standing: AssessorStanding): boolean {
  return canDeclareConflict(viewer, innovation, standing) && standing.declaredNoConflict && !standing.conflictedWithSupplier;
}

/** Deciding needs the state and the person; the number of assessments is checked by the service. */
export function canDecide(viewer: Identity, innovation: Innovation, standing: AssessorStanding): boolean {
  return innovationMachine.can('decide', innovation) && (isPlatformAdmin(viewer) || canAssess(viewer, innovation, standing));
}

/** Endorsing: an endorser, for a listed innovation, once per organisation. */
export function canEndorse(viewer: Identity, innovation: Innovation, alreadyEndorsed: boolean): boolean {
  return innovationMachine.capable('endorse', viewer, innovation) && !alreadyEndorsed;
}

/**
 * An evidence item's vetting: evidence added after submission waits PENDING until vetted (by its
 * authority's answer, or by an assessor or platform admin from outside the supplier), or until the
 * supplier withdraws it. Only pending evidence moves: vetted evidence is part of the record buyers
 * read. Who may do each is the workflow service's (policy.ts `canVetEvidence`, the supplier's authors).
 */
export const evidenceVettingMachine = defineStatusMachine({
  statuses: ['PENDING', 'VETTED', 'WITHDRAWN'] satisfies EvidenceVettingState[],
  statusOf: (evidence: { vetting: EvidenceVettingState }) => evidence.vetting,
  refused: ({ verb, current }) => `Only pending evidence can be ${verb}; this is ${current}.`,
  actions: {
    vet: { from: ['PENDING'], to: 'VETTED', verb: 'vetted' },
    withdraw: { from: ['PENDING'], to: 'WITHDRAWN', verb: 'withdrawn' },
  },
});

/**
 * The answer of the authority an evidence item names: once, confirming or disputing it, unless
 * the supplier withdrew the item (judged as WITHDRAWN, whatever the answer so far).
 */
export const evidenceAnswerMachine = defineStatusMachine({
  statuses: ['UNCONFIRMED', 'CONFIRMED', 'DISPUTED', 'WITHDRAWN'],
  statusOf: (evidence: Pick<Evidence, 'vetting' | 'confirmation' | 'authorityId'>) =>
    evidence.vetting === 'WITHDRAWN' ? 'WITHDRAWN' : evidence.confirmation,
  refused: ({ current }) => (current === 'WITHDRAWN' ? 'The supplier withdrew this evidence.' : `This evidence is already ${current}.`),
  actions: {
    confirm: { from: ['UNCONFIRMED'], to: 'CONFIRMED', who: canConfirmEvidence },
    dispute: { from: ['UNCONFIRMED'], to: 'DISPUTED', who: canConfirmEvidence },
  },
});
