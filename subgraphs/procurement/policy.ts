import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { belongsTo, hasOrganisationRole, hasPlatformRole, isActiveMember, type Identity } from '../../platform/identity';
import type { ProcurementProject as ProjectRow } from './entities/project.entity';
import type { ProcurementResponse as ResponseRow } from './entities/response.entity';
import type { Admission, AdmissionStatus } from './entities/admission.entity';

/**
 * Who may see what in procurement. Almost everything here is public by design, so this module is
 * mostly the record of that decision:
 *
 * - Procurement routes (frameworks, DPSs, dynamic markets, competitions…) in every status, COMING
 *   included — interest in a coming route can be registered — and EXPIRED ones, for the record.
 *   `procurementRoutes`, `procurementRoute(id)` and `_entities` apply no viewer condition.
 * - Lots of those routes, and each lot's ADMITTED suppliers: who may be awarded under a route is
 *   published information (`Lot.admittedSuppliers`).
 * - `Innovation.availableVia`: LIVE routes on whose lot the supplier is ADMITTED. It reads only
 *   ADMITTED admissions, so it says nothing beyond `Lot.admittedSuppliers`, whatever innovation
 *   representation it is given (whether that innovation is visible is the innovations subgraph's
 *   rule; the gateway asks only about innovations it could see).
 *
 * The one non-public thing is an admission in any other status (APPLIED, REJECTED, SUSPENDED,
 * EXPIRED): a supplier's dealings with a route, visible only to that supplier and PLATFORM_ADMIN.
 * `Query.admissions` applies this rule in its SQL (`applyAdmissionVisibility`); every other query
 * reads only `PUBLIC_ADMISSION_STATUSES` (`onlyPublicAdmissions`). The status judged is the
 * effective one: a standing admission is EXPIRED once its route has expired.
 *
 * Visibility is expressed one way: as a condition added to a TypeORM query builder (lists, pages
 * and counts alike), with the matching predicate (`canSee…`) for rows already fetched.
 * The two dashboard fields that read admissions in any status (`ViewerProcurement.lotAdmissions`, a
 * supplier's own, and `admissionsAwaitingDecision`, PLATFORM_ADMIN's queue) filter with
 * `canSeeAdmission` too.
 */
export const PUBLIC_ADMISSION_STATUSES: readonly AdmissionStatus[] = ['ADMITTED'];

export function canSeeAdmission(viewer: Identity, admission: Pick<Admission, 'status' | 'supplierId'>): boolean {
  return (
    PUBLIC_ADMISSION_STATUSES.includes(admission.status) ||
    belongsTo(viewer, admission.supplierId) ||
    hasPlatformRole(viewer, 'PLATFORM_ADMIN')
  );
}

/** No one's id: the "own admissions" condition of an anonymous caller matches no row. */
const nobody = '00000000-0000-0000-0000-000000000000';

/**
 * `canSeeAdmission` as an `AND` condition on a query over admissions (`alias`), judged on
 * `effectiveStatus`, the SQL of the status the caller is shown (stored, or EXPIRED with its route).
 */
export function applyAdmissionVisibility<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  viewer: Identity,
  effectiveStatus: string,
  alias: string = query.alias,
): SelectQueryBuilder<T> {
  if (hasPlatformRole(viewer, 'PLATFORM_ADMIN')) return query;
  return query.andWhere(`(${effectiveStatus} IN (:...visibleAdmissionStatuses) OR ${alias}.supplierId = :visibleOwnSupplierId)`, {
    visibleAdmissionStatuses: [...PUBLIC_ADMISSION_STATUSES],
    visibleOwnSupplierId: viewer?.organisationId ?? nobody,
  });
}

/** Only public admissions, whoever asks: the paths that publish who is admitted (lots, `availableVia`). */
export function onlyPublicAdmissions<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, alias: string): SelectQueryBuilder<T> {
  return query.andWhere(`${alias}.status IN (:...publicAdmissionStatuses)`, { publicAdmissionStatuses: [...PUBLIC_ADMISSION_STATUSES] });
}

/*
 * Procurement projects. Unlike routes, a project carries secrets: drafts, sealed responses,
 * scores and who asked which question. Every field and mutation decides from the functions below
 * (who) and status-machines.ts (in which status), and `viewerCan` is computed from the very same.
 *
 * - A DRAFT project is seen by the buyer's team (its BUYER and ORG_ADMIN people) and PLATFORM_ADMIN;
 *   once published, a project (title, need, budget, dates, award, contract) is public: it is what a
 *   contract notice and the OCDS releases publish. A draft cancelled before it was ever published
 *   (or directly awarded) stays the buyer team's: cancelling must not publish it.
 * - Clarification questions never say who asked, on any path. Answered ones go to the people in the
 *   competition — the buyer's team, the invited suppliers — and PLATFORM_ADMIN, never to the public
 *   or to suppliers not invited; unanswered ones are seen by the buyer's team and by the asker's own
 *   organisation. After the award what the public reads of them is the OCDS record
 *   (`clarificationsPublishedOpenly`); the `clarifications` field keeps this rule.
 * - Responses are sealed: before the deadline nobody but the responding supplier reads one — not the
 *   buyer, not PLATFORM_ADMIN, not another supplier. The buyer's team sees only `responseCount`.
 *   After the deadline the buyer's team reads them all; a supplier only ever reads its own.
 *   A response its supplier withdrew is no tender: it is not counted, read by the buyer, scored or
 *   awarded (the loaders leave it out); its supplier still reads it, to submit again before the deadline.
 * - Scores are for the buyer's team; after the award a supplier also sees its own response's scores,
 *   and every responding supplier sees the winner and the winning total score, never another loser's.
 *   Evaluators never see each other's scores until the response is moderated (`visibleScores`): an
 *   evaluator of a response (anyone who has scored it) sees only their own; the moderator's view —
 *   every evaluator's score — is for a team member with no conflict with the supplier who has not
 *   scored it, once its scoring is complete (and no newcomer may score a complete response, so no one
 *   scores after seeing the others'). Once moderated, the buyer's team sees every score.
 *   The total score is the moderated weighted total: null until moderated.
 */

export type ProjectStatus = 'DRAFT' | 'PUBLISHED' | 'CLARIFICATION' | 'EVALUATION' | 'AWARDED' | 'CONTRACTED' | 'CANCELLED';

/** The status now: a published competition moves on by itself as its cut-off and deadline pass. */
export function projectStatus(project: ProjectRow, now: Date): ProjectStatus {
  if (project.status !== 'PUBLISHED') return project.status;
  if (now < project.clarificationClosesAt!) return 'PUBLISHED';
  if (now < project.responseDeadline!) return 'CLARIFICATION';
  return 'EVALUATION';
}

/** Whether responses are unsealed: the deadline has passed (and the project was published). */
export function responsesUnsealed(project: ProjectRow, now: Date): boolean {
  return !!project.responseDeadline && now >= project.responseDeadline && project.status !== 'DRAFT';
}

/** The buyer's team: signed-in BUYER or ORG_ADMIN people of the buying organisation, an active member. */
export function isBuyerTeam(viewer: Identity, project: Pick<ProjectRow, 'buyerId'>): boolean {
  return isActiveMember(viewer) && belongsTo(viewer, project.buyerId) && hasOrganisationRole(viewer, 'BUYER', 'ORG_ADMIN');
}

/** People who act for a supplier in a competition: its ORG_ADMIN and SUPPLIER_CONTRIBUTOR people. */
export function actsForSupplier(viewer: Identity, supplierId: string): boolean {
  return isActiveMember(viewer) && belongsTo(viewer, supplierId) && hasOrganisationRole(viewer, 'ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR');
}

/**
 * Whether a project was ever made public: published (a further competition), or awarded (a direct
 * award's notice). A draft, and a draft cancelled before either, never was.
 */
export function wasMadePublic(project: Pick<ProjectRow, 'status' | 'publishedAt' | 'awardedAt'>): boolean {
  if (project.status === 'DRAFT') return false;
  return project.status !== 'CANCELLED' || project.publishedAt !== null || project.awardedAt !== null;
}

export function canSeeProject(viewer: Identity, project: ProjectRow): boolean {
  return wasMadePublic(project) || isBuyerTeam(viewer, project) || hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/** `canSeeProject` as an `AND` condition on a query over projects: unpublished ones only for their buyer's team and PLATFORM_ADMIN. */
export function applyProjectVisibility<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  viewer: Identity,
  alias: string = query.alias,
): SelectQueryBuilder<T> {
  if (hasPlatformRole(viewer, 'PLATFORM_ADMIN')) return query;
  // `wasMadePublic` in SQL.
  const madePublic = `(${alias}.status <> 'DRAFT' AND (${alias}.status <> 'CANCELLED' OR ${alias}.publishedAt IS NOT NULL OR ${alias}.awardedAt IS NOT NULL))`;
  if (!viewer || !isBuyerTeam(viewer, { buyerId: viewer.organisationId })) return query.andWhere(madePublic);
  return query.andWhere(`(${madePublic} OR ${alias}.buyerId = :visibleOwnBuyerId)`, { visibleOwnBuyerId: viewer.organisationId });
}

export function isInvited(viewer: Identity, invitedSupplierIds: readonly string[]): boolean {
  return !!viewer && invitedSupplierIds.includes(viewer.organisationId);
}

export function canSeeInvitations(viewer: Identity, project: ProjectRow, invitedSupplierIds: readonly string[]): boolean {
  return isBuyerTeam(viewer, project) || isInvited(viewer, invitedSupplierIds) || hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/**
 * Answered questions go to the competition's people (the buyer's team, invited suppliers) and
 * PLATFORM_ADMIN — the same people who see the invitations; unanswered ones to the buyer's team and
 * the asker's organisation. The question's asker is never part of what anyone sees.
 */
export function canSeeQuestion(
  viewer: Identity,
  project: ProjectRow,
  question: { answer: string | null; askerSupplierId: string },
  invitedSupplierIds: readonly string[],
): boolean {
  if (question.answer === null) return isBuyerTeam(viewer, project) || belongsTo(viewer, question.askerSupplierId);
  return canSeeInvitations(viewer, project, invitedSupplierIds);
}

/**
 * Whether the answered questions are in the open OCDS record (tender `enquiries`): once the project
 * is awarded, when the contract award notice publishes the competition. Before, they are the
 * competition's own (`canSeeQuestion`).
 */
export function clarificationsPublishedOpenly(project: Pick<ProjectRow, 'awardedAt'>, withdrawnAwards = 0): boolean {
  // An award withdrawn on an upheld challenge was published all the same: what it published stays.
  return project.awardedAt !== null || withdrawnAwards > 0;
}

/** Only the buyer's team learns how many responses there are; nobody learns who sent them before the deadline. */
export function canSeeResponseCount(viewer: Identity, project: ProjectRow): boolean {
  return isBuyerTeam(viewer, project);
}

/** Which responses a viewer may read at all: `ALL` (the buyer's team after the deadline), `OWN` or `NONE`. */
export function readableResponses(viewer: Identity, project: ProjectRow, now: Date): 'ALL' | 'OWN' | 'NONE' {
  if (isBuyerTeam(viewer, project) && responsesUnsealed(project, now)) return 'ALL';
  if (viewer && viewer.organisationId !== project.buyerId) return 'OWN';
  return 'NONE';
}

export function canReadResponse(viewer: Identity, project: ProjectRow, response: Pick<ResponseRow, 'supplierId'>, now: Date): boolean {
  const readable = readableResponses(viewer, project, now);
  return readable === 'ALL' || (readable === 'OWN' && belongsTo(viewer, response.supplierId));
}

export function canSeeScores(viewer: Identity, project: ProjectRow, response: Pick<ResponseRow, 'supplierId'>, now: Date): boolean {
  if (isBuyerTeam(viewer, project)) return responsesUnsealed(project, now);
  const decided = project.status === 'AWARDED' || project.status === 'CONTRACTED';
  return decided && belongsTo(viewer, response.supplierId);
}

/** The winner's total score: the buyer's team, and suppliers that responded (to learn how they compare). */
export function canSeeWinningScore(viewer: Identity, project: ProjectRow, respondedSupplierIds: readonly string[]): boolean {
  return isBuyerTeam(viewer, project) || (!!viewer && respondedSupplierIds.includes(viewer.organisationId));
}

/**
 * A tender's assessment summary (issued at the award): its supplier's people, the buyer's team and
 * PLATFORM_ADMIN. No other bidder reads it, nor the public.
 */
export function canReadAssessmentSummary(viewer: Identity, project: ProjectRow, supplierId: string): boolean {
  return belongsTo(viewer, supplierId) || isBuyerTeam(viewer, project) || hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/**
 * A project's audit trail (`ProcurementProject.auditTrail`) is the buyer's team's and platform
 * staff's record; everyone else reads none of it, as with responses.
 */
export function canReadAuditTrail(viewer: Identity, project: ProjectRow): boolean {
  return isBuyerTeam(viewer, project) || hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/** What an audit entry says, as far as the sealing rules care. */
export interface AuditEntryFacts {
  subjectType: string;
  action: string;
  /** For an entry about a response: whether that response stands withdrawn now. */
  responseWithdrawn: boolean;
}

/**
 * What of one audit entry its readers may not learn, so the trail tells no secret the other fields
 * keep: who asked a question (never, on any path); who acted on a response before the deadline
 * (a sealed bid's author), or ever on a withdrawn one (no tender, never opened by the buyer); and a
 * score's value before the award, which the buyer's evaluators do not read of one another (staff,
 * who do not evaluate, read it).
 */
export function withheldFromAuditEntry(
  viewer: Identity,
  project: ProjectRow,
  entry: AuditEntryFacts,
  now: Date,
): { actor: boolean; reason: boolean } {
  const asker = entry.subjectType === 'QUESTION' && entry.action === 'ASK';
  const sealedResponse = entry.subjectType === 'RESPONSE' && (!responsesUnsealed(project, now) || entry.responseWithdrawn);
  const scoreBeforeAward = entry.action === 'SCORE' && project.awardedAt === null && !hasPlatformRole(viewer, 'PLATFORM_ADMIN');
  return { actor: asker || sealedResponse, reason: scoreBeforeAward };
}

/*
 * Standstill challenges (issue 24 item 4). A challenge is raised by a bidder during the standstill
 * and answered by the buyer's team; while one is open the contract cannot be recorded.
 * - Who may raise one: the people who act for a bidder in the competition (its ORG_ADMIN and
 *   SUPPLIER_CONTRIBUTOR people, as for responding: `actsForSupplier`), where a bidder is a supplier
 *   whose response stands (not withdrawn). The winner has no award to challenge.
 * - Who reads one: the challenger's own people (any role), the buyer's team and PLATFORM_ADMIN;
 *   nobody else learns that it exists (not other bidders, not the public).
 * - Who answers: whoever may award, the buyer's team (status-machines.ts `challengeMachine`).
 */

/** Whether the viewer acts for a bidder that may challenge this award (`bidderIds`: suppliers whose response stands). */
export function mayRaiseStandstillChallenge(viewer: Identity, project: ProjectRow, bidderIds: readonly string[]): boolean {
  if (!viewer || !actsForSupplier(viewer, viewer.organisationId)) return false;
  return bidderIds.includes(viewer.organisationId) && viewer.organisationId !== project.awardedSupplierId;
}

export function canSeeStandstillChallenge(viewer: Identity, project: ProjectRow, challenge: { supplierId: string }): boolean {
  return belongsTo(viewer, challenge.supplierId) || isBuyerTeam(viewer, project) || hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/** What the project facts a capability needs, beyond the project itself. */
export interface ProjectFacts {
  invitedSupplierIds: readonly string[];
  /** The viewer's own conflict declarations on this project: responding supplier id → whether in conflict. */
  declarations: ReadonlyMap<string, boolean>;
}

/**
 * Scoring one response: an evaluator of the buyer's team who has declared no conflict with that
 * response's supplier (declarations are per responding supplier). `projectMachine` evaluate
 * (status-machines.ts) says whether the evaluator may score any response at all.
 */
export function mayScoreResponseOf(viewer: Identity, project: ProjectRow, facts: ProjectFacts, supplierId: string): boolean {
  return isBuyerTeam(viewer, project) && facts.declarations.get(supplierId) === false;
}

/**
 * Moderating one response: a member of the buyer's team who declared no conflict with its supplier
 * and did NOT score it. The moderator is independent of the evaluators, so the agreed score is set by
 * someone who argued for no score of their own, and no evaluator ever sees colleagues' scores before
 * the agreed ones are fixed (`visibleScores`). Timing is `projectMachine` evaluate (status-machines.ts).
 */
export function mayModerateResponseOf(
  viewer: Identity,
  project: ProjectRow,
  facts: ProjectFacts,
  supplierId: string,
  scoredIt: boolean,
): boolean {
  return mayScoreResponseOf(viewer, project, facts, supplierId) && !scoredIt;
}

/**
 * Which evaluators' scores of a response the viewer reads, once `canSeeScores` allows any: `ALL`
 * after moderation (and for its supplier after the award); before moderation `OWN` for the buyer's
 * team, except the moderator's view (`ALL`) for a no-conflict member who did not score it, once
 * its scoring is complete.
 */
export function visibleScores(
  viewer: Identity,
  project: ProjectRow,
  response: Pick<ResponseRow, 'supplierId' | 'moderatedAt'>,
  facts: ProjectFacts,
  evaluation: { scoredByViewer: boolean; complete: boolean },
): 'ALL' | 'OWN' {
  if (response.moderatedAt || !isBuyerTeam(viewer, project)) return 'ALL';
  return evaluation.complete && mayModerateResponseOf(viewer, project, facts, response.supplierId, evaluation.scoredByViewer)
    ? 'ALL'
    : 'OWN';
}

/** Suppliers apply through their ORG_ADMIN; PLATFORM_ADMIN decides. */
export function canApplyForAdmission(viewer: Identity): boolean {
  return isActiveMember(viewer) && viewer!.organisationKind === 'SUPPLIER' && hasOrganisationRole(viewer, 'ORG_ADMIN');
}

export function canDecideAdmission(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

/** Routes a buyer may use: its nation is eligible, and its kind when the route names kinds. */
export function buyerMayUseRoute(
  viewer: Identity,
  route: { eligibleNations: readonly string[]; eligibleOrganisationKinds: readonly string[] },
): boolean {
  if (!viewer || !viewer.organisationNation) return false;
  return (
    route.eligibleNations.includes(viewer.organisationNation) &&
    (route.eligibleOrganisationKinds.length === 0 || route.eligibleOrganisationKinds.includes(viewer.organisationKind))
  );
}

/** Organisation kinds that are not public buyers. */
export const nonBuyerOrganisationKinds: readonly string[] = ['SUPPLIER', 'ACADEMIC', 'TRADE_BODY'];

/** A signed-in person who buys for a public body: their answers about routes are narrowed to what they may use. */
export function isBuyer(viewer: Identity): boolean {
  return !!viewer && !nonBuyerOrganisationKinds.includes(viewer.organisationKind) && hasOrganisationRole(viewer, 'BUYER');
}

/*
 * Dashboards. Every dashboard field reads the caller's own organisation from the request, never an
 * id the client passes, so no organisation can ask for another's dealings.
 * - Live projects and the categories a buyer shortlists from (drafts included): the buyer's team.
 * - Routes opening or expiring soon: the routes the caller's organisation may buy through.
 * - Its admissions in any status, the projects it is invited to, the questions it asked: the
 *   supplier's own people (each already visible to them under the rules above).
 * - Admissions waiting for a decision: whoever decides them (`canDecideAdmission`).
 */
export function isOwnBuyerTeam(viewer: Identity): boolean {
  return !!viewer && isBuyerTeam(viewer, { buyerId: viewer.organisationId });
}
