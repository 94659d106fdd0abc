import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import type { SubgraphName } from '../platform/subgraph-names';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { signInAll, type UntypedData } from './support/graphql-results';

/**
 * Issue 25 items 1 and 5: the events reminders are planned and cancelled from
 * (subgraphs/notifications/reminders/plan.ts) exist exactly when their change committed. Through the
 * gateway, on the injected clock: a refused change leaves no outbox row; each committed one leaves
 * exactly one, with the facts the planner reads.
 */
jest.setTimeout(120_000);

let graph: TestGraph;
let header: (persona: (typeof personas)[number]) => string;
const personas = ['kent-buyer', 'resurface-contributor', 'resurface-admin', 'platform-admin'] as const;
const resurface = demoOrganisation('resurface-tech').id;
const kent = demoOrganisation('kent').id;

beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});

type Row = { kind: string; subject_typename: string; subject_id: string; facts: Record<string, unknown>; occurred_at: Date };
/** The outbox rows of `subgraph` written after `since` (its sequence), oldest first. */
const outboxAfter = async (subgraph: SubgraphName, since: string): Promise<Row[]> =>
  graph.databases[subgraph].dataSource.query(
    `SELECT kind, subject_typename, subject_id, facts, occurred_at FROM ${subgraph}.outbox_event WHERE sequence > $1 ORDER BY sequence`,
    [since],
  );
const lastSequence = async (subgraph: SubgraphName): Promise<string> =>
  String((await graph.databases[subgraph].dataSource.query(`SELECT coalesce(max(sequence), 0) AS s FROM ${subgraph}.outbox_event`))[0].s);

/** Runs a mutation; returns its payload's refusal code (null when it made the change) and the payload. */
async function mutate(persona: (typeof personas)[number], document: string, variables: Record<string, unknown>) {
  const { data, errors } = await graph.execute<UntypedData>(document, variables, header(persona));
  expect(errors ?? []).toEqual([]);
  const payload = Object.values(data ?? {})[0] as UntypedData;
  return { code: (payload.refusal?.code as string | undefined) ?? null, payload };
}
const refusal = 'refusal { code message }';

describe('the outbox holds the events reminders depend on exactly when their change committed', () => {
  it('procurement: publishing (with its calendar), a response submitted and withdrawn, the project cancelled', async () => {
    graph.clock.set('2027-02-01T10:00:00Z');
    const innovations = await graph.execute<UntypedData>(
      `{ innovations(first: 100, filter: { statuses: [APPROVED] }) { edges { node { id supplier { id } } } } }`,
      {},
      header('kent-buyer'),
    );
    const innovationId = innovations
      .data!.innovations.edges.map((e: UntypedData) => e.node)
      .find((n: UntypedData) => n.supplier.id === resurface).id;
    const since = await lastSequence('procurement');
    const created = await mutate(
      'kent-buyer',
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version title } ${refusal} } }`,
      {
        input: {
          title: 'Reminder outbox check',
          need: 'Permanent repairs to 2,000 potholes a year.',
          budget: 150000,
          lotId: demoId('lot', 'RM6301/1'),
          procedure: 'FURTHER_COMPETITION',
          innovationIds: [innovationId],
          criteria: [
            { name: 'Quality', weight: 60 },
            { name: 'Price', weight: 40 },
          ],
        },
      },
    );
    expect(created.code).toBeNull();
    const project = created.payload.procurementProject as { id: string; version: number; title: string };
    const publish = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version clarificationDeadline { at } submissionDeadline { at } } ${refusal} } }`;
    // Too few working days to the cut-off: refused, nothing recorded.
    expect(
      (
        await mutate('kent-buyer', publish, {
          input: { projectId: project.id, version: project.version, clarificationWorkingDays: 1, responseWorkingDays: 8 },
        })
      ).code,
    ).toBe('BAD_USER_INPUT');
    expect(await outboxAfter('procurement', since)).toEqual([]);
    const published = await mutate('kent-buyer', publish, {
      input: { projectId: project.id, version: project.version, clarificationWorkingDays: 3, responseWorkingDays: 8 },
    });
    expect(published.code).toBeNull();
    const [publishedRow] = await outboxAfter('procurement', since);
    expect(publishedRow).toMatchObject({ kind: 'project.published', subject_id: project.id });
    // Kent procures under the Procurement Act 2023: a bank holiday anywhere in the UK is no working day.
    expect(publishedRow!.facts).toMatchObject({
      projectId: project.id,
      workingDayNations: ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'],
      responseDeadline: published.payload.procurementProject.submissionDeadline.at,
    });
    const invited = publishedRow!.facts.invitedSupplierOrganisationIds as string[];
    expect(invited).toContain(resurface);

    const afterPublish = await lastSequence('procurement');
    const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id version } ${refusal} } }`;
    const submitted = await mutate('resurface-contributor', submit, {
      input: { projectId: project.id, proposal: 'Our proposal.', price: 70000 },
    });
    expect(submitted.code).toBeNull();
    const response = submitted.payload.procurementResponse as { id: string; version: number };
    // Submitting again without a version is refused, and an edit is no submission: neither records one.
    expect((await mutate('resurface-contributor', submit, { input: { projectId: project.id, proposal: 'Again.', price: 1 } })).code).toBe(
      'CONFLICT',
    );
    const edited = await mutate('resurface-contributor', submit, {
      input: { projectId: project.id, proposal: 'Edited.', price: 69000, version: response.version },
    });
    expect(edited.code).toBeNull();
    const withdrawn = await mutate(
      'resurface-contributor',
      `mutation($input: WithdrawResponseInput!){ withdrawResponse(input: $input) { procurementResponse { id } ${refusal} } }`,
      { input: { responseId: response.id, version: edited.payload.procurementResponse.version } },
    );
    expect(withdrawn.code).toBeNull();
    const facts = {
      projectId: project.id,
      projectTitle: project.title,
      buyerOrganisationId: kent,
      responseId: response.id,
      supplierOrganisationId: resurface,
    };
    expect(await outboxAfter('procurement', afterPublish)).toEqual([
      {
        kind: 'response.submitted',
        subject_typename: 'ProcurementResponse',
        subject_id: response.id,
        occurred_at: graph.clock.now(),
        facts: { ...facts, submittedByPersonId: demoPersona('resurface-contributor').id, resubmission: false },
      },
      {
        kind: 'response.withdrawn',
        subject_typename: 'ProcurementResponse',
        subject_id: response.id,
        occurred_at: graph.clock.now(),
        facts: {
          ...facts,
          withdrawnByPersonId: demoPersona('resurface-contributor').id,
          responseDeadline: publishedRow!.facts.responseDeadline,
          workingDayNations: ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'],
        },
      },
    ]);
    // Submitted again after withdrawing: a resubmission.
    const afterWithdrawal = await lastSequence('procurement');
    expect(
      (await mutate('resurface-contributor', submit, { input: { projectId: project.id, proposal: 'Back.', price: 68000 } })).code,
    ).toBeNull();
    expect((await outboxAfter('procurement', afterWithdrawal)).map((row) => [row.kind, row.facts.resubmission])).toEqual([
      ['response.submitted', true],
    ]);

    const afterResubmission = await lastSequence('procurement');
    const cancel = `mutation($input: CancelProcurementProjectInput!){ cancelProcurementProject(input: $input) { procurementProject { id } ${refusal} } }`;
    const version = (
      await graph.execute<UntypedData>(
        `query($id: ID!){ procurementProject(id: $id) { version } }`,
        { id: project.id },
        header('kent-buyer'),
      )
    ).data!.procurementProject.version;
    expect((await mutate('resurface-contributor', cancel, { input: { projectId: project.id, version, reason: 'Not mine' } })).code).toMatch(
      /FORBIDDEN|NOT_FOUND/,
    );
    expect(await outboxAfter('procurement', afterResubmission)).toEqual([]);
    expect((await mutate('kent-buyer', cancel, { input: { projectId: project.id, version, reason: 'Budget withdrawn' } })).code).toBeNull();
    expect(await outboxAfter('procurement', afterResubmission)).toEqual([
      {
        kind: 'project.cancelled',
        subject_typename: 'ProcurementProject',
        subject_id: project.id,
        occurred_at: graph.clock.now(),
        facts: {
          projectId: project.id,
          projectTitle: project.title,
          buyerOrganisationId: kent,
          fromStatus: 'PUBLISHED',
          reason: 'Budget withdrawn',
          invitedSupplierOrganisationIds: [...invited].sort(),
          cancelledByPersonId: demoPersona('kent-buyer').id,
        },
      },
    ]);
  });

  it('events: a confirmed registration and its cancellation', async () => {
    graph.clock.set('2026-11-02T09:00:00Z');
    const [event] = (await graph.databases.events.dataSource.query(
      `SELECT e.id, e.title, e.starts_at, e.ends_at, e.audience FROM events.event e
        WHERE e.status = 'SCHEDULED' AND e.audience = 'PUBLIC' AND e.starts_at > $1 AND e.capacity IS NULL
          AND NOT EXISTS (SELECT 1 FROM events.event_registration r WHERE r.event_id = e.id AND r.person_id = $2)
        ORDER BY e.starts_at LIMIT 1`,
      [graph.clock.now(), demoPersona('resurface-admin').id],
    )) as { id: string; title: string; starts_at: Date; ends_at: Date }[];
    const since = await lastSequence('events');
    const register = `mutation($id: ID!){ registerForEvent(eventId: $id) { eventRegistration { status } ${refusal} } }`;
    const cancel = `mutation($id: ID!){ cancelEventRegistration(eventId: $id) { eventRegistration { status } ${refusal} } }`;
    // Nothing to cancel yet: refused, nothing recorded.
    expect((await mutate('resurface-admin', cancel, { id: event!.id })).code).toBe('NOT_FOUND');
    expect((await mutate('resurface-admin', register, { id: event!.id })).code).toBeNull();
    // Registered already: refused, nothing more recorded.
    expect((await mutate('resurface-admin', register, { id: event!.id })).code).toBe('CONFLICT');
    expect((await mutate('resurface-admin', cancel, { id: event!.id })).code).toBeNull();
    const facts = {
      eventId: event!.id,
      title: event!.title,
      startsAt: new Date(event!.starts_at).toISOString(),
      endsAt: new Date(event!.ends_at).toISOString(),
      memberOnly: false,
      personId: demoPersona('resurface-admin').id,
    };
    const subject = { subject_typename: 'Event', subject_id: event!.id, occurred_at: graph.clock.now() };
    expect(await outboxAfter('events', since)).toEqual([
      { kind: 'registration.confirmed', ...subject, facts },
      { kind: 'registration.cancelled', ...subject, facts: { ...facts, wasConfirmed: true } },
    ]);
  });

  it('innovations: a certification added with its expiry, and withdrawn while pending', async () => {
    graph.clock.set('2027-01-04T10:00:00Z');
    const [innovation] = (await graph.databases.innovations.dataSource.query(
      `SELECT id, title FROM innovations.innovation WHERE supplier_id = $1 AND status = 'APPROVED' ORDER BY id LIMIT 1`,
      [resurface],
    )) as { id: string; title: string }[];
    const since = await lastSequence('innovations');
    const add = `mutation($input: AddEvidenceInput!){ addEvidence(input: $input) { innovation { id evidence { certifications(first: 100) { id reference } } } ${refusal} } }`;
    const certification = { scheme: 'HAPAS', issuer: 'BBA', reference: 'HAPAS-REMIND-1', expiresOn: '2027-06-30' };
    // Another supplier's innovation: refused, nothing recorded.
    expect((await mutate('kent-buyer', add, { input: { innovationId: innovation!.id, certification } })).code).toMatch(
      /FORBIDDEN|NOT_FOUND/,
    );
    expect(await outboxAfter('innovations', since)).toEqual([]);
    const added = await mutate('resurface-contributor', add, { input: { innovationId: innovation!.id, certification } });
    expect(added.code).toBeNull();
    const certificationId = (added.payload.innovation.evidence.certifications as { id: string; reference: string }[]).find(
      (c) => c.reference === certification.reference,
    )!.id;
    const withdrawn = await mutate(
      'resurface-contributor',
      `mutation($id: ID!){ withdrawCertification(certificationId: $id, reason: "Superseded") { innovation { id } ${refusal} } }`,
      { id: certificationId },
    );
    expect(withdrawn.code).toBeNull();
    const facts = { innovationId: innovation!.id, title: innovation!.title, supplierOrganisationId: resurface, certificationId };
    const subject = { subject_typename: 'Innovation', subject_id: innovation!.id, occurred_at: graph.clock.now() };
    expect(await outboxAfter('innovations', since)).toEqual([
      { kind: 'certification.added', ...subject, facts: { ...facts, ...certification } },
      { kind: 'certification.withdrawn', ...subject, facts },
    ]);
  });
});
