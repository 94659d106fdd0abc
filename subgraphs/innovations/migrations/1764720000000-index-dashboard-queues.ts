import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboards, so each of their statements reads only the rows it returns at any
 * catalogue size: evidence waiting for its authority, revisions waiting for vetting (the status
 * index already serves innovations waiting), and the first approval of each innovation, newest
 * first, which category news walks until it has enough per category.
 */
export class IndexDashboardQueues1764720000000 implements MigrationInterface {
  name = 'IndexDashboardQueues1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX evidence_awaiting_authority ON innovations.evidence (authority_id, created_at, id) WHERE confirmation = 'UNCONFIRMED'`,
    );
    await queryRunner.query(
      `CREATE INDEX innovation_revision_status ON innovations.innovation (revision_status) WHERE revision_status IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX innovation_revision_first_approved ON innovations.innovation_revision (approved_at DESC, innovation_id) WHERE number = 1`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX innovations.innovation_revision_first_approved`);
    await queryRunner.query(`DROP INDEX innovations.innovation_revision_status`);
    await queryRunner.query(`DROP INDEX innovations.evidence_awaiting_authority`);
  }
}
