import { In, Not, type EntityManager } from 'typeorm';
import { badUserInput, conflict, forbidden, notFound } from '../../../platform/errors';
import { hasPlatformRole, type Viewer } from '../../../platform/identity';
import { parseId } from '../../../platform/ids';
import { calendarDate, decimalNumber, optionalText, requiredText, wholeNumber } from '../../../platform/input';
import { requireSignedIn } from '../../../platform/sign-in';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { defineRecorder } from '../../../platform/recorder';
import { recordDomainEvent, type DomainEventFacts, type DomainEventKind } from '../../../platform/outbox';
import {
  Assessment,
  AssessorAssignment,
  AuditEvent,
  Certification,
  ConflictDeclaration,
  Endorsement,
  Evidence,
  Innovation,
  InnovationRevision,
  type EvidenceVettingState,
  type InnovationContent,
  type RevisionStatus,
} from '../entities';
import type {
  AddEvidenceInput,
  DecideInnovationInput,
  DeclareConflictInput,
  InnovationInput,
  InnovationStatus,
  SubmitAssessmentInput,
} from '../generated/graphql';
import {
  canConfirmEvidence,
  canSeeInnovation,
  canSeeVettingRecord,
  canVetEvidence,
  evidenceVettedWithSubmission,
  isAuthorOf,
  isEndorser,
  isPlatformAdmin,
  isSupplierAuthor,
  reviewStatus,
} from '../policy';
import {
  canAssess,
  canDecide,
  canDeclareConflict,
  evidenceAnswerMachine,
  evidenceVettingMachine,
  innovationMachine,
  type AssessorStanding,
} from '../status-machines';
import { contentLimits, contentOf, readInnovationInput } from './innovation-content';
import type { CertificationModel } from '../mappers';
import { ukDate, type InnovationsRequest } from './innovation.service';
import { matchingCatalogueSearchIds, recordCatalogueSearchMatches } from './saved-search.service';

/** The innovation audit trail (innovations.audit_event, append-only; read through the `AuditEvent` entity). */
const auditTrail = defineRecorder<
  Pick<AuditEvent, 'innovationId' | 'actorId' | 'action'> & Partial<Pick<AuditEvent, 'fromStatus' | 'toStatus' | 'reason'>>
>({
  table: 'innovations.audit_event',
  atColumn: 'at',
  columns: {
    innovationId: 'innovation_id',
    actorId: 'actor_id',
    action: 'action',
    fromStatus: 'from_status',
    toStatus: 'to_status',
    reason: 'reason',
  },
});

/** The published criteria and their score range. */
export const MIN_SCORE = 0;
export const MAX_SCORE = 5;
const criteria = ['deploymentEvidence', 'outcomes', 'safetyAndStandards', 'carbon', 'valueForMoney'] as const;

/**
 * Every change to an innovation: authoring, vetting, evidence and endorsements. Each mutation is
 * one transaction that locks the innovation row (`SELECT … FOR UPDATE`), checks who and which
 * state, changes it and appends to the audit trail; any error rolls all of it back. Reads inside a
 * transaction go through its own manager, never the request's loaders (on an embedded database a
 * second connection would wait for this one forever).
 *
 * Failures: UNAUTHENTICATED (anonymous), NOT_FOUND (missing, or invisible to the caller),
 * FORBIDDEN (visible but not the caller's to change), CONFLICT with `currentStatus` (a state the
 * status machines, status-machines.ts, do not allow the change from),
 * BAD_USER_INPUT with `argument` naming the field. All but UNAUTHENTICATED reach the caller as the
 * payload's `refusal` (platform/refusals.ts); two CONFLICTs carry more facts, as their own types.
 */
export class InnovationWorkflowService {
  constructor(private readonly request: InnovationsRequest) {}

  private signedIn(): Viewer {
    return requireSignedIn(this.request.viewer, 'Sign in to change innovations.');
  }

  /** After a write, nested fields of the answer must read the new state, not this request's cache. */
  private fresh(innovation: Innovation): Innovation {
    const { loaders } = this.request;
    loaders.innovationById.clear(innovation.id).prime(innovation.id, innovation);
    for (const loader of Object.values(loaders.vetting)) if (typeof loader !== 'function') loader.clear(innovation.id);
    return innovation;
  }

  private async lock(manager: EntityManager, id: string, argument = 'id'): Promise<Innovation> {
    const innovationId = parseId(id, argument);
    const row = await manager
      .getRepository(Innovation)
      .createQueryBuilder('innovation')
      .setLock('pessimistic_write')
      .where('innovation.id = :innovationId', { innovationId })
      .getOne();
    if (!row || !canSeeInnovation(this.request.visibility, row)) throw notFound('Innovation', innovationId);
    return row;
  }

  /**
   * The version step on the locked row (platform/optimistic-lock.ts), before its other columns are
   * saved in the same transaction: a client `version` that is stale is refused with CONFLICT and
   * `currentVersion`; without one (optional on every mutation), last write wins. Every change to
   * the row comes through here, so the version moves on whoever makes it.
   */
  private async stepVersion(manager: EntityManager, innovation: Innovation, version?: number | null): Promise<void> {
    innovation.version = await updateAtVersion(manager, {
      table: 'innovations.innovation',
      noun: 'innovation',
      id: innovation.id,
      expectedVersion: version ?? null,
      assignments: '',
      values: [],
      conflictFacts: () => ({ currentStatus: reviewStatus(innovation) }),
    });
  }

  /** Appends to the innovation's audit trail in the caller's transaction, at the request clock's now. */
  private audit(
    manager: EntityManager,
    innovation: Innovation,
    action: AuditEvent['action'],
    change: { from?: InnovationStatus | null; to?: InnovationStatus | null; reason?: string | null } = {},
  ) {
    return auditTrail.record(manager, {
      innovationId: innovation.id,
      actorId: this.request.viewer?.personId ?? null,
      action,
      fromStatus: change.from,
      toStatus: change.to,
      reason: change.reason,
      at: this.request.clock.now(),
    });
  }

  /** Records a domain event about the innovation in the caller's transaction (platform/outbox.ts), at the request clock's now. */
  private async announce<K extends DomainEventKind>(
    manager: EntityManager,
    kind: K,
    innovation: Innovation,
    facts: Omit<DomainEventFacts[K], 'innovationId' | 'title' | 'supplierOrganisationId'>,
  ): Promise<void> {
    await recordDomainEvent(manager, {
      source: 'innovations',
      kind,
      occurredAt: this.request.clock.now(),
      subject: { typename: 'Innovation', id: innovation.id },
      facts: {
        innovationId: innovation.id,
        title: innovation.title,
        supplierOrganisationId: innovation.supplierId,
        ...facts,
      } as DomainEventFacts[K],
    });
  }

  // ------------------------------------------------------------------------------------- authoring

  async create(input: InnovationInput): Promise<Innovation> {
    const viewer = this.signedIn();
    if (!isSupplierAuthor(viewer)) {
      throw forbidden('Only contributors and admins of an active supplier member may create innovations.');
    }
    const content = readInnovationInput(input);
    return this.request.dataSource.transaction(async (manager) => {
      const created = await manager.save(manager.create(Innovation, { ...content, supplierId: viewer.organisationId, status: 'DRAFT' }));
      await this.audit(manager, created, 'CREATED', { to: 'DRAFT' });
      return this.fresh(created);
    });
  }

  async update(id: string, input: InnovationInput, version?: number | null): Promise<Innovation> {
    this.signedIn();
    const content = readInnovationInput(input);
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, id);
      this.authorOnly(innovation);
      await this.stepVersion(manager, innovation, version);
      innovationMachine.assertCan('edit', innovation);
      if (innovation.status === 'APPROVED') {
        // The approved version stays listed; the changes wait as a revision.
        const from = innovation.revisionStatus;
        Object.assign(innovation, { pendingContent: content, revisionStatus: 'DRAFT' satisfies RevisionStatus });
        if (from !== 'DRAFT')
          await this.audit(manager, innovation, 'STATUS_CHANGED', {
            from,
            to: 'DRAFT',
            reason: 'Revision of the approved version started.',
          });
      } else {
        Object.assign(innovation, content);
      }
      return this.fresh(await manager.save(innovation));
    });
  }

  async delete(id: string): Promise<string> {
    this.signedIn();
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, id);
      this.authorOnly(innovation);
      innovationMachine.assertCan('delete', innovation);
      await this.audit(manager, innovation, 'DELETED', { from: innovation.status });
      await manager.delete(Innovation, { id: innovation.id });
      this.request.loaders.innovationById.clear(innovation.id);
      return innovation.id;
    });
  }

  async submit(id: string, version?: number | null): Promise<Innovation> {
    this.signedIn();
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, id);
      this.authorOnly(innovation);
      await this.stepVersion(manager, innovation, version);
      innovationMachine.assertCan('submit', innovation);
      await this.requireDeploymentOrTrial(manager, innovation);
      const from = reviewStatus(innovation);
      this.setReviewStatus(innovation, 'SUBMITTED');
      // A new round: assessments of earlier rounds do not count towards the next decision.
      innovation.reviewRound += 1;
      await this.audit(manager, innovation, 'STATUS_CHANGED', { from, to: 'SUBMITTED' });
      await this.announce(manager, 'innovation.submitted', innovation, {
        revision: innovation.revisionStatus !== null,
        round: innovation.reviewRound,
      });
      return this.fresh(await manager.save(innovation));
    });
  }

  async withdraw(id: string, reason: string | null | undefined, version?: number | null): Promise<Innovation> {
    this.signedIn();
    const why = optionalText(reason, { field: 'reason', max: contentLimits.text });
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, id);
      this.authorOnly(innovation);
      await this.stepVersion(manager, innovation, version);
      innovationMachine.assertCan('withdraw', innovation);
      return this.delist(manager, innovation, 'WITHDRAWN', why);
    });
  }

  async archive(id: string, reason: string | null | undefined, version?: number | null): Promise<Innovation> {
    this.signedIn();
    const why = optionalText(reason, { field: 'reason', max: contentLimits.text });
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, id);
      if (!isPlatformAdmin(this.request.viewer)) throw forbidden('Only platform admins may archive innovations.');
      await this.stepVersion(manager, innovation, version);
      innovationMachine.assertCan('archive', innovation);
      return this.delist(manager, innovation, 'ARCHIVED', why);
    });
  }

  /** Off the catalogue: the listed revision stops being listed now; a pending revision is dropped. */
  private async delist(manager: EntityManager, innovation: Innovation, to: 'WITHDRAWN' | 'ARCHIVED', reason: string | null) {
    const now = this.request.clock.now();
    await manager
      .createQueryBuilder()
      .update(InnovationRevision)
      .set({ supersededAt: now })
      .where('innovation_id = :id AND superseded_at IS NULL', { id: innovation.id })
      .execute();
    Object.assign(innovation, { status: to, revisionStatus: null, pendingContent: null });
    await this.audit(manager, innovation, 'STATUS_CHANGED', { from: 'APPROVED', to, reason });
    return this.fresh(await manager.save(innovation));
  }

  /**
   * The catalogue lists innovations as proven in use: vetting starts only when there is at least one
   * deployment or trial at a named authority (a case study or a certification alone is not enough).
   */
  private async requireDeploymentOrTrial(manager: EntityManager, innovation: Innovation): Promise<void> {
    const has = await manager.exists(Evidence, {
      where: { innovationId: innovation.id, kind: In(['DEPLOYMENT', 'TRIAL']), vetting: Not('WITHDRAWN') },
    });
    if (!has) {
      // Answered as EvidenceRequired (schema/innovations.graphql), whose `missing` a front end reads.
      throw conflict('Add at least one deployment or trial at a named authority (addEvidence) before submitting for vetting.', {
        refusalType: 'EvidenceRequired',
        currentStatus: reviewStatus(innovation),
        missing: 'DEPLOYMENT_OR_TRIAL_EVIDENCE',
      });
    }
  }

  private authorOnly(innovation: Innovation): void {
    if (!isAuthorOf(this.request.viewer, innovation)) {
      throw forbidden("Only the supplier's contributors and admins may change its innovations.");
    }
  }

  /** The review that matters now is the pending revision's, if there is one. */
  private setReviewStatus(innovation: Innovation, status: RevisionStatus | 'APPROVED'): void {
    if (innovation.revisionStatus !== null) {
      if (status === 'APPROVED') throw new Error('a revision is approved by applyRevision');
      innovation.revisionStatus = status;
    } else {
      innovation.status = status;
    }
  }

  // --------------------------------------------------------------------------------------- vetting

  async assignAssessor(innovationId: string, assessorId: string): Promise<Innovation> {
    this.signedIn();
    const assessor = parseId(assessorId, 'assessorId');
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, innovationId, 'innovationId');
      if (!isPlatformAdmin(this.request.viewer)) throw forbidden('Only platform admins may assign assessors.');
      innovationMachine.assertCan('assignAssessor', innovation);
      await manager
        .createQueryBuilder()
        .insert()
        .into(AssessorAssignment)
        .values({ innovationId: innovation.id, round: innovation.reviewRound, assessorId: assessor, assignedAt: this.request.clock.now() })
        .orIgnore()
        .execute();
      await this.audit(manager, innovation, 'ASSESSOR_ASSIGNED', {
        reason: `Assessor ${assessor} assigned for round ${innovation.reviewRound}.`,
      });
      await this.announce(manager, 'assessor.assigned', innovation, {
        assessorPersonId: assessor,
        round: innovation.reviewRound,
        assignedByPersonId: this.request.viewer!.personId,
      });
      if (reviewStatus(innovation) === 'SUBMITTED') {
        this.setReviewStatus(innovation, 'UNDER_REVIEW');
        await this.audit(manager, innovation, 'STATUS_CHANGED', { from: 'SUBMITTED', to: 'UNDER_REVIEW' });
        await this.stepVersion(manager, innovation);
        await manager.save(innovation);
      }
      return this.fresh(innovation);
    });
  }

  /** The caller's standing as an assessor, read inside the transaction. */
  private async standingIn(manager: EntityManager, innovation: Innovation, viewer: Viewer): Promise<AssessorStanding> {
    const [assigned, declarations] = await Promise.all([
      manager.exists(AssessorAssignment, {
        where: { innovationId: innovation.id, round: innovation.reviewRound, assessorId: viewer.personId },
      }),
      manager.find(ConflictDeclaration, {
        where: [
          { assessorId: viewer.personId, innovationId: innovation.id },
          { assessorId: viewer.personId, supplierId: innovation.supplierId, conflicted: true },
        ],
      }),
    ]);
    return {
      assigned,
      declaredNoConflict: declarations.some((d) => d.innovationId === innovation.id && !d.conflicted),
      conflictedWithSupplier: declarations.some((d) => d.conflicted && d.supplierId === innovation.supplierId),
    };
  }

  private assessorChecks(viewer: Viewer, innovation: Innovation, standing: AssessorStanding): void {
    if (!hasPlatformRole(viewer, 'ASSESSOR')) throw forbidden('Only assessors may do this.');
    if (viewer.organisationId === innovation.supplierId) throw forbidden("Nobody assesses their own organisation's innovation.");
    innovationMachine.assertCan('assess', innovation);
    if (!standing.assigned) throw forbidden('Only assessors assigned to this review round may do this.');
  }

  async declareConflict(input: DeclareConflictInput): Promise<Innovation> {
    const viewer = this.signedIn();
    const statement = requiredText(input.statement, { field: 'input.statement', max: contentLimits.text });
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, input.innovationId, 'input.innovationId');
      const standing = await this.standingIn(manager, innovation, viewer);
      this.assessorChecks(viewer, innovation, standing);
      if (!canDeclareConflict(viewer, innovation, standing)) throw forbidden('You may not declare conflicts for this innovation.');
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ConflictDeclaration)
        .values({
          innovationId: innovation.id,
          assessorId: viewer.personId,
          supplierId: innovation.supplierId,
          conflicted: input.conflicted,
          statement,
          declaredAt: this.request.clock.now(),
        })
        .orIgnore()
        .execute();
      if (inserted.identifiers.filter(Boolean).length === 0) {
        throw conflict('You have already declared your interests for this innovation.', { currentStatus: reviewStatus(innovation) });
      }
      await this.audit(manager, innovation, 'CONFLICT_DECLARED', {
        reason: `${input.conflicted ? 'Conflict of interest declared' : 'No conflict of interest'}: ${statement}`,
      });
      return this.fresh(innovation);
    });
  }

  async submitAssessment(input: SubmitAssessmentInput): Promise<Assessment> {
    const viewer = this.signedIn();
    const scores = Object.fromEntries(
      criteria.map((criterion) => [
        criterion,
        wholeNumber(input[criterion], { field: `input.${criterion}`, min: MIN_SCORE, max: MAX_SCORE }),
      ]),
    ) as Record<(typeof criteria)[number], number>;
    const comments = Object.fromEntries(
      criteria.map((criterion) => [
        criterion,
        requiredText(input[`${criterion}Comment`], { field: `input.${criterion}Comment`, max: contentLimits.text }),
      ]),
    ) as Record<(typeof criteria)[number], string>;
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, input.innovationId, 'input.innovationId');
      const standing = await this.standingIn(manager, innovation, viewer);
      this.assessorChecks(viewer, innovation, standing);
      if (standing.conflictedWithSupplier) throw forbidden('You declared a conflict of interest with this supplier.');
      if (!canAssess(viewer, innovation, standing)) throw forbidden('Declare your interests for this innovation before scoring it.');
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Assessment)
        .values({
          innovationId: innovation.id,
          round: innovation.reviewRound,
          assessorId: viewer.personId,
          ...scores,
          comments,
          submittedAt: this.request.clock.now(),
        })
        .orIgnore()
        .returning('*')
        .execute();
      const row = (inserted.raw as Record<string, unknown>[])[0];
      if (!row) throw conflict('You have already assessed this review round.', { currentStatus: reviewStatus(innovation) });
      await this.audit(manager, innovation, 'ASSESSED', {
        reason: `Round ${innovation.reviewRound}: ${criteria.map((c) => `${c} ${scores[c]}`).join(', ')}.`,
      });
      this.fresh(innovation);
      return manager.findOneByOrFail(Assessment, { id: row.id as string });
    });
  }

  /**
   * Decides the innovation (or its pending revision). The row lock serialises deciders: of two
   * assessors deciding at once, the second waits, then finds the status no longer UNDER_REVIEW
   * and gets CONFLICT; the conditional UPDATE would refuse it even without the lock.
   */
  async decide(input: DecideInnovationInput): Promise<Innovation> {
    const viewer = this.signedIn();
    const reasons = requiredText(input.reasons, { field: 'input.reasons', max: contentLimits.text });
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, input.innovationId, 'input.innovationId');
      const admin = isPlatformAdmin(viewer);
      if (!admin && !hasPlatformRole(viewer, 'ASSESSOR')) throw forbidden('Only assessors and platform admins decide innovations.');
      innovationMachine.assertCan('decide', innovation);
      const standing = admin
        ? { assigned: true, declaredNoConflict: true, conflictedWithSupplier: false }
        : await this.standingIn(manager, innovation, viewer);
      if (!admin) this.assessorChecks(viewer, innovation, standing);
      if (!canDecide(viewer, innovation, standing)) throw forbidden('Declare your interests, without a conflict, before deciding.');
      const completed = await this.countCleanAssessments(manager, innovation);
      const required = this.request.assessmentsRequired;
      if (completed < required) {
        // Answered as AssessmentsIncomplete (schema/innovations.graphql): how many there are and how many are needed.
        throw conflict(`A decision needs ${required} completed assessments without a conflict of interest; there are ${completed}.`, {
          refusalType: 'AssessmentsIncomplete',
          currentStatus: 'UNDER_REVIEW',
          assessmentsCompleted: completed,
          assessmentsRequired: required,
        });
      }
      const isRevision = innovation.revisionStatus !== null;
      const expected = isRevision ? { revisionStatus: 'UNDER_REVIEW' as const } : { status: 'UNDER_REVIEW' as const };
      // Saved searches the listed version matches already: its revision alerts only the searches it newly meets.
      const alreadyMatched = isRevision && input.outcome === 'APPROVED' ? await matchingCatalogueSearchIds(manager, innovation.id) : [];
      if (input.outcome === 'APPROVED') {
        if (isRevision) Object.assign(innovation, innovation.pendingContent, { revisionStatus: null, pendingContent: null });
        else innovation.status = 'APPROVED';
        await this.listNewRevision(manager, innovation);
      } else {
        this.setReviewStatus(innovation, input.outcome);
      }
      await this.stepVersion(manager, innovation);
      // Belt and braces beside the lock: only a row still UNDER_REVIEW is changed.
      const updated = await manager
        .createQueryBuilder()
        .update(Innovation)
        .set({
          ...contentOf(innovation),
          status: innovation.status,
          revisionStatus: innovation.revisionStatus,
          pendingContent: innovation.pendingContent,
        })
        .where({ id: innovation.id, reviewRound: innovation.reviewRound, ...expected })
        .execute();
      if (updated.affected !== 1) throw conflict('The innovation was decided meanwhile.', { currentStatus: reviewStatus(innovation) });
      await this.audit(manager, innovation, 'DECIDED', { from: 'UNDER_REVIEW', to: input.outcome, reason: reasons });
      if (isRevision && input.outcome === 'APPROVED') {
        await this.audit(manager, innovation, 'REVISION_APPROVED', { reason: reasons });
      }
      if (input.outcome === 'APPROVED') {
        const listing = { category: innovation.category, trl: innovation.trl, tags: [...innovation.tags], reasons };
        await this.announce(manager, isRevision ? 'innovation.revision_approved' : 'innovation.approved', innovation, listing);
        await recordCatalogueSearchMatches(manager, innovation, { revision: isRevision, alreadyMatched, now: this.request.clock.now() });
      } else {
        await this.announce(manager, 'innovation.rejected', innovation, { outcome: input.outcome, revision: isRevision, reasons });
      }
      return this.fresh(await manager.findOneByOrFail(Innovation, { id: innovation.id }));
    });
  }

  /** Assessments of the current round by assessors who have not declared a conflict with the supplier. */
  private async countCleanAssessments(manager: EntityManager, innovation: Innovation): Promise<number> {
    const [row] = await manager.query(
      `SELECT count(*)::int AS count FROM innovations.assessment
        WHERE innovation_id = $1 AND round = $2
          AND NOT EXISTS (SELECT 1 FROM innovations.conflict_declaration
                           WHERE assessor_id = assessment.assessor_id AND supplier_id = $3 AND conflicted)`,
      [innovation.id, innovation.reviewRound, innovation.supplierId],
    );
    return Number(row.count);
  }

  /** Snapshots the content now listed: the previous version stops being listed at this instant. */
  private async listNewRevision(manager: EntityManager, innovation: Innovation): Promise<void> {
    const now = this.request.clock.now();
    await manager
      .createQueryBuilder()
      .update(InnovationRevision)
      .set({ supersededAt: now })
      .where('innovation_id = :id AND superseded_at IS NULL', { id: innovation.id })
      .execute();
    const [{ next }] = await manager.query(
      `SELECT coalesce(max(number), 0) + 1 AS next FROM innovations.innovation_revision WHERE innovation_id = $1`,
      [innovation.id],
    );
    const content: InnovationContent = contentOf(innovation);
    await manager.insert(InnovationRevision, {
      innovationId: innovation.id,
      number: Number(next),
      title: content.title,
      summary: content.summary,
      description: content.description,
      category: content.category,
      tags: content.tags,
      trl: content.trl,
      pricingModel: content.pricingModel,
      content,
      approvedAt: now,
      supersededAt: null,
    });
  }

  // -------------------------------------------------------------------------------------- evidence

  async addEvidence(input: AddEvidenceInput): Promise<Innovation> {
    this.signedIn();
    const item = readEvidence(input);
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, input.innovationId, 'input.innovationId');
      this.authorOnly(innovation);
      innovationMachine.assertCan('addEvidence', innovation);
      // Evidence the assessors could not have seen (added once submitted, or to the listed version)
      // waits for its own confirmation; before submission it is vetted with the innovation.
      const vetting: EvidenceVettingState = evidenceVettedWithSubmission(innovation) ? 'VETTED' : 'PENDING';
      let described: string;
      if (item.kind === 'certification') {
        const inserted = await manager.insert(Certification, { innovationId: innovation.id, ...item.certification, vetting });
        described = `Certification ${item.certification.scheme} (${item.certification.issuer}, ${item.certification.reference})`;
        await this.announce(manager, 'certification.added', innovation, {
          certificationId: (inserted.identifiers[0] as { id: string }).id,
          ...item.certification,
        });
      } else {
        if (item.evidence.authorityId === innovation.supplierId) {
          throw badUserInput('"input.authorityId" must name the authority where it happened, not the supplier.', 'input.authorityId');
        }
        await manager.insert(Evidence, { innovationId: innovation.id, ...item.evidence, vetting });
        described = `${item.evidence.kind} "${item.evidence.title}"`;
      }
      await this.audit(manager, innovation, 'EVIDENCE_ADDED', {
        reason: `${described} added${vetting === 'PENDING' ? ', pending vetting' : ''}.`,
      });
      return this.fresh(innovation);
    });
  }

  confirmEvidence(evidenceId: string, note: string | null | undefined): Promise<Evidence> {
    return this.answerEvidence(evidenceId, 'CONFIRMED', optionalText(note, { field: 'note', max: contentLimits.text }));
  }

  disputeEvidence(evidenceId: string, note: string): Promise<Evidence> {
    return this.answerEvidence(evidenceId, 'DISPUTED', requiredText(note, { field: 'note', max: contentLimits.text }));
  }

  /**
   * The authority's answer. Its nation is recorded from the answering person's verified identity
   * (the gateway's assertion), so "nations where evidence exists" needs no read of members' tables.
   */
  private async answerEvidence(evidenceId: string, answer: 'CONFIRMED' | 'DISPUTED', note: string | null): Promise<Evidence> {
    const viewer = this.signedIn();
    const id = parseId(evidenceId, 'evidenceId');
    return this.request.dataSource.transaction(async (manager) => {
      // The innovation's row first, as a delete of a draft takes it before its evidence: the answer's
      // trigger updates the innovation (has_confirmed_evidence), so the other order could deadlock.
      await manager.query(
        `SELECT 1 FROM innovations.innovation WHERE id = (SELECT innovation_id FROM innovations.evidence WHERE id = $1) FOR NO KEY UPDATE`,
        [id],
      );
      const evidence = await manager
        .getRepository(Evidence)
        .createQueryBuilder('evidence')
        .setLock('pessimistic_write')
        .where('evidence.id = :id', { id })
        .getOne();
      if (!evidence) throw notFound('EvidenceItem', id);
      if (!canConfirmEvidence(viewer, evidence)) {
        throw forbidden('Only buyers and admins of the authority an evidence item names may confirm or dispute it.');
      }
      evidenceAnswerMachine.moveTo(answer, evidence);
      // The authority's answer is the vetting a pending item waits for: listed from now, as answered.
      const wasPending = evidence.vetting === 'PENDING';
      if (wasPending) Object.assign(evidence, { vetting: 'VETTED', vettedBy: viewer.personId, vettedAt: this.request.clock.now() });
      Object.assign(evidence, {
        confirmation: answer,
        confirmationNote: note,
        confirmedBy: viewer.personId,
        confirmedAt: this.request.clock.now(),
        authorityNation: (viewer.organisationNation as Evidence['authorityNation']) ?? null,
      });
      await manager.save(evidence);
      const innovation = await manager.findOneByOrFail(Innovation, { id: evidence.innovationId });
      await this.audit(manager, innovation, answer === 'CONFIRMED' ? 'EVIDENCE_CONFIRMED' : 'EVIDENCE_DISPUTED', {
        reason: `${evidence.title}${note ? `: ${note}` : ''}`,
      });
      await this.announce(manager, answer === 'CONFIRMED' ? 'evidence.confirmed' : 'evidence.disputed', innovation, {
        evidenceId: evidence.id,
        evidenceTitle: evidence.title,
        authorityOrganisationId: evidence.authorityId,
        answeredByPersonId: viewer.personId,
        note,
      });
      if (wasPending)
        await this.audit(manager, innovation, 'EVIDENCE_VETTED', {
          reason: `${evidence.kind} "${evidence.title}": answered by its authority.`,
        });
      this.request.loaders.vetting.evidence.clear(evidence.innovationId);
      return evidence;
    });
  }

  /** An assessor (or platform admin) vets a pending item for listing; the authority's confirmation is untouched. */
  vetEvidence(evidenceId: string, note: string | null | undefined): Promise<Evidence> {
    return this.changePendingEvidence(
      Evidence,
      evidenceId,
      'evidenceId',
      'VETTED',
      optionalText(note, { field: 'note', max: contentLimits.text }),
    );
  }

  async vetCertification(certificationId: string, note: string | null | undefined): Promise<CertificationModel> {
    const row = await this.changePendingEvidence(
      Certification,
      certificationId,
      'certificationId',
      'VETTED',
      optionalText(note, { field: 'note', max: contentLimits.text }),
    );
    return { ...row, expired: row.expiresOn !== null && row.expiresOn < ukDate(this.request.clock.now()) };
  }

  async withdrawEvidence(evidenceId: string, reason: string | null | undefined): Promise<Innovation> {
    const evidence = await this.changePendingEvidence(
      Evidence,
      evidenceId,
      'evidenceId',
      'WITHDRAWN',
      optionalText(reason, { field: 'reason', max: contentLimits.text }),
    );
    return (await this.request.loaders.innovationById.load(evidence.innovationId))!;
  }

  async withdrawCertification(certificationId: string, reason: string | null | undefined): Promise<Innovation> {
    const certification = await this.changePendingEvidence(
      Certification,
      certificationId,
      'certificationId',
      'WITHDRAWN',
      optionalText(reason, { field: 'reason', max: contentLimits.text }),
    );
    return (await this.request.loaders.innovationById.load(certification.innovationId))!;
  }

  /**
   * PENDING → VETTED (assessors and platform admins, never of the supplier) or PENDING → WITHDRAWN
   * (the supplier's authors). Only pending evidence moves: vetted evidence is part of the record
   * buyers read (a supplier must not withdraw an item its authority disputed). Locks the innovation
   * before the evidence row, the order every evidence writer uses.
   */
  private async changePendingEvidence<T extends Evidence | Certification>(
    entity: new () => T,
    id: string,
    argument: string,
    to: 'VETTED' | 'WITHDRAWN',
    note: string | null,
  ): Promise<T> {
    const viewer = this.signedIn();
    const rowId = parseId(id, argument);
    const isItem = (entity as unknown) === Evidence;
    const typeName = isItem ? 'EvidenceItem' : 'Certification';
    return this.request.dataSource.transaction(async (manager) => {
      const found = await manager.findOneBy(entity as typeof Evidence, { id: rowId });
      const innovation = found
        ? await manager.getRepository(Innovation).findOne({ where: { id: found.innovationId }, lock: { mode: 'pessimistic_write' } })
        : null;
      // Seeing the evidence needs seeing its innovation; pending evidence also needs its vetting record.
      if (!found || !innovation || !canSeeInnovation(this.request.visibility, innovation) || found.vetting === 'WITHDRAWN')
        throw notFound(typeName, rowId);
      if (found.vetting !== 'VETTED' && !canSeeVettingRecord(viewer, innovation)) throw notFound(typeName, rowId);
      const row = (await manager.findOne(entity as typeof Evidence, { where: { id: rowId }, lock: { mode: 'pessimistic_write' } }))! as T;
      if (to === 'WITHDRAWN') this.authorOnly(innovation);
      else if (!canVetEvidence(viewer, innovation))
        throw forbidden('Only assessors and platform admins from outside the supplier may vet evidence.');
      evidenceVettingMachine.moveTo(to, row);
      const now = this.request.clock.now();
      const change = to === 'VETTED' ? { vetting: to, vettedBy: viewer.personId, vettedAt: now } : { vetting: to, withdrawnAt: now };
      await manager.update(entity as typeof Evidence, { id: row.id }, change);
      Object.assign(row, change);
      const described =
        row instanceof Certification
          ? `Certification ${row.scheme} (${row.issuer}, ${row.reference})`
          : `${(row as Evidence).kind} "${(row as Evidence).title}"`;
      await this.audit(manager, innovation, to === 'VETTED' ? 'EVIDENCE_VETTED' : 'EVIDENCE_WITHDRAWN', {
        reason: `${described}${note ? `: ${note}` : '.'}`,
      });
      const { vetting } = this.request.loaders;
      (isItem ? vetting.evidence : vetting.certifications).clear(innovation.id);
      if (!isItem && to === 'WITHDRAWN') await this.announce(manager, 'certification.withdrawn', innovation, { certificationId: row.id });
      this.fresh(innovation);
      return row;
    });
  }

  // ---------------------------------------------------------------------------------- endorsements

  async endorse(innovationId: string, statement: string): Promise<Endorsement> {
    const viewer = this.signedIn();
    const text = requiredText(statement, { field: 'statement', max: contentLimits.endorsement });
    if (!isEndorser(viewer)) throw forbidden('Only buyers and admins of an active council or public body may endorse innovations.');
    return this.request.dataSource.transaction(async (manager) => {
      const innovation = await this.lock(manager, innovationId, 'innovationId');
      innovationMachine.assertCan('endorse', innovation);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Endorsement)
        .values({
          innovationId: innovation.id,
          organisationId: viewer.organisationId,
          personId: viewer.personId,
          statement: text,
          createdAt: this.request.clock.now(),
        })
        .orIgnore()
        .returning('id')
        .execute();
      const row = (inserted.raw as { id: string }[])[0];
      if (!row) throw conflict('Your organisation has already endorsed this innovation.', { currentStatus: innovation.status });
      this.fresh(innovation);
      return manager.findOneByOrFail(Endorsement, { id: row.id });
    });
  }
}

type ReadEvidence =
  | { kind: 'certification'; certification: Pick<Certification, 'scheme' | 'issuer' | 'reference' | 'expiresOn'> }
  | {
      kind: 'evidence';
      evidence: Omit<
        Evidence,
        | 'id'
        | 'innovationId'
        | 'confirmation'
        | 'confirmationNote'
        | 'confirmedBy'
        | 'confirmedAt'
        | 'authorityNation'
        | 'createdAt'
        | 'vetting'
        | 'vettedBy'
        | 'vettedAt'
        | 'withdrawnAt'
      >;
    };

/** The most a saving may claim (pounds or tonnes): far beyond any real scheme, so only a slip of the keyboard is refused. */
const MAX_SAVING = 1e11;

/** Validates evidence input before any SQL: one of a certification or an item at an authority. */
function readEvidence(input: AddEvidenceInput): ReadEvidence {
  if (input.certification) {
    for (const field of [
      'kind',
      'title',
      'authorityId',
      'startedOn',
      'endedOn',
      'scale',
      'costSavedGbp',
      'carbonSavedTco2e',
      'timeSaved',
      'safety',
    ] as const) {
      if (input[field] !== null && input[field] !== undefined) {
        throw badUserInput(`"input.${field}" does not apply to a certification.`, `input.${field}`);
      }
    }
    const { scheme, issuer, reference, expiresOn } = input.certification;
    return {
      kind: 'certification',
      certification: {
        scheme: requiredText(scheme, { field: 'input.certification.scheme', max: contentLimits.certificationScheme }),
        issuer: requiredText(issuer, { field: 'input.certification.issuer', max: contentLimits.shortText }),
        reference: requiredText(reference, { field: 'input.certification.reference', max: contentLimits.certificationReference }),
        expiresOn: expiresOn == null ? null : calendarDate(expiresOn, { field: 'input.certification.expiresOn' }),
      },
    };
  }
  if (!input.kind) throw badUserInput('"input.kind" is required unless a certification is given.', 'input.kind');
  if (!input.authorityId) throw badUserInput('"input.authorityId" is required: name the authority where it happened.', 'input.authorityId');
  if (!input.startedOn) throw badUserInput('"input.startedOn" is required.', 'input.startedOn');
  const startedOn = calendarDate(input.startedOn, { field: 'input.startedOn' });
  const endedOn = input.endedOn == null ? null : calendarDate(input.endedOn, { field: 'input.endedOn' });
  if (endedOn && endedOn < startedOn) throw badUserInput('"input.endedOn" must not be before "input.startedOn".', 'input.endedOn');
  return {
    kind: 'evidence',
    evidence: {
      kind: input.kind,
      title: requiredText(input.title, { field: 'input.title', max: contentLimits.shortText }),
      authorityId: parseId(input.authorityId, 'input.authorityId'),
      startedOn,
      endedOn,
      scale: optionalText(input.scale, { field: 'input.scale', max: contentLimits.shortText }),
      costSavedGbp:
        input.costSavedGbp == null ? null : decimalNumber(input.costSavedGbp, { field: 'input.costSavedGbp', min: 0, max: MAX_SAVING }),
      carbonSavedTco2e:
        input.carbonSavedTco2e == null
          ? null
          : decimalNumber(input.carbonSavedTco2e, { field: 'input.carbonSavedTco2e', min: 0, max: MAX_SAVING }),
      timeSaved: optionalText(input.timeSaved, { field: 'input.timeSaved', max: contentLimits.shortText }),
      safety: optionalText(input.safety, { field: 'input.safety', max: contentLimits.summary }),
    },
  };
}
