import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assessment summaries (issue 24 item 2): at the award of a further competition each tender (a
 * response not withdrawn) gets one summary, written in the award's transaction and never rewritten.
 * It is a snapshot, not a view: `criteria` holds, per published criterion, the weight, the bidder's
 * agreed score and the moderator's reason, and the winner's agreed score, as they stood at the
 * award; the totals and the reason are the figures and words issued. Later changes to scores or
 * criteria cannot alter it. One per response (the primary key), so an award issues them once.
 */
export class IssueAssessmentSummaries1765100000000 implements MigrationInterface {
  name = 'IssueAssessmentSummaries1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE procurement.assessment_summary (
        response_id uuid PRIMARY KEY REFERENCES procurement.response (id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES procurement.project (id) ON DELETE CASCADE,
        supplier_id uuid NOT NULL,
        winning_response_id uuid NOT NULL REFERENCES procurement.response (id) ON DELETE CASCADE,
        won boolean NOT NULL,
        total_hundredths int NOT NULL,
        winning_total_hundredths int NOT NULL,
        tie_break text NOT NULL,
        decided_by_tie_break boolean NOT NULL,
        criteria jsonb NOT NULL,
        reason text NOT NULL,
        issued_at timestamptz NOT NULL,
        issued_by uuid NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX assessment_summary_project_idx ON procurement.assessment_summary (project_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE procurement.assessment_summary`);
  }
}
