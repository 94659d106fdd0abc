import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { SAVED_SEARCH_MATCHES_PER_EVENT, type SavedSearchMatch } from '../../../platform/domain-events';
import { badUserInput, forbidden, notFound } from '../../../platform/errors';
import { refuseSavedSearchPastCap } from '../../../platform/saved-search-cap';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { pounds, requiredText, searchText } from '../../../platform/input';
import { requireSignedIn } from '../../../platform/sign-in';
import { Lot, SavedOpportunitySearch, type ProcurementProject } from '../entities';
import type { SaveOpportunitySearchInput } from '../generated/graphql';
import { MAX_PROJECT_SEARCH_LENGTH } from './project-search';
import { announce, projectFacts } from './write-helpers';

/** The most saved opportunity searches one person keeps: `Person.savedOpportunitySearches` lists them all. */
export const MAX_SAVED_OPPORTUNITY_SEARCHES = 50;
const MAX_SAVED_SEARCH_NAME = 100;

/**
 * A person's saved opportunity searches (issue 25 item 6): saving, deleting and listing them, each
 * the person's own. Matching them against a newly published project is
 * `recordOpportunitySearchMatches`, below, called by the publication in its transaction.
 */
export class SavedOpportunitySearchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  /** The person's own, newest first; FORBIDDEN for anyone else (platform staff included). */
  async of(personId: string): Promise<SavedOpportunitySearch[]> {
    const viewer = requireSignedIn(this.viewer);
    if (viewer.personId !== personId) throw forbidden('Only the person themselves may see their saved searches.');
    return this.dataSource.getRepository(SavedOpportunitySearch).find({
      where: { personId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: MAX_SAVED_OPPORTUNITY_SEARCHES,
    });
  }

  async save(input: SaveOpportunitySearchInput): Promise<SavedOpportunitySearch> {
    const viewer = requireSignedIn(this.viewer, 'Sign in to save a search.');
    const criteria = readSavedOpportunitySearch(input);
    return this.dataSource.transaction(async (manager) => {
      if (criteria.search !== null) {
        // As `procurementProjects(search:)` reads it: words that are all stop words ("the") find nothing, saved or not.
        const [parsed] = (await manager.query(`SELECT websearch_to_tsquery('english', $1)::text = '' AS empty`, [criteria.search])) as {
          empty: boolean;
        }[];
        if (parsed?.empty) throw badUserInput('"input.search" has no words to search for.', 'input.search');
      }
      if (criteria.lotId !== null) {
        const lot = await manager.findOneBy(Lot, { id: criteria.lotId });
        if (!lot || (criteria.routeId !== null && lot.routeId !== criteria.routeId)) throw notFound('Lot', criteria.lotId);
      }
      if (criteria.routeId !== null) {
        const [route] = (await manager.query(`SELECT 1 FROM procurement.route WHERE id = $1`, [criteria.routeId])) as unknown[];
        if (!route) throw notFound('ProcurementRoute', criteria.routeId);
      }
      await refuseSavedSearchPastCap(manager, {
        table: 'procurement.saved_opportunity_search',
        personId: viewer.personId,
        max: MAX_SAVED_OPPORTUNITY_SEARCHES,
        what: 'saved opportunity searches',
      });
      return manager.save(
        manager.create(SavedOpportunitySearch, {
          ...criteria,
          personId: viewer.personId,
          organisationId: viewer.organisationId,
          supplier: viewer.organisationKind === 'SUPPLIER',
          createdAt: this.clock.now(),
        }),
      );
    });
  }

  async delete(id: string): Promise<string> {
    const viewer = requireSignedIn(this.viewer, 'Sign in to delete a saved search.');
    const searchId = parseId(id, 'id');
    const deleted = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SavedOpportunitySearch)
      .where('id = :searchId AND person_id = :personId', { searchId, personId: viewer.personId })
      .execute();
    // Another person's saved search is as missing as one that never was.
    if (deleted.affected !== 1) throw notFound('SavedOpportunitySearch', searchId);
    return searchId;
  }
}

type SavedCriteria = Pick<
  SavedOpportunitySearch,
  'name' | 'search' | 'routeId' | 'lotId' | 'categories' | 'buyerNations' | 'budgetAtLeast' | 'budgetAtMost' | 'frequency'
>;

/** Validates what to save before anything is read or written: the listing's limits, lists kept once each and sorted. */
export function readSavedOpportunitySearch(input: SaveOpportunitySearchInput): SavedCriteria {
  const budget = (value: number | null | undefined, field: string) => (value == null ? null : pounds(value, { field }));
  const budgetAtLeast = budget(input.budgetAtLeast, 'input.budgetAtLeast');
  const budgetAtMost = budget(input.budgetAtMost, 'input.budgetAtMost');
  if (budgetAtLeast !== null && budgetAtMost !== null && budgetAtLeast > budgetAtMost) {
    throw badUserInput(
      `"input.budgetAtLeast" (${budgetAtLeast}) must not be above "input.budgetAtMost" (${budgetAtMost}).`,
      'input.budgetAtLeast',
    );
  }
  return {
    name: requiredText(input.name, { field: 'input.name', max: MAX_SAVED_SEARCH_NAME }),
    search: searchText(input.search, { field: 'input.search', max: MAX_PROJECT_SEARCH_LENGTH }),
    routeId: input.routeId == null ? null : parseId(input.routeId, 'input.routeId'),
    lotId: input.lotId == null ? null : parseId(input.lotId, 'input.lotId'),
    categories: input.categories?.length ? [...new Set(input.categories)].sort() : null,
    buyerNations: input.buyerNations?.length ? [...new Set(input.buyerNations)].sort() : null,
    budgetAtLeast,
    budgetAtMost,
    frequency: input.frequency,
  };
}

/**
 * Records `opportunity_search.matched` for a project just published, in the publication's
 * transaction: the saved searches it matches, turned round (one project against every saved search
 * in one statement). Words match as `applyProjectSearch` (project-search.ts) matches them: the
 * project's title and need, its lot's title, its route's name and reference. Only people who may
 * take the opportunity up are named: a supplier's only when invited, never the buyer's own; each
 * person once, by their INSTANT search if one matched; in events of at most
 * `SAVED_SEARCH_MATCHES_PER_EVENT`. Returns how many people are to be told.
 */
export async function recordOpportunitySearchMatches(
  manager: EntityManager,
  project: Pick<ProcurementProject, 'id' | 'title' | 'buyerId' | 'routeId' | 'lotId'>,
  { invitedSupplierIds, responseDeadline, now }: { invitedSupplierIds: readonly string[]; responseDeadline: Date | null; now: Date },
): Promise<number> {
  const rows = (await manager.query(
    `WITH published AS (
       SELECT p.id, p.buyer_id, p.route_id, p.lot_id, p.budget, p.buyer_nation, p.search_vector, l.categories,
              to_tsvector('english', l.title) AS lot_vector, to_tsvector('english', r.name || ' ' || r.reference) AS route_vector
         FROM procurement.project p JOIN procurement.lot l ON l.id = p.lot_id JOIN procurement.route r ON r.id = p.route_id
        WHERE p.id = $1)
     SELECT DISTINCT ON (s.person_id) s.id, s.person_id, s.name, s.frequency
       FROM procurement.saved_opportunity_search s, published
      WHERE s.organisation_id <> published.buyer_id
        AND (NOT s.supplier OR s.organisation_id = ANY ($2::uuid[]))
        AND (s.route_id IS NULL OR s.route_id = published.route_id)
        AND (s.lot_id IS NULL OR s.lot_id = published.lot_id)
        AND (s.categories IS NULL OR s.categories && published.categories)
        AND (s.buyer_nations IS NULL OR published.buyer_nation = ANY (s.buyer_nations))
        AND (s.budget_at_least IS NULL OR published.budget >= s.budget_at_least)
        AND (s.budget_at_most IS NULL OR published.budget <= s.budget_at_most)
        AND (s.search IS NULL OR EXISTS (
              SELECT 1 FROM websearch_to_tsquery('english', s.search) words
               WHERE published.search_vector @@ words OR published.lot_vector @@ words OR published.route_vector @@ words))
      ORDER BY s.person_id, s.frequency = 'INSTANT' DESC, s.created_at, s.id`,
    [project.id, invitedSupplierIds],
  )) as { id: string; person_id: string; name: string; frequency: SavedSearchMatch['frequency'] }[];
  const matches: SavedSearchMatch[] = rows.map((row) => ({
    personId: row.person_id,
    savedSearchId: row.id,
    savedSearchName: row.name,
    frequency: row.frequency,
  }));
  const batches = Math.ceil(matches.length / SAVED_SEARCH_MATCHES_PER_EVENT);
  for (let batch = 0; batch < batches; batch++) {
    await announce(
      manager,
      'opportunity_search.matched',
      now,
      { typename: 'ProcurementProject', id: project.id },
      {
        ...projectFacts(project),
        routeId: project.routeId,
        lotId: project.lotId,
        responseDeadline: responseDeadline?.toISOString() ?? null,
        batch: batch + 1,
        batches,
        matches: matches.slice(batch * SAVED_SEARCH_MATCHES_PER_EVENT, (batch + 1) * SAVED_SEARCH_MATCHES_PER_EVENT),
      },
    );
  }
  return matches.length;
}
