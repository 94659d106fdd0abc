import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved catalogue searches (issue 25 item 6): a person's words and filters, matched against each
 * newly listed innovation in the transaction that approves it. The match runs the other way round
 * from a search (one innovation against every saved search), so the table is read whole: a row is
 * small, and no index would narrow "which searches does this innovation meet". `search_query` is
 * the words as the catalogue's search turns them into a prefix tsquery, kept so the match does not
 * parse them again per approval.
 */
export class AddSavedCatalogueSearches1766200000000 implements MigrationInterface {
  name = 'AddSavedCatalogueSearches1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE innovations.saved_catalogue_search (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        person_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        name text NOT NULL,
        search text,
        search_query text,
        categories text[],
        trl_at_least int CHECK (trl_at_least BETWEEN 1 AND 9),
        trl_at_most int CHECK (trl_at_most BETWEEN 1 AND 9),
        evidence_nations text[],
        frequency text NOT NULL CHECK (frequency IN ('INSTANT', 'DAILY')),
        created_at timestamptz(3) NOT NULL,
        CHECK (trl_at_least IS NULL OR trl_at_most IS NULL OR trl_at_least <= trl_at_most)
      )`);
    // A person's own list, newest first, and the cap counted on it.
    await queryRunner.query(
      `CREATE INDEX saved_catalogue_search_person ON innovations.saved_catalogue_search (person_id, created_at DESC, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE innovations.saved_catalogue_search`);
  }
}
