import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email domains an organisation restricts invitations to (issue 22, item 5): empty means any
 * address may be invited, as before. Lower-case domain names, without `@`.
 */
export class AddOrganisationInvitationDomains1765152000000 implements MigrationInterface {
  name = 'AddOrganisationInvitationDomains1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.organisation ADD COLUMN invitation_domains text[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.organisation DROP COLUMN invitation_domains`);
  }
}
