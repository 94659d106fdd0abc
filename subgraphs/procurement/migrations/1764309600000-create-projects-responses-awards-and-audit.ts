import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Buyers' procurement projects, from shortlist to contract, and the append-only audit trail of
 * every state change. The database holds the rules a race could otherwise break: one response per
 * supplier per project, at most one awarded response per project, one contract per project.
 */
export class CreateProjectsResponsesAwardsAndAudit1764309600000 implements MigrationInterface {
  name = 'CreateProjectsResponsesAwardsAndAudit1764309600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Routes: which organisation kinds may buy through them (empty: every public body), and optimistic locks.
    await queryRunner.query(`ALTER TABLE procurement.route ADD COLUMN eligible_organisation_kinds text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE procurement.route ADD COLUMN version int NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE procurement.lot ADD COLUMN version int NOT NULL DEFAULT 1`);
    // Admissions: the supplier's declaration and the staff decision.
    await queryRunner.query(`
      ALTER TABLE procurement.admission
        ADD COLUMN exclusion_grounds_apply boolean,
        ADD COLUMN conflicts_of_interest text CHECK (char_length(conflicts_of_interest) <= 4000),
        ADD COLUMN applied_by uuid,
        ADD COLUMN decided_by uuid,
        ADD COLUMN decided_at timestamptz,
        ADD COLUMN decision_reason text CHECK (char_length(decision_reason) <= 2000),
        ADD COLUMN version int NOT NULL DEFAULT 1`);
    await queryRunner.query(`
      CREATE TABLE procurement.project (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ocid text NOT NULL UNIQUE,
        buyer_id uuid NOT NULL,
        created_by uuid NOT NULL,
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        need text NOT NULL CHECK (char_length(need) BETWEEN 1 AND 4000),
        budget numeric(14, 2) NOT NULL CHECK (budget > 0),
        route_id uuid NOT NULL REFERENCES procurement.route (id),
        lot_id uuid NOT NULL REFERENCES procurement.lot (id),
        procedure text NOT NULL CHECK (procedure IN ('DIRECT_AWARD', 'FURTHER_COMPETITION')),
        status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'AWARDED', 'CONTRACTED', 'CANCELLED')),
        criteria jsonb NOT NULL DEFAULT '[]',
        direct_award_justification text CHECK (char_length(direct_award_justification) <= 4000),
        cancellation_reason text CHECK (char_length(cancellation_reason) <= 2000),
        published_at timestamptz,
        clarification_closes_at timestamptz,
        response_deadline timestamptz,
        awarded_supplier_id uuid,
        awarded_at timestamptz,
        award_value numeric(14, 2) CHECK (award_value > 0),
        standstill_ends_on date,
        cancelled_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (clarification_closes_at < response_deadline),
        CHECK (status <> 'CANCELLED' OR cancellation_reason IS NOT NULL),
        CHECK (status NOT IN ('AWARDED', 'CONTRACTED') OR (awarded_supplier_id IS NOT NULL AND standstill_ends_on IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX project_buyer ON procurement.project (buyer_id, created_at, id)`);
    await queryRunner.query(`CREATE INDEX project_created ON procurement.project (created_at, id)`);
    await queryRunner.query(`
      CREATE TABLE procurement.shortlisted_innovation (
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        innovation_id uuid NOT NULL,
        supplier_id uuid NOT NULL,
        category text NOT NULL,
        PRIMARY KEY (project_id, innovation_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE procurement.invitation (
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        supplier_id uuid NOT NULL,
        invited_at timestamptz NOT NULL,
        PRIMARY KEY (project_id, supplier_id)
      )`);
    await queryRunner.query(`CREATE INDEX invitation_supplier ON procurement.invitation (supplier_id, project_id)`);
    await queryRunner.query(`
      CREATE TABLE procurement.clarification_question (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        asker_person_id uuid NOT NULL,
        asker_supplier_id uuid NOT NULL,
        question text NOT NULL CHECK (char_length(question) BETWEEN 1 AND 2000),
        asked_at timestamptz NOT NULL,
        answer text CHECK (char_length(answer) <= 4000),
        answered_by uuid,
        answered_at timestamptz,
        FOREIGN KEY (project_id, asker_supplier_id) REFERENCES procurement.invitation (project_id, supplier_id)
      )`);
    await queryRunner.query(`CREATE INDEX clarification_project ON procurement.clarification_question (project_id, asked_at, id)`);
    await queryRunner.query(`
      CREATE TABLE procurement.response (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        supplier_id uuid NOT NULL,
        submitted_by uuid NOT NULL,
        proposal text NOT NULL CHECK (char_length(proposal) BETWEEN 1 AND 20000),
        price numeric(14, 2) NOT NULL CHECK (price > 0),
        outcome text NOT NULL DEFAULT 'PENDING' CHECK (outcome IN ('PENDING', 'AWARDED', 'UNSUCCESSFUL')),
        submitted_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL DEFAULT 1,
        UNIQUE (project_id, supplier_id),
        FOREIGN KEY (project_id, supplier_id) REFERENCES procurement.invitation (project_id, supplier_id)
      )`);
    // Exactly one winner, whatever races the application loses.
    await queryRunner.query(`CREATE UNIQUE INDEX response_one_award ON procurement.response (project_id) WHERE outcome = 'AWARDED'`);
    await queryRunner.query(`
      CREATE TABLE procurement.conflict_declaration (
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        evaluator_id uuid NOT NULL,
        has_conflict boolean NOT NULL,
        details text CHECK (char_length(details) <= 2000),
        declared_at timestamptz NOT NULL,
        PRIMARY KEY (project_id, evaluator_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE procurement.score (
        response_id uuid NOT NULL REFERENCES procurement.response (id) ON DELETE CASCADE,
        evaluator_id uuid NOT NULL,
        criterion text NOT NULL CHECK (char_length(criterion) BETWEEN 1 AND 200),
        score int NOT NULL CHECK (score BETWEEN 0 AND 100),
        comment text CHECK (char_length(comment) <= 2000),
        scored_at timestamptz NOT NULL,
        PRIMARY KEY (response_id, evaluator_id, criterion)
      )`);
    await queryRunner.query(`
      CREATE TABLE procurement.contract (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL UNIQUE REFERENCES procurement.project (id),
        buyer_id uuid NOT NULL,
        supplier_id uuid NOT NULL,
        value numeric(14, 2) NOT NULL CHECK (value > 0),
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL,
        CHECK (starts_on <= ends_on)
      )`);
    await queryRunner.query(`CREATE INDEX contract_buyer ON procurement.contract (buyer_id, starts_on, id)`);
    await queryRunner.query(`CREATE INDEX contract_supplier ON procurement.contract (supplier_id, starts_on, id)`);
    await queryRunner.query(`
      CREATE TABLE procurement.audit_event (
        id bigserial PRIMARY KEY,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        project_id uuid,
        actor_id uuid,
        at timestamptz NOT NULL,
        action text NOT NULL,
        from_status text,
        to_status text,
        reason text
      )`);
    await queryRunner.query(`CREATE INDEX audit_subject ON procurement.audit_event (subject_id, id)`);
    // Append-only: the trail is evidence, so the database refuses to rewrite it.
    await queryRunner.query(`
      CREATE FUNCTION procurement.audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'procurement.audit_event is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON procurement.audit_event
        FOR EACH ROW EXECUTE FUNCTION procurement.audit_event_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE procurement.audit_event`);
    await queryRunner.query(`DROP FUNCTION procurement.audit_event_append_only()`);
    for (const table of [
      'contract',
      'score',
      'conflict_declaration',
      'response',
      'clarification_question',
      'invitation',
      'shortlisted_innovation',
      'project',
    ]) {
      await queryRunner.query(`DROP TABLE procurement.${table}`);
    }
    await queryRunner.query(`
      ALTER TABLE procurement.admission DROP COLUMN exclusion_grounds_apply, DROP COLUMN conflicts_of_interest,
        DROP COLUMN applied_by, DROP COLUMN decided_by, DROP COLUMN decided_at, DROP COLUMN decision_reason, DROP COLUMN version`);
    await queryRunner.query(`ALTER TABLE procurement.lot DROP COLUMN version`);
    await queryRunner.query(`ALTER TABLE procurement.route DROP COLUMN eligible_organisation_kinds, DROP COLUMN version`);
  }
}
