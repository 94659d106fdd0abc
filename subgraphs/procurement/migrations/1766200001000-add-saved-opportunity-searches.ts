import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved opportunity searches (issue 25 item 6): a person's words and filters, matched against each
 * newly published project in the transaction that publishes it, the whole table against one project
 * (services/saved-opportunity-search.service.ts). `supplier` records whether the saver's organisation
 * is a supplier when they saved it: a supplier is told only of projects it is invited to.
 */
export class AddSavedOpportunitySearches1766200001000 implements MigrationInterface {
  name = 'AddSavedOpportunitySearches1766200001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE procurement.saved_opportunity_search (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        person_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        supplier boolean NOT NULL,
        name text NOT NULL,
        search text,
        route_id uuid REFERENCES procurement.route (id) ON DELETE CASCADE,
        lot_id uuid REFERENCES procurement.lot (id) ON DELETE CASCADE,
        categories text[],
        buyer_nations text[],
        budget_at_least numeric(14, 2) CHECK (budget_at_least >= 0),
        budget_at_most numeric(14, 2) CHECK (budget_at_most >= 0),
        frequency text NOT NULL CHECK (frequency IN ('INSTANT', 'DAILY')),
        created_at timestamptz(3) NOT NULL,
        CHECK (budget_at_least IS NULL OR budget_at_most IS NULL OR budget_at_least <= budget_at_most)
      )`);
    // A person's own list, newest first, and the cap counted on it.
    await queryRunner.query(
      `CREATE INDEX saved_opportunity_search_person ON procurement.saved_opportunity_search (person_id, created_at DESC, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE procurement.saved_opportunity_search`);
  }
}
