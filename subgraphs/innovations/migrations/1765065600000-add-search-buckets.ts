import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many buckets this migration splits the search index into (the service's SEARCH_BUCKETS). */
const buckets = 8;

/**
 * `innovation.search_bucket` (0–7, from a hash of the id) and one partial GIN index on
 * `search_vector` per bucket, beside the whole-catalogue `innovation_search` index.
 *
 * Why: a ranked search ranks the first 1,000 matches it finds, but a GIN index answers only with a
 * bitmap of every match: for a word in a quarter of 100,000 innovations that is ~27,000 entries
 * read and ~11,000 heap pages sorted before the first row comes back, most of a ranked search's
 * time, and it grows with the catalogue. Read bucket by bucket (a UNION ALL under the LIMIT, see
 * `fetchOrderedPage`), a common word fills the window from the first bucket's index, an eighth of
 * the entries; a rare word reads every bucket, which together hold what the one index holds.
 *
 * The bucket is a hash, not a time range, so every bucket is an even share of the catalogue and
 * of any word in it. Each write to an innovation's search text now updates two GIN indexes.
 */
export class AddSearchBuckets1765065600000 implements MigrationInterface {
  name = 'AddSearchBuckets1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE innovations.innovation
        ADD COLUMN search_bucket smallint GENERATED ALWAYS AS ((hashtext(id::text) & ${buckets - 1})::smallint) STORED`);
    for (let bucket = 0; bucket < buckets; bucket += 1) {
      await queryRunner.query(`
        CREATE INDEX innovation_search_bucket_${bucket} ON innovations.innovation USING gin (search_vector) WHERE search_bucket = ${bucket}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (let bucket = 0; bucket < buckets; bucket += 1) {
      await queryRunner.query(`DROP INDEX innovations.innovation_search_bucket_${bucket}`);
    }
    await queryRunner.query(`ALTER TABLE innovations.innovation DROP COLUMN search_bucket`);
  }
}
