import type { DataSource } from 'typeorm';
import { badUserInput, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { searchText } from '../../../platform/input';
import type { Identity } from '../../../platform/identity';
import { keysetSource, pageAndPrime, readPage, type ConnectionArgs } from '../../../platform/pagination';
import { ClarificationQuestion, Contract, ProcurementProject, ProcurementResponse } from '../entities';
import type { ProcurementProjectCapabilities, ProcurementProjectFilter, ProcurementResponseCapabilities } from '../generated/graphql';
import type { ProcurementLoaders } from '../loaders';
import type { AuditTrailRow } from '../loaders/audit-trail.loader';
import type { AssessmentSummaryRow } from '../loaders/evaluation.loader';
import { applyProjectSearch, MAX_PROJECT_SEARCH_LENGTH, rankedProjectSource } from './project-search';
import { contractDetailsDeadline, standstillDeadline, type DeadlineModel } from './regime';
import type { StandstillChallengeRow, WithdrawnAwardRow } from '../loaders/challenge.loader';
import {
  applyProjectVisibility,
  canReadAssessmentSummary,
  canReadAuditTrail,
  canSeeInvitations,
  canSeeProject,
  canSeeQuestion,
  canSeeResponseCount,
  canSeeScores,
  canSeeStandstillChallenge,
  canSeeWinningScore,
  mayRaiseStandstillChallenge,
  mayModerateResponseOf,
  mayScoreResponseOf,
  projectStatus,
  readableResponses,
  visibleScores,
  type ProjectFacts,
  type ProjectStatus,
  withheldFromAuditEntry,
} from '../policy';
import {
  challengeMachine,
  mayAnswerStandstillChallenge,
  mayWithdrawResponse,
  moderationMachine,
  projectMachine,
  projectSubject,
  questionMachine,
  tenderMachine,
  type ProjectAction,
} from '../status-machines';
import { dayOf, type Clock } from '../../../platform/clock';
import { missingEvaluations, totalScoreOf, weightedTotalHundredths } from './evaluation';

/**
 * Reading procurement projects: one or a page of them, their shortlist, clarifications, sealed
 * responses and scores, award and contract, and what the viewer may do (`viewerCan`). Every field
 * asks policy.ts what the viewer may see, and reads through the request's loaders. The writes are
 * in project-workflow.service.ts.
 */
export class ProjectService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly viewer: Identity,
    private readonly clock: Clock,
    /** PROCUREMENT_EVALUATORS_REQUIRED. */
    private readonly evaluatorsRequired: number,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** A project the viewer may see, or null (a draft of someone else is as good as absent). */
  async findVisible(id: string): Promise<ProcurementProject | null> {
    const project = await this.loaders.projectById.load(parseId(id));
    return project && canSeeProject(this.viewer, project) ? project : null;
  }

  async list(args: ConnectionArgs & { filter?: ProcurementProjectFilter | null; search?: string | null }) {
    const search = searchText(args.search, { field: 'search', max: MAX_PROJECT_SEARCH_LENGTH });
    const page = readPage(args);
    // Before the page source clones it for the count, so the page and totalCount see the same rows.
    const query = applyProjectVisibility(this.dataSource.getRepository(ProcurementProject).createQueryBuilder('project'), this.viewer);
    const filter = args.filter ?? {};
    if (filter.buyerId) query.andWhere('project.buyerId = :buyerId', { buyerId: parseId(filter.buyerId, 'filter.buyerId') });
    if (filter.statuses?.length) {
      const stored = filter.statuses.map((status) => (status === 'CLARIFICATION' || status === 'EVALUATION' ? 'PUBLISHED' : status));
      query.andWhere('project.status IN (:...stored)', { stored });
    }
    if (search !== null) applyProjectSearch(query, search);
    // A searched page's cursor carries a rank (a number); the plain list's a creation time.
    if (search === null && page.after && typeof page.after.sortValue !== 'string') {
      throw badUserInput('"after" is a cursor from a searched list: pass a cursor from a page without a search.', 'after');
    }
    const source =
      search !== null
        ? rankedProjectSource(query)
        : keysetSource(query, { property: 'createdAt', cursorValue: (p) => p.createdAt.toISOString() });
    return pageAndPrime(page, source, this.loaders.projectById);
  }

  status(project: ProcurementProject): ProjectStatus {
    return projectStatus(project, this.now());
  }

  async facts(project: ProcurementProject): Promise<ProjectFacts> {
    const [invitedSupplierIds, declarations] = await Promise.all([
      this.loaders.invitedSupplierIds.load(project.id),
      this.loaders.declaration.load(project.id),
    ]);
    return { invitedSupplierIds, declarations };
  }

  /** What the viewer may do now: `projectMachine` (status-machines.ts), as the mutations refuse, and the facts beside it. */
  async viewerCan(project: ProcurementProject): Promise<ProcurementProjectCapabilities> {
    const facts = await this.facts(project);
    const subject = projectSubject(project, this.now(), facts);
    const can = (action: ProjectAction) => projectMachine.capable(action, this.viewer, subject);
    const capabilities = {
      publish: can('publish'),
      cancel: can('cancel'),
      ask: can('ask'),
      answer: can('answer'),
      respond: can('respond'),
      declareConflicts: can('declareConflicts'),
      evaluate: can('evaluate'),
      award: can('award'),
      recordContract: can('recordContract'),
    };
    // Declarations are made once per responding supplier: nothing is left to declare once each has one.
    if (capabilities.declareConflicts) {
      const responders = await this.loaders.responderIds.load(project.id);
      capabilities.declareConflicts = responders.some((id) => !facts.declarations.has(id));
    }
    // The contract waits for every open challenge to be answered (as recordContract refuses).
    const challenges = await this.loaders.challengesByProject.load(project.id);
    if (capabilities.recordContract) capabilities.recordContract = !challenges.some((c) => c.status === 'OPEN');
    const raiseStandstillChallenge =
      mayRaiseStandstillChallenge(this.viewer, project, await this.loaders.responderIds.load(project.id)) &&
      projectMachine.can('raiseStandstillChallenge', subject) &&
      !challenges.some((c) => c.status === 'OPEN' && c.supplierId === this.viewer?.organisationId);
    return { ...capabilities, raiseStandstillChallenge };
  }

  /** The project's standstill challenges the viewer may see (policy.ts canSeeStandstillChallenge), oldest first. */
  async challenges(project: ProcurementProject): Promise<StandstillChallengeRow[]> {
    const rows = await this.loaders.challengesByProject.load(project.id);
    return rows.filter((row) => canSeeStandstillChallenge(this.viewer, project, row));
  }

  /** Awards withdrawn on upheld challenges (public, as the award and its OCDS record are). */
  async withdrawnAwards(project: ProcurementProject): Promise<WithdrawnAwardRow[]> {
    return this.loaders.withdrawnAwardsByProject.load(project.id);
  }

  /** The standstill's end with what it skipped, counting the resumptions of dismissed challenges to the current award. */
  async standstillDeadline(project: ProcurementProject): Promise<DeadlineModel | null> {
    if (!project.awardedAt) return null;
    const [challenges, withdrawn] = await Promise.all([
      this.loaders.challengesByProject.load(project.id),
      this.loaders.withdrawnAwardsByProject.load(project.id),
    ]);
    const resumptions = challenges
      .filter((c) => c.status === 'DISMISSED' && c.awardNumber === withdrawn.length + 1)
      .map((c) => ({
        answeredOn: dayOf(c.answeredAt!),
        daysLeft: c.standstillDaysLeftWhenRaised,
        endsOnWhenRaised: c.standstillEndsOnWhenRaised,
      }));
    return standstillDeadline(project, resumptions);
  }

  async projectOfChallenge(challenge: StandstillChallengeRow): Promise<ProcurementProject> {
    const project = await this.loaders.projectById.load(challenge.projectId);
    if (!project) throw notFound('ProcurementProject', challenge.projectId);
    return project;
  }

  /** The buyer's team, while the challenge is open (an open challenge's project is AWARDED). */
  async canAnswerChallenge(challenge: StandstillChallengeRow): Promise<boolean> {
    return challengeMachine.can('answer', challenge) && mayAnswerStandstillChallenge(this.viewer, await this.projectOfChallenge(challenge));
  }

  async shortlist(project: ProcurementProject) {
    return (await this.loaders.shortlist.load(project.id)).map((row) => ({ innovationId: row.innovation_id, supplierId: row.supplier_id }));
  }

  async invitedSuppliers(project: ProcurementProject): Promise<{ id: string }[] | null> {
    const invited = await this.loaders.invitedSupplierIds.load(project.id);
    return canSeeInvitations(this.viewer, project, invited) ? invited.map((id) => ({ id })) : null;
  }

  async clarifications(project: ProcurementProject): Promise<ClarificationQuestion[]> {
    const [questions, invited] = await Promise.all([
      this.loaders.questionsByProject.load(project.id),
      this.loaders.invitedSupplierIds.load(project.id),
    ]);
    return questions.filter((question) => canSeeQuestion(this.viewer, project, question, invited));
  }

  askedByViewer(question: ClarificationQuestion): boolean {
    return !!this.viewer && this.viewer.organisationId === question.askerSupplierId;
  }

  /** The buyer's team, while the project takes answers, for a question not yet answered. */
  async canAnswer(question: ClarificationQuestion): Promise<boolean> {
    const project = await this.loaders.projectById.load(question.projectId);
    return (
      !!project &&
      projectMachine.capable('answer', this.viewer, projectSubject(project, this.now())) &&
      questionMachine.can('answer', question)
    );
  }

  async responseCount(project: ProcurementProject): Promise<number | null> {
    if (!canSeeResponseCount(this.viewer, project)) return null;
    return (await this.loaders.responderIds.load(project.id)).length;
  }

  /** Reads only the rows the viewer may read: the SQL itself is narrowed, not just the answer. */
  async responses(project: ProcurementProject): Promise<ProcurementResponse[]> {
    switch (readableResponses(this.viewer, project, this.now())) {
      case 'ALL':
        return this.loaders.responsesByProject.load(project.id);
      case 'OWN':
        return this.loaders.ownResponses.load(project.id);
      default:
        return [];
    }
  }

  private async projectOf(response: ProcurementResponse): Promise<ProcurementProject> {
    const project = await this.loaders.projectById.load(response.projectId);
    if (!project) throw notFound('ProcurementProject', response.projectId);
    return project;
  }

  /** Where the response's evaluation stands for the viewer: whether they scored it, and whether it is fully scored. */
  private async evaluationOf(project: ProcurementProject, response: ProcurementResponse) {
    const counted = await this.loaders.countedScoresByResponse.load(response.id);
    const scored = await this.loaders.scoresByResponse.load(response.id);
    return {
      scoredByViewer: !!this.viewer && scored.some((row) => row.evaluator_id === this.viewer!.personId),
      complete: missingEvaluations(project.criteria, [response.id], counted, this.evaluatorsRequired).length === 0,
    };
  }

  async scores(response: ProcurementResponse) {
    const project = await this.projectOf(response);
    if (!canSeeScores(this.viewer, project, response, this.now())) return [];
    const [rows, facts, evaluation] = await Promise.all([
      this.loaders.scoresByResponse.load(response.id),
      this.facts(project),
      this.evaluationOf(project, response),
    ]);
    const visible = visibleScores(this.viewer, project, response, facts, evaluation);
    return rows
      .filter((row) => visible === 'ALL' || row.evaluator_id === this.viewer?.personId)
      .map((row) => ({ criterion: row.criterion, score: row.score, comment: row.comment }));
  }

  /** The agreed scores in criteria order; empty until moderated or when hidden. */
  async moderatedScores(response: ProcurementResponse) {
    const project = await this.projectOf(response);
    if (!response.moderatedAt || !canSeeScores(this.viewer, project, response, this.now())) return [];
    const rows = await this.loaders.moderatedScoresByResponse.load(response.id);
    return project.criteria.flatMap((criterion) => rows.filter((row) => row.criterion === criterion.name));
  }

  async moderatedAt(response: ProcurementResponse): Promise<Date | null> {
    const project = await this.projectOf(response);
    return canSeeScores(this.viewer, project, response, this.now()) ? response.moderatedAt : null;
  }

  /** The weighted total of the moderated scores; null until moderated. */
  private async total(project: ProcurementProject, responseId: string): Promise<number | null> {
    const rows = await this.loaders.moderatedScoresByResponse.load(responseId);
    const hundredths = weightedTotalHundredths(project.criteria, new Map(rows.map((row) => [row.criterion, row.score])));
    return hundredths === null ? null : totalScoreOf(hundredths);
  }

  async totalScore(response: ProcurementResponse): Promise<number | null> {
    const project = await this.projectOf(response);
    return canSeeScores(this.viewer, project, response, this.now()) ? this.total(project, response.id) : null;
  }

  /** The response's assessment summary as issued at the award (policy.ts canReadAssessmentSummary); null for others and before. */
  async assessmentSummary(response: ProcurementResponse) {
    const project = await this.projectOf(response);
    if (!canReadAssessmentSummary(this.viewer, project, response.supplierId)) return null;
    const row = await this.loaders.assessmentSummaryByResponse.load(response.id);
    return row ? assessmentSummaryOf(row) : null;
  }

  /** Every tender's summary for the buyer's team and staff; a supplier its own; nobody else any. */
  async assessmentSummaries(project: ProcurementProject) {
    const rows = await this.loaders.assessmentSummariesByProject.load(project.id);
    return rows.filter((row) => canReadAssessmentSummary(this.viewer, project, row.supplier_id)).map(assessmentSummaryOf);
  }

  /**
   * What the viewer may do with a response now, from the machines the mutations refuse with
   * (status-machines.ts): the project's, the response's standing and its moderation's.
   */
  async responseViewerCan(response: ProcurementResponse): Promise<ProcurementResponseCapabilities> {
    const project = await this.projectOf(response);
    const facts = await this.facts(project);
    const subject = projectSubject(project, this.now(), facts);
    const evaluation = await this.evaluationOf(project, response);
    // Scoring and moderating: the project in evaluation, the response a tender, its scores not yet fixed.
    const evaluable = (action: 'score' | 'moderate') =>
      projectMachine.can('evaluate', subject) && tenderMachine.can('evaluate', response) && moderationMachine.can(action, response);
    return {
      edit: projectMachine.capable('respond', this.viewer, subject) && this.viewer?.organisationId === response.supplierId,
      withdraw:
        mayWithdrawResponse(this.viewer, subject, response) &&
        projectMachine.can('withdrawResponse', subject) &&
        tenderMachine.can('withdraw', response),
      score:
        evaluable('score') &&
        mayScoreResponseOf(this.viewer, project, facts, response.supplierId) &&
        (evaluation.scoredByViewer || !evaluation.complete),
      moderate:
        evaluable('moderate') &&
        evaluation.complete &&
        mayModerateResponseOf(this.viewer, project, facts, response.supplierId, evaluation.scoredByViewer),
      award: projectMachine.capable('award', this.viewer, subject) && tenderMachine.can('award', response),
    };
  }

  async winningScore(project: ProcurementProject): Promise<number | null> {
    if (project.procedure !== 'FURTHER_COMPETITION') return null;
    const responders = await this.loaders.responderIds.load(project.id);
    if (!canSeeWinningScore(this.viewer, project, responders)) return null;
    const winner = await this.loaders.winningResponse.load(project.id);
    return winner ? this.total(project, winner) : null;
  }

  /**
   * The project's audit trail for the buyer's team and staff (empty for everyone else), each entry
   * with what the sealing rules withhold from it left out (policy.ts withheldFromAuditEntry).
   */
  async auditTrail(project: ProcurementProject, first: number) {
    if (!canReadAuditTrail(this.viewer, project)) return [];
    const rows: AuditTrailRow[] = await this.loaders.auditTrailByProject(first).load(project.id);
    const now = this.now();
    return rows.map((row) => {
      const withheld = withheldFromAuditEntry(
        this.viewer,
        project,
        { subjectType: row.subject_type, action: row.action, responseWithdrawn: row.response_withdrawn },
        now,
      );
      return {
        subject: row.subject_type,
        action: row.action,
        fromStatus: row.from_status,
        toStatus: row.to_status,
        actor: row.actor_id && !withheld.actor ? { id: row.actor_id } : null,
        at: new Date(row.at),
        reason: withheld.reason ? null : row.reason,
      };
    });
  }

  async contract(project: ProcurementProject): Promise<Contract | null> {
    return this.loaders.contractByProject.load(project.id);
  }

  async contractsOf(organisationId: string, first: number): Promise<Contract[]> {
    return this.loaders.contractsByOrganisation(first).load(organisationId);
  }

  /** The last day to publish the contract's details, under its project's regime (regime.ts contractDetailsDeadline). */
  async contractDetailsDeadline(contract: Contract): Promise<string> {
    return contractDetailsDeadline((await this.projectOfContract(contract)).regime, contract.signedOn);
  }

  async projectOfContract(contract: Contract): Promise<ProcurementProject> {
    const project = await this.loaders.projectById.load(contract.projectId);
    if (!project) throw notFound('ProcurementProject', contract.projectId);
    return project;
  }
}

/** The stored summary as the API shows it: the figures issued, read back as they were written. */
function assessmentSummaryOf(row: AssessmentSummaryRow) {
  return {
    supplierId: row.supplier_id,
    won: row.won,
    totalScore: totalScoreOf(row.total_hundredths),
    winningTotalScore: totalScoreOf(row.winning_total_hundredths),
    criteria: row.criteria,
    tieBreak: row.tie_break,
    decidedByTieBreak: row.decided_by_tie_break,
    reason: row.reason,
    issuedAt: new Date(row.issued_at),
    supersededAt: row.superseded_at === null ? null : new Date(row.superseded_at),
  };
}
