import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The procurement record through the API (issue 24 item 9).
 *
 * - Text search over projects (`procurementProjects(search:)`): a stored tsvector of each project's
 *   title (weight A) and need (weight B), kept current by PostgreSQL itself (a generated column, so
 *   no write path can forget it), read through a GIN index. Lot titles and route names are matched
 *   from their own (small) tables at query time.
 * - `ProcurementProject.auditTrail`: a project's entries in insertion order, for all the projects
 *   of a page in one statement. The trail was indexed by subject only; this indexes it by project.
 */
export class SearchProjectsAndIndexAuditTrail1764986400000 implements MigrationInterface {
  name = 'SearchProjectsAndIndexAuditTrail1764986400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE procurement.project
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'A') ||
          setweight(to_tsvector('english', need), 'B')
        ) STORED`);
    await queryRunner.query(`CREATE INDEX project_search ON procurement.project USING gin (search_vector)`);
    await queryRunner.query(`CREATE INDEX audit_project ON procurement.audit_event (project_id, id) WHERE project_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX procurement.audit_project`);
    await queryRunner.query(`DROP INDEX procurement.project_search`);
    await queryRunner.query(`ALTER TABLE procurement.project DROP COLUMN search_vector`);
  }
}
