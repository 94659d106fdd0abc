import { demoProjects } from '../demo-data/procurement-projects';
import { loadExampleOperations, type ExampleOperation } from '../gateway/explorer/operations';
import { parse, print } from 'graphql';
import {
  EventAttendanceByKindInsightDocument,
  MembersByNationInsightDocument,
  ProcurementPipelineByRouteInsightDocument,
  ProvenInnovationsInsightDocument,
  VettingThroughputInsightDocument,
  type EventAttendanceByKindInsightQuery,
  type MembersByNationInsightQuery,
  type ProcurementPipelineByRouteInsightQuery,
  type ProvenInnovationsInsightQuery,
  type VettingThroughputInsightQuery,
} from '../operations/generated/graphql';
import type { SubgraphName } from '../platform/subgraph-names';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { asPersona, expectData } from './support/graphql-results';

/**
 * Analyst insights through the gateway: who may read them, the shipped `…Insight` operations in
 * `operations/` (run exactly as committed), totals that reconcile with the lists and with the
 * subgraphs' own rows, and a cost that stays flat as the data grows.
 */
let graph: TestGraph;
const as = (personaKey: string | null) => asPersona(graph, personaKey);

async function sql<T = Record<string, unknown>>(subgraph: SubgraphName, text: string, parameters: unknown[] = []): Promise<T[]> {
  return (await graph.databases[subgraph].dataSource.query(text, parameters)) as T[];
}

const insightOperations = loadExampleOperations().filter((example) => example.name.endsWith('-insight'));
function operation(operationName: string): ExampleOperation {
  const found = insightOperations.find((example) => example.operationName === operationName);
  if (!found) throw new Error(`No shipped operation ${operationName}`);
  return found;
}
async function run<T>(
  operationName: string,
  personaKey: string | null = 'analyst',
  variables?: Record<string, unknown>,
): Promise<GraphResult<T>> {
  const example = operation(operationName);
  return graph.execute<T>(example.document, variables ?? (JSON.parse(example.variables) as Record<string, unknown>), await as(personaKey));
}

beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

describe('shipped insight operations', () => {
  it('are the operations/*-insight.graphql files, each one named …Insight and offered to analysts and platform admins', () => {
    expect(insightOperations.map((example) => example.operationName).sort()).toEqual([
      'EventAttendanceByKindInsight',
      'MembersByNationInsight',
      'ProcurementPipelineByRouteInsight',
      'ProvenInnovationsInsight',
      'VettingThroughputInsight',
    ]);
    for (const example of insightOperations) expect(example.roles).toEqual(['ANALYST', 'PLATFORM_ADMIN']);
  });

  it('are the typed documents front ends import (codegen client preset)', () => {
    const documents = {
      ProvenInnovationsInsight: ProvenInnovationsInsightDocument,
      VettingThroughputInsight: VettingThroughputInsightDocument,
      ProcurementPipelineByRouteInsight: ProcurementPipelineByRouteInsightDocument,
      EventAttendanceByKindInsight: EventAttendanceByKindInsightDocument,
      MembersByNationInsight: MembersByNationInsightDocument,
    };
    for (const example of insightOperations) {
      expect(print(documents[example.operationName as keyof typeof documents])).toBe(print(parse(example.document)));
    }
  });

  it.each(['analyst', 'platform-admin'])('run for %s with non-trivial answers from one fetch of one subgraph each', async (personaKey) => {
    const expectedPlans: Record<string, SubgraphName[]> = {
      ProvenInnovationsInsight: ['innovations'],
      VettingThroughputInsight: ['innovations'],
      ProcurementPipelineByRouteInsight: ['procurement'],
      EventAttendanceByKindInsight: ['events'],
      MembersByNationInsight: ['members'],
    };
    for (const example of insightOperations) {
      const result = await run<Record<string, Record<string, { groups: unknown[] }>>>(example.operationName, personaKey);
      expect({ operation: example.operationName, errors: result.errors }).toEqual({ operation: example.operationName, errors: undefined });
      expect(graph.lastPlan).toEqual(expectedPlans[example.operationName]);
      const [insights] = Object.values(result.data!);
      // Every breakdown the analyst asked for has at least two groups on the demo data.
      for (const [alias, breakdown] of Object.entries(insights!)) {
        expect({ alias, groups: breakdown.groups.length > 1 }).toEqual({ alias, groups: true });
      }
    }
  });

  it.each([
    [null, 'UNAUTHENTICATED'],
    ['kent-buyer', 'FORBIDDEN'],
    ['kent-admin', 'FORBIDDEN'],
    ['resurface-contributor', 'FORBIDDEN'],
    ['assessor', 'FORBIDDEN'],
    ['leeds-viewer', 'FORBIDDEN'],
  ])('refuse %s with %s, and run no SQL for them', async (personaKey, code) => {
    for (const example of insightOperations) {
      const result = await run<Record<string, unknown>>(example.operationName, personaKey);
      expect({ operation: example.operationName, codes: result.errors?.map((e) => e.extensions?.code) }).toEqual({
        operation: example.operationName,
        codes: [code],
      });
      expect(Object.values(result.data ?? {})).toEqual([null]);
      expect(result.statements).toBe(0);
    }
  });
});

describe('the period', () => {
  it('leaves out what happened outside it, and refuses one that ends before it starts', async () => {
    const empty = { period: { from: '2000-01-01', to: '2000-12-31' } };
    const proven = expectData(await run<ProvenInnovationsInsightQuery>('ProvenInnovationsInsight', 'analyst', empty));
    expect(proven.innovationInsights!.byCategory).toEqual({ total: 0, groups: [] });
    const events = expectData(await run<EventAttendanceByKindInsightQuery>('EventAttendanceByKindInsight', 'analyst', empty));
    expect(events.eventInsights!.byKind.total).toEqual({ eventCount: 0, eventsWithAttendanceRecorded: 0, attendanceRate: null });

    const backwards = await run('ProvenInnovationsInsight', 'analyst', { period: { from: '2026-02-01', to: '2026-01-01' } });
    expect(backwards.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('counts by calendar month: the months partition the total', async () => {
    const [first] = await sql<{ month: string }>(
      'innovations',
      `SELECT to_char(min(approved_at) AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month FROM innovations.innovation_revision`,
    );
    const year = first!.month.slice(0, 4);
    const period = { from: `${year}-01-01`, to: `${year}-12-31` };
    const proven = expectData(
      await run<ProvenInnovationsInsightQuery>('ProvenInnovationsInsight', 'analyst', { period }),
    ).innovationInsights!;
    const [expected] = await sql<{ count: string }>(
      'innovations',
      `SELECT count(*) FROM innovations.innovation i
        WHERE i.status = 'APPROVED'
          AND ((SELECT min(approved_at) FROM innovations.innovation_revision r WHERE r.innovation_id = i.id) AT TIME ZONE 'Europe/London')::date
              BETWEEN $1::date AND $2::date`,
      [period.from, period.to],
    );
    expect(proven.byCategory.total).toBe(Number(expected!.count));
    expect(proven.byMonth.groups.every((group) => group.month!.startsWith(year))).toBe(true);
    expect(proven.byMonth.groups.reduce((sum, group) => sum + group.innovationCount, 0)).toBe(proven.byCategory.total);
  });
});

describe('totals reconcile with the lists and the rows', () => {
  const approvedCount = async (filter: Record<string, unknown>) => {
    const result = expectData(
      await graph.execute<{ innovations: { totalCount: number } }>(
        'query ($filter: InnovationFilter) { innovations(first: 1, filter: $filter) { totalCount } }',
        { filter: { statuses: ['APPROVED'], ...filter } },
        await as('analyst'),
      ),
    );
    return result.innovations.totalCount;
  };

  it('proven innovations: by category, nation of evidence and TRL, as the catalogue filters count them', async () => {
    const insights = expectData(
      await run<ProvenInnovationsInsightQuery>('ProvenInnovationsInsight', 'analyst', { period: {} }),
    ).innovationInsights!;
    expect(insights.byCategory.total).toBe(await approvedCount({}));
    expect(insights.byCategory.total).toBeGreaterThan(10);
    for (const group of insights.byCategory.groups)
      expect(group.innovationCount).toBe(await approvedCount({ categories: [group.category] }));
    expect(insights.byCategory.groups.reduce((sum, group) => sum + group.innovationCount, 0)).toBe(insights.byCategory.total);
    for (const group of insights.byNationOfEvidence.groups) {
      const expected = group.nationOfEvidence
        ? await approvedCount({ evidenceNations: [group.nationOfEvidence] })
        : await approvedCount({ hasConfirmedEvidence: false });
      expect({ nation: group.nationOfEvidence, count: group.innovationCount }).toEqual({ nation: group.nationOfEvidence, count: expected });
    }
    for (const group of insights.byTrl.groups) {
      expect(group.innovationCount).toBe(await approvedCount({ trlAtLeast: group.trl, trlAtMost: group.trl }));
    }
  });

  it('vetting: every DECIDED audit event counted once, with percentiles of the days from its submission', async () => {
    const decisions = await sql<{ outcome: string; days: number }>(
      'innovations',
      `SELECT d.to_status AS outcome,
              extract(epoch FROM d.at - (SELECT max(s.at) FROM innovations.audit_event s
                                          WHERE s.innovation_id = d.innovation_id AND s.to_status = 'SUBMITTED' AND s.at <= d.at))::float8 / 86400 AS days
         FROM innovations.audit_event d WHERE d.action = 'DECIDED'`,
    );
    const vetting = expectData(
      await run<VettingThroughputInsightQuery>('VettingThroughputInsight', 'analyst', { period: {} }),
    ).innovationInsights!;
    expect(vetting.byOutcome.total.decisionCount).toBe(decisions.length);
    expect(vetting.byMonth.groups.reduce((sum, group) => sum + group.decisionCount, 0)).toBe(decisions.length);
    for (const group of vetting.byOutcome.groups) {
      expect(group.decisionCount).toBe(decisions.filter((d) => d.outcome === group.outcome).length);
    }
    const days = decisions.map((d) => Number(d.days)).sort((a, b) => a - b);
    expect(vetting.byOutcome.total.medianDaysToDecision).toBeCloseTo(percentile(days, 0.5), 2);
    expect(vetting.byOutcome.total.p90DaysToDecision).toBeCloseTo(percentile(days, 0.9), 2);
    expect(vetting.byOutcome.total.p90DaysToDecision!).toBeGreaterThan(vetting.byOutcome.total.medianDaysToDecision!);
  });

  it('procurement pipeline: the projects list, by status, and every budget', async () => {
    const projectCount = async (filter: Record<string, unknown>) =>
      expectData(
        await graph.execute<{ procurementProjects: { totalCount: number } }>(
          'query ($filter: ProcurementProjectFilter) { procurementProjects(first: 1, filter: $filter) { totalCount } }',
          { filter },
          await as('platform-admin'),
        ),
      ).procurementProjects.totalCount;
    const insights = expectData(
      await run<ProcurementPipelineByRouteInsightQuery>('ProcurementPipelineByRouteInsight', 'platform-admin'),
    ).procurementInsights!;
    expect(insights.byRouteAndLot.total.projectCount).toBe(await projectCount({}));
    const [totals] = await sql<{ budget: string; awarded: string }>(
      'procurement',
      `SELECT sum(budget) AS budget, coalesce(sum(award_value) FILTER (WHERE status IN ('AWARDED', 'CONTRACTED')), 0) AS awarded FROM procurement.project`,
    );
    expect(insights.byRouteAndLot.total.totalBudget).toBe(Number(totals!.budget));
    expect(insights.byRouteAndLot.total.awardedValue).toBe(Number(totals!.awarded));
    expect(insights.byRouteAndLot.groups.reduce((sum, group) => sum + group.projectCount, 0)).toBe(
      insights.byRouteAndLot.total.projectCount,
    );
    expect(insights.byRouteAndLot.groups.every((group) => group.route?.reference && group.lot?.number)).toBe(true);

    const byStatus = expectData(
      await graph.execute<{ procurementInsights: { pipeline: { groups: { status: string; projectCount: number }[] } } }>(
        '{ procurementInsights { pipeline(groupBy: [STATUS]) { groups { status projectCount } } } }',
        {},
        await as('analyst'),
      ),
    ).procurementInsights.pipeline.groups;
    expect(byStatus.length).toBeGreaterThan(1);
    for (const group of byStatus) expect(group.projectCount).toBe(await projectCount({ statuses: [group.status] }));
  });

  it('awards by buyer nation and admissions by outcome: the procurement rows', async () => {
    const insights = expectData(
      await run<ProcurementPipelineByRouteInsightQuery>('ProcurementPipelineByRouteInsight'),
    ).procurementInsights!;
    const awards = await sql<{ nation: string | null; count: string; value: string }>(
      'procurement',
      `SELECT buyer_nation AS nation, count(*) AS count, sum(award_value) AS value FROM procurement.project
        WHERE status IN ('AWARDED', 'CONTRACTED') GROUP BY buyer_nation ORDER BY buyer_nation`,
    );
    expect(awards.length).toBeGreaterThan(0);
    expect(awards.every((row) => row.nation !== null)).toBe(true);
    expect(insights.awardsByNation.groups).toEqual(
      awards.map((row) => ({ buyerNation: row.nation, awardCount: Number(row.count), awardedValue: Number(row.value) })),
    );
    const admissions = await sql<{ status: string; count: string }>(
      'procurement',
      `SELECT status, count(*) AS count FROM procurement.admission GROUP BY status ORDER BY status`,
    );
    expect(insights.admissionOutcomes.groups).toEqual(
      admissions.map((row) => ({ status: row.status, applicationCount: Number(row.count) })),
    );
    expect(insights.admissionOutcomes.total.applicationCount).toBe(admissions.reduce((sum, row) => sum + Number(row.count), 0));
  });

  it('event attendance: the registrations rows, and each event’s own attendanceRate', async () => {
    const insights = expectData(await run<EventAttendanceByKindInsightQuery>('EventAttendanceByKindInsight')).eventInsights!;
    const rows = await sql<{ kind: string; events: string; confirmed: string; recorded: string; attended: string }>(
      'events',
      `SELECT e.kind, count(DISTINCT e.id) AS events,
              count(r.id) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
              count(r.id) FILTER (WHERE r.status = 'CONFIRMED' AND r.attended IS NOT NULL) AS recorded,
              count(r.id) FILTER (WHERE r.attended) AS attended
         FROM events.event e LEFT JOIN events.event_registration r ON r.event_id = e.id
        WHERE e.status IN ('SCHEDULED', 'COMPLETED') AND e.starts_at <= $1 GROUP BY e.kind ORDER BY e.kind`,
      [graph.clock.now()], // "started" by the graph's clock, which the events subgraph reads
    );
    expect(insights.byKind.groups.map((g) => [g.kind, g.eventCount, g.confirmedRegistrations, g.attendedRegistrations])).toEqual(
      rows.map((row) => [row.kind, Number(row.events), Number(row.confirmed), Number(row.attended)]),
    );
    expect(insights.byKind.total.attendanceRate).toBeGreaterThan(0);
    expect(insights.byKind.total.attendanceRate).toBeLessThan(1);

    // One event's rate in the insight equals the event's own attendanceRate field.
    const [event] = await sql<{ id: string; kind: string; audience: string; starts: string }>(
      'events',
      `SELECT e.id, e.kind, e.audience, to_char(e.starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS starts FROM events.event e
        WHERE EXISTS (SELECT 1 FROM events.event_registration r WHERE r.event_id = e.id AND r.attended IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM events.event o WHERE o.id <> e.id AND (o.starts_at AT TIME ZONE 'Europe/London')::date = (e.starts_at AT TIME ZONE 'Europe/London')::date)
        LIMIT 1`,
    );
    const single = expectData(
      await graph.execute<{
        eventInsights: { attendance: { total: { eventCount: number; attendanceRate: number } } };
        event: { attendanceRate: number };
      }>(
        `query ($id: ID!, $day: Date!) {
           eventInsights(period: { from: $day, to: $day }) { attendance(groupBy: []) { total { eventCount attendanceRate } } }
           event(id: $id) { attendanceRate }
         }`,
        { id: event!.id, day: event!.starts },
        await as('analyst'),
      ),
    );
    expect(single.eventInsights.attendance.total.eventCount).toBe(1);
    expect(single.eventInsights.attendance.total.attendanceRate).toBeCloseTo(single.event.attendanceRate, 10);
  });

  it('members: memberships by nation, kind and tier, as the members rows say', async () => {
    const insights = expectData(await run<MembersByNationInsightQuery>('MembersByNationInsight')).membershipInsights!;
    const rows = await sql<{ nation: string; count: string }>(
      'members',
      `SELECT o.nation, count(*) AS count FROM members.membership m JOIN members.organisation o ON o.id = m.organisation_id
        WHERE m.status = 'ACTIVE' GROUP BY o.nation ORDER BY o.nation`,
    );
    expect(insights.byNation.groups).toEqual(rows.map((row) => ({ nation: row.nation, memberCount: Number(row.count) })));
    expect(insights.byNation.total).toBe(rows.reduce((sum, row) => sum + Number(row.count), 0));
    for (const breakdown of [insights.byKind, insights.byTier]) {
      expect(breakdown.groups.reduce((sum, group) => sum + group.memberCount, 0)).toBe(insights.byNation.total);
    }
    const all = expectData(
      await graph.execute<{ membershipInsights: { members: { total: number } } }>(
        '{ membershipInsights { members(groupBy: [], statuses: [APPLIED, ACTIVE, LAPSED, SUSPENDED, LEFT, REJECTED]) { total } } }',
        {},
        await as('analyst'),
      ),
    );
    const [count] = await sql<{ count: string }>('members', 'SELECT count(*) AS count FROM members.membership');
    expect(all.membershipInsights.members.total).toBe(Number(count!.count));
  });
});

describe("the buyer's nation on projects", () => {
  it("is recorded from the buyer's verified identity when a project is started, and the pipeline counts the project under it", async () => {
    const template = demoProjects.find((project) => project.key === 'cardiff-evaluation')!;
    const created = expectData(
      await graph.execute<{ createProcurementProject: { procurementProject: { id: string } } }>(
        'mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }',
        {
          input: {
            title: 'Gully cleaning trial',
            need: 'Trial of permanent repairs on two estates.',
            budget: 30000,
            lotId: template.lotId,
            procedure: 'DIRECT_AWARD',
            innovationIds: [template.shortlist[0]!.innovationId],
          },
        },
        await as('cardiff-buyer'),
      ),
    ).createProcurementProject.procurementProject;
    const [row] = await sql<{ buyer_nation: string }>('procurement', 'SELECT buyer_nation FROM procurement.project WHERE id = $1', [
      created.id,
    ]);
    expect(row!.buyer_nation).toBe('WALES');
    const walesPipeline = async () =>
      expectData(
        await graph.execute<{ procurementInsights: { pipeline: { groups: { buyerNation: string; projectCount: number }[] } } }>(
          '{ procurementInsights { pipeline(groupBy: [BUYER_NATION]) { groups { buyerNation projectCount } } } }',
          {},
          await as('analyst'),
        ),
      ).procurementInsights.pipeline.groups.find((group) => group.buyerNation === 'WALES')!.projectCount;
    const [wales] = await sql<{ count: string }>(
      'procurement',
      `SELECT count(*) AS count FROM procurement.project WHERE buyer_nation = 'WALES'`,
    );
    expect(await walesPipeline()).toBe(Number(wales!.count));
  });
});

describe('cost stays flat', () => {
  it('runs the same number of SQL statements and subgraph fetches after the data grows', async () => {
    const measure = async () => {
      const costs: Record<string, { statements: number; plan: SubgraphName[]; data: any }> = {};
      for (const example of insightOperations) {
        const result = await run<Record<string, unknown>>(example.operationName, 'analyst', { period: {} });
        expect(result.errors).toBeUndefined();
        costs[example.operationName] = { statements: result.statements, plan: graph.lastPlan, data: result.data };
      }
      return costs;
    };
    const added = 200;
    const before = await measure();
    await growData(added);
    const after = await measure();
    for (const name of Object.keys(before)) {
      expect({ name, statements: after[name]!.statements, plan: after[name]!.plan }).toEqual({
        name,
        statements: before[name]!.statements,
        plan: before[name]!.plan,
      });
    }
    // One statement per breakdown (plus, for procurement, one each to look up the routes and lots named).
    expect(Object.fromEntries(Object.entries(after).map(([name, cost]) => [name, cost.statements]))).toEqual({
      ProvenInnovationsInsight: 4,
      VettingThroughputInsight: 2,
      ProcurementPipelineByRouteInsight: 6,
      EventAttendanceByKindInsight: 2,
      MembersByNationInsight: 3,
    });
    // The answers did change: every added row was counted.
    const grew = (name: string, path: (data: any) => number) => path(after[name]!.data) - path(before[name]!.data);
    expect(grew('ProvenInnovationsInsight', (d) => d.innovationInsights.byCategory.total)).toBe(added);
    expect(grew('VettingThroughputInsight', (d) => d.innovationInsights.byOutcome.total.decisionCount)).toBe(added);
    expect(grew('ProcurementPipelineByRouteInsight', (d) => d.procurementInsights.byRouteAndLot.total.projectCount)).toBe(added);
    expect(grew('ProcurementPipelineByRouteInsight', (d) => d.procurementInsights.awardsByNation.total.awardCount)).toBe(added / 2);
    expect(grew('ProcurementPipelineByRouteInsight', (d) => d.procurementInsights.admissionOutcomes.total.applicationCount)).toBe(added);
    expect(grew('EventAttendanceByKindInsight', (d) => d.eventInsights.byKind.total.eventCount)).toBe(added);
    expect(grew('MembersByNationInsight', (d) => d.membershipInsights.byNation.total)).toBe(added);
  });
});

/** Adds `n` of everything each insight counts, straight into the subgraphs' tables. */
async function growData(n: number): Promise<void> {
  const [supplier] = await sql<{ supplier_id: string }>('innovations', 'SELECT supplier_id FROM innovations.innovation LIMIT 1');
  await sql(
    'innovations',
    `WITH added AS (
       INSERT INTO innovations.innovation (supplier_id, title, summary, description, category, trl, status, created_at)
       SELECT $1, 'Added ' || g, 'Summary', 'Description', (ARRAY['POTHOLE_REPAIR', 'ROAD_SAFETY', 'WINTER_SERVICE'])[1 + g % 3], 1 + g % 9, 'APPROVED',
              now() - make_interval(days => g)
         FROM generate_series(1, $2) g RETURNING id, title, summary, description, category, trl, created_at)
     INSERT INTO innovations.innovation_revision (innovation_id, number, title, summary, description, category, tags, trl, content, approved_at)
     SELECT id, 1, title, summary, description, category, '{}', trl, '{}', created_at + interval '30 days' FROM added`,
    [supplier!.supplier_id, n],
  );
  await sql(
    'innovations',
    `INSERT INTO innovations.audit_event (innovation_id, action, from_status, to_status, at)
     SELECT r.innovation_id, a.action, a.from_status, a.to_status, r.approved_at - a.before
       FROM innovations.innovation_revision r
       CROSS JOIN (VALUES ('STATUS_CHANGED', 'DRAFT', 'SUBMITTED', interval '25 days'), ('DECIDED', 'UNDER_REVIEW', 'APPROVED', interval '0 days'))
                  AS a(action, from_status, to_status, before)
      WHERE r.title LIKE 'Added %'`,
  );
  const [lot] = await sql<{ id: string; route_id: string }>(
    'procurement',
    'SELECT id, route_id FROM procurement.lot ORDER BY number LIMIT 1',
  );
  await sql(
    'procurement',
    `INSERT INTO procurement.project (ocid, buyer_id, buyer_nation, regime, created_by, title, need, budget, route_id, lot_id, procedure, status,
                                      awarded_supplier_id, awarded_at, standstill_ends_on, award_value)
     SELECT 'ocds-test-' || g, gen_random_uuid(), (ARRAY['ENGLAND', 'WALES', 'SCOTLAND'])[1 + g % 3],
            CASE WHEN g % 3 = 2 THEN 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' ELSE 'PROCUREMENT_ACT_2023' END, gen_random_uuid(), 'Added ' || g, 'Need',
            1000 * g, $1, $2, 'DIRECT_AWARD', CASE WHEN g % 2 = 0 THEN 'AWARDED' ELSE 'DRAFT' END,
            CASE WHEN g % 2 = 0 THEN gen_random_uuid() END, CASE WHEN g % 2 = 0 THEN now() END,
            CASE WHEN g % 2 = 0 THEN current_date + 10 END, CASE WHEN g % 2 = 0 THEN 900 * g END
       FROM generate_series(1, $3) g`,
    [lot!.route_id, lot!.id, n],
  );
  await sql(
    'procurement',
    `INSERT INTO procurement.admission (supplier_id, lot_id, status) SELECT gen_random_uuid(), $1, (ARRAY['APPLIED', 'ADMITTED', 'REJECTED'])[1 + g % 3]
       FROM generate_series(1, $2) g`,
    [lot!.id, n],
  );
  await sql(
    'events',
    `WITH added AS (
       INSERT INTO events.event (title, description, kind, audience, status, starts_at, ends_at, online)
       SELECT 'Added ' || g, 'Description', (ARRAY['WEBINAR', 'WORKSHOP'])[1 + g % 2], 'PUBLIC', 'COMPLETED',
              $2::timestamptz - make_interval(days => g), $2::timestamptz - make_interval(days => g) + interval '1 hour', true
         FROM generate_series(1, $1) g RETURNING id)
     INSERT INTO events.event_registration (event_id, person_id, organisation_id, organisation_kind, status, queue_number, registered_at, confirmed_at, attended)
     SELECT added.id, gen_random_uuid(), gen_random_uuid(), 'COUNTY_COUNCIL', 'CONFIRMED', nextval('events.registration_queue'), now(), now(), p % 3 <> 0
       FROM added CROSS JOIN generate_series(1, 3) p`,
    [n, graph.clock.now()], // in the past by the graph's clock, as the events subgraph sees it
  );
  await sql(
    'members',
    `WITH added AS (
       INSERT INTO members.organisation (name, kind, nation, region)
       SELECT 'Added council ' || g, 'COUNTY_COUNCIL', (ARRAY['ENGLAND', 'WALES'])[1 + g % 2], 'Somewhere' FROM generate_series(1, $1) g RETURNING id)
     INSERT INTO members.membership (organisation_id, tier, status, applied_at, joined_on)
     SELECT id, 'FUNDED_COUNCIL', 'ACTIVE', now(), current_date FROM added`,
    [n],
  );
}

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(sorted: number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
