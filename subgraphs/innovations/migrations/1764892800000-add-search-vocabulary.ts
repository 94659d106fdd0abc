import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalogue's search vocabulary: every word (lexeme) any innovation's `search_vector` holds,
 * so a prefix search can be turned into the exact words it stands for before the GIN index is read.
 *
 * Why: `graph:*` is a partial match in the GIN index. PostgreSQL then walks every index entry that
 * starts with "graph", merges their posting lists into one bitmap and cannot stop early; at 100,000
 * innovations that made a ranked search several times slower than at 1,000. `'graph' | 'graphen'`
 * is two exact entries. `search_match_query` does the rewrite from this table (a B-tree range scan,
 * hence the C collation); a prefix standing for more than `max_expansion` words stays a prefix.
 *
 * Kept by statement-level triggers on insert and update of innovations, so a bulk insert costs one
 * trigger run. Words are never removed: a word no innovation holds any more expands to a term that
 * matches nothing, which is harmless. Rows are inserted in word order so two transactions adding
 * the same new words wait for each other instead of deadlocking.
 */
export class AddSearchVocabulary1764892800000 implements MigrationInterface {
  name = 'AddSearchVocabulary1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE innovations.search_lexeme (lexeme text COLLATE "C" PRIMARY KEY)`);
    await queryRunner.query(`
      INSERT INTO innovations.search_lexeme (lexeme)
      SELECT DISTINCT word FROM innovations.innovation, unnest(tsvector_to_array(search_vector)) word ORDER BY word`);
    await queryRunner.query(`
      CREATE FUNCTION innovations.add_search_lexemes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO innovations.search_lexeme (lexeme)
        SELECT DISTINCT word FROM changed_innovations, unnest(tsvector_to_array(changed_innovations.search_vector)) word
         ORDER BY word
        ON CONFLICT (lexeme) DO NOTHING;
        RETURN NULL;
      END
      $$`);
    for (const event of ['INSERT', 'UPDATE']) {
      await queryRunner.query(`
        CREATE TRIGGER innovation_search_lexemes_on_${event.toLowerCase()} AFTER ${event} ON innovations.innovation
          REFERENCING NEW TABLE AS changed_innovations
          FOR EACH STATEMENT EXECUTE FUNCTION innovations.add_search_lexemes()`);
    }
    // Each prefix term ('graph':*) becomes the exact words it stands for ('graph' | 'graphen'), when
    // there are at most max_expansion of them; other terms are left as they are. Prefixes are the
    // letters and digits `toPrefixQuery` keeps, so they need no quoting or LIKE escapes; a term of
    // any other shape does not fit the pattern and simply stays a prefix (slower, same answer).
    await queryRunner.query(`
      CREATE FUNCTION innovations.search_match_query(query tsquery, max_expansion integer DEFAULT 32) RETURNS tsquery
        LANGUAGE plpgsql STABLE AS $$
      DECLARE
        rewritten text := query::text;
        prefix text;
        words text[];
      BEGIN
        FOR prefix IN SELECT DISTINCT term[1] FROM regexp_matches(query::text, '''([[:alnum:]]+)'':\\*', 'g') term LOOP
          SELECT array_agg(quote_literal(lexeme) ORDER BY lexeme) INTO words FROM (
            SELECT lexeme FROM innovations.search_lexeme WHERE lexeme LIKE prefix || '%' ORDER BY lexeme LIMIT max_expansion + 1
          ) matching;
          IF cardinality(words) BETWEEN 1 AND max_expansion THEN
            rewritten := replace(rewritten, quote_literal(prefix) || ':*', '( ' || array_to_string(words, ' | ') || ' )');
          END IF;
        END LOOP;
        RETURN rewritten::tsquery;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION innovations.search_match_query(tsquery, integer)`);
    await queryRunner.query(`DROP TRIGGER innovation_search_lexemes_on_update ON innovations.innovation`);
    await queryRunner.query(`DROP TRIGGER innovation_search_lexemes_on_insert ON innovations.innovation`);
    await queryRunner.query(`DROP FUNCTION innovations.add_search_lexemes()`);
    await queryRunner.query(`DROP TABLE innovations.search_lexeme`);
  }
}
