import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode } from '@apollo/query-planner';
import { parse, print } from 'graphql';
import type { DataSource } from 'typeorm';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import {
  BuyerDashboardDocument,
  StaffDashboardDocument,
  SupplierDashboardDocument,
  type BuyerDashboardQuery,
  type StaffDashboardQuery,
  type SupplierDashboardQuery,
} from '../operations/generated/graphql';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';

/**
 * The three member and staff dashboards, run exactly as shipped: the operation files in
 * `operations/`, read from disk (and checked to be the documents codegen typed), through the gateway
 * with the demo personas. Each answers in one request, for its persona only, in a fixed number of
 * subgraph fetches and SQL statements whatever the data size.
 */
const operationsDirectory = join(__dirname, '..', 'operations');
const operation = (file: string) => readFileSync(join(operationsDirectory, file), 'utf8');
const buyerDashboard = operation('buyer-dashboard.graphql');
const supplierDashboard = operation('supplier-dashboard.graphql');
const staffDashboard = operation('staff-dashboard.graphql');

let graph: TestGraph;
const as = async (key: string | null) => (key ? `Bearer ${await graph.tokenFor(demoPersona(key).email)}` : undefined);
const run = async <T>(document: string, persona: string | null): Promise<GraphResult<T>> =>
  graph.execute<T>(document, {}, await as(persona));

const resurface = demoOrganisation('resurface-tech').id;

beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

const sortedBy = <T>(items: T[], key: (item: T) => string) => items.every((item, i) => i === 0 || key(items[i - 1]!) <= key(item));

describe('the shipped dashboard operations', () => {
  it('are the documents codegen typed, named as the issue asks, needing no variables', () => {
    for (const [text, typed, name] of [
      [buyerDashboard, BuyerDashboardDocument, 'BuyerDashboard'],
      [supplierDashboard, SupplierDashboardDocument, 'SupplierDashboard'],
      [staffDashboard, StaffDashboardDocument, 'StaffDashboard'],
    ] as const) {
      expect(print(parse(text))).toBe(print(typed));
      const [definition] = parse(text).definitions;
      expect(definition).toMatchObject({ kind: 'OperationDefinition', name: { value: name }, variableDefinitions: [] });
      expect(text).toMatch(/^# title: .+\n# roles: .+\n/);
    }
  });
});

describe('BuyerDashboard', () => {
  it("answers a council buyer's questions in one request", async () => {
    const { data, errors } = await run<BuyerDashboardQuery>(buyerDashboard, 'kent-buyer');
    expect(errors).toBeUndefined();
    expect(data!.viewer!.organisation.name).toBe('Kent County Council');
    // The procurement clock stands on Monday 30 November 2026.
    const projects = data!.viewerProcurement!.liveProjects;
    expect(projects.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Countywide permanent pothole repairs 2027', 'Pothole repair pilot on the A28']),
    );
    const competition = projects.find((p) => p.title === 'Countywide permanent pothole repairs 2027')!;
    // Responses are due on Friday 4 December at noon: Tuesday to Friday is four working days.
    expect(competition.nextDeadline).toEqual({ kind: 'RESPONSE_DEADLINE', at: '2026-12-04T12:00:00.000Z', workingDaysLeft: 4 });
    expect(competition.shortlist.length).toBeGreaterThan(0);
    const pilot = projects.find((p) => p.title === 'Pothole repair pilot on the A28')!;
    // Awarded Thursday 26 November; 8 working days under the Procurement Act skip St Andrew's Day
    // (Monday 30th, a bank holiday in Scotland), so the standstill ends Wednesday 9 December: 7 to go.
    expect(pilot.nextDeadline).toMatchObject({ kind: 'STANDSTILL_END', workingDaysLeft: 7 });
    expect(projects.every((p) => ['DRAFT', 'PUBLISHED', 'CLARIFICATION', 'EVALUATION', 'AWARDED'].includes(p.status))).toBe(true);

    // Routes Kent (an English county) may use that open or expire within 60 days. The seed moves demo
    // route dates (written for 28 November) by the days to its own today, 30 November: RM6305 opens
    // on 13 January 2027, 44 days away.
    const routes = data!.viewerProcurement!.routesOpeningOrExpiringSoon;
    expect(routes).toContainEqual(
      expect.objectContaining({ kind: 'OPENS', on: '2027-01-13', daysAway: 44, route: expect.objectContaining({ reference: 'RM6305' }) }),
    );
    expect(routes.every((r) => r.daysAway >= 0 && r.daysAway <= 60)).toBe(true);
    // Scotland-only IPS-SBRI-01 expires within the window too, but Kent may not use it.
    expect(routes.map((r) => r.route.reference)).not.toContain('IPS-SBRI-01');

    // News in every category it shortlisted from: the aggregates reconcile with its projects.
    const news = data!.viewerProcurement!.innovationNews;
    const shortlistedCategories = new Set(projects.flatMap((p) => p.shortlist.map((s) => s.innovation!.category)));
    for (const category of shortlistedCategories) expect(news.map((n) => n.category)).toContain(category);
    expect(news.every((n) => n.recentlyApproved!.length > 0 && n.recentlyApproved!.length <= 3)).toBe(true);

    const evidence = data!.viewerInnovations!.evidenceAwaitingConfirmation;
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.every((e) => e.innovationTitle && e.supplier!.name && e.evidence.title)).toBe(true);

    expect(data!.viewer!.organisation.upcomingEvents!.length).toBeGreaterThan(0);
  });

  it('the news lists only approved innovations of the category, latest first approved first', async () => {
    const { data } = await run<BuyerDashboardQuery>(buyerDashboard, 'kent-buyer');
    const titles = data!.viewerProcurement!.innovationNews.flatMap((n) => n.recentlyApproved!.map((i) => i.title));
    const catalogue = await graph.execute<{ innovations: { edges: { node: { title: string; category: string; status: string } }[] } }>(
      `{ innovations(first: 100, filter: { statuses: [APPROVED] }) { edges { node { title category status } } } }`,
    );
    const approved = new Map(catalogue.data!.innovations.edges.map(({ node }) => [node.title, node.category]));
    for (const news of data!.viewerProcurement!.innovationNews) {
      for (const innovation of news.recentlyApproved!) expect(approved.get(innovation.title)).toBe(news.category);
    }
    expect(titles.length).toBeGreaterThan(0);
  });

  it("shows nobody another organisation's projects, evidence or categories", async () => {
    const kentTitles = (await run<BuyerDashboardQuery>(buyerDashboard, 'kent-buyer')).data!.viewerProcurement!.liveProjects.map(
      (p) => p.title,
    );

    const cardiff = await run<BuyerDashboardQuery>(buyerDashboard, 'cardiff-buyer');
    expect(cardiff.errors).toBeUndefined();
    expect(cardiff.data!.viewer!.organisation.name).toBe('Cardiff Council');
    for (const project of cardiff.data!.viewerProcurement!.liveProjects) expect(kentTitles).not.toContain(project.title);

    // A supplier asking the buyer's dashboard gets its own (empty) buying record, not Kent's.
    const supplier = await run<BuyerDashboardQuery>(buyerDashboard, 'resurface-contributor');
    expect(supplier.errors).toBeUndefined();
    expect(supplier.data!.viewerProcurement).toEqual({ liveProjects: [], routesOpeningOrExpiringSoon: [], innovationNews: [] });
    expect(supplier.data!.viewerInnovations!.evidenceAwaitingConfirmation).toEqual([]);

    // A council VIEWER is not on the buyer's team and may not confirm evidence.
    const viewer = await run<BuyerDashboardQuery>(buyerDashboard, 'leeds-viewer');
    expect(viewer.data!.viewerProcurement!.liveProjects).toEqual([]);
    expect(viewer.data!.viewerProcurement!.innovationNews).toEqual([]);
    expect(viewer.data!.viewerInnovations!.evidenceAwaitingConfirmation).toEqual([]);

    const anonymous = await run<BuyerDashboardQuery>(buyerDashboard, null);
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data).toEqual({ viewer: null, viewerProcurement: null, viewerInnovations: null });
  });
});

describe('SupplierDashboard', () => {
  it("answers a supplier's questions in one request, and its aggregates reconcile", async () => {
    const { data, errors } = await run<SupplierDashboardQuery>(supplierDashboard, 'resurface-contributor');
    expect(errors).toBeUndefined();
    const organisation = data!.viewer!.organisation;
    expect(organisation.name).toBe('ReSurface Technologies Ltd');
    const innovations = organisation.innovations!.edges.map((e) => e.node);

    const counts = data!.viewerInnovations!.innovationCountsByStatus;
    expect(counts.reduce((sum, c) => sum + c.count, 0)).toBe(organisation.innovations!.totalCount);
    for (const { status, count } of counts) expect(innovations.filter((i) => i.status === status)).toHaveLength(count);

    const rejected = innovations.find((i) => i.status === 'REJECTED')!;
    expect(rejected.latestDecision).toMatchObject({ outcome: 'REJECTED', reasons: expect.stringMatching(/\w/) });
    expect(innovations.some((i) => i.pendingRevision !== null)).toBe(true);

    const procurement = data!.viewerProcurement!;
    expect(procurement.lotAdmissions.length).toBeGreaterThan(0);
    expect(new Set(procurement.lotAdmissions.map((a) => a.status)).size).toBeGreaterThan(1);
    expect(procurement.openOpportunities.length).toBeGreaterThan(0);
    for (const opportunity of procurement.openOpportunities) {
      expect(opportunity.responseDeadline! > '2026-11-30').toBe(true);
      expect(opportunity.nextDeadline).not.toBeNull();
    }
    expect(procurement.questionsAsked.some((q) => q.answer !== null && q.project.title)).toBe(true);

    const titles = new Set(innovations.map((i) => i.title));
    expect(data!.viewerInnovations!.endorsementsReceived.length).toBeGreaterThan(0);
    for (const endorsement of data!.viewerInnovations!.endorsementsReceived) expect(titles).toContain(endorsement.innovation.title);
    expect(organisation.upcomingEvents!.length).toBeGreaterThan(0);
  });

  it("shows nobody another supplier's admissions, questions or vetting decisions", async () => {
    const buyer = await run<SupplierDashboardQuery>(supplierDashboard, 'kent-buyer');
    expect(buyer.errors).toBeUndefined();
    expect(buyer.data!.viewerProcurement).toEqual({ lotAdmissions: [], openOpportunities: [], questionsAsked: [] });
    expect(buyer.data!.viewerInnovations).toEqual({ innovationCountsByStatus: [], endorsementsReceived: [] });

    const other = await run<SupplierDashboardQuery>(supplierDashboard, 'potholepro-contributor');
    expect(other.errors).toBeUndefined();
    const own = (await run<SupplierDashboardQuery>(supplierDashboard, 'resurface-contributor')).data!;
    const ownQuestions = own.viewerProcurement!.questionsAsked.map((q) => q.question);
    for (const question of other.data!.viewerProcurement!.questionsAsked) expect(ownQuestions).not.toContain(question.question);

    // Another supplier's vetting decisions stay theirs, on every path.
    const { errors } = await graph.execute(
      `query ($id: ID!) { organisation(id: $id) { innovations(first: 5) { edges { node { latestDecision { reasons } } } } } }`,
      { id: resurface },
      await as('potholepro-contributor'),
    );
    expect(errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });
});

describe('StaffDashboard', () => {
  it("answers the IPS team's queues in one request", async () => {
    const { data, errors } = await run<StaffDashboardQuery>(staffDashboard, 'platform-admin');
    expect(errors).toBeUndefined();
    const queue = data!.vettingQueue!;
    expect(queue.length).toBeGreaterThan(0);
    expect(sortedBy(queue, (entry) => entry.waitingSince)).toBe(true);
    expect(queue.every((entry) => entry.waitingDays >= 0)).toBe(true);
    expect(queue.some((entry) => entry.assessors!.length > 0 && entry.assessors!.every((a) => a.name))).toBe(true);
    expect(queue.every((entry) => entry.innovation.supplier?.name)).toBe(true);

    const applications = data!.membershipApplicationsWaiting!;
    expect(applications.length).toBeGreaterThan(0);
    expect(sortedBy(applications, (m) => m.appliedAt)).toBe(true);

    expect(data!.admissionsAwaitingDecision!.length).toBeGreaterThan(0);
    expect(data!.admissionsAwaitingDecision!.every((a) => a.status === 'APPLIED')).toBe(true);

    const support = data!.supportRequestsOpenLongest!;
    expect(support.length).toBeGreaterThan(0);
    expect(sortedBy(support, (r) => r.createdAt)).toBe(true);
  });

  it('is for platform staff only: members get FORBIDDEN and no data', async () => {
    for (const persona of ['kent-admin', 'resurface-contributor', null]) {
      const { data, errors } = await run<StaffDashboardQuery>(staffDashboard, persona);
      expect(data).toEqual({
        vettingQueue: null,
        membershipApplicationsWaiting: null,
        admissionsAwaitingDecision: null,
        supportRequestsOpenLongest: null,
      });
      expect(errors).toHaveLength(4);
      expect(errors!.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    }
    // An assessor vets and answers support, but decides neither memberships nor admissions.
    const assessor = await run<StaffDashboardQuery>(staffDashboard, 'assessor');
    expect(assessor.data!.vettingQueue!.length).toBeGreaterThan(0);
    expect(assessor.data!.supportRequestsOpenLongest!.length).toBeGreaterThan(0);
    expect(assessor.data!.membershipApplicationsWaiting).toBeNull();
    expect(assessor.data!.admissionsAwaitingDecision).toBeNull();
  });
});

// ── Cost stays flat ─────────────────────────────────────────────────────────────────────────────

/**
 * Copies rows of a table `copies` times, as more data of the same shape. Ids (and the foreign
 * keys that point at copied rows) become `md5(id || '-' || n)`, so children of copied parents follow
 * their parent; `set` overrides other columns with SQL over `source` and `copy.n`. Generated and
 * sequence-numbered columns are left to the database.
 */
async function copyRows(
  dataSource: DataSource,
  table: string,
  options: { where: string; parameters?: unknown[]; copies: number; remap: string[]; set?: Record<string, string> },
) {
  const [schema, name] = table.split('.');
  const columns: { column_name: string }[] = await dataSource.query(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER' AND is_identity = 'NO'
        AND COALESCE(column_default, '') NOT LIKE 'nextval%'
      ORDER BY ordinal_position`,
    [schema, name],
  );
  const list = columns.map((c) => `"${c.column_name}"`).join(', ');
  const overrides = [
    ...options.remap.map((column) => `'${column}', md5(source.${column}::text || '-' || copy.n)::uuid`),
    ...Object.entries(options.set ?? {}).map(([column, expression]) => `'${column}', ${expression}`),
  ].join(', ');
  await dataSource.query(
    `INSERT INTO ${table} (${list})
     SELECT ${list} FROM (
       SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(source) || jsonb_build_object(${overrides}))).*
         FROM ${table} source CROSS JOIN generate_series(1, ${options.copies}) AS copy(n)
        WHERE ${options.where}
     ) copied`,
    options.parameters ?? [],
  );
}

/** Roughly quadruples everything the three dashboards read, for their personas and everyone else. */
async function growTheData(copies: number) {
  const { procurement, innovations, members, events } = graph.databases;
  const suffix = `' (copy ' || copy.n || ')'`;

  // Procurement: every project again (Kent's and those ReSurface is invited to among them), with
  // shortlists, invitations and questions; more routes opening soon; more admissions waiting.
  const projects: { id: string }[] = await procurement.dataSource.query(`SELECT id FROM procurement.project`);
  const projectIds = [projects.map((p) => p.id)];
  await copyRows(procurement.dataSource, 'procurement.project', {
    where: 'source.id = ANY($1)',
    parameters: projectIds,
    copies,
    remap: ['id'],
    set: { ocid: `source.ocid || '-copy-' || copy.n`, title: `source.title || ${suffix}` },
  });
  for (const table of ['procurement.shortlisted_innovation', 'procurement.invitation']) {
    await copyRows(procurement.dataSource, table, {
      where: 'source.project_id = ANY($1)',
      parameters: projectIds,
      copies,
      remap: ['project_id'],
    });
  }
  await copyRows(procurement.dataSource, 'procurement.clarification_question', {
    where: 'source.project_id = ANY($1)',
    parameters: projectIds,
    copies,
    remap: ['id', 'project_id'],
  });
  await copyRows(procurement.dataSource, 'procurement.route', {
    where: `source.reference = 'RM6305'`,
    copies,
    remap: ['id'],
    set: { reference: `source.reference || '-' || copy.n` },
  });
  await procurement.dataSource.query(
    `UPDATE procurement.admission SET status = 'APPLIED' WHERE status = 'ADMITTED' AND supplier_id <> $1`,
    [resurface],
  );

  // Innovations: every innovation again with its vetting record, endorsements and evidence.
  const all: { id: string }[] = await innovations.dataSource.query(`SELECT id FROM innovations.innovation`);
  const innovationIds = [all.map((i) => i.id)];
  await copyRows(innovations.dataSource, 'innovations.innovation', {
    where: 'source.id = ANY($1)',
    parameters: innovationIds,
    copies,
    remap: ['id'],
    set: { title: `source.title || ${suffix}` },
  });
  for (const table of ['innovations.innovation_revision', 'innovations.assessor_assignment', 'innovations.audit_event']) {
    await copyRows(innovations.dataSource, table, {
      where: 'source.innovation_id = ANY($1)',
      parameters: innovationIds,
      copies,
      remap: ['innovation_id'],
    });
  }
  for (const table of ['innovations.evidence', 'innovations.endorsement']) {
    await copyRows(innovations.dataSource, table, {
      where: 'source.innovation_id = ANY($1)',
      parameters: innovationIds,
      copies,
      remap: ['id', 'innovation_id'],
    });
  }

  // Members: more organisations waiting for a membership decision.
  const applying: { organisation_id: string }[] = await members.dataSource.query(
    `SELECT organisation_id FROM members.membership WHERE status = 'APPLIED'`,
  );
  const applyingIds = [applying.map((m) => m.organisation_id)];
  await copyRows(members.dataSource, 'members.organisation', {
    where: 'source.id = ANY($1)',
    parameters: applyingIds,
    copies,
    remap: ['id'],
    set: { name: `source.name || ${suffix}` },
  });
  await copyRows(members.dataSource, 'members.membership', {
    where: 'source.organisation_id = ANY($1)',
    parameters: applyingIds,
    copies,
    remap: ['organisation_id'],
  });

  // Events: more support requests open.
  await copyRows(events.dataSource, 'events.support_request', { where: `source.status = 'OPEN'`, copies, remap: ['id'] });
}

/** Fetches a plan makes, and how many must wait for one another (the longest chain). */
function shape(node: PlanNode | undefined): { fetches: number; chain: number } {
  if (!node) return { fetches: 0, chain: 0 };
  switch (node.kind) {
    case 'Fetch':
      return { fetches: 1, chain: 1 };
    case 'Flatten':
      return shape(node.node);
    case 'Sequence':
    case 'Parallel': {
      const parts = node.nodes.map(shape);
      const fetches = parts.reduce((sum, part) => sum + part.fetches, 0);
      const chain = node.kind === 'Sequence' ? parts.reduce((sum, part) => sum + part.chain, 0) : Math.max(0, ...parts.map((p) => p.chain));
      return { fetches, chain };
    }
    default:
      throw new Error(`Unexpected plan node ${node.kind}`);
  }
}

describe('cost stays flat', () => {
  it("the gateway's query plan for each dashboard: a fixed set of fetches, at most three waiting on one another", () => {
    const supergraph = Supergraph.build(readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'));
    const planner = new QueryPlanner(supergraph);
    const planOf = (text: string) =>
      shape(planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(text))).node as PlanNode | undefined);
    // Each subgraph's root field in parallel, then one batched fetch per linked list (names of
    // organisations and people, shortlisted innovations, category news, the person's notifications),
    // then names on those.
    expect(planOf(buyerDashboard)).toEqual({ fetches: 10, chain: 3 });
    expect(planOf(supplierDashboard)).toEqual({ fetches: 8, chain: 2 });
    expect(planOf(staffDashboard)).toEqual({ fetches: 9, chain: 2 });
  });

  it('runs a fixed number of subgraph fetches and SQL statements per dashboard, whatever the data size', async () => {
    const dashboards = [
      { name: 'BuyerDashboard', document: buyerDashboard, persona: 'kent-buyer' },
      { name: 'SupplierDashboard', document: supplierDashboard, persona: 'resurface-contributor' },
      { name: 'StaffDashboard', document: staffDashboard, persona: 'platform-admin' },
    ];
    const measure = async () => {
      const measured = [];
      for (const { name, document, persona } of dashboards) {
        const result = await run<Record<string, unknown>>(document, persona);
        expect({ name, errors: result.errors }).toEqual({ name, errors: undefined });
        measured.push({
          name,
          statements: result.statements,
          fetches: graph.lastPlan.length,
          plan: graph.lastPlan.slice().sort(),
          size: JSON.stringify(result.data).length,
        });
      }
      return measured;
    };
    const small = await measure();
    await growTheData(3);
    const large = await measure();
    for (const [i, before] of small.entries()) {
      const after = large[i]!;
      expect(after.size).toBeGreaterThan(before.size); // the extra rows were seen…
      expect({ name: after.name, statements: after.statements, fetches: after.fetches, plan: after.plan }).toEqual({
        name: before.name,
        statements: before.statements,
        fetches: before.fetches,
        plan: before.plan,
      }); // …at the same cost.
    }
    // The plan is fixed by the operation: one fetch per subgraph and level of the answer (members
    // answers the viewer, then names each list's organisations and people, in parallel).
    expect(Object.fromEntries(small.map((m) => [m.name, m.fetches]))).toEqual({
      BuyerDashboard: 10,
      SupplierDashboard: 8,
      StaffDashboard: 9,
    });
    // Measured when written (buyer 17, supplier 17, staff 14), then 19 and 19 once the buyer's and the
    // supplier's dashboards showed the person's notifications (a page and the unread count): a loader
    // that stops batching breaks the ceiling.
    expect(Object.fromEntries(small.map((m) => [m.name, m.statements <= 19]))).toEqual({
      BuyerDashboard: true,
      SupplierDashboard: true,
      StaffDashboard: true,
    });
    // Every subgraph answers, and none more than the operation's depth asks.
    expect(new Set(small[0]!.plan)).toEqual(new Set(['members', 'procurement', 'innovations', 'events', 'notifications']));
    expect(new Set(small[2]!.plan)).toEqual(new Set(['members', 'procurement', 'innovations', 'events']));
  });
});
