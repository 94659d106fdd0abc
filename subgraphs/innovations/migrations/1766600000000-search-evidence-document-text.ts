import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many tiers the search index is split into (the add-search-tiers migration; the service's SEARCH_TIERS). */
const tiers = 6;

const searchVectorOf = (documentText: string) => `
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', summary), 'B') ||
  setweight(to_tsvector('english', innovations.tags_text(tags)), 'C') ||
  setweight(to_tsvector('english', description), 'D')${documentText}`;

/**
 * The text of evidence documents in the catalogue search (issue 28 item 5): a buyer's search for
 * "freeze-thaw" finds the innovation whose trial report mentions it, and the hit names the report.
 *
 * - `evidence_document_text`: one row per attached evidence document, its title and the text
 *   extracted from a PDF or Word file (at most 200,000 characters, platform/documents/
 *   text-extraction.ts; none for other types) and a tsvector of both, for naming the document a
 *   search matched and quoting around the match. Written once the document is attached
 *   (services/document-search.ts); it goes with its document (removed or deleted), its evidence
 *   item or its innovation (ON DELETE CASCADE), so no path that deletes a file can leave its words
 *   searchable.
 * - `innovation.document_search_vector`: the words of the documents that may make a public hit,
 *   those on VETTED evidence items (a PENDING item's files are seen only by the supplier and vetting
 *   staff, so its words must not make the innovation a match for anyone else). Positions stripped,
 *   so a long report adds its vocabulary, not its length. Kept by triggers on the text table and on
 *   evidence vetting, so no code path that vets or withdraws evidence can forget it.
 * - `innovation.search_vector` now ends with that vector at the lowest weight, D: an innovation's
 *   own title and summary still outrank a word in one of its files. PostgreSQL 15 cannot change a
 *   generated column's expression, so the column is dropped and added again, and its indexes (the
 *   whole-catalogue one and the tiers') built again; the vocabulary table needs nothing (it only
 *   grows, through its update trigger).
 */
export class SearchEvidenceDocumentText1766600000000 implements MigrationInterface {
  name = 'SearchEvidenceDocumentText1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE innovations.evidence_document_text (
        document_id uuid PRIMARY KEY REFERENCES innovations.document (id) ON DELETE CASCADE,
        innovation_id uuid NOT NULL REFERENCES innovations.innovation (id) ON DELETE CASCADE,
        evidence_id uuid NOT NULL REFERENCES innovations.evidence (id) ON DELETE CASCADE,
        title text NOT NULL,
        text text NOT NULL,
        search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'C') || setweight(to_tsvector('english', text), 'D')
        ) STORED,
        indexed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX evidence_document_text_innovation ON innovations.evidence_document_text (innovation_id)`);
    await queryRunner.query(`CREATE INDEX evidence_document_text_evidence ON innovations.evidence_document_text (evidence_id)`);
    await queryRunner.query(`ALTER TABLE innovations.innovation ADD COLUMN document_search_vector tsvector NOT NULL DEFAULT ''`);

    // The innovation row is locked first, then the documents read in a statement of their own: under
    // READ COMMITTED that statement sees every document committed before the lock was granted, so two
    // files attached at once to one innovation both count. FOR NO KEY UPDATE, the lock the UPDATE
    // takes anyway: it does not wait for, or deadlock with, transactions that only reference the row
    // (a foreign key check takes KEY SHARE).
    await queryRunner.query(`
      CREATE FUNCTION innovations.refresh_document_search_vector(changed_innovation uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM innovations.innovation WHERE id = changed_innovation FOR NO KEY UPDATE;
        UPDATE innovations.innovation SET document_search_vector = coalesce((
          SELECT array_to_tsvector(array_agg(DISTINCT word ORDER BY word))
            FROM innovations.evidence_document_text document
            JOIN innovations.evidence evidence ON evidence.id = document.evidence_id AND evidence.vetting = 'VETTED',
                 unnest(tsvector_to_array(document.search_vector)) word
           WHERE document.innovation_id = changed_innovation), '')
         WHERE id = changed_innovation;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION innovations.document_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM innovations.refresh_document_search_vector(OLD.innovation_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.innovation_id <> OLD.innovation_id) THEN
          PERFORM innovations.refresh_document_search_vector(NEW.innovation_id);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER evidence_document_text_changed AFTER INSERT OR UPDATE OR DELETE ON innovations.evidence_document_text
        FOR EACH ROW EXECUTE FUNCTION innovations.document_text_changed()`);
    // Vetting an item (PENDING → VETTED) lets its files' words make public hits; withdrawing it takes them back.
    await queryRunner.query(`
      CREATE FUNCTION innovations.evidence_vetting_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM innovations.evidence_document_text WHERE evidence_id = NEW.id) THEN
          PERFORM innovations.refresh_document_search_vector(NEW.innovation_id);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER evidence_vetting_changes_document_search AFTER UPDATE OF vetting ON innovations.evidence
        FOR EACH ROW WHEN (OLD.vetting IS DISTINCT FROM NEW.vetting) EXECUTE FUNCTION innovations.evidence_vetting_changed()`);

    await this.rebuildSearchVector(queryRunner, ` ||\n  setweight(document_search_vector, 'D')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.rebuildSearchVector(queryRunner, '');
    await queryRunner.query(`DROP TRIGGER evidence_vetting_changes_document_search ON innovations.evidence`);
    await queryRunner.query(`DROP FUNCTION innovations.evidence_vetting_changed()`);
    await queryRunner.query(`DROP TABLE innovations.evidence_document_text`);
    await queryRunner.query(`DROP FUNCTION innovations.document_text_changed()`);
    await queryRunner.query(`DROP FUNCTION innovations.refresh_document_search_vector(uuid)`);
    await queryRunner.query(`ALTER TABLE innovations.innovation DROP COLUMN document_search_vector`);
  }

  /** Drops `search_vector` (and with it its indexes) and adds it again with `documentText` at the end. */
  private async rebuildSearchVector(queryRunner: QueryRunner, documentText: string): Promise<void> {
    await queryRunner.query(`ALTER TABLE innovations.innovation DROP COLUMN search_vector`);
    await queryRunner.query(`
      ALTER TABLE innovations.innovation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (${searchVectorOf(documentText)}) STORED`);
    await queryRunner.query(`CREATE INDEX innovation_search ON innovations.innovation USING gin (search_vector)`);
    for (let tier = 0; tier < tiers; tier += 1) {
      await queryRunner.query(`
        CREATE INDEX innovation_search_tier_${tier} ON innovations.innovation USING gin (search_vector) WHERE search_tier = ${tier}`);
    }
  }
}
