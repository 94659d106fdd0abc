import { randomUUID } from 'node:crypto';
import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { defaultAssessmentsRequired } from '../platform/config';
import { eventMachine, faqMachine } from '../subgraphs/events/status-machines';
import { admissionDecisions, admissionMachine } from '../subgraphs/procurement/status-machines';
import { defaultTestNow, startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { expectData, signInAll, type UntypedData } from './support/graphql-results';

/**
 * Issue 23 item 2: every status machine is one table (platform/transitions.ts, each subgraph's
 * status-machines.ts), read by the mutations and by the `viewerCan` fields alike. This walks each
 * machine through the gateway, status by status and action by action, as a viewer the action's
 * "who" allows, and checks that the two sides agree:
 *
 * - a `viewerCan` flag that says yes: the mutation goes through (or, where a case says so, is
 *   refused by a named rule the flag does not read, such as an evaluation not yet complete);
 * - a flag that says no: the mutation is refused with CONFLICT (NOT_FOUND when the viewer cannot
 *   see the record at all, so the flag cannot even be read).
 *
 * Actions no `viewerCan` flag reports (publishing an event, an FAQ, a staff decision on an
 * admission) are checked against the table itself. Each case gets a fresh record, set into its
 * status directly in the subgraph's database, so no case depends on another.
 */

let graph: TestGraph;
const personas = ['platform-admin', 'kent-buyer', 'resurface-contributor', 'potholepro-contributor', 'assessor'] as const;
type Persona = (typeof personas)[number];
let header: (persona: Persona) => string;

beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});
afterEach(() => graph.clock.set(defaultTestNow));

const refusalFields = `refusal { __typename code message ... on Conflict { reason currentStatus } }`;
type Refusal = { __typename: string; code: string; message: string; reason: string | null; currentStatus: string | null };

/** Runs a mutation whose payload is `field`: its refusal, or null when the change was made. */
async function attempt(persona: Persona, field: string, query: string, variables: Record<string, unknown>): Promise<Refusal | null> {
  const answer: GraphResult<UntypedData> = await graph.execute(query, variables, header(persona));
  if (answer.errors?.length) throw new Error(`${field} failed: ${JSON.stringify(answer.errors)}`);
  return (answer.data?.[field]?.refusal as Refusal | null) ?? null;
}

async function read(persona: Persona, query: string, variables: Record<string, unknown>): Promise<UntypedData> {
  return expectData(await graph.execute<UntypedData>(query, variables, header(persona)));
}

/**
 * What the mutation's answer says the flag should have been: yes (made, or refused only by one of
 * the `tolerated` named rules, which the flag does not read), no (CONFLICT), or unseen (NOT_FOUND).
 */
function verdict(refusal: Refusal | null, tolerated: readonly string[]): string {
  if (refusal === null || (refusal.code === 'CONFLICT' && refusal.reason !== null && tolerated.includes(refusal.reason))) return 'yes';
  if (refusal.code === 'CONFLICT') return 'no';
  if (refusal.code === 'NOT_FOUND') return 'unseen';
  return `${refusal.code}: ${refusal.message}`;
}

/** `flag` is the viewerCan flag, or undefined when the viewer cannot see the record (so there is no flag to read). */
function expectAgreement(label: string, flag: boolean | undefined, refusal: Refusal | null, tolerated: readonly string[] = []): void {
  const expected = flag === undefined ? 'unseen' : flag ? 'yes' : 'no';
  expect({ case: label, verdict: verdict(refusal, tolerated), refusal }).toEqual({ case: label, verdict: expected, refusal });
}

/** The mutation refuses exactly when the table does, with CONFLICT naming the status the table judged. */
function expectAsTable(label: string, allowed: boolean, refusal: Refusal | null, status: string): void {
  expect({ case: label, refusal: refusal && { code: refusal.code, currentStatus: refusal.currentStatus } }).toEqual({
    case: label,
    refusal: allowed ? null : { code: 'CONFLICT', currentStatus: status },
  });
}

const hours = (n: number) => new Date(graph.clock.now().getTime() + n * 3600_000);
const day = (offset: number) =>
  hours(offset * 24)
    .toISOString()
    .slice(0, 10);

// -------------------------------------------------------------------------------------------- events

describe('events: eventMachine, registrationMachine, faqMachine, supportRequestMachine', () => {
  const admin = demoPersona('platform-admin');
  const adminOrganisation = demoOrganisation('ips-body');
  const sql = (text: string, parameters: unknown[] = []) => graph.databases.events.dataSource.query(text, parameters);

  const timings = {
    upcoming: { startsIn: 48, endsIn: 50 },
    running: { startsIn: -1, endsIn: 1 },
    ended: { startsIn: -50, endsIn: -48 },
  } as const;

  /** A new event of the IPS body's, put into `status` with the timing given. */
  async function eventIn(status: string, timing: keyof typeof timings): Promise<string> {
    const created = await read(
      'platform-admin',
      `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } ${refusalFields} } }`,
      {
        input: {
          title: `A ${status} ${timing} webinar`,
          description: 'For the status machine checks.',
          kind: 'WEBINAR',
          audience: 'PUBLIC',
          startsAtLocal: '2027-06-01T10:00',
          endsAtLocal: '2027-06-01T11:00',
          joinUrl: 'https://events.example/join',
          hostIds: [adminOrganisation.id],
        },
      },
    );
    const id = created.createEvent.event.id as string;
    const { startsIn, endsIn } = timings[timing];
    await sql(`UPDATE events.event SET status = $2, starts_at = $3, ends_at = $4 WHERE id = $1`, [
      id,
      status,
      hours(startsIn),
      hours(endsIn),
    ]);
    return id;
  }

  const registerAdmin = (eventId: string) =>
    sql(
      `INSERT INTO events.event_registration (event_id, person_id, organisation_id, organisation_kind, status, queue_number, registered_at, confirmed_at)
       VALUES ($1, $2, $3, $4, 'CONFIRMED', nextval('events.registration_queue'), $5, $5)`,
      [eventId, admin.id, adminOrganisation.id, adminOrganisation.kind, graph.clock.now()],
    );
  const viewerCan = async (eventId: string) =>
    (
      await read('platform-admin', `query ($id: ID!) { event(id: $id) { viewerCan { register cancelRegistration markAttendance } } }`, {
        id: eventId,
      })
    ).event.viewerCan as Record<string, boolean>;

  const flagged = {
    register: {
      field: 'registerForEvent',
      query: `mutation ($id: ID!) { registerForEvent(eventId: $id) { ${refusalFields} } }`,
      registered: false,
    },
    cancelRegistration: {
      field: 'cancelEventRegistration',
      query: `mutation ($id: ID!) { cancelEventRegistration(eventId: $id) { ${refusalFields} } }`,
      registered: true,
    },
    markAttendance: {
      field: 'markAttendance',
      query: `mutation ($id: ID!, $person: ID!) { markAttendance(eventId: $id, attendance: [{ personId: $person, attended: true }]) { ${refusalFields} } }`,
      registered: true,
    },
  } as const;

  const cases = eventMachine.statuses.flatMap((status) =>
    (Object.keys(timings) as (keyof typeof timings)[]).map((timing) => [status, timing] as const),
  );

  it.each(cases)('Event.viewerCan agrees with the mutations for a %s event (%s)', async (status, timing) => {
    for (const [flag, action] of Object.entries(flagged)) {
      const id = await eventIn(status, timing);
      if (action.registered) await registerAdmin(id);
      const can = (await viewerCan(id))[flag];
      const refusal = await attempt('platform-admin', action.field, action.query, { id, person: admin.id });
      expectAgreement(`${flag} on a ${status} event (${timing})`, can, refusal);
    }
  });

  const manageOnly = {
    edit: { field: 'updateEvent', query: `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "Renamed" }) { ${refusalFields} } }` },
    publish: { field: 'scheduleEvent', query: `mutation ($id: ID!) { scheduleEvent(id: $id) { ${refusalFields} } }` },
    complete: { field: 'completeEvent', query: `mutation ($id: ID!) { completeEvent(id: $id) { ${refusalFields} } }` },
    cancel: { field: 'cancelEvent', query: `mutation ($id: ID!) { cancelEvent(id: $id, reason: "Called off.") { ${refusalFields} } }` },
    publishQuestion: {
      field: 'publishBriefingQuestion',
      query: `mutation ($id: ID!) { publishBriefingQuestion(eventId: $id, question: "Is there parking?", answer: "Yes.") { ${refusalFields} } }`,
    },
  } as const;

  it.each(cases)(
    'event changes with no viewerCan flag of their own refuse exactly as the table says: a %s event (%s)',
    async (status, timing) => {
      for (const [action, mutation] of Object.entries(manageOnly) as [
        keyof typeof manageOnly,
        (typeof manageOnly)[keyof typeof manageOnly],
      ][]) {
        const id = await eventIn(status, timing);
        const { startsIn, endsIn } = timings[timing];
        const subject = {
          status,
          audience: 'PUBLIC' as const,
          startsAt: hours(startsIn),
          endsAt: hours(endsIn),
          hostIds: [],
          now: graph.clock.now(),
        };
        const refusal = await attempt('platform-admin', mutation.field, mutation.query, { id });
        expectAsTable(`${action} a ${status} event (${timing})`, eventMachine.can(action, subject), refusal, status);
      }
    },
  );

  it('publishFaq and unpublishFaq refuse exactly as faqMachine says', async () => {
    for (const status of faqMachine.statuses) {
      for (const action of faqMachine.actions) {
        const created = await read(
          'platform-admin',
          `mutation { createFaq(input: { topic: THE_IPS, question: "What is it?", answer: "A system." }) { faq { id } ${refusalFields} } }`,
          {},
        );
        const id = created.createFaq.faq.id as string;
        await sql(`UPDATE events.faq SET status = $2, published_at = CASE WHEN $2 = 'PUBLISHED' THEN now() END WHERE id = $1`, [
          id,
          status,
        ]);
        const field = action === 'publish' ? 'publishFaq' : 'unpublishFaq';
        const refusal = await attempt('platform-admin', field, `mutation ($id: ID!) { ${field}(id: $id) { ${refusalFields} } }`, { id });
        expectAsTable(`${action} a ${status} FAQ`, faqMachine.can(action, { status }), refusal, status);
      }
    }
  });

  const supportCases = [
    { status: 'OPEN', answeredDaysAgo: null },
    { status: 'ANSWERED', answeredDaysAgo: 1 },
    { status: 'ANSWERED', answeredDaysAgo: 20 },
    { status: 'CLOSED', answeredDaysAgo: 3 },
    { status: 'CLOSED', answeredDaysAgo: null },
  ] as const;
  const supportActions = {
    answer: {
      persona: 'platform-admin',
      field: 'answerSupportRequest',
      query: `mutation ($id: ID!) { answerSupportRequest(id: $id, message: "Here is how.") { ${refusalFields} } }`,
    },
    close: {
      persona: 'kent-buyer',
      field: 'closeSupportRequest',
      query: `mutation ($id: ID!) { closeSupportRequest(id: $id) { ${refusalFields} } }`,
    },
    reopen: {
      persona: 'kent-buyer',
      field: 'reopenSupportRequest',
      query: `mutation ($id: ID!) { reopenSupportRequest(id: $id, message: "Still broken.") { ${refusalFields} } }`,
    },
  } as const;

  it.each(supportCases)(
    'SupportRequest.viewerCan agrees with the mutations: $status, answered $answeredDaysAgo day(s) ago',
    async ({ status, answeredDaysAgo }) => {
      for (const [action, { persona, field, query }] of Object.entries(supportActions)) {
        const raised = await read(
          'kent-buyer',
          `mutation { raiseSupportRequest(input: { category: EVENTS, subject: "Join link", message: "Where is it?" }) { supportRequest { id } ${refusalFields} } }`,
          {},
        );
        const id = raised.raiseSupportRequest.supportRequest.id as string;
        const answeredAt = answeredDaysAgo === null ? null : hours(-24 * answeredDaysAgo);
        await sql(`UPDATE events.support_request SET status = $2, answered_at = $3, closed_at = $4 WHERE id = $1`, [
          id,
          status,
          answeredAt,
          status === 'CLOSED' ? graph.clock.now() : null,
        ]);
        const can = (await read(persona, `query ($id: ID!) { supportRequest(id: $id) { viewerCan { answer close reopen } } }`, { id }))
          .supportRequest.viewerCan[action] as boolean;
        expectAgreement(
          `${action} a ${status} request (answered ${answeredDaysAgo} days ago)`,
          can,
          await attempt(persona, field, query, { id }),
        );
      }
    },
  );
});

// --------------------------------------------------------------------------------------- innovations

describe('innovations: innovationMachine, evidenceAnswerMachine', () => {
  const kent = demoOrganisation('kent');
  const resurface = demoOrganisation('resurface-tech');
  const sql = (text: string, parameters: unknown[] = []) => graph.databases.innovations.dataSource.query(text, parameters);
  const content = {
    title: 'Status machine sealant',
    summary: 'A sealant used to walk the innovation status machine.',
    description: 'Applied around the edges of a permanent repair.',
    category: 'POTHOLE_REPAIR',
    trl: 8,
  };

  /** A new innovation of ReSurface's with a deployment at Kent (so it may be submitted), put into `stage`. */
  async function innovationIn(stage: string): Promise<{ id: string; evidenceId: string }> {
    const created = await read(
      'resurface-contributor',
      `mutation ($input: InnovationInput!) { createInnovation(input: $input) { innovation { id } ${refusalFields} } }`,
      { input: content },
    );
    const id = created.createInnovation.innovation.id as string;
    await read(
      'resurface-contributor',
      `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { id } ${refusalFields} } }`,
      { input: { innovationId: id, kind: 'DEPLOYMENT', title: 'A-road trial', authorityId: kent.id, startedOn: '2025-01-06' } },
    );
    const [{ id: evidenceId }] = (await sql(`SELECT id FROM innovations.evidence WHERE innovation_id = $1`, [id])) as [{ id: string }];
    const revision = stage.startsWith('REVISION_') ? stage.slice('REVISION_'.length) : null;
    await sql(`UPDATE innovations.innovation SET status = $2, revision_status = $3, pending_content = $4 WHERE id = $1`, [
      id,
      revision ? 'APPROVED' : stage,
      revision,
      revision ? JSON.stringify(content) : null,
    ]);
    return { id, evidenceId };
  }

  const capabilities = `query ($id: ID!) { innovation(id: $id) { viewerCan { edit submit withdraw assess decide endorse confirmEvidence } } }`;
  const flagOf = async (persona: Persona, id: string, flag: string) =>
    ((await read(persona, capabilities, { id })).innovation?.viewerCan?.[flag] as boolean | undefined) ?? undefined;

  const actions = {
    edit: {
      persona: 'resurface-contributor',
      field: 'updateInnovation',
      query: `mutation ($id: ID!, $input: InnovationInput!) { updateInnovation(id: $id, input: $input) { ${refusalFields} } }`,
    },
    submit: {
      persona: 'resurface-contributor',
      field: 'submitInnovation',
      query: `mutation ($id: ID!) { submitInnovation(id: $id) { ${refusalFields} } }`,
    },
    withdraw: {
      persona: 'resurface-contributor',
      field: 'withdrawInnovation',
      query: `mutation ($id: ID!) { withdrawInnovation(id: $id, reason: "Superseded.") { ${refusalFields} } }`,
    },
    endorse: {
      persona: 'kent-buyer',
      field: 'endorseInnovation',
      query: `mutation ($id: ID!) { endorseInnovation(innovationId: $id, statement: "It works on our roads.") { ${refusalFields} } }`,
    },
    assess: {
      persona: 'assessor',
      field: 'submitAssessment',
      query: `mutation ($input: SubmitAssessmentInput!) { submitAssessment(input: $input) { ${refusalFields} } }`,
    },
    decide: {
      persona: 'platform-admin',
      field: 'decideInnovation',
      query: `mutation ($id: ID!) { decideInnovation(input: { innovationId: $id, outcome: REJECTED, reasons: "Not proven yet." }) { ${refusalFields} } }`,
    },
  } as const;

  const criteria = ['deploymentEvidence', 'outcomes', 'safetyAndStandards', 'carbon', 'valueForMoney'];
  const assessment = (innovationId: string) => ({
    innovationId,
    ...Object.fromEntries(
      criteria.flatMap((c) => [
        [c, 3],
        [`${c}Comment`, 'Sound.'],
      ]),
    ),
  });

  /** The assessor assigned for the current round and declared without a conflict; `decide` also needs the assessments. */
  async function prepareVetting(id: string) {
    const assessor = demoPersona('assessor');
    await sql(
      `INSERT INTO innovations.assessor_assignment (innovation_id, round, assessor_id) SELECT id, review_round, $2 FROM innovations.innovation WHERE id = $1`,
      [id, assessor.id],
    );
    await sql(
      `INSERT INTO innovations.conflict_declaration (innovation_id, assessor_id, supplier_id, conflicted, statement) VALUES ($1, $2, $3, false, 'None.')`,
      [id, assessor.id, resurface.id],
    );
  }
  async function enoughAssessments(id: string) {
    for (let n = 0; n < defaultAssessmentsRequired; n += 1) {
      await sql(
        `INSERT INTO innovations.assessment (innovation_id, round, assessor_id, deployment_evidence, outcomes, safety_and_standards, carbon, value_for_money, comments)
         SELECT id, review_round, $2, 3, 3, 3, 3, 3, '{}'::jsonb FROM innovations.innovation WHERE id = $1`,
        [id, randomUUID()],
      );
    }
  }

  const stages = [
    'DRAFT',
    'SUBMITTED',
    'UNDER_REVIEW',
    'CHANGES_REQUESTED',
    'APPROVED',
    'REJECTED',
    'WITHDRAWN',
    'ARCHIVED',
    'REVISION_DRAFT',
    'REVISION_SUBMITTED',
    'REVISION_UNDER_REVIEW',
    'REVISION_CHANGES_REQUESTED',
    'REVISION_REJECTED',
  ];

  it.each(stages)('Innovation.viewerCan agrees with the mutations for an innovation at %s', async (stage) => {
    for (const [flag, { persona, field, query }] of Object.entries(actions)) {
      const { id } = await innovationIn(stage);
      if (flag === 'assess') await prepareVetting(id);
      if (flag === 'decide') await enoughAssessments(id);
      const can = await flagOf(persona, id, flag);
      const refusal = await attempt(persona, field, query, { id, input: flag === 'assess' ? assessment(id) : content });
      expectAgreement(`${flag} at ${stage}`, can, refusal);
    }
  });

  it.each([
    ['VETTED', 'UNCONFIRMED'],
    ['VETTED', 'CONFIRMED'],
    ['VETTED', 'DISPUTED'],
    ['WITHDRAWN', 'UNCONFIRMED'],
  ])('viewerCan.confirmEvidence agrees with confirmEvidence for evidence %s and %s', async (vetting, confirmation) => {
    const { id, evidenceId } = await innovationIn('APPROVED');
    await sql(
      `UPDATE innovations.evidence SET vetting = $2, confirmation = $3, withdrawn_at = CASE WHEN $2 = 'WITHDRAWN' THEN now() END WHERE id = $1`,
      [evidenceId, vetting, confirmation],
    );
    const can = await flagOf('kent-buyer', id, 'confirmEvidence');
    const refusal = await attempt(
      'kent-buyer',
      'confirmEvidence',
      `mutation ($id: ID!) { confirmEvidence(evidenceId: $id, note: "Seen it.") { ${refusalFields} } }`,
      { id: evidenceId },
    );
    expectAgreement(`confirm ${vetting} ${confirmation} evidence`, can, refusal);
  });
});

// --------------------------------------------------------------------------------------- procurement

describe('procurement: projectMachine, tenderMachine, moderationMachine, admissionMachine', () => {
  const kentBuyer = demoPersona('kent-buyer');
  const resurface = demoOrganisation('resurface-tech');
  const potholePro = demoOrganisation('pothole-pro');
  const surfacingLot2 = demoId('lot', 'RM6302/2');
  const sql = (text: string, parameters: unknown[] = []) => graph.databases.procurement.dataSource.query(text, parameters);
  let innovationId: string;

  beforeAll(async () => {
    const data = await read(
      'kent-buyer',
      `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
      {},
    );
    innovationId = data.innovations.edges.find((e: UntypedData) => e.node.supplier.id === resurface.id).node.id;
  });

  type ProjectState = 'DRAFT' | 'PUBLISHED' | 'CLARIFICATION' | 'EVALUATION' | 'AWARDED' | 'STANDSTILL_OVER' | 'CONTRACTED' | 'CANCELLED';
  const states: ProjectState[] = [
    'DRAFT',
    'PUBLISHED',
    'CLARIFICATION',
    'EVALUATION',
    'AWARDED',
    'STANDSTILL_OVER',
    'CONTRACTED',
    'CANCELLED',
  ];

  /**
   * A new project of Kent's on the surfacing lot, put into `state`: ReSurface and PotholePro
   * invited, PotholePro's response in (ReSurface has not responded), Kent's buyer declared without
   * a conflict with PotholePro when `declared`, and, once awarded, the award made to ReSurface.
   * `bare`: no invitations and no response (publishing invites the suppliers itself).
   */
  async function projectIn(
    state: ProjectState,
    options: { procedure?: 'FURTHER_COMPETITION' | 'DIRECT_AWARD'; declared?: boolean; bare?: boolean } = {},
  ): Promise<{ id: string; responseId: string }> {
    const procedure = options.procedure ?? 'FURTHER_COMPETITION';
    const created = await read(
      'kent-buyer',
      `mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id } ${refusalFields} } }`,
      {
        input: {
          title: `A ${state} project`,
          need: 'A need.',
          budget: 90000,
          lotId: surfacingLot2,
          procedure,
          innovationIds: [innovationId],
          ...(procedure === 'FURTHER_COMPETITION' ? { criteria: [{ name: 'Quality', weight: 100 }] } : {}),
        },
      },
    );
    const id = created.createProcurementProject.procurementProject.id as string;
    const published = state !== 'DRAFT';
    const awarded = ['AWARDED', 'STANDSTILL_OVER', 'CONTRACTED'].includes(state);
    const [closes, deadline] = {
      DRAFT: [null, null],
      PUBLISHED: [hours(48), hours(120)],
      CLARIFICATION: [hours(-1), hours(48)],
    }[state as 'DRAFT' | 'PUBLISHED' | 'CLARIFICATION'] ?? [hours(-72), hours(-1)];
    const storedAs: Partial<Record<ProjectState, string>> = {
      CLARIFICATION: 'PUBLISHED',
      EVALUATION: 'PUBLISHED',
      STANDSTILL_OVER: 'AWARDED',
    };
    const stored = storedAs[state] ?? state;
    await sql(
      `UPDATE procurement.project SET status = $2, published_at = $3, clarification_closes_at = $4, response_deadline = $5,
          awarded_at = $6, awarded_supplier_id = $7, standstill_ends_on = $8, standstill_observed = true, award_value = $9,
          cancellation_reason = $10, cancelled_at = $11
        WHERE id = $1`,
      [
        id,
        stored,
        published ? hours(-96) : null,
        procedure === 'FURTHER_COMPETITION' ? closes : null,
        procedure === 'FURTHER_COMPETITION' ? deadline : null,
        awarded ? hours(-24) : null,
        awarded ? resurface.id : null,
        awarded ? (state === 'AWARDED' ? day(5) : day(-1)) : null,
        awarded ? 80000 : null,
        state === 'CANCELLED' ? 'No longer needed.' : null,
        state === 'CANCELLED' ? hours(-2) : null,
      ],
    );
    // Publishing invites the lot's suppliers itself: a draft to be published has no invitations yet.
    for (const supplierId of options.bare ? [] : [resurface.id, potholePro.id]) {
      await sql(`INSERT INTO procurement.invitation (project_id, supplier_id, invited_at) VALUES ($1, $2, $3)`, [
        id,
        supplierId,
        hours(-96),
      ]);
    }
    if (options.bare) return { id, responseId: randomUUID() };
    const [{ id: responseId }] = (await sql(
      `INSERT INTO procurement.response (project_id, supplier_id, submitted_by, proposal, price, submitted_at, updated_at)
       VALUES ($1, $2, $3, 'Our proposal.', 70000, $4, $4) RETURNING id`,
      [id, potholePro.id, demoPersona('potholepro-contributor').id, hours(-90)],
    )) as [{ id: string }];
    if (options.declared) {
      await sql(
        `INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, supplier_id, has_conflict, declared_at) VALUES ($1, $2, $3, false, $4)`,
        [id, kentBuyer.id, potholePro.id, hours(-1)],
      );
    }
    return { id, responseId };
  }

  async function askedByPotholePro(projectId: string): Promise<string> {
    const [{ id }] = (await sql(
      `INSERT INTO procurement.clarification_question (project_id, asker_person_id, asker_supplier_id, question, asked_at)
       VALUES ($1, $2, $3, 'Is there a site visit?', $4) RETURNING id`,
      [projectId, demoPersona('potholepro-contributor').id, potholePro.id, hours(-2)],
    )) as [{ id: string }];
    return id;
  }

  const versionOf = async (id: string) =>
    ((await sql(`SELECT version FROM procurement.project WHERE id = $1`, [id])) as { version: number }[])[0]!.version;
  const projectFlags = async (persona: Persona, id: string) =>
    (
      await read(
        persona,
        `query ($id: ID!) { procurementProject(id: $id) { viewerCan { publish cancel ask answer respond declareConflicts evaluate award recordContract raiseStandstillChallenge } } }`,
        { id },
      )
    ).procurementProject?.viewerCan as Record<string, boolean> | undefined;

  /** An award during evaluation is refused until every tender is scored and moderated: a rule the flag does not read. */
  const awardRules = ['EVALUATION_INCOMPLETE'];
  type ProjectCase = {
    persona: Persona;
    field: string;
    query: string;
    declared?: boolean;
    bare?: boolean;
    tolerated?: readonly string[];
    variables: (project: { id: string; responseId: string; version: number; questionId: string }) => Record<string, unknown>;
  };
  const projectActions: Record<string, ProjectCase> = {
    publish: {
      persona: 'kent-buyer',
      bare: true,
      field: 'publishProcurementProject',
      query: `mutation ($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) { ${refusalFields} } }`,
      variables: ({ id, version }) => ({ input: { projectId: id, version, clarificationWorkingDays: 3, responseWorkingDays: 8 } }),
    },
    cancel: {
      persona: 'kent-buyer',
      field: 'cancelProcurementProject',
      query: `mutation ($input: CancelProcurementProjectInput!) { cancelProcurementProject(input: $input) { ${refusalFields} } }`,
      variables: ({ id, version }) => ({ input: { projectId: id, version, reason: 'Budget withdrawn.' } }),
    },
    ask: {
      persona: 'resurface-contributor',
      field: 'askClarificationQuestion',
      query: `mutation ($id: ID!) { askClarificationQuestion(projectId: $id, question: "May we subcontract?") { ${refusalFields} } }`,
      variables: ({ id }) => ({ id }),
    },
    answer: {
      persona: 'kent-buyer',
      field: 'answerClarificationQuestion',
      query: `mutation ($id: ID!) { answerClarificationQuestion(questionId: $id, answer: "Yes.") { ${refusalFields} } }`,
      variables: ({ questionId }) => ({ id: questionId }),
    },
    respond: {
      persona: 'resurface-contributor',
      field: 'submitResponse',
      query: `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { ${refusalFields} } }`,
      variables: ({ id }) => ({ input: { projectId: id, proposal: 'We can do it.', price: 60000 } }),
    },
    declareConflicts: {
      persona: 'kent-buyer',
      field: 'declareConflictOfInterest',
      query: `mutation ($input: DeclareConflictOfInterestInput!) { declareConflictOfInterest(input: $input) { ${refusalFields} } }`,
      variables: ({ id }) => ({ input: { projectId: id, hasConflict: false } }),
    },
    evaluate: {
      persona: 'kent-buyer',
      field: 'scoreResponse',
      declared: true,
      query: `mutation ($input: ScoreResponseInput!) { scoreResponse(input: $input) { ${refusalFields} } }`,
      variables: ({ responseId }) => ({ input: { responseId, criterion: 'Quality', score: 60 } }),
    },
    award: {
      persona: 'kent-buyer',
      field: 'awardProcurementProject',
      query: `mutation ($input: AwardProcurementProjectInput!) { awardProcurementProject(input: $input) { ${refusalFields} } }`,
      tolerated: awardRules,
      variables: ({ id, version, responseId }) => ({ input: { projectId: id, version, responseId } }),
    },
    recordContract: {
      persona: 'kent-buyer',
      field: 'recordContract',
      query: `mutation ($input: RecordContractInput!) { recordContract(input: $input) { ${refusalFields} } }`,
      variables: ({ id, version }) => ({ input: { projectId: id, version, value: 80000, startsOn: day(30), endsOn: day(400) } }),
    },
    raiseStandstillChallenge: {
      persona: 'potholepro-contributor',
      field: 'raiseStandstillChallenge',
      query: `mutation ($input: RaiseStandstillChallengeInput!) { raiseStandstillChallenge(input: $input) { ${refusalFields} } }`,
      variables: ({ id }) => ({ input: { projectId: id, grounds: 'The evaluation ignored our price.' } }),
    },
  };

  it.each(states)('ProcurementProject.viewerCan agrees with the mutations for a further competition %s', async (state) => {
    for (const [flag, action] of Object.entries(projectActions)) {
      const project = await projectIn(state, { declared: action.declared, bare: action.bare });
      // PotholePro's question, unanswered, for the buyer to answer.
      const questionId = action.bare ? randomUUID() : await askedByPotholePro(project.id);
      const can = (await projectFlags(action.persona, project.id))?.[flag];
      const variables = action.variables({ ...project, version: await versionOf(project.id), questionId });
      expectAgreement(
        `${flag} on a ${state} project`,
        can,
        await attempt(action.persona, action.field, action.query, variables),
        action.tolerated,
      );
    }
  });

  it.each(states)('a direct award %s: viewerCan.publish and award agree with the mutations', async (state) => {
    for (const flag of ['publish', 'award'] as const) {
      const project = await projectIn(state, { procedure: 'DIRECT_AWARD' });
      const can = (await projectFlags('kent-buyer', project.id))?.[flag];
      const version = await versionOf(project.id);
      const refusal =
        flag === 'publish'
          ? await attempt(
              'kent-buyer',
              projectActions.publish!.field,
              projectActions.publish!.query,
              projectActions.publish!.variables({ ...project, version, questionId: '' }),
            )
          : await attempt('kent-buyer', 'awardProcurementProject', projectActions.award!.query, {
              input: { projectId: project.id, version, innovationId, justification: 'The only proven product.', value: 50000 },
            });
      expectAgreement(`${flag} on a direct award ${state}`, can, refusal);
    }
  });

  const responseActions = {
    edit: {
      persona: 'potholepro-contributor',
      field: 'submitResponse',
      query: `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { ${refusalFields} } }`,
      variables: (p: { id: string; responseId: string; version: number }) => ({
        input: { projectId: p.id, proposal: 'Revised.', price: 65000, version: p.version },
      }),
    },
    withdraw: {
      persona: 'potholepro-contributor',
      field: 'withdrawResponse',
      query: `mutation ($input: WithdrawResponseInput!) { withdrawResponse(input: $input) { ${refusalFields} } }`,
      variables: (p: { responseId: string; version: number }) => ({ input: { responseId: p.responseId, version: p.version } }),
    },
    score: {
      persona: 'kent-buyer',
      field: 'scoreResponse',
      query: `mutation ($input: ScoreResponseInput!) { scoreResponse(input: $input) { ${refusalFields} } }`,
      variables: (p: { responseId: string }) => ({ input: { responseId: p.responseId, criterion: 'Quality', score: 55 } }),
    },
    moderate: {
      persona: 'kent-buyer',
      field: 'moderateScores',
      query: `mutation ($input: ModerateScoresInput!) { moderateScores(input: $input) { ${refusalFields} } }`,
      variables: (p: { responseId: string; version: number }) => ({
        input: { responseId: p.responseId, version: p.version, scores: [{ criterion: 'Quality', score: 60 }] },
      }),
    },
    award: {
      persona: 'kent-buyer',
      field: 'awardProcurementProject',
      query: `mutation ($input: AwardProcurementProjectInput!) { awardProcurementProject(input: $input) { ${refusalFields} } }`,
      variables: (p: { id: string; responseId: string; projectVersion: number }) => ({
        input: { projectId: p.id, version: p.projectVersion, responseId: p.responseId },
      }),
    },
  } as const;

  const responseCases = states.flatMap((state) => [
    [state, 'standing'],
    [state, 'withdrawn'],
    [state, 'moderated'],
  ]) as [ProjectState, 'standing' | 'withdrawn' | 'moderated'][];

  it.each(responseCases)(
    'ProcurementResponse.viewerCan agrees with the mutations: a %s project, a %s response',
    async (state, standing) => {
      for (const [flag, action] of Object.entries(responseActions)) {
        const project = await projectIn(state, { declared: true });
        if (standing === 'withdrawn')
          await sql(`UPDATE procurement.response SET withdrawn_at = $2 WHERE id = $1`, [project.responseId, hours(-80)]);
        if (standing === 'moderated')
          await sql(`UPDATE procurement.response SET moderated_at = $2, moderated_by = $3 WHERE id = $1`, [
            project.responseId,
            hours(-1),
            kentBuyer.id,
          ]);
        const data = await read(
          action.persona,
          `query ($id: ID!) { procurementProject(id: $id) { responses { id version viewerCan { edit withdraw score moderate award } } } }`,
          {
            id: project.id,
          },
        );
        const response = (data.procurementProject?.responses as UntypedData[] | undefined)?.find((r) => r.id === project.responseId);
        const [{ version }] = (await sql(`SELECT version FROM procurement.response WHERE id = $1`, [project.responseId])) as [
          { version: number },
        ];
        const refusal = await attempt(
          action.persona,
          action.field,
          action.query,
          action.variables({ ...project, version, projectVersion: await versionOf(project.id) } as never),
        );
        // Sealed: before the deadline the buyer reads no response, so has no flag to read; the mutation refuses it as sealed (CONFLICT).
        const can = response ? (response.viewerCan[flag] as boolean) : data.procurementProject ? false : undefined;
        expectAgreement(`${flag} a ${standing} response of a ${state} project`, can, refusal, flag === 'award' ? awardRules : []);
      }
    },
  );

  it('decideAdmission refuses exactly as admissionMachine says, from every status to every decision', async () => {
    const statuses = admissionMachine.statuses;
    for (const from of statuses) {
      for (const decision of statuses) {
        const [{ id, version }] = (await sql(
          `INSERT INTO procurement.admission (supplier_id, lot_id, status, exclusion_grounds_apply, applied_by, created_at, updated_at)
           VALUES ($1, $2, $3, false, $4, $5, $5) RETURNING id, version`,
          [randomUUID(), surfacingLot2, from, randomUUID(), graph.clock.now()],
        )) as [{ id: string; version: number }];
        const refusal = await attempt(
          'platform-admin',
          'decideAdmission',
          `mutation ($input: DecideAdmissionInput!) { decideAdmission(input: $input) { ${refusalFields} } }`,
          { input: { admissionId: id, decision, reason: 'For the record.', version } },
        );
        const allowed = admissionDecisions.some(
          (action) => admissionMachine.rules[action].to === decision && admissionMachine.can(action, { status: from }),
        );
        expectAsTable(`${from} → ${decision}`, allowed, refusal, from);
      }
    }
  });
});
