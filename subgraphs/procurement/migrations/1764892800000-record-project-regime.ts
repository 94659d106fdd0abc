import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each project's procurement law, which decides the working-day calendar of its deadlines and its
 * standstill (services/regime.ts): the Public Contracts (Scotland) Regulations 2015 for a Scottish
 * buyer, the Procurement Act 2023 for every other. Existing projects are given the regime their
 * recorded buyer nation implies; one with no recorded nation is under the Act, as new ones would be.
 * Their stored deadlines are left as they were set: a date a supplier has been told is not moved.
 *
 * Routes may now be set up under the Scottish regulations too (a Scottish framework).
 */
export class RecordProjectRegime1764892800000 implements MigrationInterface {
  name = 'RecordProjectRegime1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.project ADD COLUMN regime text`);
    await queryRunner.query(`
      UPDATE procurement.project
         SET regime = CASE WHEN buyer_nation = 'SCOTLAND' THEN 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' ELSE 'PROCUREMENT_ACT_2023' END`);
    await queryRunner.query(`
      ALTER TABLE procurement.project
        ALTER COLUMN regime SET NOT NULL,
        ADD CONSTRAINT project_regime_check CHECK (regime IN ('PROCUREMENT_ACT_2023', 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015'))`);
    await queryRunner.query(`
      ALTER TABLE procurement.route
        DROP CONSTRAINT route_regime_check,
        ADD CONSTRAINT route_regime_check
          CHECK (regime IN ('PUBLIC_CONTRACTS_REGULATIONS_2015', 'PROCUREMENT_ACT_2023', 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE procurement.route
        DROP CONSTRAINT route_regime_check,
        ADD CONSTRAINT route_regime_check CHECK (regime IN ('PUBLIC_CONTRACTS_REGULATIONS_2015', 'PROCUREMENT_ACT_2023'))`);
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN regime`);
  }
}
