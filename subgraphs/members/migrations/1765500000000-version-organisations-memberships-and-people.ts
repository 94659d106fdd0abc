import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optimistic locking for what clients edit (platform/optimistic-lock.ts, issue 23): an organisation
 * (its invitation domains), a membership (its lifecycle) and a person (their roles) carry a `version`
 * that every change moves on by one. Existing rows start at 1, as new ones do.
 */
export class VersionOrganisationsMembershipsAndPeople1765500000000 implements MigrationInterface {
  name = 'VersionOrganisationsMembershipsAndPeople1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.organisation ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE members.membership ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE members.person ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.person DROP COLUMN version`);
    await queryRunner.query(`ALTER TABLE members.membership DROP COLUMN version`);
    await queryRunner.query(`ALTER TABLE members.organisation DROP COLUMN version`);
  }
}
