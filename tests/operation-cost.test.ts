import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { isInterfaceType, isObjectType, parse } from 'graphql';
import { demoPersonas } from '../demo-data/personas';
import { loadExampleOperations } from '../gateway/explorer/operations';
import { fieldPrices, isObjectList, operationCost, serviceLimits, STATEMENT_COST } from '../gateway/operation-cost';
import { loadOperationLimits, maximumEvaluatorsRequired } from '../platform/config';
import { EVENT_LIMITS } from '../subgraphs/events/services/event-management.service';
import { MATCHED_DOCUMENTS_PER_HIT } from '../subgraphs/innovations/services/document-search';
import { contentLimits } from '../subgraphs/innovations/services/innovation-content';
import { MAX_SAVED_CATALOGUE_SEARCHES } from '../subgraphs/innovations/services/saved-search.service';
import { MAX_SAVED_OPPORTUNITY_SEARCHES } from '../subgraphs/procurement/services/saved-opportunity-search.service';
import { projectLimits } from '../subgraphs/procurement/services/project-workflow.service';
import { startTestGraph, type TestGraph } from './support/graph-harness';

/**
 * Issue 22 item 8: the cost limit counts what the database does. Counts, facets, ranked searches
 * and insight breakdowns are priced per SQL statement they run; lists without `first` by their
 * real caps (gateway/operation-cost.ts). Through the in-process gateway, which enforces the
 * configured limits and counts every SQL statement a request runs.
 */
jest.setTimeout(120_000);

const api = Supergraph.build(readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema();
const limits = loadOperationLimits(process.env);
const costOf = (document: string, variables: Record<string, unknown> = {}) =>
  operationCost(limits, api, parse(document), undefined, variables)!;

/** The attack of the review: 30 aliased ranked searches of one item each, with count and facets. */
const aliasedSearches = `{ ${Array.from(
  { length: 30 },
  (_, i) =>
    `s${i}: innovations(search: "road surface ${i}", first: 1) { totalCount facets { categories { value count } trls { value count } } edges { node { id } } }`,
).join(' ')} }`;

describe('the price table', () => {
  const prices = fieldPrices(api);

  it('bounds every list of objects in the supergraph: by `first`, or by a cap from the table (no list is uncapped)', () => {
    const missing: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isObjectList(field.type) || field.args.some((argument) => argument.name === 'first')) continue;
        // A connection's edges are as long as its page, which the connection field counts.
        if (type.name.endsWith('Connection') && field.name === 'edges') continue;
        const price = prices.get(`${type.name}.${field.name}`);
        if (price?.cap === undefined) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names only fields the schema has, and only lists have caps', () => {
    for (const [key, price] of prices) {
      const [typeName, fieldName] = key.split('.') as [string, string];
      const type = api.getType(typeName);
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
      expect({ key, exists: !!field }).toEqual({ key, exists: true });
      if (price.cap !== undefined) expect({ key, list: isObjectList(field!.type) }).toEqual({ key, list: true });
    }
  });

  it('repeats the services’ own limits', () => {
    expect(serviceLimits).toEqual({
      eventHosts: EVENT_LIMITS.hosts,
      eventLinks: EVENT_LIMITS.links,
      innovationLinks: contentLimits.links,
      projectShortlist: projectLimits.maxShortlist,
      projectCriteria: projectLimits.maxCriteria,
      evaluatorsRequiredMaximum: maximumEvaluatorsRequired,
      matchedDocumentsPerHit: MATCHED_DOCUMENTS_PER_HIT,
      savedCatalogueSearches: MAX_SAVED_CATALOGUE_SEARCHES,
      savedOpportunitySearches: MAX_SAVED_OPPORTUNITY_SEARCHES,
    });
  });

  it('gives every bounded list a `first` with a default, documented in its description', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type)) || type.name.endsWith('Connection')) continue;
      for (const field of Object.values(type.getFields())) {
        const first = field.args.find((argument) => argument.name === 'first');
        if (!first || !isObjectList(field.type)) continue;
        // "How many to return … (default N, at most M)": the default the price uses, and the maximum the subgraph enforces.
        const documented = /\(default ([\d,]+), at most ([\d,]+)\)/.exec(first.description ?? '');
        if (typeof first.defaultValue !== 'number' || !documented || Number(documented[1]!.replace(',', '')) !== first.defaultValue) {
          undocumented.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('prices a bounded list by its `first`, or by its default when not given', () => {
    // 1 (organisation) + 1 (people) + first × 1 (name).
    expect(costOf(`{ organisation(id: "x") { people(first: 3) { name } } }`)).toBe(1 + 1 + 3);
    expect(costOf(`{ organisation(id: "x") { people { name } } }`)).toBe(1 + 1 + 20);
    expect(costOf(`{ organisation(id: "x") { people(first: null) { name } } }`)).toBe(1 + 1 + 20);
    expect(costOf(`query($n: Int) { organisation(id: "x") { people(first: $n) { name } } }`, { n: 100 })).toBe(1 + 1 + 100);
    // Registrations default to 100, up to 1,000: a host's full list is priced as such.
    expect(costOf(`{ event(id: "x") { registrations { id } } }`)).toBe(1 + 1 + 100);
    expect(costOf(`{ event(id: "x") { registrations(first: 1000) { id } } }`)).toBe(1 + 1 + 1000);
    // Nested: 10 innovations × (1 + 5 events × 1).
    expect(costOf(`{ innovations(first: 10) { edges { node { events(first: 5) { id } } } } }`)).toBe(1 + 10 * (1 + 1 + (1 + 5)));
    // An insight's groups: 100 by default.
    expect(costOf(`{ membershipInsights { members { groups { memberCount } } } }`)).toBe(1 + 1 + STATEMENT_COST + 1 + 100);
    expect(costOf(`{ membershipInsights { members { groups(first: 5) { memberCount } } } }`)).toBe(1 + 1 + STATEMENT_COST + 1 + 5);
  });

  it('multiplies a list by its cap, and adds a statement’s price for a count, facets and a ranked search', () => {
    // 1 (event) + 1 (speakers) + 20 speakers × 1 (name).
    expect(costOf(`{ event(id: "x") { speakers { name } } }`)).toBe(1 + 1 + serviceLimits.eventLinks);
    expect(costOf(`{ innovations(first: 1) { totalCount } }`)).toBe(1 + 1 + STATEMENT_COST);
    // A page multiplies its edges, not its count: the count is one statement at any page size.
    expect(costOf(`{ innovations(first: 100) { totalCount } }`)).toBe(1 + 1 + STATEMENT_COST);
    expect(costOf(`{ innovations(first: 100) { totalCount edges { node { id } } } }`)).toBe(1 + 1 + STATEMENT_COST + 100 * 3);
    expect(costOf(`query { innovations(first: 100) { ...page } } fragment page on InnovationConnection { edges { node { id } } }`)).toBe(
      1 + 100 * 3,
    );
    expect(costOf(`{ innovations(search: "road", first: 1) { totalCount } }`)).toBe(1 + STATEMENT_COST + 1 + STATEMENT_COST);
    // A count under a page of 100 organisations is one batched statement: priced once, each organisation as an item.
    expect(costOf(`{ organisations(first: 100) { edges { node { innovations(first: 1) { totalCount } } } } }`)).toBe(
      1 + 100 * 4 + STATEMENT_COST,
    );
    // A search that is only blanks runs no ranked search.
    expect(costOf(`{ innovations(search: " ", first: 1) { totalCount } }`)).toBe(1 + 1 + STATEMENT_COST);
    // The procurement projects' full-text search is a statement of its own too (issue 24 item 9).
    expect(costOf(`{ procurementProjects(search: "road", first: 1) { totalCount } }`)).toBe(1 + STATEMENT_COST + 1 + STATEMENT_COST);
    expect(costOf(`{ procurementProjects(search: " ", first: 1) { totalCount } }`)).toBe(1 + 1 + STATEMENT_COST);
  });
});

describe('the cost limit through the gateway', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('refuses 30 aliased searches with first: 1 before any SQL statement runs', async () => {
    const answer = await graph.execute(aliasedSearches);
    expect(answer.data ?? undefined).toBeUndefined();
    expect(answer.errors?.[0]?.extensions).toEqual(
      expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', maximum: limits.maxCost }),
    );
    expect(answer.statements).toBe(0);
    // One of them alone is a legitimate search, and runs its two statements (ranked page, facets).
    const one = await graph.execute(
      `{ innovations(search: "road", first: 1) { totalCount facets { categories { value count } } edges { node { id } } } }`,
    );
    expect(one.errors).toBeUndefined();
    expect(one.statements).toBe(2);
  });

  it('accepts every shipped operation in operations/ with its example variables, each priced well under the limit', async () => {
    const costs: Record<string, number> = {};
    for (const operation of loadExampleOperations()) {
      const variables = JSON.parse(operation.variables) as Record<string, unknown>;
      const anonymous = operation.roles.includes('EVERYONE') || operation.roles.includes('ANONYMOUS');
      const persona = anonymous
        ? undefined
        : demoPersonas.find((p) => [...p.organisationRoles, ...p.platformRoles].some((role) => operation.roles.includes(role)));
      const authorization = persona ? `Bearer ${await graph.tokenFor(persona.email)}` : undefined;
      const answer = await graph.execute(operation.document, variables, authorization);
      expect({ operation: operation.operationName, errors: answer.errors }).toEqual({
        operation: operation.operationName,
        errors: undefined,
      });
      costs[operation.operationName] = operationCost(limits, api, parse(operation.document), operation.operationName, variables)!;
    }
    // README (Operation limits) lists these prices; at most a fifth of the limit each.
    for (const [name, cost] of Object.entries(costs)) expect({ name, fits: cost <= limits.maxCost / 5 }).toEqual({ name, fits: true });
    // The catalogue search pays for its ranked page, its count and its facets.
    expect(costs.CatalogueSearch).toBeGreaterThan(3 * STATEMENT_COST);
  });
});
