import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a supplier withdrew its response (issue 24 item 5). The row stays — it is the supplier's to
 * submit again before the deadline, and the audit trail refers to it — but while `withdrawn_at` is
 * set it is no tender: not counted, read by the buyer, scored or awarded. Submitting again clears it.
 */
export class RecordResponseWithdrawals1764806400000 implements MigrationInterface {
  name = 'RecordResponseWithdrawals1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.response ADD COLUMN withdrawn_at timestamptz`);
    // A withdrawn response is never the awarded one.
    await queryRunner.query(
      `ALTER TABLE procurement.response ADD CONSTRAINT response_withdrawn_not_awarded CHECK (withdrawn_at IS NULL OR outcome <> 'AWARDED')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.response DROP CONSTRAINT response_withdrawn_not_awarded`);
    await queryRunner.query(`ALTER TABLE procurement.response DROP COLUMN withdrawn_at`);
  }
}
