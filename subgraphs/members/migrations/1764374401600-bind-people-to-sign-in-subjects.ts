import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The issuer's `iss` and `sub` a person first signed in with. Email finds a person at first
 * sign-in; from then on a token must also carry the same subject, so an issuer account that later
 * acquires the address (a recycled mailbox, a second account claiming it) cannot become them.
 */
export class BindPeopleToSignInSubjects1764374401600 implements MigrationInterface {
  name = 'BindPeopleToSignInSubjects1764374401600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE members.person
        ADD COLUMN auth_issuer text,
        ADD COLUMN auth_subject text,
        ADD CONSTRAINT person_auth_subject_pair CHECK ((auth_issuer IS NULL) = (auth_subject IS NULL))`);
    // One subject is one person: a second person cannot be bound to the same issuer account.
    await queryRunner.query(
      `CREATE UNIQUE INDEX person_auth_subject ON members.person (auth_issuer, auth_subject) WHERE auth_subject IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX members.person_auth_subject`);
    await queryRunner.query(
      `ALTER TABLE members.person DROP CONSTRAINT person_auth_subject_pair, DROP COLUMN auth_subject, DROP COLUMN auth_issuer`,
    );
  }
}
