import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganisationsAndPeople1764201600000 implements MigrationInterface {
  name = 'CreateOrganisationsAndPeople1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE members.organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN (
          'COUNTY_COUNCIL', 'DISTRICT_COUNCIL', 'UNITARY_AUTHORITY', 'METROPOLITAN_DISTRICT',
          'LONDON_BOROUGH', 'WELSH_COUNCIL', 'SCOTTISH_COUNCIL', 'NI_DISTRICT_COUNCIL',
          'COMBINED_AUTHORITY', 'NATIONAL_BODY', 'SUPPLIER', 'ACADEMIC', 'TRADE_BODY')),
        nation text NOT NULL CHECK (nation IN ('ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND')),
        region text NOT NULL,
        website text,
        companies_house_number text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Only suppliers are companies; every supplier has a Companies House number.
        CHECK ((kind = 'SUPPLIER') = (companies_house_number IS NOT NULL))
      )`);
    // Lists are ordered by name then id (keyset pagination); filters hit kind and nation.
    await queryRunner.query(`CREATE INDEX organisation_name_id ON members.organisation (name, id)`);
    await queryRunner.query(`CREATE INDEX organisation_kind ON members.organisation (kind)`);
    await queryRunner.query(`CREATE INDEX organisation_nation ON members.organisation (nation)`);
    await queryRunner.query(`
      CREATE TABLE members.person (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES members.organisation (id) ON DELETE CASCADE,
        name text NOT NULL,
        job_title text,
        email text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX person_organisation ON members.person (organisation_id, name)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE members.person`);
    await queryRunner.query(`DROP TABLE members.organisation`);
  }
}
