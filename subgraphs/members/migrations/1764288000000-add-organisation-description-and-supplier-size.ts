import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOrganisationDescriptionAndSupplierSize1764288000000 implements MigrationInterface {
  name = 'AddOrganisationDescriptionAndSupplierSize1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.organisation ADD COLUMN description text`);
    // Size bands follow the UK SME definition; only suppliers have one (it may be unknown).
    await queryRunner.query(`
      ALTER TABLE members.organisation
        ADD COLUMN supplier_size text CHECK (supplier_size IN ('MICRO', 'SMALL', 'MEDIUM', 'LARGE')),
        ADD CONSTRAINT organisation_supplier_size_only_for_suppliers CHECK (kind = 'SUPPLIER' OR supplier_size IS NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE members.organisation DROP COLUMN supplier_size, DROP COLUMN description`);
  }
}
