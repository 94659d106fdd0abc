import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optimistic locking for what clients edit (platform/optimistic-lock.ts, issue 23): a support request
 * carries a `version` that every change (answer, close, reopen) moves on by one. Existing rows start
 * at 1, as new ones do.
 */
export class VersionSupportRequests1765500000000 implements MigrationInterface {
  name = 'VersionSupportRequests1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events.support_request ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events.support_request DROP COLUMN version`);
  }
}
