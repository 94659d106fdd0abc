import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reminders on the right days (issue 25 item 5) and the daily digest as a scheduled job:
 *   - `reminder`: one row per thing reminded of (`key`, reminders/plan.ts `reminderKeys`), planned,
 *     re-planned and made moot by the events the consumer applies, sent by the `reminders` job;
 *   - `digest_run`: the day (UTC, the digest hour's) each daily digest went out, so replicas (and a restarted one) send
 *     one digest a day.
 */
export class AddRemindersAndDigestRuns1766100000000 implements MigrationInterface {
  name = 'AddRemindersAndDigestRuns1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notifications.reminder (
        key text PRIMARY KEY,
        kind text NOT NULL,
        remind_on date NOT NULL,
        due_at timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        subject_typename text NOT NULL,
        subject_id text NOT NULL,
        recipients jsonb NOT NULL,
        members_only boolean NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        link text NOT NULL,
        state text NOT NULL CHECK (state IN ('PLANNED', 'SENT', 'MOOT')),
        decided_at timestamptz NOT NULL,
        decided_by_event_id uuid NOT NULL,
        sent_at timestamptz
      )`);
    // What the job takes at each tick: the planned rows whose time has come.
    await queryRunner.query(`CREATE INDEX reminder_due ON notifications.reminder (due_at) WHERE state = 'PLANNED'`);
    await queryRunner.query(`
      CREATE TABLE notifications.digest_run (
        day date PRIMARY KEY,
        ran_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notifications.digest_run`);
    await queryRunner.query(`DROP TABLE notifications.reminder`);
  }
}
