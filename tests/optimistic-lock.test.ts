import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { expectData, refusalOf, signInAll, type Connection } from './support/graphql-results';
import { readStaleVersionOnce } from './support/stale-read';
import {
  innovationContent,
  newEvent,
  newFaq,
  newInnovation,
  newSupportRequest,
  storedRow,
  versionedEdits,
} from './support/versioned-edits';

/**
 * Through the gateway: a write that lost a version race is refused with CONFLICT carrying the version
 * in the database (platform/optimistic-lock.ts), so the client's retry with it goes through. The race
 * is replayed with readStaleVersionOnce (the service's read made as stale as a real loser's), so this
 * runs on both databases; races.test.ts runs real concurrent pairs on the server pass. Before the
 * helper, a response's loser reported the version its own read saw, and the retry conflicted again.
 */
jest.setTimeout(60_000);

let graph: TestGraph;
const personas = ['kent-buyer', 'resurface-admin'] as const;
let as: (persona: (typeof personas)[number]) => string;

beforeAll(async () => {
  graph = await startTestGraph();
  as = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});

const create = `mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const publish = `mutation ($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) { procurementProject { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const submit = `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id version price } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

async function data<TData>(query: string, variables: Record<string, unknown>, authorization: string): Promise<TData> {
  return expectData(await graph.execute<TData>(query, variables, authorization));
}

async function publishedProject(title: string): Promise<string> {
  const innovations = await data<{ innovations: Connection<{ id: string; supplier: { id: string } }> }>(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
    {},
    as('kent-buyer'),
  );
  const innovationId = innovations.innovations.edges.find((e) => e.node.supplier.id === demoOrganisation('resurface-tech').id)!.node.id;
  const input = {
    title,
    need: 'A need.',
    budget: 50000,
    lotId: demoId('lot', 'RM6302/2'),
    procedure: 'FURTHER_COMPETITION',
    innovationIds: [innovationId],
    criteria: [{ name: 'Quality', weight: 100 }],
  };
  const project = (
    await data<{ createProcurementProject: { procurementProject: { id: string; version: number } } }>(create, { input }, as('kent-buyer'))
  ).createProcurementProject.procurementProject;
  await data(
    publish,
    { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
    as('kent-buyer'),
  );
  return project.id;
}

test("a supplier's response edited at a version another edit just replaced: CONFLICT with the new version, and the retry with it succeeds", async () => {
  const projectId = await publishedProject('Response edited after losing a race');
  const edit = (
    version: number | undefined,
    price: number,
  ): Promise<GraphResult<{ submitResponse: { procurementResponse: { id: string; version: number; price: number } } }>> =>
    graph.execute(submit, { input: { projectId, proposal: `At ${price}.`, price, version } }, as('resurface-admin'));
  const first = expectData(await edit(undefined, 40000)).submitResponse.procurementResponse;
  const won = expectData(await edit(first.version, 41000)).submitResponse.procurementResponse;
  expect(won.version).toBe(first.version + 1);

  const disarm = readStaleVersionOnce(graph.databases.procurement.dataSource, first.id, first.version);
  let lost: GraphResult<unknown>;
  try {
    lost = await edit(first.version, 42000);
  } finally {
    disarm();
  }
  expect(refusalOf(lost)).toMatchObject({ code: 'CONFLICT', currentVersion: won.version, currentStatus: 'SUBMITTED' });

  const retried = expectData(await edit(refusalOf(lost).currentVersion as number, 42000)).submitResponse.procurementResponse;
  expect(retried).toMatchObject({ version: won.version + 1, price: 42000 });
});

/**
 * The types a client edits outside procurement (an innovation, an event, an FAQ) carry a `version`
 * too, optional on their edit mutations: given and stale, the edit is refused with CONFLICT and the
 * version in the database, and nothing changes; omitted, last write wins as before. Every edit moves
 * the version on, so a client holding an old one notices either way.
 */
describe('an optional version on innovations, events and FAQs', () => {
  type Versioned = { version: number };
  const edit = <TData>(query: string, variables: Record<string, unknown>, authorization: string) =>
    graph.execute<TData>(query, variables, authorization);

  test('an innovation: a stale version is refused with the current one and changes nothing; without one, last write wins', async () => {
    const author = await signInAll(graph, ['resurface-contributor'] as const);
    const innovation = await newInnovation(graph, 'Versioned sealant', author('resurface-contributor'));
    expect(innovation.version).toBe(1);
    const saved = await data<{ updateInnovation: { innovation: Versioned } }>(
      versionedEdits.updateInnovation,
      { id: innovation.id, input: innovationContent('Versioned sealant, edited'), version: 1 },
      author('resurface-contributor'),
    );
    expect(saved.updateInnovation.innovation.version).toBe(2);

    const stale = await edit(
      versionedEdits.updateInnovation,
      { id: innovation.id, input: innovationContent('Lost edit'), version: 1 },
      author('resurface-contributor'),
    );
    expect(refusalOf(stale)).toMatchObject({ code: 'CONFLICT', currentVersion: 2, currentStatus: 'DRAFT' });
    const staleSubmit = await edit(versionedEdits.submitInnovation, { id: innovation.id, version: 1 }, author('resurface-contributor'));
    expect(refusalOf(staleSubmit)).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await storedRow(graph, 'innovations.innovation', innovation.id)).toMatchObject({
      title: 'Versioned sealant, edited',
      status: 'DRAFT',
      version: 2,
    });

    const unversioned = await data<{ updateInnovation: { innovation: Versioned & { title: string } } }>(
      versionedEdits.updateInnovation,
      { id: innovation.id, input: innovationContent('Last write') },
      author('resurface-contributor'),
    );
    expect(unversioned.updateInnovation.innovation).toMatchObject({ title: 'Last write', version: 3 });
  });

  test('an event: stale edits, schedules and cancellations are refused with the current version and change nothing', async () => {
    const admin = await signInAll(graph, ['platform-admin'] as const);
    const event = await newEvent(graph, 'Versioned webinar', admin('platform-admin'));
    expect(event.version).toBe(1);
    const saved = await data<{ updateEvent: { event: Versioned } }>(
      versionedEdits.updateEvent,
      { id: event.id, input: { title: 'Versioned webinar, edited' }, version: 1 },
      admin('platform-admin'),
    );
    expect(saved.updateEvent.event.version).toBe(2);

    const stale = await edit(
      versionedEdits.updateEvent,
      { id: event.id, input: { title: 'Lost edit', capacity: 5 }, version: 1 },
      admin('platform-admin'),
    );
    expect(refusalOf(stale)).toMatchObject({ code: 'CONFLICT', currentVersion: 2, currentStatus: 'DRAFT' });
    const staleSchedule = await edit(versionedEdits.scheduleEvent, { id: event.id, version: 1 }, admin('platform-admin'));
    expect(refusalOf(staleSchedule)).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await storedRow(graph, 'events.event', event.id)).toMatchObject({
      title: 'Versioned webinar, edited',
      capacity: null,
      status: 'DRAFT',
      version: 2,
    });

    const scheduled = await data<{ scheduleEvent: { event: Versioned } }>(
      versionedEdits.scheduleEvent,
      { id: event.id },
      admin('platform-admin'),
    );
    expect(scheduled.scheduleEvent.event).toMatchObject({ status: 'SCHEDULED', version: 3 });
    const staleCancel = await edit(versionedEdits.cancelEvent, { id: event.id, reason: 'Stale.', version: 2 }, admin('platform-admin'));
    expect(refusalOf(staleCancel)).toMatchObject({ code: 'CONFLICT', currentVersion: 3, currentStatus: 'SCHEDULED' });
    const cancelled = await data<{ cancelEvent: { event: Versioned } }>(
      versionedEdits.cancelEvent,
      { id: event.id, reason: 'Current.', version: 3 },
      admin('platform-admin'),
    );
    expect(cancelled.cancelEvent.event).toMatchObject({ status: 'CANCELLED', version: 4 });
  });

  test('an FAQ: stale edits and publications are refused with the current version and change nothing', async () => {
    const admin = await signInAll(graph, ['platform-admin'] as const);
    const faq = await newFaq(graph, 'Is this versioned?', admin('platform-admin'));
    expect(faq.version).toBe(1);
    const saved = await data<{ updateFaq: { faq: Versioned } }>(
      versionedEdits.updateFaq,
      { id: faq.id, input: { question: 'Is this versioned now?' }, version: 1 },
      admin('platform-admin'),
    );
    expect(saved.updateFaq.faq.version).toBe(2);

    const stale = await edit(
      versionedEdits.updateFaq,
      { id: faq.id, input: { question: 'Lost edit?' }, version: 1 },
      admin('platform-admin'),
    );
    expect(refusalOf(stale)).toMatchObject({ code: 'CONFLICT', currentVersion: 2, currentStatus: 'DRAFT' });
    const stalePublish = await edit(versionedEdits.publishFaq, { id: faq.id, version: 1 }, admin('platform-admin'));
    expect(refusalOf(stalePublish)).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await storedRow(graph, 'events.faq', faq.id)).toMatchObject({
      question: 'Is this versioned now?',
      status: 'DRAFT',
      published_at: null,
      version: 2,
    });

    const published = await data<{ publishFaq: { faq: Versioned } }>(
      versionedEdits.publishFaq,
      { id: faq.id, version: 2 },
      admin('platform-admin'),
    );
    expect(published.publishFaq.faq).toMatchObject({ status: 'PUBLISHED', version: 3 });
    const unpublished = await data<{ unpublishFaq: { faq: Versioned } }>(
      versionedEdits.unpublishFaq,
      { id: faq.id },
      admin('platform-admin'),
    );
    expect(unpublished.unpublishFaq.faq).toMatchObject({ status: 'DRAFT', version: 4 });
  });
});

/**
 * A stale version is reported as such whatever else the current state refuses (issue 23): events and
 * FAQs used to check their status first, so a client editing at an old version of an event that had
 * since been cancelled got `currentStatus` and no `currentVersion` to reload at. They now step the
 * version first, as innovations, memberships and support requests do.
 */
test('an event or FAQ whose status has changed since the version passed: CONFLICT with currentVersion as well as currentStatus', async () => {
  const admin = await signInAll(graph, ['platform-admin'] as const);
  const event = await newEvent(graph, 'Versioned then cancelled', admin('platform-admin'));
  await data(versionedEdits.scheduleEvent, { id: event.id, version: 1 }, admin('platform-admin'));
  await data(versionedEdits.cancelEvent, { id: event.id, reason: 'Called off.', version: 2 }, admin('platform-admin'));
  const staleEdit = await graph.execute(
    versionedEdits.updateEvent,
    { id: event.id, input: { title: 'Too late' }, version: 2 },
    admin('platform-admin'),
  );
  expect(refusalOf(staleEdit)).toMatchObject({ code: 'CONFLICT', currentVersion: 3, currentStatus: 'CANCELLED' });
  const staleSchedule = await graph.execute(versionedEdits.scheduleEvent, { id: event.id, version: 1 }, admin('platform-admin'));
  expect(refusalOf(staleSchedule)).toMatchObject({ code: 'CONFLICT', currentVersion: 3, currentStatus: 'CANCELLED' });
  // At the current version the status still refuses, as before.
  const currentEdit = await graph.execute(
    versionedEdits.updateEvent,
    { id: event.id, input: { title: 'Too late' }, version: 3 },
    admin('platform-admin'),
  );
  expect(refusalOf(currentEdit)).toMatchObject({ code: 'CONFLICT', currentStatus: 'CANCELLED' });
  expect(refusalOf(currentEdit).currentVersion).toBeUndefined();
  expect(await storedRow(graph, 'events.event', event.id)).toMatchObject({ title: 'Versioned then cancelled', version: 3 });

  const faq = await newFaq(graph, 'Published since?', admin('platform-admin'));
  await data(versionedEdits.publishFaq, { id: faq.id, version: 1 }, admin('platform-admin'));
  const stalePublish = await graph.execute(versionedEdits.publishFaq, { id: faq.id, version: 1 }, admin('platform-admin'));
  expect(refusalOf(stalePublish)).toMatchObject({ code: 'CONFLICT', currentVersion: 2, currentStatus: 'PUBLISHED' });
  const currentPublish = await graph.execute(versionedEdits.publishFaq, { id: faq.id, version: 2 }, admin('platform-admin'));
  expect(refusalOf(currentPublish)).toMatchObject({ code: 'CONFLICT', currentStatus: 'PUBLISHED' });
  expect(refusalOf(currentPublish).currentVersion).toBeUndefined();
});

describe("an optional version on support requests and on members' organisations, memberships and people", () => {
  test('a support request: stale answers, closes and reopens are refused with the current version and status, and change nothing', async () => {
    const people = await signInAll(graph, ['platform-admin'] as const);
    const staff = people('platform-admin');
    const requester = as('kent-buyer');
    const request = await newSupportRequest(graph, 'Versioned request', requester);
    expect(request.version).toBe(1);
    const run = (query: string, variables: Record<string, unknown>, authorization: string) =>
      graph.execute<Record<string, { supportRequest: { status: string; version: number } }>>(
        query,
        { id: request.id, ...variables },
        authorization,
      );

    const answered = expectData(await run(versionedEdits.answerSupportRequest, { message: 'Try again.', version: 1 }, staff));
    expect(answered.answerSupportRequest!.supportRequest).toMatchObject({ status: 'ANSWERED', version: 2 });
    for (const [query, variables, caller] of [
      [versionedEdits.closeSupportRequest, { version: 1 }, requester],
      [versionedEdits.reopenSupportRequest, { message: 'Still broken.', version: 1 }, requester],
      // The status refuses too (not OPEN): the stale version is what the client hears about.
      [versionedEdits.answerSupportRequest, { message: 'Again.', version: 1 }, staff],
    ] as const) {
      expect(refusalOf(await run(query, variables, caller))).toMatchObject({
        code: 'CONFLICT',
        currentVersion: 2,
        currentStatus: 'ANSWERED',
      });
    }
    expect(await storedRow(graph, 'events.support_request', request.id)).toMatchObject({ status: 'ANSWERED', version: 2 });

    const reopened = expectData(await run(versionedEdits.reopenSupportRequest, { message: 'Still broken.', version: 2 }, requester));
    expect(reopened.reopenSupportRequest!.supportRequest).toMatchObject({ status: 'OPEN', version: 3 });
    const closed = expectData(await run(versionedEdits.closeSupportRequest, {}, requester));
    expect(closed.closeSupportRequest!.supportRequest).toMatchObject({ status: 'CLOSED', version: 4 });
  });

  test('an organisation, its membership and a person: versions read through the gateway, stale ones refused with the current one', async () => {
    const people = await signInAll(graph, ['platform-admin'] as const);
    const admin = people('platform-admin');
    const powys = demoOrganisation('powys').id;
    const read = async () =>
      (
        await data<{
          organisation: {
            version: number;
            membership: { status: string; version: number };
            people: { id: string; organisationRoles: string[]; version: number }[];
          };
        }>(
          `query ($id: ID!) { organisation(id: $id) { version membership { status version } people { id organisationRoles version } } }`,
          { id: powys },
          admin,
        )
      ).organisation;
    const before = await read();
    expect(before.membership.status).toBe('ACTIVE');

    await data(versionedEdits.decideMembership('suspendMembership'), { id: powys, version: before.membership.version }, admin);
    const staleReinstate = await graph.execute(
      versionedEdits.decideMembership('reinstateMembership'),
      { id: powys, version: before.membership.version },
      admin,
    );
    expect(refusalOf(staleReinstate)).toMatchObject({
      code: 'CONFLICT',
      currentVersion: before.membership.version + 1,
      currentStatus: 'SUSPENDED',
    });
    await data(versionedEdits.decideMembership('reinstateMembership'), { id: powys, version: before.membership.version + 1 }, admin);

    await data(versionedEdits.setInvitationDomains, { id: powys, domains: ['powys.gov.uk'], version: before.version }, admin);
    const staleDomains = await graph.execute(
      versionedEdits.setInvitationDomains,
      { id: powys, domains: [], version: before.version },
      admin,
    );
    expect(refusalOf(staleDomains)).toMatchObject({ code: 'CONFLICT', currentVersion: before.version + 1 });

    const person = before.people.find((p) => !p.organisationRoles.includes('ORG_ADMIN'))!;
    await data(versionedEdits.changePersonRoles, { id: person.id, roles: ['VIEWER'], version: person.version }, admin);
    const staleRoles = await graph.execute(
      versionedEdits.changePersonRoles,
      { id: person.id, roles: ['BUYER'], version: person.version },
      admin,
    );
    expect(refusalOf(staleRoles)).toMatchObject({ code: 'CONFLICT', currentVersion: person.version + 1 });

    const after = await read();
    expect(after.version).toBe(before.version + 1);
    expect(after.membership).toEqual({ status: 'ACTIVE', version: before.membership.version + 2 });
    expect(after.people.find((p) => p.id === person.id)).toMatchObject({ organisationRoles: ['VIEWER'], version: person.version + 1 });
  });
});
