import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optimistic locking for what clients edit (platform/optimistic-lock.ts): events and FAQs carry a
 * `version` that every change moves on by one. Existing rows start at 1, as new ones do.
 */
export class VersionEventsAndFaqs1765400000000 implements MigrationInterface {
  name = 'VersionEventsAndFaqs1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events.event ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE events.faq ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events.faq DROP COLUMN version`);
    await queryRunner.query(`ALTER TABLE events.event DROP COLUMN version`);
  }
}
