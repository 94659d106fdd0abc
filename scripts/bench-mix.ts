import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoPersonas, type DemoPersona } from '../demo-data/personas';
import { operationsDirectory, parseExampleOperation } from '../gateway/explorer/operations';

/**
 * The operations `npm run bench` measures, each two ways: one hot operation repeated (what a
 * response cache or in-flight deduplication helps most) and the same operation with varied
 * variables or callers (different ids, pages, search terms, people), so neither flatters a gateway.
 *
 * (a)–(c) are the three queries of issue 10; the rest come from `operations/*.graphql`: the ranked
 * catalogue search, a signed-in buyer's view, and any `*dashboard*` operation, each asked by the
 * demo personas its `# roles:` header names, so new dashboards join the mix without a change here.
 *
 * An anonymous varied run rotates at least `variedVariableSets` distinct variable sets (issue 27), so
 * a 5 s response cache cannot hold the whole rotation: the demo data has 72 approved innovations and
 * 56 organisations, so pages vary in their size as well as their start, the one innovation in the
 * fields it includes, the search in its words and page size. A signed-in operation without
 * variables varies by who asks (no response cache keeps signed-in answers, ours or Hive's).
 */
export interface BenchRequest {
  body: string;
  /** The demo persona's email, signed in with a bearer token; absent for anonymous callers. */
  email?: string;
}

export interface BenchOperation {
  label: string;
  /** Requests a load run cycles through: one for the hot run, many for the varied run. */
  hot: BenchRequest[];
  varied: BenchRequest[];
}

/** What the benchmark learns from the running graph before it measures, to vary requests with. */
/** How many distinct variable sets an anonymous varied run rotates, at least. */
export const variedVariableSets = 200;

export interface BenchSamples {
  /** Cursors into the approved innovations, one per starting position. */
  innovationCursors: (string | null)[];
  innovationIds: string[];
  organisationCursors: (string | null)[];
  /** Words from innovation titles, for varied searches. */
  searchTerms: string[];
}

export const sampleQuery = `query BenchSamples {
  innovations(first: 100, filter: { statuses: [APPROVED] }) { edges { cursor node { id title } } }
  organisations(first: 100) { edges { cursor } }
}`;

interface SampleAnswer {
  data?: {
    innovations: { edges: { cursor: string; node: { id: string; title: string } }[] };
    organisations: { edges: { cursor: string }[] };
  };
}

/** Turns the sample query's answer into variation material; at most `limit` of each. */
export function samplesFrom(answer: SampleAnswer, limit = 100): BenchSamples {
  if (!answer.data) throw new Error(`The benchmark could not sample the graph: ${JSON.stringify(answer).slice(0, 300)}`);
  const innovations = answer.data.innovations.edges;
  const words = new Set<string>();
  for (const { node } of innovations) {
    for (const word of node.title.toLowerCase().split(/[^a-z]+/)) if (word.length >= 5) words.add(word);
  }
  const cursors = (edges: { cursor: string }[]) => [null, ...edges.map((e) => e.cursor)].slice(0, limit);
  return {
    innovationCursors: cursors(innovations),
    innovationIds: innovations.map((e) => e.node.id).slice(0, limit),
    organisationCursors: cursors(answer.data.organisations.edges),
    searchTerms: [...words].slice(0, limit),
  };
}

const approvedInnovations = `query BenchApprovedInnovations($after: String, $first: Int = 50) {
  innovations(first: $first, after: $after, filter: { statuses: [APPROVED] }) {
    totalCount
    edges { node { id title category trl supplier { name nation } availableVia { reference name } } }
  }
}`;

const oneInnovation = `query BenchOneInnovation($id: ID!, $summary: Boolean = false, $trl: Boolean = false) {
  innovation(id: $id) { id title summary @include(if: $summary) trl @include(if: $trl) supplier { name } }
}`;

const organisationsWithEverything = `query BenchOrganisations($after: String, $first: Int = 50) {
  organisations(first: $first, after: $after) {
    edges {
      node {
        id
        name
        innovations(first: 5) { edges { node { title availableVia { reference } } } }
        hostedEvents(first: 5) { edges { node { title } } }
      }
    }
  }
}`;

function request(query: string, variables: Record<string, unknown>, email?: string): BenchRequest {
  return { body: JSON.stringify({ query, variables }), ...(email ? { email } : {}) };
}

/**
 * Pairs of each of `each` with as many of `then` as it takes to reach `variedVariableSets` (all
 * pairs if there are too few), every one of `each` with the first of `then`, then with the second,
 * and so on: consecutive requests of a rotation differ in `each` (another page, id or word).
 */
function combine<A, B>(each: readonly A[], then: readonly B[]): [A, B][] {
  if (each.length === 0 || then.length === 0) return [];
  const rounds = Math.min(then.length, Math.ceil(variedVariableSets / each.length));
  const sets: [A, B][] = [];
  for (let round = 0; round < rounds; round += 1) for (const a of each) sets.push([a, then[round]!]);
  return sets;
}

/** Demo personas holding any of `roles` (organisation or platform roles). */
function personasFor(roles: string[]): DemoPersona[] {
  return demoPersonas.filter((p) => [...p.organisationRoles, ...p.platformRoles].some((role) => roles.includes(role)));
}

/** Operations from `operations/`: the catalogue search, the buyer's view and every dashboard. */
function operationFiles(samples: BenchSamples): BenchOperation[] {
  const names = readdirSync(operationsDirectory)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.replace(/\.graphql$/, ''))
    .filter((name) => name === 'catalogue-search' || name === 'buyer-view' || name.includes('dashboard'))
    .sort();
  return names.map((name) => {
    const operation = parseExampleOperation(name, readFileSync(path.join(operationsDirectory, `${name}.graphql`), 'utf8'));
    const variables = JSON.parse(operation.variables) as Record<string, unknown>;
    const anonymous = operation.roles.includes('EVERYONE') || operation.roles.includes('ANONYMOUS');
    const people = anonymous ? [] : personasFor(operation.roles);
    if (!anonymous && people.length === 0)
      throw new Error(`operations/${name}.graphql: no demo persona holds ${operation.roles.join(', ')}`);
    const ask = (vars: Record<string, unknown>, email?: string) => request(operation.document, vars, email);
    const hot = [ask(variables, people[0]?.email)];
    // Vary what the operation lets vary: the search words, else the person asking.
    const pageSize = typeof variables.first === 'number' ? variables.first : 10;
    const varied =
      'search' in variables
        ? combine(samples.searchTerms, pageSizes(pageSize)).map(([term, first]) => ask({ ...variables, search: term, first }))
        : people.length > 1
          ? people.map((person) => ask(variables, person.email))
          : hot;
    const who = anonymous ? 'anonymous' : `${people.length} ${people.length === 1 ? 'persona' : 'personas'}`;
    return { label: `${operation.operationName} (${who})`, hot, varied };
  });
}

/** `size` and the sizes just below it, for pages that vary in length as well as in their start. */
function pageSizes(size: number): number[] {
  return Array.from({ length: Math.max(1, Math.min(size, 10)) }, (_, index) => size - index);
}

export function benchMix(samples: BenchSamples): BenchOperation[] {
  const firstId = samples.innovationIds[0];
  if (!firstId) throw new Error('The benchmark needs approved innovations (demo data)');
  return [
    {
      label: '(a) 50 innovations+supplier+routes',
      hot: [request(approvedInnovations, {})],
      varied: combine(samples.innovationCursors, pageSizes(50)).map(([after, first]) => request(approvedInnovations, { after, first })),
    },
    {
      label: '(b) one innovation+supplier',
      hot: [request(oneInnovation, { id: firstId })],
      varied: combine(samples.innovationIds, [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]).map(([id, [summary, trl]]) => request(oneInnovation, { id, summary, trl })),
    },
    {
      label: '(c) 50 orgs+innovations+events',
      hot: [request(organisationsWithEverything, {})],
      varied: combine(samples.organisationCursors, pageSizes(50)).map(([after, first]) =>
        request(organisationsWithEverything, { after, first }),
      ),
    },
    ...operationFiles(samples),
  ];
}
