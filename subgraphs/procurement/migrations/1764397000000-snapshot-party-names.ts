import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OCDS releases name their parties, but organisations belong to the members subgraph, whose tables
 * procurement may not read. So the name is snapshotted when the organisation acts here, from the
 * identity the gateway forwards: the buyer's when it starts a project, the supplier's when it
 * applies to a lot (every supplier that can be invited, respond or be awarded has applied). A
 * snapshot is also what a notice should say: the name the party had at the time. Rows from before
 * this migration have none; their parties are published by id only.
 */
export class SnapshotPartyNames1764397000000 implements MigrationInterface {
  name = 'SnapshotPartyNames1764397000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.project ADD COLUMN buyer_name text CHECK (char_length(buyer_name) <= 300)`);
    await queryRunner.query(`ALTER TABLE procurement.admission ADD COLUMN supplier_name text CHECK (char_length(supplier_name) <= 300)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.admission DROP COLUMN supplier_name`);
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN buyer_name`);
  }
}
