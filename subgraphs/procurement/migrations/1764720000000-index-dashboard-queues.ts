import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboards: a supplier's own admissions in every status (the existing ones cover
 * ADMITTED only), the admissions waiting for a decision, oldest first, and the questions a supplier
 * asked, newest first.
 */
export class IndexDashboardQueues1764720000000 implements MigrationInterface {
  name = 'IndexDashboardQueues1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX admission_supplier_created ON procurement.admission (supplier_id, created_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX admission_applied_created ON procurement.admission (created_at, id) WHERE status = 'APPLIED'`);
    await queryRunner.query(
      `CREATE INDEX clarification_asker_asked ON procurement.clarification_question (asker_supplier_id, asked_at DESC, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX procurement.clarification_asker_asked`);
    await queryRunner.query(`DROP INDEX procurement.admission_applied_created`);
    await queryRunner.query(`DROP INDEX procurement.admission_supplier_created`);
  }
}
