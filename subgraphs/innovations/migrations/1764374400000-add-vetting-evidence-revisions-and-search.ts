import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlyTrigger } from '../../../platform/migration-helpers';

const statuses = `'DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ARCHIVED'`;
const categories = `'SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'STREET_LIGHTING', 'DRAINAGE_AND_FLOOD_RESILIENCE',
  'BRIDGES_AND_STRUCTURES', 'TRAFFIC_MANAGEMENT_AND_ITS', 'ROAD_SAFETY', 'EV_CHARGING_AND_DECARBONISATION',
  'WINTER_SERVICE', 'ASSET_MANAGEMENT_AND_DATA', 'ACTIVE_TRAVEL'`;
const nations = `'ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'`;
const auditActions = `'CREATED', 'DELETED', 'STATUS_CHANGED', 'ASSESSOR_ASSIGNED', 'CONFLICT_DECLARED', 'ASSESSED', 'DECIDED',
  'EVIDENCE_CONFIRMED', 'EVIDENCE_DISPUTED', 'REVISION_APPROVED'`;

/**
 * Authoring, evidence, vetting, revisions, endorsements, the audit trail and full-text search.
 * Organisations and people live in the members database: every *_id naming one has no foreign key.
 */
export class AddVettingEvidenceRevisionsAndSearch1764374400000 implements MigrationInterface {
  name = 'AddVettingEvidenceRevisionsAndSearch1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // array_to_string is only STABLE (it calls element output functions), which a generated column
    // refuses; over text[] it cannot change, so this wrapper may honestly say IMMUTABLE.
    await queryRunner.query(`
      CREATE FUNCTION innovations.tags_text(tags text[]) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$`);
    await queryRunner.query(`
      ALTER TABLE innovations.innovation
        ADD COLUMN trl_justification text,
        ADD COLUMN suits_nations text[] NOT NULL DEFAULT '{}' CHECK (suits_nations <@ ARRAY[${nations}]),
        ADD COLUMN suits_organisation_kinds text[] NOT NULL DEFAULT '{}',
        ADD COLUMN links jsonb NOT NULL DEFAULT '[]',
        -- Each submission starts a new review round; assignments and assessments belong to one.
        ADD COLUMN review_round integer NOT NULL DEFAULT 0,
        -- Changes to an APPROVED innovation wait here (the listed columns stay as approved).
        ADD COLUMN revision_status text CHECK (revision_status IN ('DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'CHANGES_REQUESTED', 'REJECTED')),
        ADD COLUMN pending_content jsonb,
        -- Millisecond precision: NEWEST cursors carry it through JavaScript dates without loss.
        ALTER COLUMN created_at TYPE timestamptz(3),
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'A') ||
          setweight(to_tsvector('english', summary), 'B') ||
          setweight(to_tsvector('english', innovations.tags_text(tags)), 'C') ||
          setweight(to_tsvector('english', description), 'D')
        ) STORED`);
    await queryRunner.query(`CREATE INDEX innovation_search ON innovations.innovation USING gin (search_vector)`);
    await queryRunner.query(`CREATE INDEX innovation_created_id ON innovations.innovation (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX innovation_trl ON innovations.innovation (trl)`);

    await queryRunner.query(`
      CREATE TABLE innovations.innovation_revision (
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id),
        number integer NOT NULL CHECK (number > 0),
        title text NOT NULL,
        summary text NOT NULL,
        description text NOT NULL,
        category text NOT NULL CHECK (category IN (${categories})),
        tags text[] NOT NULL,
        trl smallint NOT NULL CHECK (trl BETWEEN 1 AND 9),
        pricing_model text,
        content jsonb NOT NULL,
        approved_at timestamptz NOT NULL,
        superseded_at timestamptz,
        PRIMARY KEY (innovation_id, number)
      )`);

    await queryRunner.query(`
      CREATE TABLE innovations.evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('CASE_STUDY', 'TRIAL', 'DEPLOYMENT')),
        title text NOT NULL,
        authority_id uuid NOT NULL,
        started_on date NOT NULL,
        ended_on date CHECK (ended_on >= started_on),
        scale text,
        cost_saved_gbp numeric(14, 2) CHECK (cost_saved_gbp >= 0),
        carbon_saved_tco2e numeric(14, 3) CHECK (carbon_saved_tco2e >= 0),
        time_saved text,
        safety text,
        confirmation text NOT NULL DEFAULT 'UNCONFIRMED' CHECK (confirmation IN ('UNCONFIRMED', 'CONFIRMED', 'DISPUTED')),
        confirmation_note text,
        confirmed_by uuid,
        confirmed_at timestamptz,
        -- Recorded from the confirming person's verified identity (the gateway's assertion), so this
        -- subgraph never reads members' tables; only confirmed evidence has a nation.
        authority_nation text CHECK (authority_nation IN (${nations})),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX evidence_innovation ON innovations.evidence (innovation_id, created_at, id)`);
    await queryRunner.query(
      `CREATE INDEX evidence_confirmed_nation ON innovations.evidence (authority_nation, innovation_id) WHERE confirmation = 'CONFIRMED'`,
    );

    await queryRunner.query(`
      CREATE TABLE innovations.certification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        scheme text NOT NULL,
        issuer text NOT NULL,
        reference text NOT NULL,
        expires_on date,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX certification_innovation ON innovations.certification (innovation_id, expires_on)`);

    await queryRunner.query(`
      CREATE TABLE innovations.assessor_assignment (
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        round integer NOT NULL,
        assessor_id uuid NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (innovation_id, round, assessor_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE innovations.conflict_declaration (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        assessor_id uuid NOT NULL,
        supplier_id uuid NOT NULL,
        conflicted boolean NOT NULL,
        statement text NOT NULL,
        declared_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (innovation_id, assessor_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX conflict_declaration_supplier ON innovations.conflict_declaration (assessor_id, supplier_id) WHERE conflicted`,
    );
    await queryRunner.query(`
      CREATE TABLE innovations.assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        round integer NOT NULL,
        assessor_id uuid NOT NULL,
        deployment_evidence smallint NOT NULL CHECK (deployment_evidence BETWEEN 0 AND 5),
        outcomes smallint NOT NULL CHECK (outcomes BETWEEN 0 AND 5),
        safety_and_standards smallint NOT NULL CHECK (safety_and_standards BETWEEN 0 AND 5),
        carbon smallint NOT NULL CHECK (carbon BETWEEN 0 AND 5),
        value_for_money smallint NOT NULL CHECK (value_for_money BETWEEN 0 AND 5),
        comments jsonb NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (innovation_id, round, assessor_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE innovations.endorsement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL,
        person_id uuid NOT NULL,
        statement text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- At most one per organisation per innovation, whoever in it endorses.
        UNIQUE (innovation_id, organisation_id)
      )`);
    await queryRunner.query(`CREATE INDEX endorsement_organisation ON innovations.endorsement (organisation_id, created_at DESC)`);

    // No foreign key to innovation: the trail outlives a deleted draft, and a cascading delete would
    // be the DELETE the trigger below refuses.
    await queryRunner.query(`
      CREATE TABLE innovations.audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        innovation_id uuid NOT NULL,
        actor_id uuid,
        action text NOT NULL CHECK (action IN (${auditActions})),
        from_status text CHECK (from_status IN (${statuses})),
        to_status text CHECK (to_status IN (${statuses})),
        reason text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX audit_event_innovation ON innovations.audit_event (innovation_id, id)`);
    // Append-only, enforced by the database so no code path can rewrite history (as in members).
    // (platform/migration-helpers.ts: the same statements this migration always ran.)
    for (const statement of appendOnlyTrigger('innovations.audit_event')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_event',
      'endorsement',
      'assessment',
      'conflict_declaration',
      'assessor_assignment',
      'certification',
      'evidence',
      'innovation_revision',
    ]) {
      await queryRunner.query(`DROP TABLE innovations.${table}`);
    }
    await queryRunner.query(`DROP FUNCTION innovations.refuse_audit_event_change()`);
    await queryRunner.query(`
      ALTER TABLE innovations.innovation
        DROP COLUMN search_vector, DROP COLUMN pending_content, DROP COLUMN revision_status, DROP COLUMN review_round,
        DROP COLUMN links, DROP COLUMN suits_organisation_kinds, DROP COLUMN suits_nations, DROP COLUMN trl_justification,
        ALTER COLUMN created_at TYPE timestamptz`);
    await queryRunner.query(`DROP FUNCTION innovations.tags_text(text[])`);
  }
}
