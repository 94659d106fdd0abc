import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';

export type StandstillChallengeStatus = 'OPEN' | 'UPHELD' | 'DISMISSED' | 'LAPSED';

/** A standstill challenge as stored (`procurement.standstill_challenge`). */
export interface StandstillChallengeRow {
  id: string;
  projectId: string;
  /** Which award of the project it challenged: 1, or more after awards were withdrawn. */
  awardNumber: number;
  supplierId: string;
  raisedBy: string;
  raisedAt: Date;
  grounds: string;
  status: StandstillChallengeStatus;
  standstillEndsOnWhenRaised: string;
  /** Working days (Act) or days (Scottish regulations) of the standstill left when raised, that day included. */
  standstillDaysLeftWhenRaised: number;
  answer: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
  closedAt: Date | null;
  standstillResumedUntil: string | null;
}

export const challengeColumns = `id, project_id AS "projectId", award_number AS "awardNumber", supplier_id AS "supplierId",
  raised_by AS "raisedBy", raised_at AS "raisedAt", grounds, status,
  to_char(standstill_ends_on_when_raised, 'YYYY-MM-DD') AS "standstillEndsOnWhenRaised",
  standstill_days_left_when_raised AS "standstillDaysLeftWhenRaised", answer, answered_at AS "answeredAt", answered_by AS "answeredBy",
  closed_at AS "closedAt", to_char(standstill_resumed_until, 'YYYY-MM-DD') AS "standstillResumedUntil"`;

/** A row read with `challengeColumns`, its instants as Dates whichever driver read it. */
export function challengeOf(row: StandstillChallengeRow): StandstillChallengeRow {
  const instant = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { ...row, raisedAt: instant(row.raisedAt)!, answeredAt: instant(row.answeredAt), closedAt: instant(row.closedAt) };
}

/** Every challenge of many projects, oldest first. Small per project (one open per bidder), so read whole. */
export const createChallengesByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, StandstillChallengeRow[]>(async (projectIds) => {
    const rows: StandstillChallengeRow[] = await dataSource.query(
      `SELECT ${challengeColumns} FROM procurement.standstill_challenge WHERE project_id = ANY($1::uuid[]) ORDER BY raised_at, id`,
      [[...projectIds]],
    );
    return groupByKeys(projectIds, rows.map(challengeOf), (row) => row.projectId);
  });

/** An award withdrawn on an upheld challenge (`procurement.withdrawn_award`): the record, never deleted. */
export interface WithdrawnAwardRow {
  projectId: string;
  awardNumber: number;
  supplierId: string;
  awardedAt: Date;
  awardValue: number | null;
  standstillEndsOn: string;
  withdrawnAt: Date;
  challengeId: string;
}

/** The withdrawn awards of many projects, in award order. */
export const createWithdrawnAwardsByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, WithdrawnAwardRow[]>(async (projectIds) => {
    const rows: (Omit<WithdrawnAwardRow, 'awardValue'> & { awardValue: string | null })[] = await dataSource.query(
      `SELECT project_id AS "projectId", award_number AS "awardNumber", supplier_id AS "supplierId", awarded_at AS "awardedAt",
              award_value AS "awardValue", to_char(standstill_ends_on, 'YYYY-MM-DD') AS "standstillEndsOn", withdrawn_at AS "withdrawnAt",
              challenge_id AS "challengeId"
         FROM procurement.withdrawn_award WHERE project_id = ANY($1::uuid[]) ORDER BY award_number`,
      [[...projectIds]],
    );
    const typed = rows.map((row) => ({
      ...row,
      awardedAt: new Date(row.awardedAt),
      withdrawnAt: new Date(row.withdrawnAt),
      awardValue: row.awardValue === null ? null : Number(row.awardValue),
    }));
    return groupByKeys(projectIds, typed, (row) => row.projectId);
  });
