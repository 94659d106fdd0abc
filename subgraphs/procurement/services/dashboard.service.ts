import type { DataSource } from 'typeorm';
import { forbidden } from '../../../platform/errors';
import { wholeNumber } from '../../../platform/input';
import type { Identity } from '../../../platform/identity';
import { MAX_PAGE_SIZE, readPage } from '../../../platform/pagination';
import { Admission, ClarificationQuestion, ProcurementProject, ProcurementRoute } from '../entities';
import type { InnovationCategory } from '../generated/graphql';
import type { ProcurementLoaders } from '../loaders';
import type { ProjectDeadlineModel, RouteDateAheadModel } from '../mappers';
import { canDecideAdmission, canSeeAdmission, isOwnBuyerTeam, nonBuyerOrganisationKinds, projectStatus } from '../policy';
import { dayOf, type Clock } from '../../../platform/clock';
import { workingDaysUntil } from '../../../platform/working-days';
import { calendarOf } from './regime';

const dayMs = 24 * 60 * 60 * 1000;
/** Stored statuses of a project still in progress (CLARIFICATION and EVALUATION are stored as PUBLISHED). */
const liveStoredStatuses = ['DRAFT', 'PUBLISHED', 'AWARDED'];
/** The longest look ahead a dashboard may ask for: a year. */
export const MAX_DAYS_AHEAD = 366;

const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs));

/**
 * What the dashboards ask procurement for, always about the caller's own organisation. Each method
 * runs one statement (plus batched loads of what its items link to), whatever the data size.
 */
export class ProcurementDashboardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  /** The caller's own view: an empty object its fields fill in; null for an anonymous caller. */
  viewerView(): Record<string, never> | null {
    return this.viewer ? {} : null;
  }

  private prime(projects: ProcurementProject[]): ProcurementProject[] {
    for (const project of projects) this.loaders.projectById.prime(project.id, project);
    return projects;
  }

  async liveProjects(first: number | null | undefined): Promise<ProcurementProject[]> {
    const size = readPage({ first }).size;
    if (size === 0 || !isOwnBuyerTeam(this.viewer)) return [];
    const projects = await this.dataSource
      .getRepository(ProcurementProject)
      .createQueryBuilder('project')
      .where('project.buyerId = :buyerId', { buyerId: this.viewer!.organisationId })
      .andWhere('project.status IN (:...live)', { live: liveStoredStatuses })
      .orderBy('project.createdAt', 'DESC')
      .addOrderBy('project.id', 'ASC')
      .limit(size)
      .getMany();
    return this.prime(projects);
  }

  /** The next deadline ahead of a project, in working days (of its regime) from today. */
  nextDeadline(project: ProcurementProject): ProjectDeadlineModel | null {
    const now = this.clock.now();
    const deadline = (kind: ProjectDeadlineModel['kind'], at: Date) => ({
      kind,
      at,
      workingDaysLeft: workingDaysUntil(dayOf(now), dayOf(at), calendarOf(project.regime)),
    });
    switch (projectStatus(project, now)) {
      case 'PUBLISHED':
        return deadline('CLARIFICATION_CUT_OFF', project.clarificationClosesAt!);
      case 'CLARIFICATION':
        return deadline('RESPONSE_DEADLINE', project.responseDeadline!);
      case 'AWARDED': {
        if (!project.standstillEndsOn || project.standstillEndsOn < dayOf(now)) return null;
        // The standstill ends at the close of its last day.
        return deadline('STANDSTILL_END', new Date(`${project.standstillEndsOn}T23:59:59.999Z`));
      }
      default:
        return null;
    }
  }

  /** Routes the caller's organisation may buy through that open or expire within the window. */
  async routesOpeningOrExpiringSoon(withinDays: number | null | undefined): Promise<RouteDateAheadModel[]> {
    const days = wholeNumber(withinDays ?? 60, { field: 'withinDays', min: 0, max: MAX_DAYS_AHEAD });
    const viewer = this.viewer;
    if (!viewer?.organisationNation || nonBuyerOrganisationKinds.includes(viewer.organisationKind)) return [];
    const today = dayOf(this.clock.now());
    const until = addDays(today, days);
    // The same rule as buyerMayUseRoute, as a condition.
    const routes = await this.dataSource
      .getRepository(ProcurementRoute)
      .createQueryBuilder('route')
      .where(':nation = ANY(route.eligibleNations)', { nation: viewer.organisationNation })
      .andWhere('(cardinality(route.eligibleOrganisationKinds) = 0 OR :kind = ANY(route.eligibleOrganisationKinds))', {
        kind: viewer.organisationKind,
      })
      .andWhere('(route.opensOn BETWEEN :today AND :until OR route.expiresOn BETWEEN :today AND :until)', { today, until })
      .orderBy('route.reference', 'ASC')
      .limit(MAX_PAGE_SIZE)
      .getMany();
    const ahead: RouteDateAheadModel[] = [];
    const inWindow = (day: string | null): day is string => !!day && day >= today && day <= until;
    const daysAway = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / dayMs);
    for (const route of routes) {
      this.loaders.routeById.prime(route.id, route);
      if (inWindow(route.opensOn)) ahead.push({ route, kind: 'OPENS', on: route.opensOn, daysAway: daysAway(route.opensOn) });
      if (inWindow(route.expiresOn)) ahead.push({ route, kind: 'EXPIRES', on: route.expiresOn, daysAway: daysAway(route.expiresOn) });
    }
    return ahead.sort((a, b) => a.on.localeCompare(b.on) || a.route.reference.localeCompare(b.route.reference));
  }

  /** Categories of the innovations the caller's organisation shortlisted (every purchase starts from a shortlist). */
  async innovationNews(): Promise<{ category: InnovationCategory }[]> {
    if (!isOwnBuyerTeam(this.viewer)) return [];
    const rows: { category: InnovationCategory }[] = await this.dataSource.query(
      `SELECT DISTINCT shortlisted.category
         FROM procurement.shortlisted_innovation shortlisted
         JOIN procurement.project project ON project.id = shortlisted.project_id
        WHERE project.buyer_id = $1
        ORDER BY shortlisted.category`,
      [this.viewer!.organisationId],
    );
    return rows.map((row) => ({ category: row.category }));
  }

  /** Every admission of the caller's organisation, in any status: its own to see (canSeeAdmission). */
  async lotAdmissions(): Promise<Admission[]> {
    if (!this.viewer) return [];
    const admissions = await this.dataSource.getRepository(Admission).find({
      where: { supplierId: this.viewer.organisationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: MAX_PAGE_SIZE,
    });
    return admissions.filter((admission) => canSeeAdmission(this.viewer, admission));
  }

  /** Published projects the caller's organisation is invited to whose response deadline is ahead. */
  async openOpportunities(first: number | null | undefined): Promise<ProcurementProject[]> {
    const size = readPage({ first }).size;
    if (size === 0 || !this.viewer) return [];
    const projects = await this.dataSource
      .getRepository(ProcurementProject)
      .createQueryBuilder('project')
      .where(`project.status = 'PUBLISHED'`)
      .andWhere('project.responseDeadline > :now', { now: this.clock.now() })
      .andWhere(
        'EXISTS (SELECT 1 FROM procurement.invitation invitation WHERE invitation.project_id = project.id AND invitation.supplier_id = :supplierId)',
        { supplierId: this.viewer.organisationId },
      )
      .orderBy('project.responseDeadline', 'ASC')
      .addOrderBy('project.id', 'ASC')
      .limit(size)
      .getMany();
    return this.prime(projects);
  }

  /** Questions the caller's organisation asked: it sees its own, answered or not (canSeeQuestion). */
  async questionsAsked(first: number | null | undefined): Promise<ClarificationQuestion[]> {
    const size = readPage({ first }).size;
    if (size === 0 || !this.viewer) return [];
    return this.dataSource.getRepository(ClarificationQuestion).find({
      where: { askerSupplierId: this.viewer.organisationId },
      order: { askedAt: 'DESC', id: 'ASC' },
      take: size,
    });
  }

  async projectOfQuestion(question: ClarificationQuestion): Promise<ProcurementProject> {
    return (await this.loaders.projectById.load(question.projectId))!;
  }

  /** The staff queue of admissions: APPLIED, oldest first. */
  async admissionsAwaitingDecision(first: number | null | undefined): Promise<Admission[]> {
    if (!canDecideAdmission(this.viewer)) throw forbidden('Only platform admins see the admissions waiting for a decision.');
    const size = readPage({ first }).size;
    if (size === 0) return [];
    const waiting = await this.dataSource
      .getRepository(Admission)
      .find({ where: { status: 'APPLIED' }, order: { createdAt: 'ASC', id: 'ASC' }, take: size });
    return waiting.filter((admission) => canSeeAdmission(this.viewer, admission));
  }
}
