import { demoVetting, demoPendingRevisionKey } from '../demo-data/innovation-vetting';
import { demoInnovation, demoInnovations } from '../demo-data/innovations';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { createSubgraphServer } from '../platform/subgraph-server';
import { AuditEvent, Innovation } from '../subgraphs/innovations/entities';
import { innovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf, refusalOf } from './support/graphql-results';
import { personaViewer } from './support/viewers';

/**
 * The innovations authorization matrix, through the gateway: every role × the vetting record
 * (assessments, pending revision, audit trail), the catalogue's counts and facets, and every new
 * mutation, by root field, nested field (`Organisation.innovations`), aliases and `_entities`.
 * Deny cells for mutations also check that nothing changed.
 */
let graph: TestGraph;
const roles = ['anonymous', 'supplierA', 'supplierB', 'buyerX', 'buyerY', 'assessor', 'analyst', 'admin'] as const;
type Role = (typeof roles)[number];
const personaOf: Record<Exclude<Role, 'anonymous'>, string> = {
  supplierA: 'resurface-contributor',
  supplierB: 'potholepro-contributor',
  buyerX: 'kent-buyer',
  buyerY: 'cardiff-buyer',
  assessor: 'assessor',
  analyst: 'analyst',
  admin: 'platform-admin',
};
const tokens: Partial<Record<Role, string>> = {};
const supplierA = demoOrganisation('resurface-tech');
const supplierB = demoOrganisation('pothole-pro');
/** A's approved innovation with a revision under review (demo data). */
const pending = demoInnovation(demoPendingRevisionKey);
/** B's draft, with a word nobody else uses, so search, counts and facets can be checked exactly. */
const secretWord = 'zyxquuxian';
let draftB = '';

beforeAll(async () => {
  graph = await startTestGraph();
  const saved = await graph.databases.innovations.dataSource.getRepository(Innovation).save({
    supplierId: supplierB.id,
    title: `Unreleased ${secretWord} patcher`,
    summary: 'Not for the public catalogue.',
    description: 'A supplier’s draft.',
    category: 'WINTER_SERVICE',
    tags: [],
    trl: 2,
    status: 'DRAFT',
    pricingModel: null,
  });
  draftB = saved.id;
  for (const role of roles) if (role !== 'anonymous') tokens[role] = `Bearer ${await graph.tokenFor(demoPersona(personaOf[role]).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

const as = (role: Role, query: string, variables?: Record<string, unknown>): Promise<GraphResult<any>> =>
  graph.execute(query, variables, tokens[role]);
const matrix = (allowed: Role[]) => roles.map((role) => [role, allowed.includes(role) ? 'allow' : 'deny'] as const);

describe('the vetting record of an approved innovation (visible to all), by field', () => {
  const vettingStaffAndSupplier: Role[] = ['supplierA', 'assessor', 'admin'];

  it.each(matrix(vettingStaffAndSupplier))('assessments and pendingRevision, root and aliased, as %s: %s', async (role, expected) => {
    const result = await as(
      role,
      `query ($id: ID!) { first: innovation(id: $id) { assessments { round } pendingRevision { status title } }
                          second: innovation(id: $id) { pendingRevision { status } } }`,
      { id: pending.id },
    );
    if (expected === 'allow') {
      expect(result.errors).toBeUndefined();
      expect(result.data.first.pendingRevision).toMatchObject({ status: 'UNDER_REVIEW' });
      expect(result.data.second.pendingRevision).toEqual({ status: 'UNDER_REVIEW' });
      expect(Array.isArray(result.data.first.assessments)).toBe(true);
    } else {
      expect(result.data).toEqual({ first: { assessments: null, pendingRevision: null }, second: { pendingRevision: null } });
      expect(codesOf(result)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    }
  });

  it.each(matrix(['supplierA', 'assessor', 'analyst', 'admin']))(
    'auditTrail nested under Organisation.innovations as %s: %s',
    async (role, expected) => {
      const result = await as(
        role,
        `query ($org: ID!) { organisation(id: $org) { innovations(first: 100, filter: { statuses: [APPROVED] }) { edges { node { id auditTrail { action } } } } } }`,
        { org: supplierA.id },
      );
      const nodes = result.data.organisation.innovations.edges.map((e: any) => e.node);
      expect(nodes.length).toBeGreaterThan(0);
      if (expected === 'allow') {
        expect(result.errors).toBeUndefined();
        for (const node of nodes) expect(node.auditTrail.map((e: any) => e.action)).toContain('DECIDED');
      } else {
        for (const node of nodes) expect(node.auditTrail).toBeNull();
        expect(new Set(codesOf(result))).toEqual(new Set(['FORBIDDEN']));
      }
    },
  );

  it('one supplier never sees another’s assessments, even of its approved innovations', async () => {
    const assessedApproved = demoInnovations.find(
      (i) => i.supplierId === supplierB.id && i.status === 'APPROVED' && demoVetting.assessments.some((a) => a.innovationId === i.id),
    )!;
    const asA = await as('supplierA', `query ($id: ID!) { innovation(id: $id) { title assessments { round } } }`, {
      id: assessedApproved.id,
    });
    expect(asA.data.innovation).toEqual({ title: assessedApproved.title, assessments: null });
    expect(codesOf(asA)).toEqual(['FORBIDDEN']);
    const asB = await as('supplierB', `query ($id: ID!) { innovation(id: $id) { assessments { round } } }`, { id: assessedApproved.id });
    expect(asB.data.innovation.assessments).toHaveLength(2);
  });
});

describe('search, totalCount and facets count only what the viewer may see', () => {
  const query = `query ($search: String) { innovations(search: $search) {
    totalCount edges { node { id } } facets { categories { value count } trls { value count } } } }`;

  it.each(matrix(['supplierB', 'assessor', 'admin']))('a draft found by search as %s: %s', async (role, expected) => {
    const result = await as(role, query, { search: secretWord });
    expect(result.errors).toBeUndefined();
    const connection = result.data.innovations;
    if (expected === 'allow') {
      expect(connection).toEqual({
        totalCount: 1,
        edges: [{ node: { id: draftB } }],
        facets: { categories: [{ value: 'WINTER_SERVICE', count: 1 }], trls: [{ value: 2, count: 1 }] },
      });
    } else {
      expect(connection).toEqual({ totalCount: 0, edges: [], facets: { categories: [], trls: [] } });
    }
  });

  it('facets without a search add up to the catalogue the viewer sees (APPROVED only for the public)', async () => {
    const all = `{ innovations { totalCount facets { categories { count } } } }`;
    const approved = demoInnovations.filter((i) => i.status === 'APPROVED').length;
    for (const role of ['anonymous', 'buyerX', 'analyst'] as const) {
      const { innovations } = (await as(role, all)).data;
      expect(innovations.totalCount).toBe(approved);
      expect(innovations.facets.categories.reduce((sum: number, f: any) => sum + f.count, 0)).toBe(approved);
    }
    const { innovations } = (await as('admin', all)).data;
    expect(innovations.totalCount).toBe(demoInnovations.length + 1);
  });

  it('a status filter never widens what the public sees', async () => {
    const result = await as(
      'anonymous',
      `{ innovations(filter: { statuses: [DRAFT, UNDER_REVIEW] }) { totalCount facets { trls { count } } } }`,
    );
    expect(result.data.innovations).toEqual({ totalCount: 0, facets: { trls: [] } });
  });
});

describe('_entities for Innovation applies the same rules', () => {
  const server = createSubgraphServer(innovationsSubgraph, { development: false, exposeStatementCount: false });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it.each(matrix(['supplierB', 'assessor', 'admin']))('a draft and its record by _entities as %s: %s', async (role, expected) => {
    {
      const viewer = role === 'anonymous' ? null : personaViewer(personaOf[role]);
      const response = await server.executeOperation(
        {
          query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Innovation { id auditTrail { action } } } }`,
          variables: { r: [{ __typename: 'Innovation', id: draftB }] },
        },
        { contextValue: innovationsSubgraph.createContext({ dataSource: graph.databases.innovations.dataSource, viewer }) },
      );
      if (response.body.kind !== 'single') throw new Error('single result expected');
      const entity = (response.body.singleResult.data as any)._entities[0];
      if (expected === 'allow') expect(entity).toEqual({ id: draftB, auditTrail: [] });
      else expect(entity).toBeNull();
    }
  });
});

describe('mutations: the deny cells change nothing', () => {
  const approvedOfA = demoInnovations.find(
    (i) => i.supplierId === supplierA.id && i.status === 'APPROVED' && i.key !== demoPendingRevisionKey,
  )!;
  const auditCount = () => graph.databases.innovations.dataSource.getRepository(AuditEvent).count();
  const cells: [mutation: string, variables: Record<string, unknown>, allowed: Role[]][] = [
    [
      `mutation ($id: ID!) { withdrawInnovation(id: $id) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: approvedOfA.id },
      ['supplierA'],
    ],
    [
      `mutation ($id: ID!) { archiveInnovation(id: $id) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: approvedOfA.id },
      ['admin'],
    ],
    [
      `mutation ($id: ID!, $a: ID!) { assignAssessor(innovationId: $id, assessorId: $a) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: pending.id, a: demoPersona('third-assessor').id },
      ['admin'],
    ],
    [
      `mutation ($id: ID!) { declareConflict(input: { innovationId: $id, conflicted: false, statement: "None." }) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: pending.id },
      [],
    ],
    [
      `mutation ($id: ID!) { decideInnovation(input: { innovationId: $id, outcome: REJECTED, reasons: "No." }) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: pending.id },
      [],
    ],
    [
      `mutation ($id: ID!) { endorseInnovation(innovationId: $id, statement: "Good.") { endorsement { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: approvedOfA.id },
      ['buyerX', 'buyerY'],
    ],
  ];

  // The workflow test exercises each allowed path; here, every denied role.
  const denials = cells.flatMap(([mutation, variables, allowed]) =>
    roles.filter((role) => !allowed.includes(role)).map((role) => [mutation.slice(11, 40), role, mutation, variables] as const),
  );
  it.each(denials)('%s as %s: deny', async (_name, role, mutation, variables) => {
    const before = await auditCount();
    const result = await as(role, mutation, variables);
    if (role === 'anonymous') {
      // Not signed in is an error, so the (non-null) payload and with it `data` are null.
      expect(result.data).toBeNull();
    } else {
      // A refusal: the payload holds only the refusal, the field for what would have changed is null.
      const [payload] = Object.values(result.data) as Record<string, unknown>[];
      const { refusal, ...changed } = payload!;
      expect(refusal).not.toBeNull();
      expect(Object.values(changed)).toEqual([null]);
    }
    expect(codesOf(result)[0]).toEqual(
      role === 'anonymous' ? 'UNAUTHENTICATED' : expect.stringMatching(/^(FORBIDDEN|NOT_FOUND|CONFLICT)$/),
    );
    expect(await auditCount()).toBe(before);
  });

  it('the assessor not assigned to a review round may neither declare nor decide (FORBIDDEN), and nothing changes', async () => {
    const before = await auditCount();
    const unassigned = `Bearer ${await graph.tokenFor(demoPersona('third-assessor').email)}`;
    for (const mutation of [
      `mutation ($id: ID!) { decideInnovation(input: { innovationId: $id, outcome: APPROVED, reasons: "Yes." }) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      `mutation ($id: ID!) { declareConflict(input: { innovationId: $id, conflicted: false, statement: "None." }) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ]) {
      expect(codesOf(await graph.execute(mutation, { id: pending.id }, unassigned))).toEqual(['FORBIDDEN']);
    }
    // The assigned assessor is refused too, for want of assessments in the revision's round: CONFLICT.
    const early = await as(
      'assessor',
      `mutation ($id: ID!) { decideInnovation(input: { innovationId: $id, outcome: APPROVED, reasons: "Yes." }) { innovation { status }
      refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on AssessmentsIncomplete { currentStatus assessmentsCompleted assessmentsRequired } } } }`,
      { id: pending.id },
    );
    expect(refusalOf(early)).toMatchObject({ code: 'CONFLICT', assessmentsCompleted: 0, currentStatus: 'UNDER_REVIEW' });
    expect(await auditCount()).toBe(before);
  });
});
