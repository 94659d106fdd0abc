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
    const body = JSON.stringify({ query: innovationEntitiesQuery, variables: { r: representationsOf(ids) } });
    let result: EntitiesResult;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...forwardedHeaders(), ...(await this.credentialHeaders(body)) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`innovations answered ${response.status}`);
      result = (await response.json()) as EntitiesResult;
    } catch (error) {
      logger().error(errorFields(error), 'innovations could not be asked about innovations to shortlist');
      throw serviceUnavailable('The innovations service could not be reached.');
    }
    return readInnovationEntities(ids, result);
  }
}

/** Asks an innovations subgraph running in this process (the test graph and the in-process gateway). */
export class InProcessInnovationDirectory implements InnovationDirectory {
  constructor(private readonly execute: (query: string, variables: Record<string, unknown>) => Promise<EntitiesResult>) {}

  async findInnovations(ids: readonly string[]): Promise<(InnovationFacts | null)[]> {
    if (ids.length === 0) return [];
    return readInnovationEntities(ids, await this.execute(innovationEntitiesQuery, { r: representationsOf(ids) }));
  }
}

/** For a procurement module no one wired to innovations: shortlisting says so rather than guessing. */
export const unconfiguredInnovationDirectory: InnovationDirectory = {
  async findInnovations() {
    throw serviceUnavailable('Shortlisting is unavailable: the innovations service is not configured.');
  },
};
