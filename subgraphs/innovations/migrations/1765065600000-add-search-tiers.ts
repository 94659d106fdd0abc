import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many tiers this migration splits the search index into (the service's SEARCH_TIERS). */
const tiers = 6;

/**
 * `innovation.search_tier` (0–5, from a hash of the id) and one partial GIN index on
 * `search_vector` per tier, beside the whole-catalogue `innovation_search` index. Tiers 0 and 1
 * each hold 1/32 of the catalogue, and each tier after that as much as all the tiers before it:
 * 2/32, 4/32, 8/32, 16/32 (the hash's five low bits, 0–31, by `width_bucket` on 1, 2, 4, 8, 16).
 *
 * Why: a ranked search ranks the first 1,000 matches it finds, but a GIN index answers only with
 * a bitmap of every match: for a word in a quarter of 100,000 innovations, ~27,000 entries read
 * and ~11,000 heap pages sorted before the first row comes back, most of the search's time, and
 * growing with the catalogue. Read tier by tier (see search-window.ts), a search stops at the tier
 * that fills its window, having read at most about twice the share of the index it needed; a rare
 * word reads every tier, which together hold what the one index holds. And the tiers read in full
 * are a random sample of the catalogue (a hash, not a time range), so they estimate the count of
 * a search with more matches than the window holds.
 *
 * Each write to an innovation's search text now updates two GIN indexes.
 */
export class AddSearchTiers1765065600000 implements MigrationInterface {
  name = 'AddSearchTiers1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE innovations.innovation
        ADD COLUMN search_tier smallint GENERATED ALWAYS AS (width_bucket(hashtext(id::text) & 31, ARRAY[1, 2, 4, 8, 16])::smallint) STORED`);
    for (let tier = 0; tier < tiers; tier += 1) {
      await queryRunner.query(`
        CREATE INDEX innovation_search_tier_${tier} ON innovations.innovation USING gin (search_vector) WHERE search_tier = ${tier}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (let tier = 0; tier < tiers; tier += 1) {
      await queryRunner.query(`DROP INDEX innovations.innovation_search_tier_${tier}`);
    }
    await queryRunner.query(`ALTER TABLE innovations.innovation DROP COLUMN search_tier`);
  }
}
