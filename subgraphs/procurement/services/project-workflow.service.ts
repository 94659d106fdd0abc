import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { badUserInput, conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { procurementDeadlines } from '../deadlines';
import {
  ClarificationQuestion,
  Contract,
  ProcurementProject,
  ProcurementResponse,
  ProcurementRoute,
  type EvaluationCriterion,
} from '../entities';
import type {
  AwardProcurementProjectInput,
  CancelProcurementProjectInput,
  CreateProcurementProjectInput,
  DeclareConflictOfInterestInput,
  ModerateScoresInput,
  PublishProcurementProjectInput,
  RecordContractInput,
  ScoreResponseInput,
  SubmitResponseInput,
  WithdrawResponseInput,
} from '../generated/graphql';
import type { ProcurementLoaders } from '../loaders';
import {
  buyerMayUseRoute,
  canReadResponse,
  canSeeProject,
  canSeeQuestion,
  isBuyerTeam,
  mayModerateResponseOf,
  mayScoreResponseOf,
  projectStatus,
  type ProjectFacts,
  type ProjectStatus,
} from '../policy';
import {
  mayWithdrawResponse,
  moderationMachine,
  projectMachine,
  projectSubject,
  questionMachine,
  tenderMachine,
  type ProjectAction,
} from '../status-machines';
import { dayOf, type Clock } from '../../../platform/clock';
import type { InnovationDirectory } from './innovation-directory';
import { isDynamicRoute, routeStatusOn } from './route-lifecycle';
import { addCalendarDays, addWorkingDays } from '../../../platform/working-days';
import { missingEvaluations, moderationReasonRequired, mostAdvantageous, type CountedScore, type MissingEvaluation } from './evaluation';
import { assessmentSummaries, type SummarisedTender } from './assessment-summary';
import { calendarOf, contractDetailsDeadline, regimeForBuyer, standstillEnd, standstillRequired } from './regime';
import { lapseOpenChallenges, lockVisibleProject, openChallengeCount } from './standstill-challenge.service';
import { boundedList, idList, optionalText, pounds, requiredText, wholeNumber } from '../../../platform/input';
import { announce, audit, illegalState, isUniqueViolation, projectFacts } from './write-helpers';
import { recordOpportunitySearchMatches } from './saved-opportunity-search.service';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { refuse } from '../../../platform/sign-in';

/** Limits on what one project may hold. */
export const projectLimits = { maxShortlist: 20, maxCriteria: 10, maxScore: 100 } as const;
/** Prefix of every ocid this service issues (registered with the Open Contracting Partnership in production). */
export const ocidPrefix = 'ocds-ips001';
/** Deadlines fall at noon UTC on their working day, so no one loses a day to time zones. */
const deadlineHourUtc = 12;

/**
 * Every change to a procurement project: create, publish, cancel, clarification questions and
 * answers, responses, conflict declarations, scores, award and contract. Each mutation is one
 * transaction: it loads the project (an invisible one is NOT_FOUND), checks who and then when
 * (`projectMachine` in status-machines.ts: FORBIDDEN or UNAUTHENTICATED, then CONFLICT with `currentStatus`),
 * changes it at the version the client saw and appends to the audit trail; any error rolls all of
 * it back. Reads inside a transaction go through its own manager, never the request's loaders.
 * The reads are in project.service.ts.
 */
export class ProjectWorkflowService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly viewer: Identity,
    private readonly clock: Clock,
    private readonly innovations: InnovationDirectory,
    /** PROCUREMENT_EVALUATORS_REQUIRED. */
    private readonly evaluatorsRequired: number,
  ) {}

  private now(): Date {
    return this.clock.now();
  }

  private status(project: ProcurementProject, now: Date = this.now()): ProjectStatus {
    return projectStatus(project, now);
  }

  /** Loads a project for a write; an invisible one is NOT_FOUND, so drafts do not leak by id. */
  private async load(manager: EntityManager, id: string, argument = 'projectId'): Promise<ProcurementProject> {
    const projectId = parseId(id, argument);
    const project = await manager.findOne(ProcurementProject, { where: { id: projectId } });
    if (!project || !canSeeProject(this.viewer, project)) throw notFound('ProcurementProject', projectId);
    return project;
  }

  /** Checks who, then when (at `now`, by default the clock's); the error says which failed. */
  private async allow(
    manager: EntityManager,
    name: ProjectAction,
    project: ProcurementProject,
    now: Date = this.now(),
  ): Promise<ProjectFacts> {
    const invited: string[] = (
      await manager.query(`SELECT supplier_id FROM procurement.invitation WHERE project_id = $1`, [project.id])
    ).map((row: { supplier_id: string }) => row.supplier_id);
    const declared: { supplier_id: string; has_conflict: boolean }[] = this.viewer
      ? await manager.query(
          `SELECT supplier_id, has_conflict FROM procurement.conflict_declaration WHERE project_id = $1 AND evaluator_id = $2`,
          [project.id, this.viewer.personId],
        )
      : [];
    const facts: ProjectFacts = {
      invitedSupplierIds: invited,
      declarations: new Map(declared.map((row) => [row.supplier_id, row.has_conflict])),
    };
    const subject = projectSubject(project, now, facts);
    if (!projectMachine.permits(name, this.viewer, subject)) refuse(this.viewer, `You may not ${name} on this procurement project.`);
    projectMachine.assertCan(name, subject);
    return facts;
  }

  private async changeStatus(
    manager: EntityManager,
    project: ProcurementProject,
    version: number,
    to: string,
    assignments: string,
    values: unknown[],
    action: string,
    reason: string | null = null,
  ): Promise<ProcurementProject> {
    const from = this.status(project);
    await updateAtVersion(manager, {
      table: 'procurement.project',
      noun: 'procurement project',
      id: project.id,
      expectedVersion: version,
      assignments: `status = $3${assignments ? `, ${assignments}` : ''}`,
      values: [to, ...values],
      conflictFacts: async () => ({
        currentStatus: this.status(await manager.findOneOrFail(ProcurementProject, { where: { id: project.id } })),
      }),
    });
    await audit(manager, {
      subjectType: 'PROJECT',
      subjectId: project.id,
      projectId: project.id,
      actorId: this.viewer?.personId ?? null,
      at: this.now(),
      action,
      fromStatus: from,
      toStatus: to,
      reason,
    });
    return manager.findOneOrFail(ProcurementProject, { where: { id: project.id } });
  }

  async create(input: CreateProcurementProjectInput): Promise<ProcurementProject> {
    const viewer = this.viewer;
    if (!viewer || !isBuyerTeam(viewer, { buyerId: viewer.organisationId }) || viewer.organisationKind === 'SUPPLIER') {
      refuse(viewer, 'Only a buyer of an active member public body may start a procurement project.');
    }
    const title = requiredText(input.title, { field: 'title', max: 200 });
    const need = requiredText(input.need, { field: 'need', max: 4000 });
    const budget = pounds(input.budget, { field: 'budget' });
    const lotId = parseId(input.lotId, 'lotId');
    const ids = idList(input.innovationIds, {
      field: 'innovationIds',
      min: 1,
      max: projectLimits.maxShortlist,
      noun: 'innovations',
      repeats: 'merged',
    });
    const criteria = this.readCriteria(input);
    const lot = await this.loaders.lotById.load(lotId);
    if (!lot) throw notFound('Lot', lotId);
    const route = (await this.loaders.routeById.load(lot.routeId))!;
    const routeStatus = routeStatusOn(route, dayOf(this.now()));
    if (routeStatus !== 'LIVE') illegalState(`Buyers may buy only through LIVE routes; ${route.reference} is ${routeStatus}.`, routeStatus);
    if (!buyerMayUseRoute(viewer, route)) refuse(viewer, `Your organisation is not eligible to buy through ${route.reference}.`);
    if (!lot.awardProcedures.includes(input.procedure)) {
      throw badUserInput(`Lot ${lot.number} of ${route.reference} does not allow ${input.procedure}.`, 'procedure');
    }
    // Asked before the transaction: holding a transaction open while waiting on another service would
    // block the embedded database (KNOWN-TRAPS).
    const facts = await this.innovations.findInnovations(ids);
    const admitted = new Set(await this.loaders.admittedSupplierIdsByLot.load(lot.id));
    facts.forEach((fact, index) => {
      if (!fact || fact.status !== 'APPROVED') {
        throw badUserInput(`Innovation ${ids[index]} is not an approved innovation.`, 'innovationIds');
      }
      if (!lot.categories.includes(fact.category as never)) {
        throw badUserInput(`Innovation ${fact.id} (${fact.category}) is outside the lot's categories.`, 'innovationIds');
      }
      if (!admitted.has(fact.supplierId)) {
        throw badUserInput(`The supplier of innovation ${fact.id} is not admitted to this lot.`, 'innovationIds');
      }
    });
    return this.dataSource.transaction(async (manager) => {
      const [{ id }] = (await manager.query(`SELECT gen_random_uuid() AS id`)) as [{ id: string }];
      const now = this.now();
      await manager.insert(ProcurementProject, {
        id,
        ocid: `${ocidPrefix}-${id}`,
        buyerId: viewer.organisationId,
        // A snapshot of the name members holds, for OCDS parties (procurement cannot read members' tables).
        buyerName: viewer.organisationName?.slice(0, 300) ?? null,
        // A snapshot for analysts' awarded value by nation (procurement never reads members' tables).
        buyerNation: viewer.organisationNation ?? null,
        // Likewise: which routes are open to the buyer, should this one expire (route-retirement.ts).
        buyerOrganisationKind: viewer.organisationKind ?? null,
        // Fixed for the project's life: its deadlines and standstill are counted under this law.
        regime: regimeForBuyer(viewer.organisationNation),
        createdBy: viewer.personId,
        title,
        need,
        budget,
        routeId: route.id,
        lotId: lot.id,
        procedure: input.procedure,
        status: 'DRAFT',
        criteria,
        version: 1,
        createdAt: now,
      });
      for (const fact of facts) {
        await manager.query(
          `INSERT INTO procurement.shortlisted_innovation (project_id, innovation_id, supplier_id, category) VALUES ($1, $2, $3, $4)`,
          [id, fact!.id, fact!.supplierId, fact!.category],
        );
      }
      await audit(manager, {
        subjectType: 'PROJECT',
        subjectId: id,
        projectId: id,
        actorId: viewer.personId,
        at: now,
        action: 'CREATE',
        toStatus: 'DRAFT',
      });
      return manager.findOneOrFail(ProcurementProject, { where: { id } });
    });
  }

  private readCriteria(input: CreateProcurementProjectInput): EvaluationCriterion[] {
    if (input.procedure === 'DIRECT_AWARD') {
      if (input.criteria?.length) throw badUserInput('A direct award has no evaluation criteria.', 'criteria');
      return [];
    }
    const criteria = boundedList(input.criteria ?? [], { field: 'criteria', min: 1, max: projectLimits.maxCriteria, noun: 'criteria' }).map(
      (c) => ({
        name: requiredText(c.name, { field: 'criteria.name', max: 200 }),
        weight: wholeNumber(c.weight, { field: 'criteria.weight', min: 1, max: 100 }),
      }),
    );
    if (new Set(criteria.map((c) => c.name)).size !== criteria.length) throw badUserInput('Criteria names must differ.', 'criteria');
    if (criteria.reduce((s, c) => s + c.weight, 0) !== 100) {
      throw badUserInput('Criteria weights must be whole percentages adding up to 100.', 'criteria');
    }
    return criteria;
  }

  async publish(input: PublishProcurementProjectInput): Promise<ProcurementProject> {
    const clarification = wholeNumber(input.clarificationWorkingDays, {
      field: 'clarificationWorkingDays',
      min: procurementDeadlines.minimumClarificationWorkingDays,
    });
    // Responses are due a few working days after the clarification period closes.
    const response = wholeNumber(input.responseWorkingDays, {
      field: 'responseWorkingDays',
      min: clarification + procurementDeadlines.minimumResponseWorkingDaysAfterClarification,
      max: procurementDeadlines.maximumResponseWorkingDays,
    });
    const selection = input.supplierIds ? idList(input.supplierIds, { field: 'supplierIds', repeats: 'merged' }) : null;
    if (selection && selection.length === 0)
      throw badUserInput('"supplierIds" must name at least one admitted supplier, or be omitted to invite all.', 'supplierIds');
    return this.dataSource.transaction(async (manager) => {
      const project = await this.load(manager, input.projectId);
      await this.allow(manager, 'publish', project);
      const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: project.routeId } });
      // A DPS or dynamic market invites every admitted supplier; only a framework's buyer may choose.
      if (selection && isDynamicRoute(route)) {
        throw badUserInput(
          `${route.reference} is a dynamic route: every admitted supplier on the lot is invited, with no selection.`,
          'supplierIds',
        );
      }
      const now = this.now();
      const today = dayOf(now);
      const at = (day: string) => new Date(`${day}T${String(deadlineHourUtc).padStart(2, '0')}:00:00Z`);
      const calendar = calendarOf(project.regime);
      const clarificationClosesAt = at(addWorkingDays(today, clarification, calendar));
      const responseDeadline = at(addWorkingDays(today, response, calendar));
      const published = await this.changeStatus(
        manager,
        project,
        input.version,
        'PUBLISHED',
        'published_at = $4, clarification_closes_at = $5, response_deadline = $6, tie_break = $7',
        // Published with the criteria, so every supplier knows before responding how a tie is settled.
        [now, clarificationClosesAt, responseDeadline, input.tieBreak ?? 'LOWEST_PRICE'],
        'PUBLISH',
      );
      // The suppliers admitted to the lot now: all of them, or the buyer's selection among them.
      const invited: { supplier_id: string }[] = await manager.query(
        `INSERT INTO procurement.invitation (project_id, supplier_id, invited_at)
         SELECT $1, supplier_id, $2 FROM procurement.admission
          WHERE lot_id = $3 AND status = 'ADMITTED' AND ($4::uuid[] IS NULL OR supplier_id = ANY($4::uuid[])) RETURNING supplier_id`,
        [project.id, now, project.lotId, selection],
      );
      if (selection && invited.length !== selection.length) {
        const admitted = new Set(invited.map((row) => row.supplier_id));
        throw badUserInput(`Supplier ${selection.find((id) => !admitted.has(id))} is not admitted to this lot.`, 'supplierIds');
      }
      if (invited.length === 0)
        throw conflict('No supplier is admitted to this lot, so there is no one to invite.', { currentStatus: 'DRAFT' });
      await announce(manager, 'project.published', now, projectEventSubject(project), {
        ...projectFacts(project),
        routeId: project.routeId,
        lotId: project.lotId,
        invitedSupplierOrganisationIds: invited.map((row) => row.supplier_id),
        clarificationClosesAt: clarificationClosesAt.toISOString(),
        responseDeadline: responseDeadline.toISOString(),
        workingDayNations: [...calendar.nations],
        publishedByPersonId: this.viewer!.personId,
      });
      await recordOpportunitySearchMatches(manager, project, {
        invitedSupplierIds: invited.map((row) => row.supplier_id),
        responseDeadline,
        now,
      });
      return published;
    });
  }

  async cancel(input: CancelProcurementProjectInput): Promise<ProcurementProject> {
    const reason = requiredText(input.reason, { field: 'reason', max: 2000 });
    return this.dataSource.transaction(async (manager) => {
      // Locked as a challenge is raised, so none is raised on a project being cancelled.
      const project = await lockVisibleProject(manager, this.viewer, input.projectId);
      await this.allow(manager, 'cancel', project);
      const cancelled = await this.changeStatus(
        manager,
        project,
        input.version,
        'CANCELLED',
        'cancellation_reason = $4, cancelled_at = $5',
        [reason, this.now()],
        'CANCEL',
        reason,
      );
      // A challenge to an award of a cancelled project has nothing left to decide.
      await lapseOpenChallenges(manager, project.id, this.now(), this.viewer!.personId, 'The project was cancelled.');
      const invited: { supplier_id: string }[] = await manager.query(
        `SELECT supplier_id FROM procurement.invitation WHERE project_id = $1 ORDER BY supplier_id`,
        [project.id],
      );
      await announce(manager, 'project.cancelled', this.now(), projectEventSubject(project), {
        ...projectFacts(project),
        fromStatus: this.status(project),
        reason,
        invitedSupplierOrganisationIds: invited.map((row) => row.supplier_id),
        cancelledByPersonId: this.viewer!.personId,
      });
      return cancelled;
    });
  }

  async ask(projectId: string, text: string): Promise<ClarificationQuestion> {
    const question = requiredText(text, { field: 'question', max: 2000 });
    return this.dataSource.transaction(async (manager) => {
      const project = await this.load(manager, projectId);
      await this.allow(manager, 'ask', project);
      const now = this.now();
      const [{ id }] = (await manager.query(
        `INSERT INTO procurement.clarification_question (project_id, asker_person_id, asker_supplier_id, question, asked_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [project.id, this.viewer!.personId, this.viewer!.organisationId, question, now],
      )) as [{ id: string }];
      await audit(manager, {
        subjectType: 'QUESTION',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'ASK',
      });
      return manager.findOneOrFail(ClarificationQuestion, { where: { id } });
    });
  }

  async answer(questionId: string, text: string): Promise<ClarificationQuestion> {
    const answer = requiredText(text, { field: 'answer', max: 4000 });
    return this.dataSource.transaction(async (manager) => {
      const id = parseId(questionId, 'questionId');
      const question = await manager.findOne(ClarificationQuestion, { where: { id } });
      if (!question) throw notFound('ClarificationQuestion', id);
      const project = await this.load(manager, question.projectId);
      const invited: string[] = (
        await manager.query(`SELECT supplier_id FROM procurement.invitation WHERE project_id = $1`, [project.id])
      ).map((row: { supplier_id: string }) => row.supplier_id);
      if (!canSeeQuestion(this.viewer, project, question, invited)) throw notFound('ClarificationQuestion', id);
      await this.allow(manager, 'answer', project);
      questionMachine.assertCan('answer', question);
      const now = this.now();
      await manager.query(`UPDATE procurement.clarification_question SET answer = $2, answered_by = $3, answered_at = $4 WHERE id = $1`, [
        id,
        answer,
        this.viewer!.personId,
        now,
      ]);
      await audit(manager, {
        subjectType: 'QUESTION',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'ANSWER',
        fromStatus: 'ASKED',
        toStatus: 'ANSWERED',
      });
      // Every invited supplier may read the answer; who asked stays the asker's own organisation's.
      await announce(
        manager,
        'clarification.answered',
        now,
        { typename: 'ClarificationQuestion', id },
        {
          ...projectFacts(project),
          questionId: id,
          askerPersonId: question.askerPersonId,
          askerSupplierOrganisationId: question.askerSupplierId,
          askerAnonymous: true,
          invitedSupplierOrganisationIds: invited,
          answeredByPersonId: this.viewer!.personId,
        },
      );
      return manager.findOneOrFail(ClarificationQuestion, { where: { id } });
    });
  }

  async submitResponse(input: SubmitResponseInput): Promise<ProcurementResponse> {
    const proposal = requiredText(input.proposal, { field: 'proposal', max: 20000 });
    const price = pounds(input.price, { field: 'price' });
    return this.dataSource.transaction(async (manager) => {
      const project = await this.load(manager, input.projectId);
      await this.allow(manager, 'respond', project);
      const supplierId = this.viewer!.organisationId;
      const now = this.now();
      const existing = await manager.findOne(ProcurementResponse, { where: { projectId: project.id, supplierId } });
      if (existing?.withdrawnAt) {
        // Submitting again after a withdrawal: the version may be omitted (it is a new submission), and
        // the update is still made at the version read, so a concurrent resubmission or edit wins once.
        await updateAtVersion(manager, {
          table: 'procurement.response',
          noun: 'response',
          id: existing.id,
          expectedVersion: input.version ?? existing.version,
          assignments: 'proposal = $3, price = $4, updated_at = $5, submitted_by = $6, withdrawn_at = NULL',
          values: [proposal, price, now, this.viewer!.personId],
          conflictFacts: () => ({ currentStatus: 'WITHDRAWN' }),
        });
        await audit(manager, {
          subjectType: 'RESPONSE',
          subjectId: existing.id,
          projectId: project.id,
          actorId: this.viewer!.personId,
          at: now,
          action: 'RESUBMIT',
          fromStatus: 'WITHDRAWN',
          toStatus: 'SUBMITTED',
        });
        await this.announceResponse(manager, 'response.submitted', project, existing.id, supplierId, now, true);
        return manager.findOneOrFail(ProcurementResponse, { where: { id: existing.id } });
      }
      if (existing) {
        if (input.version == null) {
          throw conflict('Your organisation has already responded; pass the response version to edit it.', {
            currentStatus: 'SUBMITTED',
            currentVersion: existing.version,
          });
        }
        await updateAtVersion(manager, {
          table: 'procurement.response',
          noun: 'response',
          id: existing.id,
          expectedVersion: input.version,
          assignments: 'proposal = $3, price = $4, updated_at = $5, submitted_by = $6',
          values: [proposal, price, now, this.viewer!.personId],
          conflictFacts: () => ({ currentStatus: 'SUBMITTED' }),
        });
        await audit(manager, {
          subjectType: 'RESPONSE',
          subjectId: existing.id,
          projectId: project.id,
          actorId: this.viewer!.personId,
          at: now,
          action: 'EDIT',
        });
        return manager.findOneOrFail(ProcurementResponse, { where: { id: existing.id } });
      }
      let id: string;
      try {
        [{ id }] = await manager.query(
          `INSERT INTO procurement.response (project_id, supplier_id, submitted_by, proposal, price, submitted_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
          [project.id, supplierId, this.viewer!.personId, proposal, price, now],
        );
      } catch (error) {
        // Two people of one supplier submitting at once: the constraint keeps one response.
        if (isUniqueViolation(error))
          throw conflict('Your organisation has already responded; reload and edit it.', { currentStatus: 'SUBMITTED' });
        throw error;
      }
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'SUBMIT',
        toStatus: 'SUBMITTED',
      });
      await this.announceResponse(manager, 'response.submitted', project, id, supplierId, now);
      return manager.findOneOrFail(ProcurementResponse, { where: { id } });
    });
  }

  /**
   * The responding supplier withdraws its response before the deadline. The row stays (sealed as
   * before, audited) but is no tender until submitted again: the loaders leave it out of the count,
   * the buyer's reading, scoring and the award. After the deadline nothing changes.
   */
  async withdrawResponse(input: WithdrawResponseInput): Promise<ProcurementResponse> {
    return this.dataSource.transaction(async (manager) => {
      const id = parseId(input.responseId, 'responseId');
      const response = await manager.findOne(ProcurementResponse, { where: { id } });
      // Sealed: a response the viewer may not read is as absent as an unknown id.
      if (!response) throw notFound('ProcurementResponse', id);
      const project = await this.load(manager, response.projectId);
      if (!canReadResponse(this.viewer, project, response, this.now())) throw notFound('ProcurementResponse', id);
      const invited: string[] = (
        await manager.query(`SELECT supplier_id FROM procurement.invitation WHERE project_id = $1`, [project.id])
      ).map((row: { supplier_id: string }) => row.supplier_id);
      const subject = projectSubject(project, this.now(), { invitedSupplierIds: invited, declarations: new Map() });
      if (!mayWithdrawResponse(this.viewer, subject, response)) {
        refuse(this.viewer, 'Only the responding supplier may withdraw its response.');
      }
      projectMachine.assertCan('withdrawResponse', subject);
      tenderMachine.assertCan('withdraw', response);
      const now = this.now();
      await updateAtVersion(manager, {
        table: 'procurement.response',
        noun: 'response',
        id,
        expectedVersion: input.version,
        assignments: 'withdrawn_at = $3, updated_at = $3',
        values: [now],
        conflictFacts: async () => ({
          currentStatus: (await manager.findOneOrFail(ProcurementResponse, { where: { id } })).withdrawnAt ? 'WITHDRAWN' : 'SUBMITTED',
        }),
      });
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'WITHDRAW',
        fromStatus: 'SUBMITTED',
        toStatus: 'WITHDRAWN',
      });
      await this.announceResponse(manager, 'response.withdrawn', project, id, response.supplierId, now);
      return manager.findOneOrFail(ProcurementResponse, { where: { id } });
    });
  }

  /**
   * A response submitted or withdrawn (platform/domain-events.ts): sealed, so its facts name the
   * supplier and never its content; a withdrawal carries the deadline to remind the supplier again.
   */
  private async announceResponse(
    manager: EntityManager,
    kind: 'response.submitted' | 'response.withdrawn',
    project: ProcurementProject,
    responseId: string,
    supplierId: string,
    now: Date,
    resubmission = false,
  ): Promise<void> {
    const subject = { typename: 'ProcurementResponse', id: responseId };
    const common = { ...projectFacts(project), responseId, supplierOrganisationId: supplierId };
    if (kind === 'response.submitted') {
      await announce(manager, kind, now, subject, { ...common, submittedByPersonId: this.viewer!.personId, resubmission });
    } else {
      await announce(manager, kind, now, subject, {
        ...common,
        withdrawnByPersonId: this.viewer!.personId,
        responseDeadline: project.responseDeadline!.toISOString(),
        workingDayNations: [...calendarOf(project.regime).nations],
      });
    }
  }

  /**
   * An evaluator's declaration about one responding supplier, or the same about every responding
   * supplier not yet declared for. A declaration is evidence: made once per supplier, never rewritten.
   */
  async declareConflict(input: DeclareConflictOfInterestInput): Promise<ProcurementProject> {
    const details = optionalText(input.details, { field: 'details', max: 2000 });
    const supplierId = input.supplierId ? parseId(input.supplierId, 'supplierId') : null;
    return this.dataSource.transaction(async (manager) => {
      const project = await this.load(manager, input.projectId);
      const { declarations } = await this.allow(manager, 'declareConflicts', project);
      const responders: string[] = (
        await manager.query(
          `SELECT supplier_id FROM procurement.response WHERE project_id = $1 AND withdrawn_at IS NULL ORDER BY supplier_id`,
          [project.id],
        )
      ).map((row: { supplier_id: string }) => row.supplier_id);
      if (supplierId && !responders.includes(supplierId))
        throw badUserInput('That supplier has not responded to this project.', 'supplierId');
      const targets = (supplierId ? [supplierId] : responders).filter((id) => !declarations.has(id));
      if (targets.length === 0) {
        illegalState(
          supplierId ? 'You have already declared for this supplier.' : 'You have already declared for every responding supplier.',
          'DECLARED',
        );
      }
      const now = this.now();
      for (const target of targets) {
        await manager.query(
          `INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, supplier_id, has_conflict, details, declared_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [project.id, this.viewer!.personId, target, input.hasConflict, details, now],
        );
        await audit(manager, {
          subjectType: 'PROJECT',
          subjectId: project.id,
          projectId: project.id,
          actorId: this.viewer!.personId,
          at: now,
          action: input.hasConflict ? 'DECLARE_CONFLICT' : 'DECLARE_NO_CONFLICT',
          reason: `Supplier ${target}${details ? `: ${details}` : ''}`,
        });
      }
      return project;
    });
  }

  /**
   * A response the caller may evaluate (score or moderate): it exists, the buyer's team may address
   * it (sealed until the deadline), the caller may evaluate its project, and it was not withdrawn.
   */
  private async responseToEvaluate(manager: EntityManager, responseId: string) {
    const id = parseId(responseId, 'responseId');
    const response = await manager.findOne(ProcurementResponse, { where: { id } });
    if (!response) throw notFound('ProcurementResponse', id);
    const project = await this.load(manager, response.projectId);
    if (!canReadResponse(this.viewer, project, response, this.now()) && isBuyerTeam(this.viewer, project)) {
      // Sealed: the buyer's team cannot even address a response before the deadline.
      illegalState('Responses are sealed until the deadline.', this.status(project));
    }
    const facts = await this.allow(manager, 'evaluate', project);
    tenderMachine.assertCan('evaluate', response);
    return { id, response, project, facts };
  }

  async score(input: ScoreResponseInput): Promise<ProcurementResponse> {
    const comment = optionalText(input.comment, { field: 'comment', max: 2000 });
    wholeNumber(input.score, { field: 'score', min: 0, max: projectLimits.maxScore });
    return this.dataSource.transaction(async (manager) => {
      const { id, response, project, facts } = await this.responseToEvaluate(manager, input.responseId);
      if (!mayScoreResponseOf(this.viewer, project, facts, response.supplierId)) {
        refuse(this.viewer, "Declare that you have no conflict of interest with this response's supplier before scoring it.");
      }
      if (!project.criteria.some((c) => c.name === input.criterion))
        throw badUserInput(`"${input.criterion}" is not a criterion of this project.`, 'criterion');
      // Serialises scoring and moderating of this response (moderation takes the same row lock).
      await manager.query(`SELECT 1 FROM procurement.response WHERE id = $1 FOR UPDATE`, [id]);
      const current = await manager.findOneOrFail(ProcurementResponse, { where: { id } });
      moderationMachine.assertCan('score', current);
      const counted = await this.countedScores(manager, project, [id]);
      const scoredIt = counted.some((row) => row.evaluatorId === this.viewer!.personId);
      if (!scoredIt && missingEvaluations(project.criteria, [id], counted, this.evaluatorsRequired).length === 0) {
        // Its scores are now open to the moderator's view; someone who could have read them may not join in.
        illegalState(
          `This response is already scored by ${this.evaluatorsRequired} evaluators on every criterion; only they may change their scores.`,
          this.status(project),
          { reason: 'EVALUATION_COMPLETE' },
        );
      }
      const now = this.now();
      await manager.query(
        `INSERT INTO procurement.score (response_id, evaluator_id, criterion, score, comment, scored_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (response_id, evaluator_id, criterion) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, scored_at = EXCLUDED.scored_at`,
        [id, this.viewer!.personId, input.criterion, input.score, comment, now],
      );
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'SCORE',
        reason: `${input.criterion}: ${input.score}`,
      });
      return response;
    });
  }

  /**
   * The scores that count towards the evaluation of these responses of the project: those of
   * evaluators who declared no conflict with the response's supplier (and only of tenders: a
   * withdrawn response is left out).
   */
  private async countedScores(
    manager: EntityManager,
    project: ProcurementProject,
    responseIds: readonly string[] | null = null,
  ): Promise<CountedScore[]> {
    const rows: { response_id: string; evaluator_id: string; criterion: string; score: number }[] = await manager.query(
      `SELECT s.response_id, s.evaluator_id, s.criterion, s.score
         FROM procurement.score s
         JOIN procurement.response r ON r.id = s.response_id
         JOIN procurement.conflict_declaration d
           ON d.project_id = r.project_id AND d.evaluator_id = s.evaluator_id AND d.supplier_id = r.supplier_id AND NOT d.has_conflict
        WHERE r.project_id = $1 AND r.withdrawn_at IS NULL AND ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[]))
        ORDER BY s.response_id, s.criterion, s.evaluator_id`,
      [project.id, responseIds],
    );
    return rows.map((row) => ({ responseId: row.response_id, evaluatorId: row.evaluator_id, criterion: row.criterion, score: row.score }));
  }

  /**
   * The moderator agrees one score per published criterion of a response, with a reason wherever it
   * differs from an evaluator's score. Only once the response is fully scored; fixed once made. The
   * response's version guards against two moderators at once: one wins, the other gets CONFLICT.
   */
  async moderate(input: ModerateScoresInput): Promise<ProcurementResponse> {
    const agreed = input.scores.map((entry) => ({
      criterion: entry.criterion,
      score: wholeNumber(entry.score, { field: 'scores.score', min: 0, max: projectLimits.maxScore }),
      reason: optionalText(entry.reason, { field: 'scores.reason', max: 2000 }),
    }));
    return this.dataSource.transaction(async (manager) => {
      const { id, response, project, facts } = await this.responseToEvaluate(manager, input.responseId);
      // Scoring takes the same lock, so no score lands between this check and the moderation.
      await manager.query(`SELECT 1 FROM procurement.response WHERE id = $1 FOR UPDATE`, [id]);
      const current = await manager.findOneOrFail(ProcurementResponse, { where: { id } });
      moderationMachine.assertCan('moderate', current);
      const counted = await this.countedScores(manager, project, [id]);
      const scoredIt =
        (await manager.query(`SELECT 1 FROM procurement.score WHERE response_id = $1 AND evaluator_id = $2`, [id, this.viewer!.personId]))
          .length > 0;
      if (!mayModerateResponseOf(this.viewer, project, facts, response.supplierId, scoredIt)) {
        refuse(
          this.viewer,
          scoredIt
            ? 'You scored this response, so you cannot moderate it: the moderator is independent of its evaluators.'
            : "Declare that you have no conflict of interest with this response's supplier before moderating it.",
        );
      }
      const names = project.criteria.map((c) => c.name);
      const given = agreed.map((a) => a.criterion);
      if (given.length !== names.length || new Set(given).size !== given.length || !names.every((name) => given.includes(name))) {
        throw badUserInput(`Give one agreed score for each published criterion: ${names.join(', ')}.`, 'scores');
      }
      const missing = missingEvaluations(project.criteria, [id], counted, this.evaluatorsRequired);
      if (missing.length) this.refuseIncomplete(project, missing, 'moderated');
      for (const entry of agreed) {
        const evaluatorScores = counted.filter((row) => row.criterion === entry.criterion).map((row) => row.score);
        if (moderationReasonRequired(entry.score, evaluatorScores) && !entry.reason) {
          throw badUserInput(
            `"${entry.criterion}": the evaluators scored ${evaluatorScores.join(', ')}; give the reason for the agreed ${entry.score}.`,
            'scores.reason',
          );
        }
      }
      const now = this.now();
      await updateAtVersion(manager, {
        table: 'procurement.response',
        noun: 'response',
        id,
        expectedVersion: input.version,
        assignments: 'moderated_at = $3, moderated_by = $4',
        values: [now, this.viewer!.personId],
        conflictFacts: async () => ({
          currentStatus: (await manager.findOneOrFail(ProcurementResponse, { where: { id } })).moderatedAt
            ? 'MODERATED'
            : this.status(project),
        }),
      });
      for (const entry of agreed) {
        await manager.query(
          `INSERT INTO procurement.moderated_score (response_id, criterion, score, reason, moderator_id, moderated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, entry.criterion, entry.score, entry.reason, this.viewer!.personId, now],
        );
      }
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'MODERATE',
        fromStatus: 'SCORED',
        toStatus: 'MODERATED',
        reason: agreed.map((a) => `${a.criterion}: ${a.score}${a.reason ? ` (${a.reason})` : ''}`).join('; '),
      });
      return manager.findOneOrFail(ProcurementResponse, { where: { id } });
    });
  }

  private refuseIncomplete(project: ProcurementProject, missing: readonly MissingEvaluation[], what: 'moderated' | 'awarded'): never {
    illegalState(
      `Every criterion of every response must be scored by at least ${this.evaluatorsRequired} evaluators with no conflict declared before it can be ${what}; ${missing.length} (response, criterion) pairs are short.`,
      this.status(project),
      { refusalType: 'EvaluationIncomplete', reason: 'EVALUATION_INCOMPLETE', evaluatorsRequired: this.evaluatorsRequired, missing },
    );
  }

  /**
   * The evaluation decides a further competition's award: refused (CONFLICT with `reason`) while any
   * tender is short of evaluators (EVALUATION_INCOMPLETE), unmoderated (NOT_MODERATED), or when the
   * chosen response is not the most advantageous tender (NOT_MOST_ADVANTAGEOUS, naming the expected).
   */
  private async requireMostAdvantageous(
    manager: EntityManager,
    project: ProcurementProject,
    responseId: string,
  ): Promise<SummarisedTender[]> {
    const tenders = await manager.find(ProcurementResponse, {
      where: { projectId: project.id, withdrawnAt: IsNull() },
      order: { submittedAt: 'ASC' },
    });
    const ids = tenders.map((t) => t.id);
    const missing = missingEvaluations(project.criteria, ids, await this.countedScores(manager, project), this.evaluatorsRequired);
    if (missing.length) this.refuseIncomplete(project, missing, 'awarded');
    const unmoderated = tenders.filter((t) => !t.moderatedAt).map((t) => t.id);
    if (unmoderated.length) {
      illegalState(
        `${unmoderated.length} response(s) are not yet moderated; moderate every response before the award.`,
        this.status(project),
        {
          refusalType: 'NotModerated',
          reason: 'NOT_MODERATED',
          unmoderatedResponseIds: unmoderated,
        },
      );
    }
    const rows: { response_id: string; criterion: string; score: number; reason: string | null }[] = await manager.query(
      `SELECT response_id, criterion, score, reason FROM procurement.moderated_score WHERE response_id = ANY($1::uuid[]) AND superseded_at IS NULL`,
      [ids],
    );
    const moderated: SummarisedTender[] = tenders.map((t) => {
      const own = rows.filter((row) => row.response_id === t.id);
      return {
        responseId: t.id,
        supplierId: t.supplierId,
        price: t.price,
        agreed: new Map(own.map((row) => [row.criterion, row.score])),
        reasons: new Map(own.map((row) => [row.criterion, row.reason])),
      };
    });
    const expected = mostAdvantageous(project.criteria, project.tieBreak, moderated);
    if (!expected.includes(responseId)) {
      illegalState('That response is not the most advantageous tender under the published weights and tie-break.', this.status(project), {
        refusalType: 'NotMostAdvantageous',
        reason: 'NOT_MOST_ADVANTAGEOUS',
        tieBreak: project.tieBreak,
        expectedResponseIds: expected,
      });
    }
    return moderated;
  }

  async award(input: AwardProcurementProjectInput): Promise<ProcurementProject> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.load(manager, input.projectId);
      await this.allow(manager, 'award', project);
      const now = this.now();
      const observeStandstill = await this.observesStandstill(manager, project, input.observeStandstill);
      // Declined: no standstill; its "last day" is the day before the award, so the contract may be recorded from the award day.
      const standstillEndsOn = observeStandstill ? standstillEnd(project.regime, dayOf(now)).endsOn : addCalendarDays(dayOf(now), -1);
      if (project.procedure === 'DIRECT_AWARD') {
        if (!input.innovationId) throw badUserInput('A direct award names the shortlisted innovation awarded.', 'innovationId');
        const justification = requiredText(input.justification, { field: 'justification', max: 4000 });
        const value = pounds(input.value ?? NaN, { field: 'value' });
        if (value > project.budget) throw badUserInput('The award value exceeds the budget.', 'value');
        const rows: { supplier_id: string }[] = await manager.query(
          `SELECT supplier_id FROM procurement.shortlisted_innovation WHERE project_id = $1 AND innovation_id = $2`,
          [project.id, parseId(input.innovationId, 'innovationId')],
        );
        if (!rows[0]) throw badUserInput('That innovation is not on the shortlist.', 'innovationId');
        await this.requireAdmitted(manager, project, rows[0].supplier_id);
        const awardedDirectly = await this.changeStatus(
          manager,
          project,
          input.version,
          'AWARDED',
          'awarded_supplier_id = $4, awarded_at = $5, standstill_ends_on = $6, direct_award_justification = $7, award_value = $8, standstill_observed = $9',
          [rows[0].supplier_id, now, standstillEndsOn, justification, value, observeStandstill],
          'AWARD',
          justification,
        );
        await announce(manager, 'award.issued', now, projectEventSubject(project), {
          ...projectFacts(project),
          procedure: 'DIRECT_AWARD',
          awardedSupplierOrganisationId: rows[0].supplier_id,
          awardValue: value,
          standstillObserved: observeStandstill,
          standstillEndsOn,
          tenders: [],
          awardedByPersonId: this.viewer!.personId,
        });
        return awardedDirectly;
      }
      if (!input.responseId) throw badUserInput('A further competition is awarded to one response.', 'responseId');
      const responseId = parseId(input.responseId, 'responseId');
      const response = await manager.findOne(ProcurementResponse, { where: { id: responseId, projectId: project.id } });
      if (!response) throw notFound('ProcurementResponse', responseId);
      tenderMachine.assertCan('award', response);
      const tenders = await this.requireMostAdvantageous(manager, project, responseId);
      await this.requireAdmitted(manager, project, response.supplierId);
      const awarded = await this.changeStatus(
        manager,
        project,
        input.version,
        'AWARDED',
        'awarded_supplier_id = $4, awarded_at = $5, standstill_ends_on = $6, award_value = $7, standstill_observed = $8',
        [response.supplierId, now, standstillEndsOn, response.price, observeStandstill],
        'AWARD',
      );
      try {
        await manager.query(`UPDATE procurement.response SET outcome = 'AWARDED' WHERE id = $1`, [responseId]);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('This project has already been awarded.', { currentStatus: 'AWARDED' });
        throw error;
      }
      await manager.query(
        `UPDATE procurement.response SET outcome = 'UNSUCCESSFUL' WHERE project_id = $1 AND id <> $2 AND withdrawn_at IS NULL`,
        [project.id, responseId],
      );
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: responseId,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'AWARD',
        fromStatus: 'PENDING',
        toStatus: 'AWARDED',
      });
      await this.issueAssessmentSummaries(manager, project, tenders, responseId, now);
      await announce(manager, 'award.issued', now, projectEventSubject(project), {
        ...projectFacts(project),
        procedure: 'FURTHER_COMPETITION',
        awardedSupplierOrganisationId: response.supplierId,
        awardValue: response.price,
        standstillObserved: observeStandstill,
        standstillEndsOn,
        tenders: tenders.map((tender) => ({
          responseId: tender.responseId,
          supplierOrganisationId: tender.supplierId,
          won: tender.responseId === responseId,
        })),
        awardedByPersonId: this.viewer!.personId,
      });
      return awarded;
    });
  }

  /**
   * Each tender of a further competition gets its assessment summary at the award, in the award's
   * transaction (so there is no award without them, nor summaries of an award rolled back): a
   * snapshot of the figures that decided it, never recomputed, and an audit entry per summary.
   * A direct award issues none: there was no competition, no tender and no assessment to summarise;
   * its justification is what the award publishes.
   */
  private async issueAssessmentSummaries(
    manager: EntityManager,
    project: ProcurementProject,
    tenders: readonly SummarisedTender[],
    winnerId: string,
    now: Date,
  ): Promise<void> {
    const supplierOf = new Map(tenders.map((tender) => [tender.responseId, tender.supplierId]));
    for (const summary of assessmentSummaries(project.criteria, project.tieBreak, tenders, winnerId)) {
      await manager.query(
        `INSERT INTO procurement.assessment_summary
           (response_id, project_id, supplier_id, winning_response_id, won, total_hundredths, winning_total_hundredths, tie_break, decided_by_tie_break, criteria, reason, issued_at, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          summary.responseId,
          project.id,
          supplierOf.get(summary.responseId),
          winnerId,
          summary.won,
          summary.totalHundredths,
          summary.winningTotalHundredths,
          project.tieBreak,
          summary.decidedByTieBreak,
          JSON.stringify(summary.criteria),
          summary.reason,
          now,
          this.viewer!.personId,
        ],
      );
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: summary.responseId,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'ISSUE_ASSESSMENT_SUMMARY',
        toStatus: summary.won ? 'AWARDED' : 'UNSUCCESSFUL',
        reason: summary.reason,
      });
    }
  }

  /**
   * Whether this award observes a standstill (`observeStandstill`, default true). The buyer may
   * decline one only where the law makes it voluntary (regime.ts standstillRequired: a framework
   * call-off); declining a mandatory one is BAD_USER_INPUT on `observeStandstill`.
   */
  private async observesStandstill(
    manager: EntityManager,
    project: ProcurementProject,
    requested: boolean | null | undefined,
  ): Promise<boolean> {
    if (requested !== false) return true;
    const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: project.routeId } });
    if (standstillRequired(project.regime, route.kind)) {
      throw badUserInput(
        `The law requires a standstill for an award under ${route.reference} (${project.regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' ? 'Public Contracts (Scotland) Regulations 2015 reg. 86' : 'Procurement Act 2023 s.51'}); it can be declined only for a call-off where it is voluntary.`,
        'observeStandstill',
      );
    }
    return false;
  }

  /** Only suppliers still admitted to the lot may be awarded (a suspension since publication counts). */
  private async requireAdmitted(manager: EntityManager, project: ProcurementProject, supplierId: string): Promise<void> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM procurement.admission WHERE lot_id = $1 AND supplier_id = $2 AND status = 'ADMITTED'`,
      [project.lotId, supplierId],
    );
    if (!rows.length) illegalState('The supplier is no longer admitted to the lot, so it cannot be awarded.', this.status(project));
  }

  async recordContract(input: RecordContractInput): Promise<Contract> {
    const value = pounds(input.value, { field: 'value' });
    if (input.endsOn < input.startsOn) throw badUserInput('"endsOn" must not be before "startsOn".', 'endsOn');
    // The instant the contract was recorded, read before waiting for the project's lock (as a challenge reads its own).
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      // Locked as a challenge is raised: of a challenge and the contract at once, one waits and sees the other.
      const project = await lockVisibleProject(manager, this.viewer, input.projectId);
      // Refused while the standstill runs (a StandstillRunning CONFLICT, projectMachine's guard).
      await this.allow(manager, 'recordContract', project, now);
      // The law suspends the contract while proceedings are open (Procurement Act 2023 ss.101–102;
      // Public Contracts (Scotland) Regulations 2015 reg. 89); IPS does the same for a challenge made to the buyer.
      const open = await openChallengeCount(manager, project.id);
      if (open > 0) {
        illegalState(`${open} standstill challenge(s) are open; the buyer answers them before the contract can be recorded.`, 'AWARDED', {
          reason: 'CHALLENGE_OPEN',
        });
      }
      // The day it was entered into starts the period to publish its details; recording publishes them.
      const signedOn = input.signedOn ?? dayOf(now);
      if (signedOn > dayOf(now)) throw badUserInput(`"signedOn" must not be after today (${dayOf(now)}).`, 'signedOn');
      if (signedOn <= project.standstillEndsOn!) {
        throw badUserInput(
          project.standstillObserved
            ? `"signedOn" must be after the standstill, which ended on ${project.standstillEndsOn}.`
            : `"signedOn" must not be before the award (${addCalendarDays(project.standstillEndsOn!, 1)}).`,
          'signedOn',
        );
      }
      await this.changeStatus(manager, project, input.version, 'CONTRACTED', '', [], 'RECORD_CONTRACT');
      const [{ id }] = (await manager.query(
        `INSERT INTO procurement.contract (project_id, buyer_id, supplier_id, value, starts_on, ends_on, recorded_by, recorded_at, signed_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [project.id, project.buyerId, project.awardedSupplierId, value, input.startsOn, input.endsOn, this.viewer!.personId, now, signedOn],
      )) as [{ id: string }];
      const due = contractDetailsDeadline(project.regime, signedOn);
      await audit(manager, {
        subjectType: 'CONTRACT',
        subjectId: id,
        projectId: project.id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'RECORD',
        toStatus: 'ACTIVE',
        reason: `Signed on ${signedOn}; details published ${dayOf(now) > due ? 'late' : 'in time'} (due by ${due}).`,
      });
      await announce(
        manager,
        'contract.recorded',
        now,
        { typename: 'Contract', id },
        {
          ...projectFacts(project),
          contractId: id,
          supplierOrganisationId: project.awardedSupplierId!,
          value,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          recordedByPersonId: this.viewer!.personId,
        },
      );
      return manager.findOneOrFail(Contract, { where: { id } });
    });
  }
}

function projectEventSubject(project: Pick<ProcurementProject, 'id'>) {
  return { typename: 'ProcurementProject', id: project.id };
}
