import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day each contract was entered into (signed), from which the law counts the period to publish
 * its contract details (issue 24 item 6, services/regime.ts contractDetailsDeadline). Recording a
 * contract in IPS publishes its details (the OCDS `contract` release), so `recorded_at` is when
 * they were published. Contracts recorded before this were taken as signed the day they were
 * recorded, which is what they are given here: none of them is late.
 */
export class RecordContractSigningDay1764988200000 implements MigrationInterface {
  name = 'RecordContractSigningDay1764988200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.contract ADD COLUMN signed_on date`);
    await queryRunner.query(`UPDATE procurement.contract SET signed_on = (recorded_at AT TIME ZONE 'UTC')::date`);
    await queryRunner.query(`
      ALTER TABLE procurement.contract
        ALTER COLUMN signed_on SET NOT NULL,
        ADD CONSTRAINT contract_signed_before_recorded CHECK (signed_on <= (recorded_at AT TIME ZONE 'UTC')::date)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.contract DROP COLUMN signed_on`);
  }
}
