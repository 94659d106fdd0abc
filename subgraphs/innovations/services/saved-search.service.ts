import type { EntityManager } from 'typeorm';
import { SAVED_SEARCH_MATCHES_PER_EVENT, type SavedSearchMatch } from '../../../platform/domain-events';
import { badUserInput, forbidden, notFound } from '../../../platform/errors';
import { refuseSavedSearchPastCap } from '../../../platform/saved-search-cap';
import { parseId } from '../../../platform/ids';
import { requiredText, searchText, wholeNumber } from '../../../platform/input';
import { recordDomainEvent } from '../../../platform/outbox';
import { requireSignedIn } from '../../../platform/sign-in';
import { SavedCatalogueSearch, type Innovation } from '../entities';
import type { SaveCatalogueSearchInput } from '../generated/graphql';
import { MAX_TRL, MIN_TRL } from './innovation-criteria';
import { MAX_SEARCH_LENGTH, toPrefixQuery } from './innovation-search';
import type { InnovationsRequest } from './innovation.service';

/** The most saved catalogue searches one person keeps: `Person.savedCatalogueSearches` lists them all. */
export const MAX_SAVED_CATALOGUE_SEARCHES = 50;
export const MAX_SAVED_SEARCH_NAME = 100;

/**
 * A person's saved catalogue searches (issue 25 item 6): saving, deleting and listing them, each the
 * person's own. Matching them against a newly listed innovation is `recordCatalogueSearchMatches`,
 * below, called by the approval in its transaction.
 */
export class SavedCatalogueSearchService {
  constructor(private readonly request: InnovationsRequest) {}

  /** The person's own, newest first; FORBIDDEN for anyone else (platform staff included: it is the person's to see). */
  async of(personId: string): Promise<SavedCatalogueSearch[]> {
    const viewer = requireSignedIn(this.request.viewer);
    if (viewer.personId !== personId) throw forbidden('Only the person themselves may see their saved searches.');
    return this.request.dataSource.getRepository(SavedCatalogueSearch).find({
      where: { personId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: MAX_SAVED_CATALOGUE_SEARCHES,
    });
  }

  async save(input: SaveCatalogueSearchInput): Promise<SavedCatalogueSearch> {
    const viewer = requireSignedIn(this.request.viewer, 'Sign in to save a search.');
    const criteria = readSavedCatalogueSearch(input);
    return this.request.dataSource.transaction(async (manager) => {
      await refuseSavedSearchPastCap(manager, {
        table: 'innovations.saved_catalogue_search',
        personId: viewer.personId,
        max: MAX_SAVED_CATALOGUE_SEARCHES,
        what: 'saved catalogue searches',
      });
      return manager.save(
        manager.create(SavedCatalogueSearch, {
          ...criteria,
          personId: viewer.personId,
          organisationId: viewer.organisationId,
          createdAt: this.request.clock.now(),
        }),
      );
    });
  }

  async delete(id: string): Promise<string> {
    const viewer = requireSignedIn(this.request.viewer, 'Sign in to delete a saved search.');
    const searchId = parseId(id, 'id');
    const deleted = await this.request.dataSource
      .createQueryBuilder()
      .delete()
      .from(SavedCatalogueSearch)
      .where('id = :searchId AND person_id = :personId', { searchId, personId: viewer.personId })
      .execute();
    // Another person's saved search is as missing as one that never was.
    if (deleted.affected !== 1) throw notFound('SavedCatalogueSearch', searchId);
    return searchId;
  }
}

type SavedCriteria = Pick<
  SavedCatalogueSearch,
  'name' | 'search' | 'searchQuery' | 'categories' | 'trlAtLeast' | 'trlAtMost' | 'evidenceNations' | 'frequency'
>;

/**
 * Validates what to save before anything is written, by the catalogue search's own rules: the
 * words' limit and their prefix query (innovation-search.ts), the TRL range (innovation-criteria.ts),
 * lists kept once each and sorted.
 */
export function readSavedCatalogueSearch(input: SaveCatalogueSearchInput): SavedCriteria {
  const name = requiredText(input.name, { field: 'input.name', max: MAX_SAVED_SEARCH_NAME });
  const search = searchText(input.search, { field: 'input.search', max: MAX_SEARCH_LENGTH });
  const searchQuery = search === null ? null : toPrefixQuery(search);
  if (search !== null && searchQuery === null) {
    // The catalogue answers such words with no match at all: saved, they could never alert.
    throw badUserInput('"input.search" has no letters or digits to search for.', 'input.search');
  }
  const trl = (value: number | null | undefined, field: string) =>
    value == null ? null : wholeNumber(value, { field, min: MIN_TRL, max: MAX_TRL });
  const trlAtLeast = trl(input.trlAtLeast, 'input.trlAtLeast');
  const trlAtMost = trl(input.trlAtMost, 'input.trlAtMost');
  if (trlAtLeast !== null && trlAtMost !== null && trlAtLeast > trlAtMost) {
    throw badUserInput(`"input.trlAtLeast" (${trlAtLeast}) must not be above "input.trlAtMost" (${trlAtMost}).`, 'input.trlAtLeast');
  }
  return {
    name,
    search,
    searchQuery,
    categories: input.categories?.length ? [...new Set(input.categories)].sort() : null,
    trlAtLeast,
    trlAtMost,
    evidenceNations: input.evidenceNations?.length ? [...new Set(input.evidenceNations)].sort() : null,
    frequency: input.frequency,
  };
}

/**
 * The saved searches `innovationId`, as its row reads in `manager`'s transaction now, matches: the
 * catalogue's filters turned round, one innovation against every saved search in one statement.
 * Words match as the catalogue's search does (`search_vector @@` the saved prefix query: the
 * catalogue spells the prefixes out as words first, for its index, which finds the same rows);
 * the nation filter reads the innovation's confirmed evidence once. The supplier's own people are
 * never matched: they know their innovation.
 */
const matchingSearchesSql = `
  WITH listed AS (
    SELECT i.id, i.supplier_id, i.category, i.trl, i.search_vector,
           coalesce((SELECT array_agg(DISTINCT e.authority_nation) FROM innovations.evidence e
                      WHERE e.innovation_id = i.id AND e.confirmation = 'CONFIRMED' AND e.authority_nation IS NOT NULL), '{}') AS nations
      FROM innovations.innovation i WHERE i.id = $1)
  SELECT s.id, s.person_id, s.name, s.frequency, s.created_at
    FROM innovations.saved_catalogue_search s, listed
   WHERE s.organisation_id <> listed.supplier_id
     AND (s.categories IS NULL OR listed.category = ANY (s.categories))
     AND (s.trl_at_least IS NULL OR listed.trl >= s.trl_at_least)
     AND (s.trl_at_most IS NULL OR listed.trl <= s.trl_at_most)
     AND (s.evidence_nations IS NULL OR s.evidence_nations && listed.nations)
     AND (s.search_query IS NULL OR listed.search_vector @@ to_tsquery('english', s.search_query))`;

/** The ids of the saved searches the innovation's row matches now: before a revision's content replaces it. */
export async function matchingCatalogueSearchIds(manager: EntityManager, innovationId: string): Promise<string[]> {
  const rows = (await manager.query(`SELECT id FROM (${matchingSearchesSql}) matching`, [innovationId])) as { id: string }[];
  return rows.map((row) => row.id);
}

/**
 * Records `catalogue_search.matched` for a newly listed innovation, in the approval's transaction:
 * each person with a matching saved search (except those in `alreadyMatched`, the searches the
 * previously listed version matched) is named once, by their INSTANT search if one matched, in
 * events of at most `SAVED_SEARCH_MATCHES_PER_EVENT`. Returns how many people are to be told.
 */
export async function recordCatalogueSearchMatches(
  manager: EntityManager,
  innovation: Pick<Innovation, 'id' | 'title' | 'supplierId' | 'category' | 'trl' | 'tags'>,
  { revision, alreadyMatched, now }: { revision: boolean; alreadyMatched: readonly string[]; now: Date },
): Promise<number> {
  const rows = (await manager.query(
    `SELECT DISTINCT ON (person_id) id, person_id, name, frequency FROM (${matchingSearchesSql}) matching
      WHERE NOT (id = ANY ($2::uuid[]))
      ORDER BY person_id, frequency = 'INSTANT' DESC, created_at, id`,
    [innovation.id, alreadyMatched],
  )) as { id: string; person_id: string; name: string; frequency: SavedSearchMatch['frequency'] }[];
  const matches: SavedSearchMatch[] = rows.map((row) => ({
    personId: row.person_id,
    savedSearchId: row.id,
    savedSearchName: row.name,
    frequency: row.frequency,
  }));
  const batches = Math.ceil(matches.length / SAVED_SEARCH_MATCHES_PER_EVENT);
  for (let batch = 0; batch < batches; batch++) {
    await recordDomainEvent(manager, {
      source: 'innovations',
      kind: 'catalogue_search.matched',
      occurredAt: now,
      subject: { typename: 'Innovation', id: innovation.id },
      facts: {
        innovationId: innovation.id,
        title: innovation.title,
        supplierOrganisationId: innovation.supplierId,
        category: innovation.category,
        trl: innovation.trl,
        tags: [...innovation.tags],
        revision,
        batch: batch + 1,
        batches,
        matches: matches.slice(batch * SAVED_SEARCH_MATCHES_PER_EVENT, (batch + 1) * SAVED_SEARCH_MATCHES_PER_EVENT),
      },
    });
  }
  return matches.length;
}
