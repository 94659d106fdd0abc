import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The buyer's nation on each project, as the gateway asserted it when the project was started, so
 * analysts can total awarded value by nation without procurement reading the members subgraph's
 * tables. A snapshot: an organisation that later moves nation keeps its old projects' nation.
 * Projects started before this migration have none (NULL: "not recorded"); nothing here can know it.
 */
export class RecordBuyerNationOnProjects1764633600000 implements MigrationInterface {
  name = 'RecordBuyerNationOnProjects1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE procurement.project
        ADD COLUMN buyer_nation text CHECK (buyer_nation IN ('ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN buyer_nation`);
  }
}
