import type { DataSource, EntityManager } from 'typeorm';
import { demoOrganisations } from '../../demo-data/organisations';
import { demoPeople } from '../../demo-data/people';
import { demoProjects, type DemoProject } from '../../demo-data/procurement-projects';
import { demoAdmissions, demoLots, demoProcurementRoutes, demoRouteDatesOn } from '../../demo-data/procurement-routes';
import { Admission, Lot, ProcurementRoute } from './entities';
import { dayOf, systemClock, type Clock } from '../../platform/clock';
import { ocidPrefix } from './services/project-workflow.service';
import { addWorkingDays, type WorkingDayCalendar } from '../../platform/working-days';
import { calendarOf, regimeForBuyer, standstillEnd } from './services/regime';

/**
 * Inserts the demo routes, their lots and admissions, and the demo projects, in one transaction,
 * when there are no routes yet. Route and project dates are set from the clock, so each demo project is at
 * its stage (standstill, clarification, evaluation, contracted) whenever the data is seeded.
 */
export async function seedDemoData(dataSource: DataSource, clock: Clock = systemClock): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(ProcurementRoute)) > 0) return;
    // A route's status follows from its dates: they are moved on to today so each is in its demo status.
    const today = dayOf(clock.now());
    await manager.insert(
      ProcurementRoute,
      demoProcurementRoutes.map(({ status: _status, ...route }) => ({ ...route, ...demoRouteDatesOn(route, today) })),
    );
    await manager.insert(Lot, demoLots);
    // Names as the suppliers would have had them snapshotted when applying (for OCDS parties).
    await manager.insert(
      Admission,
      demoAdmissions.map((admission) => ({ ...admission, supplierName: organisationName(admission.supplierId) })),
    );
    for (const project of demoProjects) await seedProject(manager, project, clock.now());
    await recordBuyerNations(manager);
  });
}

const organisationName = (id: string) => demoOrganisations.find((organisation) => organisation.id === id)?.name ?? null;

/** Nine in the morning (UTC) on a working day (of the project's regime) some working days from today. */
function workingDayClock(calendar: WorkingDayCalendar) {
  return (now: Date, offset: number, hour = 9): Date =>
    new Date(`${addWorkingDays(dayOf(now), offset, calendar)}T${String(hour).padStart(2, '0')}:00:00Z`);
}

/**
 * Who evaluates a demo competition: its creator and a colleague on the buyer's team score (the two
 * evaluators PROCUREMENT_EVALUATORS_REQUIRED asks by default), and a third colleague, who scores
 * nothing, moderates.
 */
function evaluationTeam(project: DemoProject): { evaluators: string[]; moderator: string } {
  const colleagues = demoPeople.filter(
    (person) => person.organisationId === project.buyerId && person.organisationRoles.includes('BUYER') && person.id !== project.createdBy,
  );
  return { evaluators: [project.createdBy, colleagues[0]!.id], moderator: colleagues[1]!.id };
}

async function seedProject(manager: EntityManager, project: DemoProject, now: Date): Promise<void> {
  const { days } = project;
  // As createProcurementProject records it from the buyer's nation.
  const regime = regimeForBuyer(demoOrganisations.find((organisation) => organisation.id === project.buyerId)?.nation);
  const calendar = calendarOf(regime);
  const atWorkingDay = workingDayClock(calendar);
  const awardedAt = days.awarded !== undefined ? atWorkingDay(now, days.awarded) : null;
  const standstillEndsOn = awardedAt ? standstillEnd(regime, dayOf(awardedAt)).endsOn : null;
  const status = project.stage === 'CONTRACTED' ? 'CONTRACTED' : project.stage === 'STANDSTILL' ? 'AWARDED' : 'PUBLISHED';
  const winner = project.responses.find((r) => r.supplierId === project.winnerSupplierId);
  await manager.query(
    `INSERT INTO procurement.project (id, ocid, buyer_id, buyer_name, created_by, title, need, budget, route_id, lot_id, procedure, status, criteria,
       direct_award_justification, published_at, clarification_closes_at, response_deadline, awarded_supplier_id, awarded_at, award_value,
       standstill_ends_on, version, created_at, regime)
     SELECT $1, $2, $3, $21, $4, $5, $6, $7, lot.route_id, lot.id, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $20, $22
       FROM procurement.lot WHERE lot.id = $8`,
    [
      project.id,
      `${ocidPrefix}-${project.id}`,
      project.buyerId,
      project.createdBy,
      project.title,
      project.need,
      project.budget,
      project.lotId,
      project.procedure,
      status,
      JSON.stringify(project.criteria),
      project.directAwardJustification ?? null,
      days.published !== undefined ? atWorkingDay(now, days.published) : null,
      days.clarificationCloses !== undefined ? atWorkingDay(now, days.clarificationCloses, 12) : null,
      days.deadline !== undefined ? atWorkingDay(now, days.deadline, 12) : null,
      project.winnerSupplierId ?? null,
      awardedAt,
      project.awardValue ?? winner?.price ?? null,
      standstillEndsOn,
      atWorkingDay(now, days.created),
      organisationName(project.buyerId),
      regime,
    ],
  );
  for (const item of project.shortlist) {
    await manager.query(
      `INSERT INTO procurement.shortlisted_innovation (project_id, innovation_id, supplier_id, category) VALUES ($1, $2, $3, $4)`,
      [project.id, item.innovationId, item.supplierId, item.category],
    );
  }
  if (days.published !== undefined) {
    await manager.query(
      `INSERT INTO procurement.invitation (project_id, supplier_id, invited_at)
       SELECT $1, supplier_id, $2 FROM procurement.admission WHERE lot_id = $3 AND status = 'ADMITTED'`,
      [project.id, atWorkingDay(now, days.published), project.lotId],
    );
  }
  for (const [index, q] of project.questions.entries()) {
    const askedAt = atWorkingDay(now, days.published! + 1, 10 + index);
    await manager.query(
      `INSERT INTO procurement.clarification_question (project_id, asker_person_id, asker_supplier_id, question, asked_at, answer, answered_by, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        project.id,
        project.createdBy,
        q.askedBy,
        q.question,
        askedAt,
        q.answer,
        q.answer ? project.createdBy : null,
        q.answer ? new Date(askedAt.getTime() + 3_600_000) : null,
      ],
    );
  }
  const team = evaluationTeam(project);
  for (const r of project.responses) {
    const submittedAt = atWorkingDay(now, days.deadline! - 1);
    const outcome = !project.winnerSupplierId ? 'PENDING' : r.supplierId === project.winnerSupplierId ? 'AWARDED' : 'UNSUCCESSFUL';
    const [{ id }] = (await manager.query(
      `INSERT INTO procurement.response (project_id, supplier_id, submitted_by, proposal, price, outcome, submitted_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [project.id, r.supplierId, project.createdBy, r.proposal, r.price, outcome, submittedAt],
    )) as [{ id: string }];
    for (const evaluator of team.evaluators) {
      for (const [i, score] of r.scores.entries()) {
        await manager.query(
          `INSERT INTO procurement.score (response_id, evaluator_id, criterion, score, scored_at) VALUES ($1, $2, $3, $4, $5)`,
          [id, evaluator, project.criteria[i]!.name, score, atWorkingDay(now, days.deadline! + 1)],
        );
      }
    }
    // An awarded competition was moderated first: the evaluators agreed, so no reason was needed.
    if (awardedAt) {
      const moderatedAt = atWorkingDay(now, days.deadline! + 2);
      await manager.query(`UPDATE procurement.response SET moderated_at = $2, moderated_by = $3 WHERE id = $1`, [
        id,
        moderatedAt,
        team.moderator,
      ]);
      for (const [i, score] of r.scores.entries()) {
        await manager.query(
          `INSERT INTO procurement.moderated_score (response_id, criterion, score, moderator_id, moderated_at) VALUES ($1, $2, $3, $4, $5)`,
          [id, project.criteria[i]!.name, score, team.moderator, moderatedAt],
        );
      }
    }
  }
  // The evaluators and the moderator declared no conflict with each responding supplier first.
  for (const r of project.responses) {
    for (const person of [...team.evaluators, team.moderator]) {
      await manager.query(
        `INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, supplier_id, has_conflict, declared_at) VALUES ($1, $2, $3, false, $4)`,
        [project.id, person, r.supplierId, atWorkingDay(now, days.deadline! + 1)],
      );
    }
  }
  if (project.contract && awardedAt) {
    const startsOn = addWorkingDays(standstillEndsOn!, 5, calendar);
    const endsOn = `${Number(startsOn.slice(0, 4)) + 1}${startsOn.slice(4)}`;
    await manager.query(
      `INSERT INTO procurement.contract (project_id, buyer_id, supplier_id, value, starts_on, ends_on, recorded_by, recorded_at, signed_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ($8::timestamptz AT TIME ZONE 'UTC')::date)`,
      [
        project.id,
        project.buyerId,
        project.winnerSupplierId,
        project.contract.value,
        startsOn,
        endsOn,
        project.createdBy,
        atWorkingDay(now, -1 * Math.max(1, Math.abs(days.awarded!) - 10)),
      ],
    );
  }
  await manager.query(
    `INSERT INTO procurement.audit_event (subject_type, subject_id, project_id, actor_id, at, action, to_status, reason)
     VALUES ('PROJECT', $1, $1, $2, $3, 'SEED', $4, 'Demo data')`,
    [project.id, project.createdBy, now, status],
  );
}

/** What createProcurementProject records from the buyer's verified identity, from the same demo organisations. */
async function recordBuyerNations(manager: EntityManager): Promise<void> {
  const buyers = [...new Set(demoProjects.map((project) => project.buyerId))];
  const organisations = buyers.map((id) => demoOrganisations.find((organisation) => organisation.id === id)!);
  await manager.query(
    `UPDATE procurement.project p SET buyer_nation = b.nation, buyer_organisation_kind = b.kind
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS b(buyer_id, nation, kind) WHERE p.buyer_id = b.buyer_id`,
    [buyers, organisations.map((organisation) => organisation.nation), organisations.map((organisation) => organisation.kind)],
  );
}
