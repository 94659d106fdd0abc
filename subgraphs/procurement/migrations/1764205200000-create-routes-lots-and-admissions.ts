import type { MigrationInterface, QueryRunner } from 'typeorm';

const categories = `'SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'STREET_LIGHTING', 'DRAINAGE_AND_FLOOD_RESILIENCE',
  'BRIDGES_AND_STRUCTURES', 'TRAFFIC_MANAGEMENT_AND_ITS', 'ROAD_SAFETY', 'EV_CHARGING_AND_DECARBONISATION',
  'WINTER_SERVICE', 'ASSET_MANAGEMENT_AND_DATA', 'ACTIVE_TRAVEL'`;
const routeKinds = `'FRAMEWORK', 'DYNAMIC_PURCHASING_SYSTEM', 'DYNAMIC_MARKET', 'INNOVATION_PARTNERSHIP',
  'SBRI_COMPETITION', 'DIRECT_AWARD'`;

export class CreateRoutesLotsAndAdmissions1764205200000 implements MigrationInterface {
  name = 'CreateRoutesLotsAndAdmissions1764205200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE procurement.route (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference text NOT NULL UNIQUE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN (${routeKinds})),
        status text NOT NULL CHECK (status IN ('COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED')),
        regime text NOT NULL CHECK (regime IN ('PUBLIC_CONTRACTS_REGULATIONS_2015', 'PROCUREMENT_ACT_2023')),
        owner_id uuid NOT NULL,
        description text NOT NULL,
        guidance text,
        fee_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (fee_percent BETWEEN 0 AND 100),
        eligible_nations text[] NOT NULL CHECK (
          cardinality(eligible_nations) > 0
          AND eligible_nations <@ ARRAY['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']),
        opens_on date,
        starts_on date,
        expires_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (opens_on <= starts_on),
        CHECK (starts_on < expires_on),
        -- Dynamic markets exist only under the Procurement Act 2023.
        CHECK (kind <> 'DYNAMIC_MARKET' OR regime = 'PROCUREMENT_ACT_2023'),
        -- The target of lot's (route_id, route_kind) foreign key.
        UNIQUE (id, kind)
      )`);
    // Lists are ordered by reference (unique) then id; filters hit kind, status and nations.
    await queryRunner.query(`CREATE INDEX route_reference_id ON procurement.route (reference, id)`);
    await queryRunner.query(`CREATE INDEX route_kind ON procurement.route (kind)`);
    await queryRunner.query(`CREATE INDEX route_status ON procurement.route (status)`);
    await queryRunner.query(`CREATE INDEX route_eligible_nations ON procurement.route USING gin (eligible_nations)`);
    await queryRunner.query(`
      CREATE TABLE procurement.lot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        route_id uuid NOT NULL,
        route_kind text NOT NULL,
        number int NOT NULL CHECK (number > 0),
        title text NOT NULL,
        scope text NOT NULL,
        categories text[] NOT NULL CHECK (cardinality(categories) > 0 AND categories <@ ARRAY[${categories}]),
        award_procedures text[] NOT NULL CHECK (
          cardinality(award_procedures) > 0
          AND award_procedures <@ ARRAY['DIRECT_AWARD', 'FURTHER_COMPETITION']),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (route_id, number),
        -- Changing a route's kind re-checks its lots.
        FOREIGN KEY (route_id, route_kind) REFERENCES procurement.route (id, kind) ON UPDATE CASCADE ON DELETE CASCADE,
        -- A DPS or dynamic market invites every admitted supplier to compete: no direct award.
        CONSTRAINT lot_dynamic_further_competition_only CHECK (
          route_kind NOT IN ('DYNAMIC_PURCHASING_SYSTEM', 'DYNAMIC_MARKET')
          OR award_procedures = ARRAY['FURTHER_COMPETITION'])
      )`);
    await queryRunner.query(`CREATE INDEX lot_route_number ON procurement.lot (route_id, number)`);
    await queryRunner.query(`CREATE INDEX lot_categories ON procurement.lot USING gin (categories)`);
    await queryRunner.query(`
      CREATE TABLE procurement.admission (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        supplier_id uuid NOT NULL,
        lot_id uuid NOT NULL REFERENCES procurement.lot (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('APPLIED', 'ADMITTED', 'REJECTED', 'SUSPENDED', 'EXPIRED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (supplier_id, lot_id)
      )`);
    // Lot.admittedSuppliers reads by lot; Innovation.availableVia by supplier. Both want admitted ones only.
    await queryRunner.query(`CREATE INDEX admission_lot_admitted ON procurement.admission (lot_id, supplier_id) WHERE status = 'ADMITTED'`);
    await queryRunner.query(
      `CREATE INDEX admission_supplier_admitted ON procurement.admission (supplier_id, lot_id) WHERE status = 'ADMITTED'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE procurement.admission`);
    await queryRunner.query(`DROP TABLE procurement.lot`);
    await queryRunner.query(`DROP TABLE procurement.route`);
  }
}
