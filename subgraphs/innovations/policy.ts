import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import {
  belongsTo,
  hasOrganisationRole,
  hasPlatformRole,
  isActiveMember,
  isPlatformStaff,
  type Identity,
  type Viewer,
} from '../../platform/identity';
import { PUBLIC_BODY_KINDS } from '../../platform/organisation-kinds';
import type { Innovation } from './entities';
import type { InnovationStatus } from './generated/graphql';

/**
 * Who may see which innovation. The one place the rule lives: every path that returns innovations
 * (`innovations`, `innovation(id)`, `_entities`, `Organisation.innovations`) goes through
 * `innovationVisibility` — as SQL for lists and counts, as a predicate for rows fetched by id.
 *
 * - ASSESSOR and PLATFORM_ADMIN see every innovation, in any status: they vet them.
 * - A supplier's own people (viewer.organisationId = innovation.supplierId) see all of their own
 *   innovations, in any status.
 * - Everyone else — anonymous callers, other suppliers, buyers, and ANALYSTs, who work on the
 *   public catalogue — sees APPROVED innovations only.
 *
 * An invisible innovation is indistinguishable from a missing one: null by id and in `_entities`,
 * absent from lists and from their `totalCount`. Filters (e.g. `statuses`) only narrow what is
 * visible; they are ANDed with the visibility condition and can never widen it.
 */
export type InnovationVisibility =
  | { everything: true }
  | { everything: false; /** Innovations of this organisation are visible in any status. */ ownSupplierId: string | null };

export const PUBLIC_INNOVATION_STATUS = 'APPROVED';

/** Decided once per request, from the viewer alone. */
export function innovationVisibility(viewer: Identity): InnovationVisibility {
  if (hasPlatformRole(viewer, 'PLATFORM_ADMIN', 'ASSESSOR')) return { everything: true };
  return { everything: false, ownSupplierId: viewer?.organisationId.toLowerCase() ?? null };
}

/** The predicate for one row, e.g. one fetched by id. */
export function canSeeInnovation(visibility: InnovationVisibility, innovation: Pick<Innovation, 'status' | 'supplierId'>): boolean {
  if (visibility.everything) return true;
  return innovation.status === PUBLIC_INNOVATION_STATUS || innovation.supplierId === visibility.ownSupplierId;
}

/** The same rule as an `AND` condition on a query over innovations (lists, pages and counts alike). */
export function applyInnovationVisibility<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  visibility: InnovationVisibility,
  /** The alias of the innovation in the query, when it is joined rather than the main one. */
  alias: string = query.alias,
): SelectQueryBuilder<T> {
  if (visibility.everything) return query;
  if (visibility.ownSupplierId === null) {
    return query.andWhere(`${alias}.status = :visiblePublicStatus`, { visiblePublicStatus: PUBLIC_INNOVATION_STATUS });
  }
  return query.andWhere(`(${alias}.status = :visiblePublicStatus OR ${alias}.supplierId = :visibleOwnSupplierId)`, {
    visiblePublicStatus: PUBLIC_INNOVATION_STATUS,
    visibleOwnSupplierId: visibility.ownSupplierId,
  });
}

// ---------------------------------------------------------------------------------------------
// Doing: who may change what. Each rule is a pure function of the viewer and the rows concerned;
// which state each change needs is status-machines.ts, whose actions name these rules. The services
// enforce both (and turn a "no" into FORBIDDEN or CONFLICT), and `Innovation.viewerCan` reports
// them, so a front end never re-implements one.
//
// - Authoring (create, edit, delete, submit, add evidence): SUPPLIER_CONTRIBUTOR or ORG_ADMIN people
//   of the supplier, whose organisation is an ACTIVE member. Withdraw: the same people, once APPROVED.
// - Staff: PLATFORM_ADMIN assigns assessors, archives approved innovations and may decide.
// - Assessing: a person with the ASSESSOR role, assigned for the current review round, not of the
//   supplier's organisation, who declared no conflict with the supplier (and did declare, for
//   this innovation, before scoring). Assigned assessors may decide too.
// - Evidence: BUYER or ORG_ADMIN people of the authority an item names confirm or dispute it.
//   Evidence added after submission is PENDING until vetted (the authority's answer, or an assessor
//   or platform admin from outside the supplier); the supplier may withdraw it while pending.
//   Pending evidence is seen only by those who see the vetting record (`canSeeVettingRecord`).
// - Endorsing: BUYER or ORG_ADMIN people of an ACTIVE public body (a council, combined authority
//   or national body), once per organisation, for an APPROVED innovation.
//
// Seeing the vetting record (assessments, pending revision, audit trail): platform admins and
// assessors, and the supplier's own people; the audit trail also analysts (all platform staff).
// ---------------------------------------------------------------------------------------------

/** Where an innovation is in the review that matters now: its pending revision's, if any, else its own. */
export function reviewStatus(innovation: Pick<Innovation, 'status' | 'revisionStatus'>): InnovationStatus {
  return innovation.revisionStatus ?? innovation.status;
}

const publicBodyKinds: ReadonlySet<string> = new Set(PUBLIC_BODY_KINDS);

/** A signed-in author of a supplier organisation that is an active member (may create innovations). */
export function isSupplierAuthor(viewer: Identity): viewer is Viewer {
  return (
    !!viewer &&
    viewer.organisationKind === 'SUPPLIER' &&
    isActiveMember(viewer) &&
    hasOrganisationRole(viewer, 'SUPPLIER_CONTRIBUTOR', 'ORG_ADMIN')
  );
}

/** An author of this innovation's supplier. */
export function isAuthorOf(viewer: Identity, innovation: Pick<Innovation, 'supplierId'>): boolean {
  return isSupplierAuthor(viewer) && viewer.organisationId === innovation.supplierId;
}

export function isPlatformAdmin(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/** A person who may speak for the authority an evidence item names. */
export function canConfirmEvidence(viewer: Identity, evidence: { authorityId: string }): boolean {
  return belongsTo(viewer, evidence.authorityId) && hasOrganisationRole(viewer, 'BUYER', 'ORG_ADMIN');
}

/** Not yet (re)submitted: what the assessors will see with the next submission. */
const statusesVettedWithSubmission: readonly InnovationStatus[] = ['DRAFT', 'CHANGES_REQUESTED'];

/**
 * Evidence added while the innovation is a draft (or has changes requested) goes to the assessors
 * with the submission and is vetted with it; anything added later waits as PENDING (see the
 * add-evidence-vetting migration).
 */
export function evidenceVettedWithSubmission(innovation: Pick<Innovation, 'status'>): boolean {
  return statusesVettedWithSubmission.includes(innovation.status);
}

/** Vets pending evidence for listing: vetting staff from outside the supplier. */
export function canVetEvidence(viewer: Identity, innovation: Pick<Innovation, 'supplierId'>): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN', 'ASSESSOR') && !belongsTo(viewer, innovation.supplierId);
}

/** A person who may endorse on behalf of a council or other public body. */
export function isEndorser(viewer: Identity): viewer is Viewer {
  return (
    !!viewer && publicBodyKinds.has(viewer.organisationKind) && isActiveMember(viewer) && hasOrganisationRole(viewer, 'BUYER', 'ORG_ADMIN')
  );
}

/** Assessments and the pending revision: vetting staff and the supplier's own people. */
export function canSeeVettingRecord(viewer: Identity, innovation: Pick<Innovation, 'supplierId'>): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN', 'ASSESSOR') || belongsTo(viewer, innovation.supplierId);
}

/** The audit trail: all platform staff, and the supplier's own people. */
export function canSeeAuditTrail(viewer: Identity, innovation: Pick<Innovation, 'supplierId'>): boolean {
  return isPlatformStaff(viewer) || belongsTo(viewer, innovation.supplierId);
}

// ---------------------------------------------------------------------------------------------
// Dashboards. Every dashboard field reads the caller's own organisation from the request, never an
// id the client passes, so one organisation cannot ask for another's.
// - The vetting queue: platform admins and assessors (the people who vet).
// - Evidence waiting for confirmation: the people who may confirm it (`canConfirmEvidence`) see
//   the title and supplier of the innovation it is evidence for, even before it is public: they
//   cannot vouch for evidence without knowing what it is evidence for.
// - The latest decision on an innovation is part of its vetting record (`canSeeVettingRecord`).
// ---------------------------------------------------------------------------------------------

export function canSeeVettingQueue(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN', 'ASSESSOR');
}

/** Whether the caller may see what its organisation is asked to confirm (the rule of `canConfirmEvidence`). */
export function canSeeEvidenceAwaitingConfirmation(viewer: Identity): viewer is Viewer {
  return !!viewer && canConfirmEvidence(viewer, { authorityId: viewer.organisationId });
}
