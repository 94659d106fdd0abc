import type { DataSource, EntityManager } from 'typeorm';
import { dayOf, type Clock } from '../../../platform/clock';
import { notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity, Viewer } from '../../../platform/identity';
import { refuse, requireSignedIn } from '../../../platform/sign-in';
import { ProcurementProject } from '../entities';
import type { AnswerStandstillChallengeInput, RaiseStandstillChallengeInput } from '../generated/graphql';
import { challengeColumns, challengeOf, type StandstillChallengeRow } from '../loaders/challenge.loader';
import { canSeeProject, canSeeStandstillChallenge, mayRaiseStandstillChallenge, projectStatus } from '../policy';
import { challengeMachine, mayAnswerStandstillChallenge, projectMachine, projectSubject } from '../status-machines';
import { resumedStandstillEnd, standstillDaysLeft } from './regime';
import { requiredText } from '../../../platform/input';
import { announce, audit, illegalState, isUniqueViolation, projectFacts } from './write-helpers';

/** Grounds and answers: long enough to say something, short enough to read (also CHECKs in the table). */
export const challengeLimits = { minGrounds: 10, maxGrounds: 4000, maxAnswer: 4000 } as const;

/**
 * Locks a project's row for the rest of the transaction, then reads it; an invisible one is
 * NOT_FOUND. Every write that must see the others' outcome takes this lock first: raising a
 * challenge, answering one, recording the contract and cancelling. So a challenge and the contract
 * never both go through (one waits for the other and sees what it did), and a challenge cannot be
 * raised on a project being cancelled.
 */
export async function lockVisibleProject(
  manager: EntityManager,
  viewer: Identity,
  id: string,
  argument = 'projectId',
): Promise<ProcurementProject> {
  const projectId = parseId(id, argument);
  await manager.query(`SELECT 1 FROM procurement.project WHERE id = $1 FOR UPDATE`, [projectId]);
  const project = await manager.findOne(ProcurementProject, { where: { id: projectId } });
  if (!project || !canSeeProject(viewer, project)) throw notFound('ProcurementProject', projectId);
  return project;
}

/** How many challenges of the project are open (0 or more). Call with the project locked. */
export async function openChallengeCount(manager: EntityManager, projectId: string): Promise<number> {
  const [{ n }] = (await manager.query(
    `SELECT count(*)::int AS n FROM procurement.standstill_challenge WHERE project_id = $1 AND status = 'OPEN'`,
    [projectId],
  )) as [{ n: number }];
  return n;
}

/**
 * Closes the project's open challenges without an answer (LAPSED), audited: the award they challenged
 * was withdrawn on another challenge, or the project was cancelled. `except` keeps one open (the
 * challenge being upheld, which the caller closes itself).
 */
export async function lapseOpenChallenges(
  manager: EntityManager,
  projectId: string,
  at: Date,
  actorId: string | null,
  why: string,
  except: string | null = null,
): Promise<void> {
  const [lapsed] = (await manager.query(
    `UPDATE procurement.standstill_challenge SET status = 'LAPSED', closed_at = $2
      WHERE project_id = $1 AND status = 'OPEN' AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
    [projectId, at, except],
  )) as [{ id: string }[], number];
  for (const { id } of lapsed) {
    await audit(manager, {
      subjectType: 'CHALLENGE',
      subjectId: id,
      projectId,
      actorId,
      at,
      action: 'LAPSE_CHALLENGE',
      fromStatus: 'OPEN',
      toStatus: 'LAPSED',
      reason: why,
    });
  }
}

/**
 * Standstill challenges (issue 24 item 4): a bidder raises one during the standstill, the buyer's
 * team answers it. UPHELD withdraws the award (kept as the record in `withdrawn_award`) and sends the
 * project back to evaluation, its moderation reopened and its assessment summaries superseded, so a
 * new award issues new summaries, a new notice and a new standstill. DISMISSED resumes the standstill
 * (regime.ts resumedStandstillEnd: never shortened). Who may do and read what is policy.ts.
 *
 * Each mutation reads the clock once, before it waits for the project's lock: a challenge is in time
 * if it was made before the standstill ended, however long it then waited for a concurrent write.
 */
export class StandstillChallengeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  async raise(input: RaiseStandstillChallengeInput): Promise<StandstillChallengeRow> {
    const viewer = requireSignedIn(this.viewer, 'Sign in as a bidder to challenge an award.');
    const grounds = requiredText(input.grounds, { field: 'grounds', min: challengeLimits.minGrounds, max: challengeLimits.maxGrounds });
    const now = this.clock.now();
    const today = dayOf(now);
    return this.dataSource.transaction(async (manager) => {
      const project = await lockVisibleProject(manager, viewer, input.projectId);
      const bidders: string[] = (
        await manager.query(`SELECT supplier_id FROM procurement.response WHERE project_id = $1 AND withdrawn_at IS NULL`, [project.id])
      ).map((row: { supplier_id: string }) => row.supplier_id);
      if (!mayRaiseStandstillChallenge(viewer, project, bidders)) {
        refuse(
          viewer,
          viewer.organisationId === project.awardedSupplierId
            ? 'Your organisation won this award; there is nothing for it to challenge.'
            : 'Only a bidder in this competition (a supplier whose response stands) may challenge its award, through its ORG_ADMIN or SUPPLIER_CONTRIBUTOR people.',
        );
      }
      const status = projectStatus(project, now);
      // Only during an observed standstill not yet over (projectMachine, CONFLICT with the `reason`).
      projectMachine.assertCan('raiseStandstillChallenge', projectSubject(project, now));
      const supplierId = viewer.organisationId;
      if (
        (
          await manager.query(
            `SELECT 1 FROM procurement.standstill_challenge WHERE project_id = $1 AND supplier_id = $2 AND status = 'OPEN'`,
            [project.id, supplierId],
          )
        ).length
      ) {
        illegalState('Your organisation already has an open challenge to this award; the buyer answers it first.', status, {
          reason: 'CHALLENGE_ALREADY_OPEN',
        });
      }
      const [{ withdrawn }] = (await manager.query(
        `SELECT count(*)::int AS withdrawn FROM procurement.withdrawn_award WHERE project_id = $1`,
        [project.id],
      )) as [{ withdrawn: number }];
      let row: StandstillChallengeRow;
      try {
        [row] = await manager.query(
          `INSERT INTO procurement.standstill_challenge
             (project_id, award_number, supplier_id, raised_by, raised_at, grounds, standstill_ends_on_when_raised, standstill_days_left_when_raised)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${challengeColumns}`,
          [
            project.id,
            withdrawn + 1,
            supplierId,
            viewer.personId,
            now,
            grounds,
            project.standstillEndsOn,
            standstillDaysLeft(project.regime, today, project.standstillEndsOn!),
          ],
        );
      } catch (error) {
        // Two people of one bidder at once: the partial unique index keeps one open challenge.
        if (isUniqueViolation(error))
          illegalState('Your organisation already has an open challenge to this award.', status, { reason: 'CHALLENGE_ALREADY_OPEN' });
        throw error;
      }
      await audit(manager, {
        subjectType: 'CHALLENGE',
        subjectId: row.id,
        projectId: project.id,
        actorId: viewer.personId,
        at: now,
        action: 'RAISE_CHALLENGE',
        toStatus: 'OPEN',
        reason: grounds,
      });
      await announce(
        manager,
        'challenge.raised',
        now,
        { typename: 'StandstillChallenge', id: row.id },
        {
          ...projectFacts(project),
          challengeId: row.id,
          challengerSupplierOrganisationId: supplierId,
          raisedByPersonId: viewer.personId,
        },
      );
      return challengeOf(row);
    });
  }

  async answer(input: AnswerStandstillChallengeInput): Promise<StandstillChallengeRow> {
    const viewer = requireSignedIn(this.viewer, 'Sign in as the buyer to answer a challenge.');
    const answer = requiredText(input.answer, { field: 'answer', max: challengeLimits.maxAnswer });
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const id = parseId(input.challengeId, 'challengeId');
      const [found] = (await manager.query(`SELECT project_id FROM procurement.standstill_challenge WHERE id = $1`, [id])) as {
        project_id: string;
      }[];
      if (!found) throw notFound('StandstillChallenge', id);
      const project = await lockVisibleProject(manager, viewer, found.project_id);
      // Read again under the project's lock: another answer may have just closed it.
      const challenge = await this.challenge(manager, id);
      if (!canSeeStandstillChallenge(viewer, project, challenge)) throw notFound('StandstillChallenge', id);
      if (!mayAnswerStandstillChallenge(viewer, project))
        refuse(viewer, "Only the buyer's team (whoever may award) answers a standstill challenge.");
      challengeMachine.assertCan('answer', challenge);
      // An open challenge implies an AWARDED project: cancelling or withdrawing the award lapses them,
      // and no contract is recorded while one is open.
      const resumedUntil =
        input.outcome === 'DISMISSED'
          ? resumedStandstillEnd(
              project.regime,
              { answeredOn: dayOf(now), daysLeft: challenge.standstillDaysLeftWhenRaised },
              project.standstillEndsOn!,
            )
          : null;
      await manager.query(
        `UPDATE procurement.standstill_challenge
            SET status = $2, answer = $3, answered_at = $4, answered_by = $5, closed_at = $4, standstill_resumed_until = $6
          WHERE id = $1`,
        [id, input.outcome, answer, now, viewer.personId, resumedUntil],
      );
      await audit(manager, {
        subjectType: 'CHALLENGE',
        subjectId: id,
        projectId: project.id,
        actorId: viewer.personId,
        at: now,
        action: 'ANSWER_CHALLENGE',
        fromStatus: 'OPEN',
        toStatus: input.outcome,
        reason: answer,
      });
      if (resumedUntil) await this.resumeStandstill(manager, viewer, project, challenge, resumedUntil, now);
      else await this.withdrawAward(manager, viewer, project, challenge, answer, now);
      await announce(
        manager,
        'challenge.answered',
        now,
        { typename: 'StandstillChallenge', id },
        {
          ...projectFacts(project),
          challengeId: id,
          challengerSupplierOrganisationId: challenge.supplierId,
          outcome: input.outcome,
          awardWithdrawn: resumedUntil === null,
          standstillEndsOn: resumedUntil,
          openChallenges: await openChallengeCount(manager, project.id),
          answeredByPersonId: viewer.personId,
        },
      );
      return this.challenge(manager, id);
    });
  }

  private async challenge(manager: EntityManager, id: string): Promise<StandstillChallengeRow> {
    const [row] = (await manager.query(`SELECT ${challengeColumns} FROM procurement.standstill_challenge WHERE id = $1`, [
      id,
    ])) as StandstillChallengeRow[];
    return challengeOf(row!);
  }

  /** DISMISSED: the days left when it was raised ran again from the day after the answer, to `endsOn` (regime.ts resumedStandstillEnd). */
  private async resumeStandstill(
    manager: EntityManager,
    viewer: Viewer,
    project: ProcurementProject,
    challenge: StandstillChallengeRow,
    endsOn: string,
    now: Date,
  ) {
    const answeredOn = dayOf(now);
    await manager.query(`UPDATE procurement.project SET standstill_ends_on = $2, version = version + 1 WHERE id = $1`, [
      project.id,
      endsOn,
    ]);
    const unit = project.regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' ? 'day(s)' : 'working day(s)';
    await audit(manager, {
      subjectType: 'PROJECT',
      subjectId: project.id,
      projectId: project.id,
      actorId: viewer.personId,
      at: now,
      action: 'RESUME_STANDSTILL',
      fromStatus: 'AWARDED',
      toStatus: 'AWARDED',
      reason: `The ${challenge.standstillDaysLeftWhenRaised} ${unit} left when the challenge was raised run from ${answeredOn}; the standstill ends on ${endsOn} (it ended on ${project.standstillEndsOn}).`,
    });
  }

  /**
   * UPHELD: the award is withdrawn and recorded (`withdrawn_award`; OCDS publishes it cancelled), the
   * project goes back to evaluation (stored PUBLISHED, its deadline passed), every tender is PENDING
   * again with its moderation reopened (the agreed scores superseded, kept as the record) and its
   * assessment summary superseded (kept, shown with `supersededAt` until the next award issues a new
   * one). Other open challenges of the withdrawn award lapse: there is nothing left for them to challenge.
   */
  private async withdrawAward(
    manager: EntityManager,
    viewer: Viewer,
    project: ProcurementProject,
    challenge: StandstillChallengeRow,
    answer: string,
    now: Date,
  ) {
    const [winner] = (await manager.query(`SELECT id FROM procurement.response WHERE project_id = $1 AND outcome = 'AWARDED'`, [
      project.id,
    ])) as { id: string }[];
    await manager.query(
      `INSERT INTO procurement.withdrawn_award
         (project_id, award_number, supplier_id, response_id, awarded_at, award_value, standstill_ends_on, withdrawn_at, withdrawn_by, challenge_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        project.id,
        challenge.awardNumber,
        project.awardedSupplierId,
        winner?.id ?? null,
        project.awardedAt,
        project.awardValue,
        project.standstillEndsOn,
        now,
        viewer.personId,
        challenge.id,
      ],
    );
    await manager.query(
      `UPDATE procurement.project
          SET status = 'PUBLISHED', awarded_supplier_id = NULL, awarded_at = NULL, award_value = NULL, standstill_ends_on = NULL,
              standstill_observed = true, version = version + 1
        WHERE id = $1`,
      [project.id],
    );
    await audit(manager, {
      subjectType: 'PROJECT',
      subjectId: project.id,
      projectId: project.id,
      actorId: viewer.personId,
      at: now,
      action: 'WITHDRAW_AWARD',
      fromStatus: 'AWARDED',
      toStatus: 'EVALUATION',
      reason: `Challenge upheld: ${answer}`,
    });
    await manager.query(`UPDATE procurement.response SET outcome = 'PENDING' WHERE project_id = $1`, [project.id]);
    const [reopened] = (await manager.query(
      `UPDATE procurement.response SET moderated_at = NULL, moderated_by = NULL, version = version + 1
        WHERE project_id = $1 AND moderated_at IS NOT NULL RETURNING id`,
      [project.id],
    )) as [{ id: string }[], number];
    await manager.query(
      `UPDATE procurement.moderated_score SET superseded_at = $2
        WHERE superseded_at IS NULL AND response_id IN (SELECT id FROM procurement.response WHERE project_id = $1)`,
      [project.id, now],
    );
    for (const { id } of reopened) {
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: id,
        projectId: project.id,
        actorId: viewer.personId,
        at: now,
        action: 'REOPEN_MODERATION',
        fromStatus: 'MODERATED',
        toStatus: 'SCORED',
        reason: 'The award was withdrawn on an upheld challenge.',
      });
    }
    const [superseded] = (await manager.query(
      `UPDATE procurement.assessment_summary SET superseded_at = $2 WHERE project_id = $1 AND superseded_at IS NULL RETURNING response_id`,
      [project.id, now],
    )) as [{ response_id: string }[], number];
    for (const { response_id } of superseded) {
      await audit(manager, {
        subjectType: 'RESPONSE',
        subjectId: response_id,
        projectId: project.id,
        actorId: viewer.personId,
        at: now,
        action: 'SUPERSEDE_ASSESSMENT_SUMMARY',
        reason: 'The award it was issued with was withdrawn on an upheld challenge.',
      });
    }
    await lapseOpenChallenges(
      manager,
      project.id,
      now,
      viewer.personId,
      'The award it challenged was withdrawn on another challenge.',
      challenge.id,
    );
  }
}
