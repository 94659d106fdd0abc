import { errorFields, logger } from '../../../platform/logger';
import { forwardedHeaders } from '../../../platform/observability';
import { serviceUnavailable } from './service-unavailable';

/** What procurement needs to know about an innovation to shortlist it; owned by the innovations subgraph. */
export interface InnovationFacts {
  id: string;
  status: string;
  category: string;
  supplierId: string;
}

/**
 * Asks the innovations subgraph about innovations. Procurement never reads innovations' tables: it
 * asks through federation `_entities`, as the gateway would. Innovations the caller may not see come
 * back as null, which shortlisting treats as "not approved".
 */
export interface InnovationDirectory {
  /** Facts in the order of `ids`; null for an innovation that does not exist or is not visible. */
  findInnovations(ids: readonly string[]): Promise<(InnovationFacts | null)[]>;
  /**
   * The approved (public) innovations of these suppliers in these categories, every page of them:
   * what a supplier has to lose when a route covering the categories expires (services/route-retirement.ts).
   */
  listApprovedInnovations(supplierIds: readonly string[], categories: readonly string[]): Promise<ListedInnovation[]>;
}

/** An approved innovation as the catalogue lists it. */
export interface ListedInnovation {
  id: string;
  title: string;
  category: string;
  supplierId: string;
}

export const approvedInnovationsQuery = `query($filter: InnovationFilter, $after: String){ innovations(first: 100, after: $after, filter: $filter, orderBy: TITLE) {
  edges { node { id title category supplier { id } } } pageInfo { hasNextPage endCursor } } }`;

type ListingResult = {
  data?: {
    innovations?: {
      edges: { node: { id: string; title: string; category: string; supplier: { id: string } | null } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    } | null;
  } | null;
  errors?: readonly unknown[];
};

/** Suppliers per request: a route's thousands of suppliers are asked about a hundred at a time. */
const suppliersPerRequest = 100;

/** Walks the catalogue's pages through `execute` (one GraphQL request each), a hundred suppliers at a time. */
async function listApproved(
  execute: (query: string, variables: Record<string, unknown>) => Promise<ListingResult>,
  supplierIds: readonly string[],
  categories: readonly string[],
): Promise<ListedInnovation[]> {
  const listed: ListedInnovation[] = [];
  if (categories.length === 0) return listed;
  for (let start = 0; start < supplierIds.length; start += suppliersPerRequest) {
    const filter = { supplierIds: supplierIds.slice(start, start + suppliersPerRequest), categories, statuses: ['APPROVED'] };
    let after: string | null = null;
    do {
      const result: ListingResult = await execute(approvedInnovationsQuery, { filter, after });
      const page = result.data?.innovations;
      if (!page) throw serviceUnavailable('The innovations service could not answer.');
      for (const { node } of page.edges) {
        if (node.supplier) listed.push({ id: node.id, title: node.title, category: node.category, supplierId: node.supplier.id });
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
  }
  return listed;
}

export const innovationEntitiesQuery = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Innovation { id status category supplier { id } } } }`;

type EntitiesResult = {
  data?: { _entities?: ({ id: string; status: string; category: string; supplier: { id: string } } | null)[] } | null;
  errors?: readonly unknown[];
};

/** Turns an `_entities` answer into facts, or says the service could not answer. */
export function readInnovationEntities(ids: readonly string[], result: EntitiesResult): (InnovationFacts | null)[] {
  const entities = result.data?._entities;
  if (!entities || entities.length !== ids.length) throw serviceUnavailable('The innovations service could not answer.');
  return entities.map((entity) =>
    entity ? { id: entity.id, status: entity.status, category: entity.category, supplierId: entity.supplier.id } : null,
  );
}

export const representationsOf = (ids: readonly string[]) => ids.map((id) => ({ __typename: 'Innovation', id }));

/** Asks over HTTP, with the gateway's credential, as the innovations subgraph accepts only the gateway. */
export class HttpInnovationDirectory implements InnovationDirectory {
  constructor(
    private readonly url: string,
    private readonly credentialHeaders: (body: string) => Promise<Record<string, string>>,
    private readonly timeoutMs: number,
  ) {}

  async findInnovations(ids: readonly string[]): Promise<(InnovationFacts | null)[]> {
    if (ids.length === 0) return [];
    return readInnovationEntities(ids, await this.post<EntitiesResult>(innovationEntitiesQuery, { r: representationsOf(ids) }));
  }

  async listApprovedInnovations(supplierIds: readonly string[], categories: readonly string[]): Promise<ListedInnovation[]> {
    return listApproved((query, variables) => this.post<ListingResult>(query, variables), supplierIds, categories);
  }

  private async post<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ query, variables });
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...forwardedHeaders(), ...(await this.credentialHeaders(body)) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`innovations answered ${response.status}`);
      return (await response.json()) as T;
    } catch (error) {
      logger().error(errorFields(error), 'innovations could not be asked about innovations');
      throw serviceUnavailable('The innovations service could not be reached.');
    }
  }
}

/** Asks an innovations subgraph running in this process (the test graph and the in-process gateway). */
export class InProcessInnovationDirectory implements InnovationDirectory {
  constructor(private readonly execute: (query: string, variables: Record<string, unknown>) => Promise<EntitiesResult & ListingResult>) {}

  async findInnovations(ids: readonly string[]): Promise<(InnovationFacts | null)[]> {
    if (ids.length === 0) return [];
    return readInnovationEntities(ids, await this.execute(innovationEntitiesQuery, { r: representationsOf(ids) }));
  }

  async listApprovedInnovations(supplierIds: readonly string[], categories: readonly string[]): Promise<ListedInnovation[]> {
    return listApproved(this.execute, supplierIds, categories);
  }
}

/** For a procurement module no one wired to innovations: shortlisting says so rather than guessing. */
export const unconfiguredInnovationDirectory: InnovationDirectory = {
  async findInnovations() {
    throw serviceUnavailable('Shortlisting is unavailable: the innovations service is not configured.');
  },
  async listApprovedInnovations() {
    throw serviceUnavailable('Route retirement notices are unavailable: the innovations service is not configured.');
  },
};
