import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import type { SubgraphName } from '../platform/subgraph-names';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { asPersona } from './support/graphql-results';

/**
 * Issue 25 item 1: an event exists exactly when its change committed. For a representative
 * mutation of each subgraph, through the gateway: a refused one leaves no outbox row; a successful
 * one leaves exactly one, of the right kind, with the facts a consumer needs.
 */
let graph: TestGraph;
const tokens: Record<string, string | undefined> = {};
beforeAll(async () => {
  graph = await startTestGraph();
  for (const persona of ['platform-admin', 'kent-admin', 'resurface-contributor', 'assessor'])
    tokens[persona] = await asPersona(graph, persona);
});
afterAll(async () => {
  await graph?.stop();
});

type OutboxRow = { kind: string; subject_typename: string; subject_id: string; facts: Record<string, unknown>; occurred_at: Date };
const outbox = async (subgraph: SubgraphName): Promise<OutboxRow[]> =>
  graph.databases[subgraph].dataSource.query(
    `SELECT kind, subject_typename, subject_id, facts, occurred_at FROM ${subgraph}.outbox_event ORDER BY sequence`,
  );
const query = <T = Record<string, unknown>>(subgraph: SubgraphName, sql: string, parameters: unknown[] = []) =>
  graph.databases[subgraph].dataSource.query(sql, parameters) as Promise<T[]>;

async function mutate(persona: string, document: string, variables: Record<string, unknown>) {
  const { data, errors } = await graph.execute(document, variables, tokens[persona]);
  expect(errors ?? []).toEqual([]);
  const payload = Object.values(data ?? {})[0] as { refusal: { code: string } | null };
  return payload.refusal?.code ?? null;
}
const refusal = 'refusal { code message }';

describe('the outbox holds an event exactly when its change committed', () => {
  it('members: approving a membership', async () => {
    const croydon = demoOrganisation('croydon').id;
    const approve = `mutation ($id: ID!) { approveMembership(organisationId: $id, reason: "Checked") { ${refusal} } }`;
    expect(await mutate('kent-admin', approve, { id: croydon })).toBe('FORBIDDEN');
    expect(await outbox('members')).toEqual([]);
    expect(await mutate('platform-admin', approve, { id: croydon })).toBeNull();
    // Approving again is refused (no longer APPLIED) and adds nothing.
    expect(await mutate('platform-admin', approve, { id: croydon })).toBe('CONFLICT');
    expect(await outbox('members')).toEqual([
      {
        kind: 'membership.decided',
        subject_typename: 'Organisation',
        subject_id: croydon,
        occurred_at: graph.clock.now(),
        facts: {
          organisationId: croydon,
          fromStatus: 'APPLIED',
          toStatus: 'ACTIVE',
          reason: 'Checked',
          decidedByPersonId: demoPersona('platform-admin').id,
          organisationName: demoOrganisation('croydon').name,
          organisationKind: demoOrganisation('croydon').kind,
          // Approved today: renewal due a year on (the date the membership shows).
          renewalDueOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        },
      },
    ]);
  });

  it('innovations: assigning an assessor', async () => {
    const [innovation] = await query<{ id: string; title: string; supplier_id: string; review_round: number }>(
      'innovations',
      `SELECT id, title, supplier_id, review_round FROM innovations.innovation WHERE status = 'SUBMITTED' ORDER BY id LIMIT 1`,
    );
    const assign = `mutation ($id: ID!, $assessor: ID!) { assignAssessor(innovationId: $id, assessorId: $assessor) { ${refusal} } }`;
    const variables = { id: innovation!.id, assessor: demoPersona('assessor').id };
    // Another supplier's innovation under review is invisible to this contributor.
    expect(await mutate('resurface-contributor', assign, variables)).toBe('NOT_FOUND');
    expect(await outbox('innovations')).toEqual([]);
    expect(await mutate('platform-admin', assign, variables)).toBeNull();
    expect(await outbox('innovations')).toEqual([
      {
        kind: 'assessor.assigned',
        subject_typename: 'Innovation',
        subject_id: innovation!.id,
        occurred_at: graph.clock.now(),
        facts: {
          innovationId: innovation!.id,
          title: innovation!.title,
          supplierOrganisationId: innovation!.supplier_id,
          assessorPersonId: demoPersona('assessor').id,
          round: innovation!.review_round,
          assignedByPersonId: demoPersona('platform-admin').id,
        },
      },
    ]);
  });

  it('procurement: deciding an admission', async () => {
    const [admission] = await query<{ id: string; supplier_id: string; lot_id: string; version: number }>(
      'procurement',
      `SELECT a.id, a.supplier_id, a.lot_id, a.version FROM procurement.admission a WHERE a.status = 'APPLIED' ORDER BY a.id LIMIT 1`,
    );
    const [lot] = await query<{ route_id: string; title: string; reference: string }>(
      'procurement',
      `SELECT l.route_id, l.title, r.reference FROM procurement.lot l JOIN procurement.route r ON r.id = l.route_id WHERE l.id = $1`,
      [admission!.lot_id],
    );
    const decide = `mutation ($input: DecideAdmissionInput!) { decideAdmission(input: $input) { ${refusal} } }`;
    const input = { admissionId: admission!.id, decision: 'ADMITTED', reason: 'Meets the criteria', version: admission!.version };
    expect(await mutate('kent-admin', decide, { input })).toBe('FORBIDDEN');
    // A stale version is refused too, and leaves nothing.
    expect(await mutate('platform-admin', decide, { input: { ...input, version: admission!.version + 5 } })).toBe('CONFLICT');
    expect(await outbox('procurement')).toEqual([]);
    expect(await mutate('platform-admin', decide, { input })).toBeNull();
    expect(await outbox('procurement')).toEqual([
      {
        kind: 'admission.decided',
        subject_typename: 'Admission',
        subject_id: admission!.id,
        occurred_at: graph.clock.now(),
        facts: {
          admissionId: admission!.id,
          supplierOrganisationId: admission!.supplier_id,
          routeId: lot!.route_id,
          routeReference: lot!.reference,
          lotId: admission!.lot_id,
          lotTitle: lot!.title,
          fromStatus: 'APPLIED',
          decision: 'ADMITTED',
          reason: 'Meets the criteria',
          decidedByPersonId: demoPersona('platform-admin').id,
        },
      },
    ]);
  });

  it('events: cancelling an event tells everyone registered or waiting', async () => {
    const [event] = await query<{ id: string; title: string; audience: string }>(
      'events',
      `SELECT e.id, e.title, e.audience FROM events.event e
        WHERE e.status = 'SCHEDULED' AND e.starts_at > $1
          AND EXISTS (SELECT 1 FROM events.event_registration r WHERE r.event_id = e.id AND r.status = 'CONFIRMED')
        ORDER BY e.id LIMIT 1`,
      [graph.clock.now()],
    );
    const cancel = `mutation ($id: ID!) { cancelEvent(id: $id, reason: "Snow") { ${refusal} } }`;
    expect(await mutate('resurface-contributor', cancel, { id: event!.id })).toBe('FORBIDDEN');
    expect(await outbox('events')).toEqual([]);
    expect(await mutate('platform-admin', cancel, { id: event!.id })).toBeNull();
    const people = await query<{ person_id: string; status: string }>(
      'events',
      `SELECT person_id, status FROM events.event_registration WHERE event_id = $1 ORDER BY person_id`,
      [event!.id],
    );
    const rows = await outbox('events');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'event.cancelled', subject_typename: 'Event', subject_id: event!.id });
    expect(rows[0]!.facts).toMatchObject({
      eventId: event!.id,
      title: event!.title,
      memberOnly: event!.audience !== 'PUBLIC',
      reason: 'Snow',
      registeredPersonIds: people.filter((p) => p.status === 'CONFIRMED').map((p) => p.person_id),
      waitingPersonIds: people.filter((p) => p.status === 'WAITING').map((p) => p.person_id),
    });
    expect((rows[0]!.facts.registeredPersonIds as string[]).length).toBeGreaterThan(0);
  });
});
