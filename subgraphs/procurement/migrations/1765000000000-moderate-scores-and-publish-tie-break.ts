import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evaluation decides the award (issue 24):
 * - `project.tie_break`: the rule, published with the criteria, that settles equal weighted totals.
 *   Existing projects get the default (the lowest price wins a tie).
 * - `moderated_score`: the agreed score per criterion of one response, with the moderator's reason
 *   where it differs from an evaluator's score. One row per (response, criterion): fixed once made.
 * - `response.moderated_at` / `moderated_by`: when and by whom a response was moderated. A response
 *   already awarded before this migration stays as it was (it has no moderation to show).
 */
export class ModerateScoresAndPublishTieBreak1765000000000 implements MigrationInterface {
  name = 'ModerateScoresAndPublishTieBreak1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE procurement.project
        ADD COLUMN tie_break text NOT NULL DEFAULT 'LOWEST_PRICE',
        ADD CONSTRAINT project_tie_break_check CHECK (tie_break IN ('LOWEST_PRICE', 'HIGHEST_SCORE_ON_FIRST_CRITERION'))`);
    await queryRunner.query(`
      ALTER TABLE procurement.response
        ADD COLUMN moderated_at timestamptz,
        ADD COLUMN moderated_by uuid,
        ADD CONSTRAINT response_moderation_check CHECK ((moderated_at IS NULL) = (moderated_by IS NULL))`);
    await queryRunner.query(`
      CREATE TABLE procurement.moderated_score (
        response_id uuid NOT NULL REFERENCES procurement.response (id) ON DELETE CASCADE,
        criterion text NOT NULL,
        score int NOT NULL CHECK (score BETWEEN 0 AND 100),
        reason text CHECK (char_length(reason) <= 2000),
        moderator_id uuid NOT NULL,
        moderated_at timestamptz NOT NULL,
        PRIMARY KEY (response_id, criterion)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE procurement.moderated_score`);
    await queryRunner.query(
      `ALTER TABLE procurement.response DROP CONSTRAINT response_moderation_check, DROP COLUMN moderated_by, DROP COLUMN moderated_at`,
    );
    await queryRunner.query(`ALTER TABLE procurement.project DROP CONSTRAINT project_tie_break_check, DROP COLUMN tie_break`);
  }
}
