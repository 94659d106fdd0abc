import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An evaluator declares a conflict of interest, or none, with each responding supplier, and may
 * score a response only after declaring no conflict with its supplier. A declaration made before
 * this migration covered "any responding supplier": it becomes one row per supplier that had
 * responded, saying the same; one about a project without responses said nothing and goes (the
 * audit trail keeps the record that it was made).
 */
export class ConflictDeclarationsPerSupplier1764398000000 implements MigrationInterface {
  name = 'ConflictDeclarationsPerSupplier1764398000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration ADD COLUMN supplier_id uuid`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration DROP CONSTRAINT conflict_declaration_pkey`);
    await queryRunner.query(`
      INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, has_conflict, details, declared_at, supplier_id)
      SELECT declaration.project_id, declaration.evaluator_id, declaration.has_conflict, declaration.details, declaration.declared_at, response.supplier_id
        FROM procurement.conflict_declaration declaration
        JOIN procurement.response ON response.project_id = declaration.project_id
       WHERE declaration.supplier_id IS NULL`);
    await queryRunner.query(`DELETE FROM procurement.conflict_declaration WHERE supplier_id IS NULL`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration ALTER COLUMN supplier_id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration ADD PRIMARY KEY (project_id, evaluator_id, supplier_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to one declaration per evaluator: a conflict with any supplier is a conflict.
    await queryRunner.query(`
      CREATE TEMPORARY TABLE blanket AS
      SELECT project_id, evaluator_id, bool_or(has_conflict) AS has_conflict, string_agg(details, '; ') AS details, min(declared_at) AS declared_at
        FROM procurement.conflict_declaration GROUP BY project_id, evaluator_id`);
    await queryRunner.query(`DELETE FROM procurement.conflict_declaration`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration DROP CONSTRAINT conflict_declaration_pkey`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration DROP COLUMN supplier_id`);
    await queryRunner.query(`INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, has_conflict, details, declared_at)
      SELECT project_id, evaluator_id, has_conflict, left(details, 2000), declared_at FROM blanket`);
    await queryRunner.query(`ALTER TABLE procurement.conflict_declaration ADD PRIMARY KEY (project_id, evaluator_id)`);
    await queryRunner.query(`DROP TABLE blanket`);
  }
}
