import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the catalogue at scale (100,000 innovations): every filter and sort `innovations`
 * offers has one. Already there: title, newest, supplier (with title), category, status, TRL,
 * the search GIN index, evidence by nation and certifications by innovation. Added here:
 * - confirmed evidence by innovation, for `hasConfirmedEvidence`, `evidenceNations` (EXISTS per
 *   innovation) and the nation facet's join, without reading unconfirmed rows;
 * - status with category and TRL, the anonymous catalogue's visibility plus its two most used
 *   filters in one index, and what the facets group by (category, TRL) without the wide heap rows;
 * - supplier with status, so `Organisation.innovations { totalCount }` counts a supplier's visible
 *   innovations from the index alone (the (supplier_id, title, id) index pages them).
 */
export class IndexCatalogueFilters1764806400000 implements MigrationInterface {
  name = 'IndexCatalogueFilters1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX evidence_confirmed_innovation ON innovations.evidence (innovation_id, authority_nation) WHERE confirmation = 'CONFIRMED'`,
    );
    await queryRunner.query(`CREATE INDEX innovation_status_category_trl ON innovations.innovation (status, category, trl) INCLUDE (id)`);
    await queryRunner.query(`CREATE INDEX innovation_supplier_status ON innovations.innovation (supplier_id, status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX innovations.innovation_supplier_status`);
    await queryRunner.query(`DROP INDEX innovations.innovation_status_category_trl`);
    await queryRunner.query(`DROP INDEX innovations.evidence_confirmed_innovation`);
  }
}
