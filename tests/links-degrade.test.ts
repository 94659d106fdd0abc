import type { GraphQLDataSource } from '@apollo/gateway';
import { Kind, parse, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona, demoPersonas, type DemoPersona } from '../demo-data/personas';
import { SubgraphHttpDataSource, type GatewayContext } from '../gateway/data-sources';
import { loadExampleOperations } from '../gateway/explorer/operations';
import { readSupergraph } from '../gateway/gateway';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { fieldsAtPath, namedType, readOwnership } from './support/supergraph-ownership';

/**
 * Every cross-subgraph link degrades (issue 22 item 3). With one subgraph stopped, every example
 * operation and a query touching every root field still answer: `data` is never null, and the
 * only nulls that were not there with every subgraph up are fields the stopped subgraph resolves
 * (or, for a reference to an entity that subgraph owns, the reference), each with an error at its
 * path saying SERVICE_UNAVAILABLE. Ownership is read from the composed supergraph.
 */
jest.setTimeout(180_000);

const ownership = readOwnership(readSupergraph());
let graph: TestGraph;
/** The subgraph the gateway cannot reach right now; null while all are up. */
let stopped: SubgraphName | null = null;

beforeAll(async () => {
  graph = await startTestGraph({
    // Port 9 (discard) on loopback: nothing listens, so a stopped subgraph fails fast through the
    // gateway's real HTTP data source, exactly as a subgraph that is down in production.
    overrideDataSource: (name, inProcess): GraphQLDataSource<GatewayContext> => {
      const down = new SubgraphHttpDataSource(name, 'http://127.0.0.1:9/graphql', 2_000, 'unused-secret-of-at-least-32-characters');
      return { process: (options) => (stopped === name ? down : inProcess).process(options) };
    },
  });
});
afterAll(async () => {
  await graph?.stop();
});

const tokens = new Map<string, string>();
async function signedInAs(persona: DemoPersona | null): Promise<string | undefined> {
  if (!persona) return undefined;
  if (!tokens.has(persona.key)) tokens.set(persona.key, `Bearer ${await graph.tokenFor(persona.email)}`);
  return tokens.get(persona.key);
}

type Path = readonly (string | number)[];
const pathText = (path: Path | undefined) => (path ?? ['(no path)']).join('.');

/** Does `tail` (an error path below a null) hold only list indexes and then one field? */
const oneFieldBelow = (tail: Path) =>
  tail.length > 0 && tail.slice(0, -1).every((s) => typeof s === 'number') && typeof tail.at(-1) === 'string';

/**
 * What is wrong with an answer given while `subgraph` is stopped, compared with the answer with
 * every subgraph up (the same operation, caller and data). Empty when it degraded as it should.
 */
function degradationProblems(
  subgraph: SubgraphName,
  document: DocumentNode,
  healthy: GraphResult<Record<string, unknown>>,
  degraded: GraphResult<Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  if (degraded.data === null || degraded.data === undefined) return [`data is ${String(degraded.data)}`];
  const seen = new Set((healthy.errors ?? []).map((e) => `${pathText(e.path)} ${e.message}`));
  const outageErrors: GraphQLFormattedError[] = [];
  for (const error of degraded.errors ?? []) {
    if (seen.has(`${pathText(error.path)} ${error.message}`)) continue;
    if (error.extensions?.code !== 'SERVICE_UNAVAILABLE' || error.extensions?.serviceName !== subgraph) {
      problems.push(`unexpected error at ${pathText(error.path)}: ${error.extensions?.code} ${error.message}`);
      continue;
    }
    if (!error.message.includes(`${subgraph} service is unavailable`)) problems.push(`message does not name ${subgraph}: ${error.message}`);
    if (!error.path) {
      problems.push(`SERVICE_UNAVAILABLE without a path: ${error.message}`);
      continue;
    }
    const fields = fieldsAtPath(ownership, document, error.path);
    if (!fields.some(({ type, field }) => ownership.resolvers(type, field).includes(subgraph))) {
      problems.push(
        `error at ${pathText(error.path)} (${fields.map((f) => `${f.type}.${f.field}`).join(', ')}), which ${subgraph} does not resolve`,
      );
    }
    outageErrors.push(error);
  }

  /** A null the stopped subgraph explains: its own field, or a reference to an entity it owns whose fields it could not give. */
  const explained = (path: Path) =>
    outageErrors.some((error) => {
      const errorPath = error.path!;
      if (errorPath.length < path.length || path.some((segment, i) => errorPath[i] !== segment)) return false;
      if (errorPath.length === path.length) return true;
      if (!oneFieldBelow(errorPath.slice(path.length))) return false;
      return fieldsAtPath(ownership, document, path).some(({ type, field }) => {
        const fieldType = ownership.types.get(type)?.fields.get(field);
        return (
          fieldType !== undefined &&
          ownership.owner(namedType(fieldType)) === subgraph &&
          !ownership.resolvers(type, field).includes(subgraph)
        );
      });
    });

  const compare = (before: unknown, after: unknown, path: Path) => {
    if (before === null || before === undefined) return;
    if (after === null) {
      if (!explained(path)) problems.push(`${pathText(path)} became null, which no ${subgraph} field explains`);
      return;
    }
    if (Array.isArray(before)) {
      if (!Array.isArray(after) || after.length !== before.length) problems.push(`${pathText(path)} changed shape`);
      else before.forEach((item, i) => compare(item, after[i], [...path, i]));
    } else if (typeof before === 'object') {
      for (const [key, value] of Object.entries(before)) compare(value, (after as Record<string, unknown>)[key], [...path, key]);
    } else if (before !== after) {
      problems.push(`${pathText(path)} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
    }
  };
  compare(healthy.data, degraded.data, []);
  return problems;
}

/** Runs an operation with every subgraph up, then with each one stopped in turn. */
async function runWithEachStopped(
  label: string,
  text: string,
  variables: Record<string, unknown>,
  persona: DemoPersona | null,
  outages: Map<SubgraphName, number>,
): Promise<string[]> {
  const document = parse(text);
  const authorization = await signedInAs(persona);
  const healthy = await graph.execute(text, variables, authorization);
  const problems: string[] = [];
  if (!healthy.data) return [`${label}: no data with every subgraph up: ${JSON.stringify(healthy.errors)}`];
  for (const subgraph of subgraphNames) {
    stopped = subgraph;
    try {
      const degraded = await graph.execute(text, variables, authorization);
      const errors = (degraded.errors ?? []).filter((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE').length;
      outages.set(subgraph, (outages.get(subgraph) ?? 0) + errors);
      problems.push(...degradationProblems(subgraph, document, healthy, degraded).map((p) => `${label}, ${subgraph} stopped: ${p}`));
    } finally {
      stopped = null;
    }
  }
  return problems;
}

/** A persona of the role an example is offered to (anonymous for EVERYONE), as the explorer test picks them. */
const personaFor = (role: string): DemoPersona | null =>
  role === 'EVERYONE' || role === 'ANONYMOUS'
    ? null
    : (demoPersonas.find((p) => p.signsInAs === role) ??
      demoPersonas.find((p) => [...p.organisationRoles, ...p.platformRoles].includes(role as never))!);

/**
 * Every root field of the graph, each following the links that leave its subgraph (the
 * references other subgraphs resolve and the fields they contribute), a few levels deep.
 */
const everyRoot = /* GraphQL */ `
  query EveryRoot($innovation: ID!, $organisation: ID!, $person: ID!, $event: ID!, $route: ID!, $project: ID!, $supportRequest: ID!) {
    faqs(first: 2) {
      totalCount
      edges {
        node {
          question
          topic
        }
      }
    }
    supportRequests(first: 2) {
      edges {
        node {
          subject
          requester {
            name
          }
          organisation {
            name
            upcomingEvents {
              title
            }
          }
          messages {
            author {
              name
            }
          }
          statusChanges {
            changedBy {
              name
            }
          }
        }
      }
    }
    supportRequest(id: $supportRequest) {
      subject
      requester {
        name
        organisation {
          name
        }
      }
      organisation {
        name
      }
    }
    event(id: $event) {
      title
      hosts {
        name
        hostedEvents(first: 2) {
          totalCount
        }
      }
      speakers {
        name
      }
      relatedInnovations {
        title
        supplier {
          name
        }
        availableVia {
          reference
        }
      }
      relatedRoutes {
        reference
        owner {
          name
        }
        briefings {
          registeredCount
        }
      }
      registrations {
        status
        person {
          name
        }
      }
    }
    events(first: 3) {
      totalCount
      edges {
        node {
          title
          hosts {
            name
          }
          relatedInnovations {
            title
          }
          relatedRoutes {
            reference
          }
        }
      }
    }
    eventInsights {
      attendance(groupBy: [KIND]) {
        total {
          eventCount
        }
      }
    }
    supportRequestsOpenLongest(first: 2) {
      subject
      requester {
        name
      }
    }
    innovation(id: $innovation) {
      title
      supplier {
        name
        upcomingEvents {
          title
        }
        contracts {
          value
        }
      }
      events {
        title
        hosts {
          name
        }
      }
      availableVia {
        reference
        lots {
          admittedSuppliers {
            name
          }
        }
        briefings {
          registeredCount
        }
      }
      endorsements {
        organisation {
          name
        }
      }
      evidence {
        confirmed {
          authority {
            name
          }
        }
        unconfirmed {
          authority {
            name
          }
        }
      }
      assessments {
        assessor {
          name
        }
      }
    }
    innovations(first: 3) {
      totalCount
      edges {
        node {
          title
          events {
            title
          }
          availableVia {
            reference
          }
          supplier {
            name
            innovations(first: 1) {
              totalCount
            }
          }
        }
      }
    }
    innovationInsights {
      provenInnovations(groupBy: [CATEGORY]) {
        total
      }
    }
    viewerInnovations {
      innovationCountsByStatus {
        status
        count
      }
      endorsementsReceived {
        organisation {
          name
        }
      }
      evidenceAwaitingConfirmation {
        supplier {
          name
        }
      }
    }
    vettingQueue(first: 2) {
      waitingDays
      innovation {
        title
        events {
          title
        }
        availableVia {
          reference
        }
      }
      assessors {
        name
      }
    }
    organisation(id: $organisation) {
      name
      hostedEvents(first: 2) {
        totalCount
        edges {
          node {
            title
          }
        }
      }
      upcomingEvents {
        title
      }
      endorsements {
        innovation {
          title
        }
      }
      innovations(first: 2) {
        totalCount
      }
      contracts {
        value
        buyer {
          name
        }
        supplier {
          name
        }
      }
      people {
        name
      }
    }
    organisations(first: 3) {
      totalCount
      edges {
        node {
          name
          innovations(first: 1) {
            totalCount
          }
          contracts {
            value
          }
          upcomingEvents {
            title
          }
          endorsements {
            statement
          }
        }
      }
    }
    person(id: $person) {
      name
      organisation {
        name
        upcomingEvents {
          title
        }
      }
    }
    viewer {
      person {
        name
        unreadNotificationCount
      }
      organisation {
        name
        upcomingEvents {
          title
        }
        hostedEvents(first: 1) {
          totalCount
        }
        innovations(first: 1) {
          totalCount
        }
        contracts {
          value
        }
      }
    }
    membershipInsights {
      members(groupBy: [NATION]) {
        total
      }
    }
    membershipApplicationsWaiting(first: 2) {
      tier
      organisation {
        name
        upcomingEvents {
          title
        }
      }
    }
    notificationDeliveryFailures(first: 2) {
      totalCount
      edges {
        node {
          subject
          recipient {
            name
          }
        }
      }
    }
    procurementRoute(id: $route) {
      reference
      owner {
        name
      }
      briefings {
        registeredCount
        event {
          title
        }
      }
      lots {
        title
        route {
          reference
        }
        admittedSuppliers {
          name
        }
      }
    }
    procurementRoutes(first: 3) {
      totalCount
      edges {
        node {
          reference
          owner {
            name
          }
          briefings {
            registeredCount
          }
          lots {
            admittedSuppliers {
              name
            }
          }
        }
      }
    }
    admissions(first: 3) {
      totalCount
      edges {
        node {
          status
          supplier {
            name
          }
          lot {
            title
            route {
              reference
              briefings {
                registeredCount
              }
            }
          }
        }
      }
    }
    procurementProject(id: $project) {
      title
      buyer {
        name
      }
      route {
        reference
        briefings {
          registeredCount
        }
      }
      lot {
        admittedSuppliers {
          name
        }
      }
      shortlist {
        innovation {
          title
          events {
            title
          }
        }
        supplier {
          name
        }
      }
      invitedSuppliers {
        name
      }
      responses {
        supplier {
          name
        }
      }
      award {
        supplier {
          name
        }
      }
      contract {
        value
        buyer {
          name
        }
        supplier {
          name
        }
      }
    }
    procurementProjects(first: 3) {
      totalCount
      edges {
        node {
          title
          buyer {
            name
          }
          shortlist {
            innovation {
              title
            }
            supplier {
              name
            }
          }
          contract {
            buyer {
              name
            }
            supplier {
              name
            }
          }
        }
      }
    }
    procurementInsights {
      pipeline(groupBy: [ROUTE]) {
        total {
          projectCount
        }
      }
    }
    viewerProcurement {
      liveProjects {
        title
        buyer {
          name
        }
      }
      lotAdmissions {
        supplier {
          name
        }
      }
      innovationNews {
        category
        recentlyApproved {
          title
        }
      }
      routesOpeningOrExpiringSoon {
        route {
          reference
          briefings {
            registeredCount
          }
        }
      }
    }
    admissionsAwaitingDecision(first: 2) {
      status
      supplier {
        name
      }
    }
  }
`;

/** Real ids for the single-item roots: a contracted project (award and contract) and what hangs off it. */
async function everyRootVariables(): Promise<Record<string, unknown>> {
  const admin = await signedInAs(demoPersona('platform-admin'));
  const { data } = await graph.execute<any>(
    `{
      procurementProjects(first: 50) { edges { node { id status shortlist { innovation { id } } } } }
      events(first: 1) { edges { node { id } } }
      procurementRoutes(first: 1) { edges { node { id } } }
      supportRequests(first: 1) { edges { node { id } } }
    }`,
    {},
    admin,
  );
  const projects = data.procurementProjects.edges.map((e: any) => e.node);
  const project = projects.find((p: any) => p.status === 'CONTRACTED' && p.shortlist.length > 0) ?? projects[0];
  return {
    project: project.id,
    innovation: project.shortlist[0].innovation.id,
    event: data.events.edges[0].node.id,
    route: data.procurementRoutes.edges[0].node.id,
    supportRequest: data.supportRequests.edges[0].node.id,
    organisation: demoOrganisation('kent').id,
    person: demoPersona('kent-buyer').id,
  };
}

describe('with one subgraph stopped', () => {
  it('the every-root query asks for every root field of the API', () => {
    const operation = parse(everyRoot).definitions[0] as OperationDefinitionNode;
    const asked = operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : ''));
    expect([...asked].sort()).toEqual([...ownership.types.get('Query')!.fields.keys()].filter((f) => !f.startsWith('_')).sort());
  });

  it('every example operation still answers, with only the stopped subgraph’s fields null, each with SERVICE_UNAVAILABLE', async () => {
    const outages = new Map<SubgraphName, number>();
    const problems: string[] = [];
    for (const example of loadExampleOperations()) {
      for (const role of example.roles) {
        const persona = personaFor(role);
        const label = `${example.name} as ${persona?.key ?? 'anonymous'}`;
        problems.push(...(await runWithEachStopped(label, example.document, JSON.parse(example.variables), persona, outages)));
      }
    }
    expect(problems).toEqual([]);
    // Each outage was actually seen by some example (the examples reach every subgraph).
    expect(subgraphNames.filter((s) => !outages.get(s))).toEqual([]);
  });

  it.each(['platform-admin', 'kent-buyer', 'resurface-admin', 'anonymous'])(
    'a query touching every root field still answers for %s, with only the stopped subgraph’s fields null',
    async (personaKey) => {
      const outages = new Map<SubgraphName, number>();
      const persona = personaKey === 'anonymous' ? null : demoPersona(personaKey);
      const problems = await runWithEachStopped(`EveryRoot as ${personaKey}`, everyRoot, await everyRootVariables(), persona, outages);
      expect(problems).toEqual([]);
      // Every subgraph is reached, anonymous callers' too: notifications refuses them its staff's
      // delivery failures (UNAUTHENTICATED), and that field is null with SERVICE_UNAVAILABLE when it is down.
      expect(subgraphNames.filter((s) => !outages.get(s))).toEqual([]);
    },
  );
});

/**
 * The same rule read statically from the supergraph, for every field (also ones no operation here
 * asks for, and mutation payloads): a subgraph outage can only null a nullable field at or next to
 * the fields that subgraph resolves.
 */
describe('the composed schema', () => {
  const isNullable = (type: TypeNode) => type.kind !== Kind.NON_NULL_TYPE;
  const objectTypes = [...ownership.types.entries()].filter(([name]) => !name.startsWith('join__') && !name.startsWith('link__'));

  it('makes every root query field nullable, so a subgraph that is down nulls only its own roots', () => {
    const nonNull = [...ownership.types.get('Query')!.fields.entries()].filter(
      ([name, type]) => !name.startsWith('_') && !isNullable(type),
    );
    expect(nonNull.map(([name]) => `Query.${name}`)).toEqual([]);
  });

  it('makes every field a subgraph adds to another subgraph’s entity nullable', () => {
    const contributed = objectTypes.flatMap(([typeName, type]) =>
      !type.entity || type.subgraphs.length < 2
        ? []
        : [...type.fields.entries()]
            .filter(([field, fieldType]) => {
              const by = ownership.resolvers(typeName, field);
              return !isNullable(fieldType) && !by.includes(ownership.owner(typeName)!);
            })
            .map(([field]) => `${typeName}.${field} (${ownership.resolvers(typeName, field).join(', ')})`),
    );
    expect(contributed).toEqual([]);
  });

  it('makes every reference to an entity nullable where another subgraph must complete it', () => {
    const references = objectTypes.flatMap(([typeName, type]) =>
      typeName === 'Mutation'
        ? []
        : [...type.fields.entries()].flatMap(([field, fieldType]) => {
            const target = ownership.types.get(namedType(fieldType));
            if (!target?.entity || isNullable(fieldType)) return [];
            const by = ownership.resolvers(typeName, field);
            const elsewhere = [...target.fields.entries()].filter(
              ([targetField, targetType]) =>
                !isNullable(targetType) && !ownership.resolvers(namedType(fieldType), targetField).some((g) => by.includes(g)),
            );
            return elsewhere.length === 0
              ? []
              : [`${typeName}.${field}: ${namedType(fieldType)}.${elsewhere.map(([f]) => f).join('/')} come from elsewhere`];
          }),
    );
    expect(references).toEqual([]);
  });
});
