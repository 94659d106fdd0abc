import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInnovations1764288000000 implements MigrationInterface {
  name = 'CreateInnovations1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE innovations.innovation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- An organisation of the members subgraph, in another database: no foreign key.
        supplier_id uuid NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        description text NOT NULL,
        category text NOT NULL CHECK (category IN (
          'SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'STREET_LIGHTING', 'DRAINAGE_AND_FLOOD_RESILIENCE',
          'BRIDGES_AND_STRUCTURES', 'TRAFFIC_MANAGEMENT_AND_ITS', 'ROAD_SAFETY',
          'EV_CHARGING_AND_DECARBONISATION', 'WINTER_SERVICE', 'ASSET_MANAGEMENT_AND_DATA', 'ACTIVE_TRAVEL')),
        tags text[] NOT NULL DEFAULT '{}',
        trl smallint NOT NULL CHECK (trl BETWEEN 1 AND 9),
        status text NOT NULL CHECK (status IN (
          'DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ARCHIVED')),
        pricing_model text CHECK (pricing_model IN (
          'PER_UNIT', 'PER_SQUARE_METRE', 'PER_LINEAR_METRE', 'SUBSCRIPTION', 'LICENCE', 'PROJECT_QUOTE')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Lists are ordered by title then id (keyset pagination), across the catalogue and within each
    // supplier (the window-function loader partitions by supplier); filters hit category and status.
    await queryRunner.query(`CREATE INDEX innovation_title_id ON innovations.innovation (title, id)`);
    await queryRunner.query(`CREATE INDEX innovation_supplier_title_id ON innovations.innovation (supplier_id, title, id)`);
    await queryRunner.query(`CREATE INDEX innovation_category ON innovations.innovation (category)`);
    await queryRunner.query(`CREATE INDEX innovation_status ON innovations.innovation (status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE innovations.innovation`);
  }
}
