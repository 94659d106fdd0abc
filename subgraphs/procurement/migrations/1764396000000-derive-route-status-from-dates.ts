import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The lifecycle as this migration knows it (frozen here: later code may change, this must not). */
const lifecycle = ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'] as const;
const columns = ['opens_on', 'applications_close_on', 'standstill_starts_on', 'starts_on', 'expires_on'] as const;
type Row = { id: string; status: (typeof lifecycle)[number] } & Record<(typeof columns)[number], string | null>;

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Dates that give the stored status today: the date that starts the stored status is today at the
 * latest; earlier dates are kept if before it; later ones are kept if after today, else moved
 * after it, one day apart. Rows already consistent do not change.
 */
export function backfillDates(row: Row, today: string): Record<(typeof columns)[number], string | null> {
  const dates = columns.map((column) => row[column]);
  const reached = lifecycle.indexOf(row.status); // 0 = COMING; the date of status i is dates[i - 1]
  if (reached > 0) {
    const starting = dates[reached - 1]!;
    dates[reached - 1] = starting !== null && starting <= today ? starting : today;
  }
  for (let i = reached - 2; i >= 0; i -= 1) {
    const next = dates.slice(i + 1, reached).find((d) => d !== null)!;
    if (dates[i] !== null && dates[i]! >= next) dates[i] = null;
  }
  let previous = today;
  for (let i = reached; i < columns.length; i += 1) {
    if (dates[i] === null) continue;
    if (dates[i]! <= previous) dates[i] = addDays(previous, 1);
    previous = dates[i]!;
  }
  return Object.fromEntries(columns.map((column, i) => [column, dates[i]])) as Record<(typeof columns)[number], string | null>;
}

/**
 * A route's status now follows from its dates and the clock (COMING → OPEN → PENDING → STANDSTILL
 * → LIVE → EXPIRED), so the stored status goes. Dates may not go backwards; on one day the earlier
 * status is skipped. Two dates are added: when applications close
 * (PENDING from then) and when the standstill starts. Each date is the first day of its status.
 * Existing routes get dates that keep the status they had when this migration ran.
 */
export class DeriveRouteStatusFromDates1764396000000 implements MigrationInterface {
  name = 'DeriveRouteStatusFromDates1764396000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.route ADD COLUMN applications_close_on date, ADD COLUMN standstill_starts_on date`);
    // The old order checks are replaced by one that covers every date, below.
    const checks: { conname: string }[] = await queryRunner.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'procurement.route'::regclass AND contype = 'c'
         AND (pg_get_constraintdef(oid) LIKE '%opens_on <= starts_on%' OR pg_get_constraintdef(oid) LIKE '%starts_on < expires_on%')`,
    );
    for (const { conname } of checks) await queryRunner.query(`ALTER TABLE procurement.route DROP CONSTRAINT "${conname}"`);
    const [{ today }] = (await queryRunner.query(`SELECT to_char(current_date, 'YYYY-MM-DD') AS today`)) as [{ today: string }];
    const rows: Row[] = await queryRunner.query(
      `SELECT id, status, ${columns.map((c) => `to_char(${c}, 'YYYY-MM-DD') AS ${c}`).join(', ')} FROM procurement.route`,
    );
    for (const row of rows) {
      const dates = backfillDates(row, today);
      await queryRunner.query(`UPDATE procurement.route SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [
        row.id,
        ...columns.map((c) => dates[c]),
      ]);
    }
    await queryRunner.query(`
      ALTER TABLE procurement.route ADD CONSTRAINT route_dates_in_lifecycle_order CHECK (
        coalesce(opens_on <= applications_close_on, true) AND coalesce(opens_on <= standstill_starts_on, true)
        AND coalesce(opens_on <= starts_on, true) AND coalesce(opens_on <= expires_on, true)
        AND coalesce(applications_close_on <= standstill_starts_on, true) AND coalesce(applications_close_on <= starts_on, true)
        AND coalesce(applications_close_on <= expires_on, true)
        AND coalesce(standstill_starts_on <= starts_on, true) AND coalesce(standstill_starts_on <= expires_on, true)
        AND coalesce(starts_on <= expires_on, true))`);
    await queryRunner.query(`DROP INDEX procurement.route_status`);
    await queryRunner.query(`ALTER TABLE procurement.route DROP COLUMN status`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.route ADD COLUMN status text NOT NULL DEFAULT 'COMING'
      CHECK (status IN ('COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'))`);
    await queryRunner.query(`UPDATE procurement.route SET status = CASE
      WHEN expires_on <= current_date THEN 'EXPIRED' WHEN starts_on <= current_date THEN 'LIVE'
      WHEN standstill_starts_on <= current_date THEN 'STANDSTILL' WHEN applications_close_on <= current_date THEN 'PENDING'
      WHEN opens_on <= current_date THEN 'OPEN' ELSE 'COMING' END`);
    await queryRunner.query(`CREATE INDEX route_status ON procurement.route (status)`);
    await queryRunner.query(`ALTER TABLE procurement.route DROP CONSTRAINT route_dates_in_lifecycle_order`);
    await queryRunner.query(`ALTER TABLE procurement.route DROP COLUMN applications_close_on, DROP COLUMN standstill_starts_on`);
  }
}
