import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivered once (issue 25 item 8): each email row records when it was last tried, so staff see
 * when a notice that failed for good was given up (`notificationDeliveryFailures`, newest first).
 * Rows that failed before this column existed count from when they were raised.
 */
export class RecordEmailAttemptTimes1766400000000 implements MigrationInterface {
  name = 'RecordEmailAttemptTimes1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.notification_email ADD COLUMN last_attempt_at timestamptz`);
    await queryRunner.query(`UPDATE notifications.notification_email SET last_attempt_at = created_at WHERE status = 'FAILED'`);
    // Staff's list of failures, newest first.
    await queryRunner.query(
      `CREATE INDEX notification_email_failed ON notifications.notification_email (last_attempt_at DESC, id DESC) WHERE status = 'FAILED'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX notifications.notification_email_failed`);
    await queryRunner.query(`ALTER TABLE notifications.notification_email DROP COLUMN last_attempt_at`);
  }
}
