import { demoOrganisation } from '../../demo-data/organisations';
import type { GraphResult, TestGraph } from './graph-harness';
import { codesOf, expectData } from './graphql-results';

/**
 * The types that gained an optional `version` (issue 23): an innovation, an event, an FAQ, a support
 * request, and members' organisations, memberships and people; the fresh ones created through the
 * gateway, the edit mutations that take the version, and the version in the database. Shared by
 * optimistic-lock.test.ts (stale versions, both databases) and races.test.ts (two edits at one
 * version at once, server pass).
 */
const refusal = `refusal { code message field ... on StateConflict { reason currentStatus currentVersion } }`;

export const versionedEdits = {
  updateInnovation: `mutation ($id: ID!, $input: InnovationInput!, $version: Int) { updateInnovation(id: $id, input: $input, version: $version) { innovation { id title version } ${refusal} } }`,
  submitInnovation: `mutation ($id: ID!, $version: Int) { submitInnovation(id: $id, version: $version) { innovation { id status version } ${refusal} } }`,
  updateEvent: `mutation ($id: ID!, $input: UpdateEventInput!, $version: Int) { updateEvent(id: $id, input: $input, version: $version) { event { id title version } ${refusal} } }`,
  scheduleEvent: `mutation ($id: ID!, $version: Int) { scheduleEvent(id: $id, version: $version) { event { id status version } ${refusal} } }`,
  cancelEvent: `mutation ($id: ID!, $reason: String!, $version: Int) { cancelEvent(id: $id, reason: $reason, version: $version) { event { id status version } ${refusal} } }`,
  updateFaq: `mutation ($id: ID!, $input: UpdateFaqInput!, $version: Int) { updateFaq(id: $id, input: $input, version: $version) { faq { id question version } ${refusal} } }`,
  publishFaq: `mutation ($id: ID!, $version: Int) { publishFaq(id: $id, version: $version) { faq { id status version } ${refusal} } }`,
  unpublishFaq: `mutation ($id: ID!, $version: Int) { unpublishFaq(id: $id, version: $version) { faq { id status version } ${refusal} } }`,
  answerSupportRequest: `mutation ($id: ID!, $message: String!, $version: Int) { answerSupportRequest(id: $id, message: $message, version: $version) { supportRequest { id status version } ${refusal} } }`,
  closeSupportRequest: `mutation ($id: ID!, $version: Int) { closeSupportRequest(id: $id, version: $version) { supportRequest { id status version } ${refusal} } }`,
  reopenSupportRequest: `mutation ($id: ID!, $message: String!, $version: Int) { reopenSupportRequest(id: $id, message: $message, version: $version) { supportRequest { id status version } ${refusal} } }`,
  setInvitationDomains: `mutation ($id: ID!, $domains: [String!]!, $version: Int) { setInvitationDomains(organisationId: $id, domains: $domains, version: $version) { organisation { id invitationDomains version } ${refusal} } }`,
  changePersonRoles: `mutation ($id: ID!, $roles: [OrganisationRole!]!, $version: Int) { changePersonRoles(personId: $id, roles: $roles, version: $version) { person { id organisationRoles version } ${refusal} } }`,
  /** A platform admin's decision on a membership (`approveMembership`, `suspendMembership`, …), with a reason. */
  decideMembership: (mutation: string) =>
    `mutation ($id: ID!, $version: Int) { ${mutation}(organisationId: $id, reason: "Decided.", version: $version) { membership { status version } ${refusal} } }`,
};

/** Content for `createInnovation` / `updateInnovation` (the whole content each time). */
export const innovationContent = (title: string) => ({
  title,
  summary: 'A cold-applied sealant that keeps water out of repaired potholes.',
  description: 'Applied around the edges of a permanent repair; cures in twenty minutes.',
  category: 'POTHOLE_REPAIR',
  tags: ['sealant'],
  trl: 7,
});

async function created<TData>(graph: TestGraph, query: string, variables: Record<string, unknown>, authorization: string): Promise<TData> {
  const answer: GraphResult<TData> = await graph.execute<TData>(query, variables, authorization);
  expect(codesOf(answer)).toEqual([]);
  return expectData(answer);
}

/** A DRAFT innovation of the author's supplier, at version 1. */
export async function newInnovation(graph: TestGraph, title: string, author: string): Promise<{ id: string; version: number }> {
  const data = await created<{ createInnovation: { innovation: { id: string; version: number } } }>(
    graph,
    `mutation ($input: InnovationInput!) { createInnovation(input: $input) { innovation { id version } ${refusal} } }`,
    { input: innovationContent(title) },
    author,
  );
  return data.createInnovation.innovation;
}

/** A DRAFT event hosted by the IPS body, at version 1. */
export async function newEvent(graph: TestGraph, title: string, platformAdmin: string): Promise<{ id: string; version: number }> {
  const input = {
    title,
    description: 'Versions.',
    kind: 'WEBINAR',
    audience: 'ALL_MEMBERS',
    joinUrl: 'https://meet.example/versions',
    hostIds: [demoOrganisation('ips-body').id],
    startsAtLocal: '2027-06-01T10:00',
    endsAtLocal: '2027-06-01T11:00',
  };
  const data = await created<{ createEvent: { event: { id: string; version: number } } }>(
    graph,
    `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id version } ${refusal} } }`,
    { input },
    platformAdmin,
  );
  return data.createEvent.event;
}

/** A DRAFT FAQ, at version 1. */
export async function newFaq(graph: TestGraph, question: string, platformAdmin: string): Promise<{ id: string; version: number }> {
  const data = await created<{ createFaq: { faq: { id: string; version: number } } }>(
    graph,
    `mutation ($input: CreateFaqInput!) { createFaq(input: $input) { faq { id version } ${refusal} } }`,
    { input: { topic: 'BUYING', question, answer: 'An answer.' } },
    platformAdmin,
  );
  return data.createFaq.faq;
}

/** An OPEN support request raised by a person of an active member, at version 1. */
export async function newSupportRequest(graph: TestGraph, subject: string, requester: string): Promise<{ id: string; version: number }> {
  const data = await created<{ raiseSupportRequest: { supportRequest: { id: string; version: number } } }>(
    graph,
    `mutation ($input: RaiseSupportRequestInput!) { raiseSupportRequest(input: $input) { supportRequest { id version } ${refusal} } }`,
    { input: { category: 'ACCOUNT', subject, message: 'Please help.' } },
    requester,
  );
  return data.raiseSupportRequest.supportRequest;
}

type VersionedTable =
  | 'innovations.innovation'
  | 'events.event'
  | 'events.faq'
  | 'events.support_request'
  | 'members.organisation'
  | 'members.membership'
  | 'members.person';

/**
 * A row's version and a column of it, read from the subgraph's database (what a refused edit must not
 * change). A membership is found by its organisation's id, the others by their own.
 */
export async function storedRow(graph: TestGraph, table: VersionedTable, id: string) {
  const schema = table.slice(0, table.indexOf('.')) as 'innovations' | 'events' | 'members';
  const key = table === 'members.membership' ? 'organisation_id' : 'id';
  const [row] = (await graph.databases[schema].dataSource.query(`SELECT * FROM ${table} WHERE ${key} = $1`, [id])) as Record<
    string,
    unknown
  >[];
  return row!;
}
