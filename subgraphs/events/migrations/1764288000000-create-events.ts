import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEvents1764288000000 implements MigrationInterface {
  name = 'CreateEvents1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events.event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        description text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('WEBINAR', 'WORKSHOP', 'SHOWCASE', 'SUPPLIER_BRIEFING', 'CONFERENCE')),
        audience text NOT NULL CHECK (audience IN ('SUPPLIERS', 'BUYERS', 'ALL_MEMBERS', 'PUBLIC')),
        status text NOT NULL CHECK (status IN ('DRAFT', 'SCHEDULED', 'COMPLETED', 'CANCELLED')),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        venue text,
        online boolean NOT NULL,
        capacity integer CHECK (capacity > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        -- An event happens somewhere: at a venue, online, or both.
        CHECK (online OR venue IS NOT NULL)
      )`);
    // Lists are ordered by start then id (keyset pagination); UPCOMING/PAST compare ends_at with now.
    await queryRunner.query(`CREATE INDEX event_starts_at_id ON events.event (starts_at, id)`);
    await queryRunner.query(`CREATE INDEX event_ends_at ON events.event (ends_at)`);
    await queryRunner.query(`CREATE INDEX event_status ON events.event (status)`);
    await queryRunner.query(`
      CREATE TABLE events.event_host (
        event_id uuid NOT NULL REFERENCES events.event (id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL,
        position smallint NOT NULL CHECK (position >= 0),
        PRIMARY KEY (event_id, organisation_id),
        UNIQUE (event_id, position)
      )`);
    // Organisation.hostedEvents looks events up by host.
    await queryRunner.query(`CREATE INDEX event_host_organisation ON events.event_host (organisation_id, event_id)`);
    await queryRunner.query(`
      CREATE TABLE events.event_route (
        event_id uuid NOT NULL REFERENCES events.event (id) ON DELETE CASCADE,
        route_id uuid NOT NULL,
        position smallint NOT NULL CHECK (position >= 0),
        PRIMARY KEY (event_id, route_id),
        UNIQUE (event_id, position)
      )`);
    await queryRunner.query(`CREATE INDEX event_route_route ON events.event_route (route_id, event_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events.event_route`);
    await queryRunner.query(`DROP TABLE events.event_host`);
    await queryRunner.query(`DROP TABLE events.event`);
  }
}
