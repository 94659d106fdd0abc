import {
  getNamedType,
  getOperationAST,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationLimits } from '../platform/config';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../platform/pagination';
import { OperationLimitError } from './operation-limits';

/**
 * What one SQL statement of its own costs: a statement that reads up to a thousand rows (the
 * innovations subgraph counts exactly up to 1,000 matches and ranks at most 1,000, see
 * innovation-counts.ts `EXACT_UP_TO`; a facet sample, an insight's GROUP BY) is priced as a
 * thousand items are. So the 50,000 limit allows a few dozen such statements in one operation, not
 * the 60 that 30 aliased searches asked for, and a single catalogue search costs about 3,000.
 */
export const STATEMENT_COST = 1_000;

/** How a field is priced beyond the 1 every field costs. Keyed `Type.field` in the table below. */
export interface FieldPrice {
  /** SQL statements the field runs of its own, whatever the page size (counts, facets, aggregates). */
  statements?: number;
  /** The most items a list without `first` can hold, and (`why`) where that bound is enforced. */
  cap?: number;
  why: string;
}

/** Values of an enum in the schema: the most groups a list keyed by it can hold. */
function enumSize(schema: GraphQLSchema, name: string): number {
  const type = schema.getType(name);
  if (!isEnumType(type)) throw new Error(`operation-cost: the schema has no enum ${name}`);
  return type.getValues().length;
}

/** Limits the services enforce on writes, repeated here (the gateway loads no subgraph code); tests/operation-cost.test.ts checks each against its service. */
export const serviceLimits = {
  /** subgraphs/events EVENT_LIMITS.hosts: hostIds of createEvent/updateEvent. */
  eventHosts: 10,
  /** subgraphs/events EVENT_LIMITS.links: speakerIds, innovationIds and routeIds of an event. */
  eventLinks: 20,
  /** subgraphs/innovations contentLimits.links. */
  innovationLinks: 20,
  /** subgraphs/procurement projectLimits.maxShortlist. */
  projectShortlist: 20,
  /** subgraphs/procurement projectLimits.maxCriteria: criteria of a project, and so scores of a response. */
  projectCriteria: 10,
  /** The most PROCUREMENT_EVALUATORS_REQUIRED may be (platform/config.ts): evaluators per response. */
  evaluatorsRequiredMaximum: 10,
  /** subgraphs/innovations MATCHED_DOCUMENTS_PER_HIT (services/document-search.ts): documents named per search hit. */
  matchedDocumentsPerHit: 3,
  /** subgraphs/innovations MAX_SAVED_CATALOGUE_SEARCHES: catalogue searches one person may save. */
  savedCatalogueSearches: 50,
  /** subgraphs/procurement MAX_SAVED_OPPORTUNITY_SEARCHES: opportunity searches one person may save. */
  savedOpportunitySearches: 50,
} as const;

/**
 * The price table: every field that runs a statement of its own and every list without `first`.
 * Fields not in it cost 1 (plus children); the table is built from the schema the gateway serves,
 * so enum-keyed lists follow their enums and every connection's `totalCount` is found by name.
 */
export function fieldPrices(schema: GraphQLSchema): Map<string, FieldPrice> {
  const prices = new Map<string, FieldPrice>();
  const set = (key: string, price: FieldPrice) => prices.set(key, price);

  // Every connection's totalCount is a COUNT statement beside the page (pagination.ts readPage;
  // innovations count up to 1,000 exactly and estimate beyond, innovation-counts.ts).
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.name.endsWith('Connection') && type.getFields().totalCount) {
      set(`${type.name}.totalCount`, { statements: 1, why: 'a COUNT statement beside the page' });
    }
  }
  // Asked together, totalCount, totalCountIsEstimate and facets share one statement; each is priced
  // as if asked alone (the estimate errs high, never low).
  set('InnovationConnection.totalCountIsEstimate', { statements: 1, why: 'the count statement (shared with totalCount)' });
  set('InnovationConnection.facets', {
    statements: 1,
    why: 'one GROUP BY statement over the matches (or their sample), innovation-counts.ts countFacets',
  });

  // Insights: each breakdown is one GROUP BY … GROUPING SETS statement (platform/insights.ts).
  for (const key of [
    'EventInsights.attendance',
    'InnovationInsights.provenInnovations',
    'InnovationInsights.vettingDecisions',
    'MembershipInsights.members',
    'ProcurementInsights.pipeline',
    'ProcurementInsights.awards',
    'ProcurementInsights.admissions',
  ]) {
    set(key, { statements: 1, why: 'one GROUP BY statement per breakdown (platform/insights.ts)' });
  }
  // Dashboards and briefings: aggregates over rows that grow with the data.
  set('MarketEngagementBriefing.registeredCount', { statements: 1, why: 'a count over the event’s registrations' });
  set('MarketEngagementBriefing.attendedCount', { statements: 1, why: 'a count over the event’s registrations' });
  set('ProcurementProject.responseCount', { statements: 1, why: 'a count over the project’s responses' });

  // Lists without `first` bounded by an enum of the schema: one item per value at most.
  const byEnum = (key: string, enumName: string, what: string) =>
    set(key, { cap: enumSize(schema, enumName), why: `one per ${enumName} value (${what})` });
  byEnum('InnovationFacets.categories', 'InnovationCategory', 'facet');
  byEnum('InnovationFacets.nations', 'Nation', 'facet');
  set('InnovationFacets.trls', { cap: 9, why: 'one per TRL, 1 to 9 (innovation-criteria.ts MIN_TRL..MAX_TRL)' });
  set('ViewerInnovations.innovationCountsByStatus', {
    statements: 1,
    cap: enumSize(schema, 'InnovationStatus'),
    why: 'a GROUP BY status over the organisation’s innovations: one per InnovationStatus value',
  });
  byEnum('MarketEngagementBriefing.attendanceByOrganisationKind', 'OrganisationKind', 'GROUP BY kind');
  byEnum('ViewerProcurement.innovationNews', 'InnovationCategory', 'SELECT DISTINCT category');
  byEnum('Person.notificationPreferences', 'NotificationKind', 'one preference per kind (notifications subgraph)');
  byEnum(
    'UpdateNotificationPreferencesPayload.notificationPreferences',
    'NotificationKind',
    'one preference per kind (notifications subgraph)',
  );
  set('Deadline.holidaysSkipped', {
    cap: 16,
    why: 'weekday UK bank holidays inside one deadline window: at most ~65 working days (procurementDeadlines.maximumResponseWorkingDays plus clarification), and no 14-week stretch holds more than 8',
  });

  // Lists bounded by what the services accept on writes, or by a LIMIT on reads.
  set('Event.hosts', { cap: serviceLimits.eventHosts, why: 'EVENT_LIMITS.hosts (events subgraph)' });
  set('Event.speakers', { cap: serviceLimits.eventLinks, why: 'EVENT_LIMITS.links (events subgraph)' });
  set('Event.relatedInnovations', { cap: serviceLimits.eventLinks, why: 'EVENT_LIMITS.links (events subgraph)' });
  set('Event.relatedRoutes', { cap: serviceLimits.eventLinks, why: 'EVENT_LIMITS.links (events subgraph)' });
  set('Innovation.links', { cap: serviceLimits.innovationLinks, why: 'contentLimits.links (innovations subgraph)' });
  set('InnovationEdge.matchedDocuments', {
    cap: serviceLimits.matchedDocumentsPerHit,
    why: 'MATCHED_DOCUMENTS_PER_HIT per hit (innovations subgraph document-search.ts), one statement for the whole page',
  });
  set('Person.savedCatalogueSearches', {
    cap: serviceLimits.savedCatalogueSearches,
    why: 'MAX_SAVED_CATALOGUE_SEARCHES per person (innovations subgraph saved-search.service.ts)',
  });
  set('Person.savedOpportunitySearches', {
    cap: serviceLimits.savedOpportunitySearches,
    why: 'MAX_SAVED_OPPORTUNITY_SEARCHES per person (procurement subgraph saved-opportunity-search.service.ts)',
  });
  set('ProcurementProject.shortlist', { cap: serviceLimits.projectShortlist, why: 'projectLimits.maxShortlist (procurement subgraph)' });
  set('ProcurementProject.criteria', { cap: serviceLimits.projectCriteria, why: 'projectLimits.maxCriteria (procurement subgraph)' });
  set('ProcurementResponse.scores', {
    cap: serviceLimits.projectCriteria * serviceLimits.evaluatorsRequiredMaximum,
    why: 'one per criterion and evaluator: projectLimits.maxCriteria × at most PROCUREMENT_EVALUATORS_REQUIRED (≤ 10) evaluators, after which a response is complete and nobody else may score it',
  });
  set('ProcurementResponse.moderatedScores', {
    cap: serviceLimits.projectCriteria,
    why: 'one agreed score per criterion: projectLimits.maxCriteria',
  });
  set('AssessmentSummary.criteria', { cap: serviceLimits.projectCriteria, why: 'one per published criterion: projectLimits.maxCriteria' });
  set('ViewerProcurement.lotAdmissions', { cap: MAX_PAGE_SIZE, why: 'take: MAX_PAGE_SIZE (procurement dashboard.service.ts)' });
  set('ViewerProcurement.routesOpeningOrExpiringSoon', {
    cap: 2 * MAX_PAGE_SIZE,
    why: 'LIMIT MAX_PAGE_SIZE routes, each opening and expiring at most once',
  });

  // Every other list of objects takes `first` (1 to its maximum, refused beyond: pagination.ts
  // readListSize) and is priced by it; tests/operation-cost.test.ts fails for a list that has
  // neither `first` nor a cap here.
  return prices;
}

/** A list of objects (not of scalars or enums, which load with their parent's row and select nothing). */
export function isObjectList(type: GraphQLOutputType): boolean {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  return isListType(unwrapped) && !isLeafType(getNamedType(unwrapped));
}

/** A page-sized field: a connection or list the client sizes with `first`. */
const hasFirst = (field: GraphQLField<unknown, unknown>) => field.args.some((argument) => argument.name === 'first');

/**
 * Searches priced as a statement of their own: the innovations catalogue's ranked search reads up
 * to 1,000 matches to rank them (innovation-search.ts RANKED_MATCHES); the procurement projects'
 * full-text search ranks every visible match (procurement project-search.ts).
 */
const rankedSearchFields = new Set(['Query.innovations', 'Query.procurementProjects']);
function runsRankedSearch(typeName: string, fieldName: string, args: Record<string, unknown>): boolean {
  return rankedSearchFields.has(`${typeName}.${fieldName}`) && typeof args.search === 'string' && args.search.trim() !== '';
}

/** The `edges` selected directly under a connection field, through inline fragments and fragment spreads. */
function edgesSelections(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === 'edges') found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...edgesSelections(selection.selectionSet, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      found.push(...edgesSelections(fragments.get(selection.name.value)?.selectionSet, fragments, seen));
    }
  }
  return found;
}

/**
 * Cost: every field costs 1 plus its children. A connection multiplies its `edges` by the page
 * size asked for (`first`, or the default) and counts its other fields (totalCount, facets,
 * pageInfo) once, as the subgraphs run them once; any other field with `first` multiplies its
 * children by it, and any other list of objects by its cap from the table (`listSizeEstimate` only
 * for a list the table misses, which tests/operation-cost.test.ts forbids). On top, STATEMENT_COST for each statement of its own (the table), added once per
 * place the field is selected, not per parent item: the subgraphs' loaders run one statement for
 * all the parents of a nested count (the tests pin those statement counts), and each parent is
 * still priced as an item. So 30 aliased searches pay 30 times, a count under a page once.
 */
function costEstimator(
  limits: OperationLimits,
  prices: Map<string, FieldPrice>,
  document: DocumentNode,
): { estimator: ComplexityEstimator; statementsCost: () => number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  // Children are priced just before their parent: each connection's edges leave their price here
  // for the connection to multiply by its page size.
  const edgesCost = new Map<FieldNode, number>();
  let statementsCost = 0;
  const estimator: ComplexityEstimator = ({ type, field, node, args, childComplexity }) => {
    const price = prices.get(`${type.name}.${field.name}`);
    statementsCost += ((price?.statements ?? 0) + (runsRankedSearch(type.name, field.name, args) ? 1 : 0)) * STATEMENT_COST;
    const own = 1;
    if (field.name === 'edges' && type.name.endsWith('Connection')) {
      edgesCost.set(node, own + childComplexity);
      return own + childComplexity;
    }
    if (hasFirst(field)) {
      // An explicit `first: null` means the field's default, as the subgraphs read it (readPage, readListSize).
      const declared = field.args.find((argument) => argument.name === 'first')?.defaultValue;
      const fallback = typeof declared === 'number' ? declared : DEFAULT_PAGE_SIZE;
      const first = Math.max(typeof args.first === 'number' ? args.first : fallback, 1);
      if (!getNamedType(field.type).name.endsWith('Connection')) return own + first * childComplexity;
      let edges = 0;
      for (const selection of edgesSelections(node.selectionSet, fragments)) {
        edges += edgesCost.get(selection) ?? 0;
        edgesCost.delete(selection);
      }
      return own + childComplexity + (first - 1) * edges;
    }
    if (!isObjectList(field.type)) return own + childComplexity;
    const items = price?.cap ?? limits.listSizeEstimate;
    return own + items * childComplexity;
  };
  return { estimator, statementsCost: () => statementsCost };
}

/** The price table of each schema the gateway serves, built once per schema. */
const pricesBySchema = new WeakMap<GraphQLSchema, Map<string, FieldPrice>>();

/**
 * The estimated cost of an operation with its variables; undefined when the operation or its
 * variables are not valid (the executor refuses those with its own error).
 */
export function operationCost(
  limits: OperationLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  // Malformed variables are the executor's to refuse, with BAD_USER_INPUT naming the variable.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return undefined;
  let prices = pricesBySchema.get(schema);
  if (!prices) {
    prices = fieldPrices(schema);
    pricesBySchema.set(schema, prices);
  }
  const { estimator, statementsCost } = costEstimator(limits, prices, document);
  try {
    return (
      getComplexity({ schema, query: document, variables: coerced.coerced, operationName, estimators: [estimator] }) + statementsCost()
    );
  } catch {
    // The library gives up on documents with more than 10,000 field nodes: far past any limit.
    return Number.POSITIVE_INFINITY;
  }
}

/** The cost limit, which depends on the variables too (`first: $first`). */
export function checkCostLimit(
  limits: OperationLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): OperationLimitError | undefined {
  const cost = operationCost(limits, schema, document, operationName, variables);
  if (cost !== undefined && cost > limits.maxCost) {
    return new OperationLimitError(
      'cost',
      limits.maxCost,
      `The operation's estimated cost is ${cost}, more than the ${limits.maxCost} allowed: ask for smaller pages (first), fewer counts and searches, or fewer fields.`,
    );
  }
  return undefined;
}
