import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standstill challenges (issue 24 item 4) and the voluntary standstill (item 3):
 * - `standstill_challenge`: a bidder's challenge raised during the standstill of one award of a
 *   project (`award_number`: 1 for the first award, 2 after one was withdrawn, …). At most one OPEN
 *   per supplier per project (a partial unique index, besides the service's check). It keeps what the
 *   dismissal rule needs: the standstill's last day when it was raised and how many of its days
 *   (working days under the Act, days under the Scottish regulations) were then left, the raising
 *   day included; a dismissal records the last day it set (`standstill_resumed_until`). `closed_at`
 *   is when it stopped being OPEN: answered (UPHELD, DISMISSED) or LAPSED (the award it challenged
 *   was withdrawn on another challenge, or the project cancelled, before an answer).
 * - `withdrawn_award`: an award withdrawn because a challenge was upheld. The project goes back to
 *   evaluation and its award columns are cleared for the next award; this row is the record (and
 *   what OCDS publishes as the cancelled award), never deleted.
 * - `moderated_score` and `assessment_summary` gain `superseded_at`: an upheld challenge reopens the
 *   moderation and supersedes the summaries issued with the withdrawn award. Superseded rows stay as
 *   the record; at most one current row per (response, criterion) and per response (partial unique
 *   indexes), so each gets a surrogate key in place of its natural one.
 * - `project.standstill_observed`: false where the buyer declined a voluntary standstill at the
 *   award (a framework call-off). Every award made before this migration observed one.
 */
export class StandstillChallengesAndWithdrawnAwards1765200000000 implements MigrationInterface {
  name = 'StandstillChallengesAndWithdrawnAwards1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.project ADD COLUMN standstill_observed boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`
      CREATE TABLE procurement.standstill_challenge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        award_number int NOT NULL CHECK (award_number >= 1),
        supplier_id uuid NOT NULL,
        raised_by uuid NOT NULL,
        raised_at timestamptz NOT NULL,
        grounds text NOT NULL CHECK (char_length(grounds) BETWEEN 10 AND 4000),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'UPHELD', 'DISMISSED', 'LAPSED')),
        standstill_ends_on_when_raised date NOT NULL,
        standstill_days_left_when_raised int NOT NULL CHECK (standstill_days_left_when_raised >= 1),
        answer text CHECK (char_length(answer) BETWEEN 1 AND 4000),
        answered_at timestamptz,
        answered_by uuid,
        closed_at timestamptz,
        standstill_resumed_until date,
        CHECK ((status = 'OPEN') = (closed_at IS NULL)),
        CHECK ((status IN ('UPHELD', 'DISMISSED')) = (answer IS NOT NULL AND answered_at IS NOT NULL AND answered_by IS NOT NULL)),
        CHECK ((status = 'DISMISSED') = (standstill_resumed_until IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX standstill_challenge_one_open ON procurement.standstill_challenge (project_id, supplier_id) WHERE status = 'OPEN'`,
    );
    await queryRunner.query(`CREATE INDEX standstill_challenge_project ON procurement.standstill_challenge (project_id, raised_at, id)`);
    await queryRunner.query(`
      CREATE TABLE procurement.withdrawn_award (
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        award_number int NOT NULL CHECK (award_number >= 1),
        supplier_id uuid NOT NULL,
        response_id uuid REFERENCES procurement.response (id) ON DELETE CASCADE,
        awarded_at timestamptz NOT NULL,
        award_value numeric(14, 2) CHECK (award_value > 0),
        standstill_ends_on date NOT NULL,
        withdrawn_at timestamptz NOT NULL,
        withdrawn_by uuid NOT NULL,
        challenge_id uuid NOT NULL REFERENCES procurement.standstill_challenge (id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, award_number)
      )`);
    for (const table of ['moderated_score', 'assessment_summary']) {
      await queryRunner.query(`ALTER TABLE procurement.${table} DROP CONSTRAINT ${table}_pkey`);
      await queryRunner.query(`ALTER TABLE procurement.${table} ADD COLUMN id bigserial PRIMARY KEY, ADD COLUMN superseded_at timestamptz`);
    }
    await queryRunner.query(
      `CREATE UNIQUE INDEX moderated_score_current ON procurement.moderated_score (response_id, criterion) WHERE superseded_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX assessment_summary_current ON procurement.assessment_summary (response_id) WHERE superseded_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM procurement.moderated_score WHERE superseded_at IS NOT NULL`);
    await queryRunner.query(`DELETE FROM procurement.assessment_summary WHERE superseded_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX procurement.moderated_score_current`);
    await queryRunner.query(`DROP INDEX procurement.assessment_summary_current`);
    await queryRunner.query(
      `ALTER TABLE procurement.moderated_score DROP COLUMN superseded_at, DROP COLUMN id, ADD PRIMARY KEY (response_id, criterion)`,
    );
    await queryRunner.query(
      `ALTER TABLE procurement.assessment_summary DROP COLUMN superseded_at, DROP COLUMN id, ADD PRIMARY KEY (response_id)`,
    );
    await queryRunner.query(`DROP TABLE procurement.withdrawn_award`);
    await queryRunner.query(`DROP TABLE procurement.standstill_challenge`);
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN standstill_observed`);
  }
}
