import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only tables refuse UPDATE, DELETE and TRUNCATE in the database itself (as members' audit trail). */
function appendOnly(table: string): string[] {
  return [
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON events.${table}
       FOR EACH ROW EXECUTE FUNCTION events.refuse_history_change()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON events.${table}
       FOR EACH STATEMENT EXECUTE FUNCTION events.refuse_history_change()`,
  ];
}

export class AddRegistrationsFaqsAndSupport1764460800000 implements MigrationInterface {
  name = 'AddRegistrationsFaqsAndSupport1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      // The joining link goes only to confirmed registrants and hosts; the reason says why it was called off.
      `ALTER TABLE events.event ADD COLUMN join_url text, ADD COLUMN cancellation_reason text,
         ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
      `CREATE FUNCTION events.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'events.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
       END
       $$`,
      // Speakers are people (members subgraph) and innovations live in the innovations subgraph: no foreign keys.
      `CREATE TABLE events.event_speaker (
         event_id uuid NOT NULL REFERENCES events.event (id) ON DELETE CASCADE,
         person_id uuid NOT NULL,
         position smallint NOT NULL CHECK (position >= 0),
         PRIMARY KEY (event_id, person_id),
         UNIQUE (event_id, position))`,
      `CREATE TABLE events.event_innovation (
         event_id uuid NOT NULL REFERENCES events.event (id) ON DELETE CASCADE,
         innovation_id uuid NOT NULL,
         position smallint NOT NULL CHECK (position >= 0),
         PRIMARY KEY (event_id, innovation_id),
         UNIQUE (event_id, position))`,
      `CREATE INDEX event_innovation_innovation ON events.event_innovation (innovation_id, event_id)`,
      // Rescheduling keeps registrations; each move is recorded here, never rewritten.
      `CREATE TABLE events.event_schedule_change (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         event_id uuid NOT NULL REFERENCES events.event (id),
         changed_by uuid NOT NULL,
         previous_starts_at timestamptz NOT NULL,
         previous_ends_at timestamptz NOT NULL,
         starts_at timestamptz NOT NULL,
         ends_at timestamptz NOT NULL,
         changed_at timestamptz NOT NULL)`,
      `CREATE INDEX event_schedule_change_event ON events.event_schedule_change (event_id, changed_at, id)`,
      ...appendOnly('event_schedule_change'),
      // One row per person and event. queue_number comes from a sequence when the person (re)joins,
      // so the waiting list has a strict order even when two sign-ups share a timestamp. The person's
      // organisation and its kind are the gateway-asserted values at registration (briefing records
      // count attendance by organisation kind without asking the members subgraph).
      `CREATE SEQUENCE events.registration_queue`,
      `CREATE TABLE events.event_registration (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         event_id uuid NOT NULL REFERENCES events.event (id),
         person_id uuid NOT NULL,
         organisation_id uuid NOT NULL,
         organisation_kind text NOT NULL,
         status text NOT NULL CHECK (status IN ('CONFIRMED', 'WAITING', 'CANCELLED')),
         queue_number bigint NOT NULL,
         registered_at timestamptz NOT NULL,
         confirmed_at timestamptz,
         cancelled_at timestamptz,
         attended boolean,
         UNIQUE (event_id, person_id),
         CHECK (attended IS NULL OR status = 'CONFIRMED'))`,
      `CREATE INDEX event_registration_queue ON events.event_registration (event_id, status, queue_number)`,
      `CREATE INDEX event_registration_person ON events.event_registration (person_id, event_id)`,
      `CREATE INDEX event_registration_organisation ON events.event_registration (organisation_id, event_id)`,
      // Questions answered at a briefing, published with it as part of the procurement record; no asker is stored.
      `CREATE TABLE events.briefing_question (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         event_id uuid NOT NULL REFERENCES events.event (id),
         position integer NOT NULL CHECK (position >= 0),
         question text NOT NULL,
         answer text NOT NULL,
         published_at timestamptz NOT NULL,
         UNIQUE (event_id, position))`,
      // A private calendar feed per person: only the SHA-256 of its token is kept; revoking deletes the row.
      `CREATE TABLE events.calendar_feed (
         person_id uuid PRIMARY KEY,
         token_hash text NOT NULL UNIQUE,
         created_at timestamptz NOT NULL)`,
      // FAQs: ordered within a topic (topics in a fixed order), full-text searchable with prefix matching.
      `CREATE TABLE events.faq (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         topic text NOT NULL CHECK (topic IN ('THE_IPS', 'PROCUREMENT_ROUTES', 'SUPPLIER_ONBOARDING', 'BUYING')),
         question text NOT NULL,
         answer text NOT NULL,
         status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED')),
         position integer NOT NULL CHECK (position BETWEEN 0 AND 99999),
         ordinal integer GENERATED ALWAYS AS (
           (CASE topic WHEN 'THE_IPS' THEN 0 WHEN 'PROCUREMENT_ROUTES' THEN 1 WHEN 'SUPPLIER_ONBOARDING' THEN 2 ELSE 3 END) * 100000 + position
         ) STORED,
         search tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('english', question), 'A') || setweight(to_tsvector('english', answer), 'B')
         ) STORED,
         published_at timestamptz,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL)`,
      `CREATE INDEX faq_ordinal ON events.faq (ordinal, id)`,
      `CREATE INDEX faq_search ON events.faq USING GIN (search)`,
      // Support requests: the request holds the current status; every message and status change is a
      // row of support_request_entry, which is append-only.
      `CREATE TABLE events.support_request (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         requester_id uuid NOT NULL,
         organisation_id uuid NOT NULL,
         category text NOT NULL CHECK (category IN ('ACCOUNT', 'MEMBERSHIP', 'PROCUREMENT', 'CATALOGUE', 'EVENTS', 'TECHNICAL', 'OTHER')),
         subject text NOT NULL,
         status text NOT NULL CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         answered_at timestamptz,
         closed_at timestamptz)`,
      `CREATE INDEX support_request_created ON events.support_request (created_at, id)`,
      `CREATE INDEX support_request_organisation ON events.support_request (organisation_id, created_at, id)`,
      `CREATE TABLE events.support_request_entry (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         request_id uuid NOT NULL REFERENCES events.support_request (id),
         kind text NOT NULL CHECK (kind IN ('MESSAGE', 'STATUS_CHANGE')),
         author_id uuid NOT NULL,
         author_is_staff boolean NOT NULL,
         body text,
         from_status text,
         to_status text,
         created_at timestamptz NOT NULL,
         sequence bigserial NOT NULL,
         CHECK ((kind = 'MESSAGE' AND body IS NOT NULL) OR (kind = 'STATUS_CHANGE' AND to_status IS NOT NULL)))`,
      `CREATE INDEX support_request_entry_request ON events.support_request_entry (request_id, sequence)`,
      ...appendOnly('support_request_entry'),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'support_request_entry',
      'support_request',
      'faq',
      'calendar_feed',
      'briefing_question',
      'event_registration',
      'event_schedule_change',
      'event_innovation',
      'event_speaker',
    ]) {
      await queryRunner.query(`DROP TABLE events.${table}`);
    }
    await queryRunner.query(`DROP SEQUENCE events.registration_queue`);
    await queryRunner.query(`DROP FUNCTION events.refuse_history_change()`);
    await queryRunner.query(`ALTER TABLE events.event DROP COLUMN join_url, DROP COLUMN cancellation_reason, DROP COLUMN updated_at`);
  }
}
