import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the `route-retirement` job (services/route-retirement.ts) has decided, one row per route,
 * expiry day and notice (60 or 14 days before, or 0: on the day). The row is written in the tick
 * that emits the `route.retiring` event, so a second tick, on this replica or another, finds it and
 * emits nothing; it is keyed by the expiry day, so a route whose expiry moves is a new route to tell
 * about, and the old day's rows simply never match again.
 *
 * And the buyer's organisation kind on each project, recorded from now on as its nation is: which
 * remaining routes are open to the buyer (a route may be limited to some kinds). Projects started
 * before stay null (unknown: every route counts as open to them).
 */
export class RecordRouteRetirementNotices1766300000000 implements MigrationInterface {
  name = 'RecordRouteRetirementNotices1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE procurement.route_retirement_notice (
        route_id uuid NOT NULL REFERENCES procurement.route (id) ON DELETE CASCADE,
        expires_on date NOT NULL,
        days_before int NOT NULL CHECK (days_before IN (60, 14, 0)),
        decided_at timestamptz NOT NULL,
        suppliers_told int NOT NULL,
        projects_told int NOT NULL,
        event_id uuid,
        PRIMARY KEY (route_id, expires_on, days_before)
      )`);
    await queryRunner.query(`ALTER TABLE procurement.project ADD COLUMN buyer_organisation_kind text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN buyer_organisation_kind`);
    await queryRunner.query(`DROP TABLE procurement.route_retirement_notice`);
  }
}
