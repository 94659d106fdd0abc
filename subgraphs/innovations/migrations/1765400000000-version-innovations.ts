import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optimistic locking for what clients edit (platform/optimistic-lock.ts): an innovation carries a
 * `version` that every change to it moves on by one. Existing rows start at 1, as new ones do.
 */
export class VersionInnovations1765400000000 implements MigrationInterface {
  name = 'VersionInnovations1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE innovations.innovation ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE innovations.innovation DROP COLUMN version`);
  }
}
