import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { documentColumns, type DocumentRow, type DocumentStore } from '../../../platform/documents/document-store';
import { defaultTextExtractionLimits, extractDocumentText, type TextExtractionLimits } from '../../../platform/documents/text-extraction';
import { errorFields, logger } from '../../../platform/logger';
import { createScheduledJob, type ScheduledJob } from '../../../platform/scheduled-job';
import { EVIDENCE_TARGET, type EvidenceDocumentAttached } from './evidence-documents.service';

const log = logger('innovations search');

/**
 * Evidence documents in the catalogue search (issue 28 item 5). The title of an attached evidence
 * file and the text extracted from it when it is a PDF or Word file (platform/documents/
 * text-extraction.ts) are kept beside the document; triggers fold the words of the files on vetted
 * evidence items into their innovation's `search_vector` (the search-evidence-document-text
 * migration), so the catalogue's search, ranking, counts, facets and saved-search alerts all see
 * them with no change of their own. A hit then names the documents that
 * matched (`InnovationEdge.matchedDocuments`).
 */

/** Characters of a document's text kept for search, as text-extraction caps them. */
const maxIndexedCharacters = defaultTextExtractionLimits.maxCharacters;

/**
 * How long attaching a file waits for its text before answering. Documents of a few dozen pages
 * are read within it (in a worker: the event loop is never blocked; a 100-page PDF took ~0.9 s) and
 * are searchable when the mutation answers; a longer one is finished in the background, so attaching stays well inside the gateway's subgraph time limit
 * (SUBGRAPH_TIMEOUT_MS, 2 s by default) even on a busy machine.
 */
const ATTACH_WAITS_FOR_TEXT_MS = 1_000;

/**
 * The hook attaching an evidence file calls once committed (services/evidence-documents.service.ts
 * `onAttached`): its text extracted in a worker thread (platform/documents/text-extraction.ts), then
 * indexed. Never rejects: a file whose text cannot be read is still found by its title, and a
 * failure to index is logged, the attachment standing either way.
 */
export function indexEvidenceDocumentsOnAttach(
  store: DocumentStore,
  options: { waitMs?: number; limits?: TextExtractionLimits } = {},
): EvidenceDocumentAttached {
  const waitMs = options.waitMs ?? ATTACH_WAITS_FOR_TEXT_MS;
  return async (dataSource, document, innovationId) => {
    const started = performance.now();
    const indexing = (async () => {
      const text = await extractDocumentText(store.readChunks(dataSource, document), document.mediaType, options.limits);
      const indexed = await dataSource.transaction(async (manager) => {
        // The innovation first, as every writer of its evidence locks it (and as the triggers will).
        await manager.query(`SELECT 1 FROM innovations.innovation WHERE id = $1 FOR NO KEY UPDATE`, [innovationId]);
        return indexEvidenceDocumentText(manager, document.id, text);
      });
      log.info(
        {
          documentId: document.id,
          innovationId,
          mediaType: document.mediaType,
          characters: text?.length ?? 0,
          indexed,
          ms: Math.round(performance.now() - started),
        },
        indexed ? 'evidence document indexed for search' : 'evidence document gone before it was indexed',
      );
    })().catch((error: unknown) => {
      log.error({ ...errorFields(error), documentId: document.id, innovationId }, 'evidence document could not be indexed for search');
    });
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    });
    await Promise.race([indexing, patience]);
    clearTimeout(timer);
  };
}

/** How often the catch-up job looks for attached files missing from the search. */
const CATCH_UP_INTERVAL_MS = 5 * 60 * 1000;
/** Files the catch-up job reads per tick: extraction is CPU work, and the next tick takes the rest. */
const CATCH_UP_BATCH = 10;
/** Left alone for this long after attaching: the attach hook is likely still reading it (its worker's limit is 20 s). */
const CATCH_UP_GRACE_MS = 2 * 60 * 1000;

/**
 * Catches up on evidence files attached but not in the search: the attach hook is the fast path,
 * and a process stopped while it was reading (or a database that failed its write) leaves a file
 * unindexed, which the next tick indexes. A file whose text cannot be read is indexed with its title
 * alone and not tried again. The text is extracted before the tick's transaction (`prepare`: the
 * embedded database runs one transaction at a time, and the bytes are read outside it).
 */
export function createEvidenceDocumentIndexingJob(
  store: DocumentStore,
  dataSource: DataSource,
  clock: Clock,
  limits?: TextExtractionLimits,
): ScheduledJob {
  return createScheduledJob<{ documentId: string; innovationId: string; text: string | null }[]>({
    name: 'innovations:index-evidence-documents',
    dataSource,
    clock,
    intervalMs: CATCH_UP_INTERVAL_MS,
    prepare: async (now) => {
      const missing = (await dataSource.query(
        `SELECT ${documentColumns('document')}, evidence.innovation_id AS "innovationId"
           FROM innovations.document document
           JOIN innovations.evidence evidence ON evidence.id = document.target_id
          WHERE document.status = 'ATTACHED' AND document.target_kind = $1 AND document.attached_at <= $2
            AND NOT EXISTS (SELECT 1 FROM innovations.evidence_document_text indexed WHERE indexed.document_id = document.id)
          ORDER BY document.attached_at, document.id
          LIMIT $3`,
        [EVIDENCE_TARGET, new Date(now.getTime() - CATCH_UP_GRACE_MS), CATCH_UP_BATCH],
      )) as (DocumentRow & { innovationId: string })[];
      const texts = [];
      for (const document of missing) {
        const text = await extractDocumentText(store.readChunks(dataSource, document), document.mediaType, limits);
        texts.push({ documentId: document.id, innovationId: document.innovationId, text });
      }
      return texts;
    },
    run: async (manager, _now, texts) => {
      // Innovations locked in one order, so two writers never wait on each other in a circle.
      const innovationIds = [...new Set(texts.map((text) => text.innovationId))].sort();
      if (innovationIds.length > 0) {
        await manager.query(`SELECT 1 FROM innovations.innovation WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [
          innovationIds,
        ]);
      }
      for (const { documentId, text } of texts) {
        const indexed = await indexEvidenceDocumentText(manager, documentId, text);
        log.info({ documentId, characters: text?.length ?? 0, indexed }, 'evidence document indexed for search (catch-up)');
      }
    },
  });
}

/**
 * Makes an attached evidence document searchable with its text (null when it has none), in the
 * caller's transaction: its title and words count for its innovation from commit on, once its
 * evidence item is vetted. Indexing it again replaces its text. Reads the document's own row, so a
 * file removed (or never attached to evidence) is not indexed: false then. A removal that commits
 * afterwards takes the text with it (the table's ON DELETE CASCADE).
 */
async function indexEvidenceDocumentText(manager: EntityManager, documentId: string, text: string | null): Promise<boolean> {
  // PostgreSQL text cannot hold NUL; extraction already removes it, this keeps any other caller safe.
  const searchable = (text ?? '').replaceAll('\u0000', ' ').slice(0, maxIndexedCharacters);
  const indexed = (await manager.query(
    `INSERT INTO innovations.evidence_document_text (document_id, innovation_id, evidence_id, title, text)
     SELECT document.id, evidence.innovation_id, evidence.id, coalesce(document.title, document.file_name), $3
       FROM innovations.document document
       JOIN innovations.evidence evidence ON evidence.id = document.target_id
      WHERE document.id = $1 AND document.status = 'ATTACHED' AND document.target_kind = $2
     ON CONFLICT (document_id) DO UPDATE
       SET innovation_id = excluded.innovation_id, evidence_id = excluded.evidence_id, title = excluded.title,
           text = excluded.text, indexed_at = now()
     RETURNING document_id`,
    [documentId, EVIDENCE_TARGET, searchable],
  )) as unknown[];
  return indexed.length > 0;
}

/** One document a search matched (the `DocumentMatch` GraphQL type). */
export interface DocumentMatch {
  documentId: string;
  title: string;
  evidenceItemId: string;
  excerpt: string;
}

/** Documents named per hit, at most. */
export const MATCHED_DOCUMENTS_PER_HIT = 3;

/**
 * Turns the catalogue's prefix query (`freeze:* & thaw:*`, innovation-search.ts `toPrefixQuery`)
 * into "any of these words": the innovation matched all of them somewhere, and a document that has
 * some of them is worth naming.
 */
function anyWordQuery(tsquery: string): string {
  return tsquery.split(' & ').join(' | ');
}

/**
 * The documents of each innovation whose text has any word of the search, best first, with an
 * excerpt around the match: one statement for a whole page of hits. Only documents of vetted
 * evidence items, the same ones that make an innovation match (the migration's
 * `document_search_vector`).
 */
async function matchedDocumentsOf(
  dataSource: DataSource,
  innovationIds: readonly string[],
  tsquery: string,
): Promise<Map<string, DocumentMatch[]>> {
  const matches = new Map<string, DocumentMatch[]>(innovationIds.map((id) => [id, []]));
  if (innovationIds.length === 0) return matches;
  const rows: { innovation_id: string; document_id: string; evidence_id: string; title: string; excerpt: string }[] =
    await dataSource.query(
      `SELECT ranked.innovation_id, ranked.document_id, ranked.evidence_id, ranked.title,
              ts_headline('english', ranked.text, ranked.query,
                'MaxWords=20, MinWords=8, MaxFragments=1, StartSel="", StopSel="", FragmentDelimiter=" … "') AS excerpt
         FROM (SELECT document.*, search.query,
                      row_number() OVER (PARTITION BY document.innovation_id
                                         ORDER BY ts_rank(document.search_vector, search.query) DESC, document.document_id) AS place
                 FROM (SELECT to_tsquery('english', $2) AS query) search,
                      innovations.evidence_document_text document
                 JOIN innovations.evidence evidence ON evidence.id = document.evidence_id AND evidence.vetting = 'VETTED'
                WHERE document.innovation_id = ANY($1::uuid[]) AND document.search_vector @@ search.query) ranked
        WHERE ranked.place <= $3
        ORDER BY ranked.innovation_id, ranked.place`,
      [innovationIds, anyWordQuery(tsquery), MATCHED_DOCUMENTS_PER_HIT],
    );
  for (const row of rows) {
    matches.get(row.innovation_id)?.push({
      documentId: `innovations-${row.document_id}`,
      title: row.title,
      evidenceItemId: row.evidence_id,
      excerpt: row.excerpt.replace(/\s+/g, ' ').trim(),
    });
  }
  return matches;
}

/**
 * The page's edges, each able to say which documents it matched: the first edge asked runs the one
 * statement for the whole page (`matchedDocumentsOf`), the others share its answer.
 */
export function withMatchedDocuments<E extends { node: { id: string } }>(
  dataSource: DataSource,
  edges: E[],
  tsquery: string,
): (E & { matchedDocuments: () => Promise<DocumentMatch[]> })[] {
  let matched: Promise<Map<string, DocumentMatch[]>> | undefined;
  const load = () => (matched ??= matchedDocumentsOf(dataSource, [...new Set(edges.map((edge) => edge.node.id))], tsquery));
  return edges.map((edge) => ({ ...edge, matchedDocuments: async () => (await load()).get(edge.node.id) ?? [] }));
}
