import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { SAVED_SEARCH_MATCHES_PER_EVENT, type DomainEventFacts } from '../platform/domain-events';
import { MAX_SAVED_CATALOGUE_SEARCHES } from '../subgraphs/innovations/services/saved-search.service';
import { collectDigests } from '../subgraphs/notifications/services/email-sender';
import { deliverDomainEvents } from './support/domain-events';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { itOnServer } from './support/test-database';
import { expectData, refusalOf, signInAll, type UntypedData } from './support/graphql-results';

/**
 * Saved searches and alerts (issue 25 item 6) through the gateway: a person saves catalogue and
 * opportunity searches (their own to list and delete, refused on bad input and past the cap); an
 * approval or publication that matches tells the savers who may see it, as each search's frequency
 * says (INSTANT at once, DAILY in the digest), and nobody else: not a non-matching search, not a
 * supplier that is not invited, not the buyer's own people. Matching is the source subgraph's, in
 * the approving transaction; notifications only delivers (tests/support/domain-events.ts, through
 * NATS when NATS_URL is set).
 */
jest.setTimeout(300_000);

let graph: TestGraph;
const personas = [
  'kent-buyer',
  'kent-admin',
  'cardiff-buyer',
  'leeds-viewer',
  'resurface-contributor',
  'potholepro-contributor',
  'platform-admin',
  'assessor',
  'second-assessor',
  'third-assessor',
] as const;
type Persona = (typeof personas)[number];
let header: (persona: Persona | 'lumen-admin') => string;

const run = (query: string, variables: Record<string, unknown>, persona?: Persona | 'lumen-admin') =>
  graph.execute<UntypedData>(query, variables, persona ? header(persona) : undefined);
async function ok(query: string, variables: Record<string, unknown>, persona?: Persona | 'lumen-admin'): Promise<UntypedData> {
  const answer = await run(query, variables, persona);
  const data = expectData(answer);
  for (const payload of Object.values(data)) {
    if (payload && typeof payload === 'object' && 'refusal' in payload && payload.refusal) {
      throw new Error(`refused: ${JSON.stringify(payload.refusal)}`);
    }
  }
  return data;
}

const refusal = `refusal { code message field ... on StateConflict { reason } }`;
const saveCatalogue = `mutation($input: SaveCatalogueSearchInput!) { saveCatalogueSearch(input: $input) {
  savedCatalogueSearch { id name search categories trlAtLeast trlAtMost evidenceNations frequency createdAt } ${refusal} } }`;
const deleteCatalogue = `mutation($id: ID!) { deleteSavedCatalogueSearch(id: $id) { deletedSavedCatalogueSearchId ${refusal} } }`;
const saveOpportunity = `mutation($input: SaveOpportunitySearchInput!) { saveOpportunitySearch(input: $input) {
  savedOpportunitySearch { id name search route { id } lot { id } categories buyerNations budgetAtLeast budgetAtMost frequency } ${refusal} } }`;
const deleteOpportunity = `mutation($id: ID!) { deleteSavedOpportunitySearch(id: $id) { deletedSavedOpportunitySearchId ${refusal} } }`;
const mySearches = `query { viewer { person { id savedCatalogueSearches { id name frequency } savedOpportunitySearches { id name frequency } } } }`;
const theirSearches = `query($id: ID!) { person(id: $id) { id savedCatalogueSearches { id } savedOpportunitySearches { id } } }`;

const resurface = demoOrganisation('resurface-tech');
const kent = demoOrganisation('kent');
const dpsLot = demoId('lot', 'RM6301/1');

beforeAll(async () => {
  graph = await startTestGraph();
  const signedIn = await signInAll(graph, personas);
  const lumen = `Bearer ${await graph.tokenFor('eilidh.macleod0@lumen-streets.example')}`;
  header = (persona) => (persona === 'lumen-admin' ? lumen : signedIn(persona));
});
afterAll(async () => {
  await graph?.stop();
});

/** Who holds a notice of `kind` about `subjectId`, from the inbox table. */
async function inboxRecipients(kind: string, subjectId: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT person_id FROM notifications.notification WHERE kind = $1 AND subject_id = $2 ORDER BY person_id`,
    [kind, subjectId],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}
/** The emails of `kind` raised for `personId`, by status. */
async function emailStatuses(kind: string, personId: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT status FROM notifications.notification_email WHERE kind = $1 AND person_id = $2 ORDER BY status`,
    [kind, personId],
  )) as { status: string }[];
  return rows.map((row) => row.status);
}
const personOf = (persona: Persona) => demoPersona(persona).id;

describe('saving, listing and deleting', () => {
  it('saves a catalogue search as the catalogue reads it, lists it to its owner only, and deletes it', async () => {
    const saved = (
      await ok(
        saveCatalogue,
        {
          input: {
            name: '  Surfacing, TRL 6 to 8  ',
            search: ' low-carbon binder ',
            categories: ['SURFACING_AND_MATERIALS', 'SURFACING_AND_MATERIALS'],
            trlAtLeast: 6,
            trlAtMost: 8,
            evidenceNations: ['WALES', 'ENGLAND'],
            frequency: 'DAILY',
          },
        },
        'leeds-viewer',
      )
    ).saveCatalogueSearch.savedCatalogueSearch;
    expect(saved).toMatchObject({
      name: 'Surfacing, TRL 6 to 8',
      search: 'low-carbon binder',
      categories: ['SURFACING_AND_MATERIALS'],
      trlAtLeast: 6,
      trlAtMost: 8,
      evidenceNations: ['ENGLAND', 'WALES'],
      frequency: 'DAILY',
    });
    const mine = (await ok(mySearches, {}, 'leeds-viewer')).viewer.person;
    expect(mine.savedCatalogueSearches).toEqual([{ id: saved.id, name: 'Surfacing, TRL 6 to 8', frequency: 'DAILY' }]);
    expect(mine.savedOpportunitySearches).toEqual([]);

    // Anyone else, platform staff included, is refused the list.
    for (const other of ['kent-buyer', 'platform-admin'] as const) {
      const theirs = await run(theirSearches, { id: personOf('leeds-viewer') }, other);
      expect(theirs.data).toEqual({
        person: { id: personOf('leeds-viewer'), savedCatalogueSearches: null, savedOpportunitySearches: null },
      });
      expect(theirs.errors?.map((e) => [e.extensions?.code, e.path?.join('.')]).sort()).toEqual([
        ['FORBIDDEN', 'person.savedCatalogueSearches'],
        ['FORBIDDEN', 'person.savedOpportunitySearches'],
      ]);
    }
    // Another person's saved search is not found, and stays.
    expect(refusalOf(await run(deleteCatalogue, { id: saved.id }, 'kent-buyer'))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await ok(deleteCatalogue, { id: saved.id }, 'leeds-viewer')).deleteSavedCatalogueSearch).toEqual({
      deletedSavedCatalogueSearchId: saved.id,
      refusal: null,
    });
    expect((await ok(mySearches, {}, 'leeds-viewer')).viewer.person.savedCatalogueSearches).toEqual([]);
    expect(refusalOf(await run(deleteCatalogue, { id: saved.id }, 'leeds-viewer'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('saves an opportunity search with its route and lot, and deletes it', async () => {
    const saved = (
      await ok(
        saveOpportunity,
        { input: { name: 'Kent lots', lotId: dpsLot, buyerNations: ['ENGLAND'], budgetAtLeast: 1000, frequency: 'INSTANT' } },
        'leeds-viewer',
      )
    ).saveOpportunitySearch.savedOpportunitySearch;
    expect(saved).toMatchObject({ name: 'Kent lots', lot: { id: dpsLot }, route: null, buyerNations: ['ENGLAND'], budgetAtLeast: 1000 });
    expect((await ok(mySearches, {}, 'leeds-viewer')).viewer.person.savedOpportunitySearches).toEqual([
      { id: saved.id, name: 'Kent lots', frequency: 'INSTANT' },
    ]);
    expect(refusalOf(await run(deleteOpportunity, { id: saved.id }, 'cardiff-buyer'))).toMatchObject({ code: 'NOT_FOUND' });
    await ok(deleteOpportunity, { id: saved.id }, 'leeds-viewer');
    expect((await ok(mySearches, {}, 'leeds-viewer')).viewer.person.savedOpportunitySearches).toEqual([]);
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    const base = { name: 'A search', frequency: 'INSTANT' };
    const catalogueCases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'input.name'],
      [{ name: 'x'.repeat(101) }, 'input.name'],
      [{ search: '%% !!' }, 'input.search'],
      [{ search: 'a'.repeat(201) }, 'input.search'],
      [{ trlAtLeast: 0 }, 'input.trlAtLeast'],
      [{ trlAtMost: 10 }, 'input.trlAtMost'],
      [{ trlAtLeast: 8, trlAtMost: 6 }, 'input.trlAtLeast'],
    ];
    for (const [input, field] of catalogueCases) {
      expect(refusalOf(await run(saveCatalogue, { input: { ...base, ...input } }, 'cardiff-buyer'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    const opportunityCases: [Record<string, unknown>, string][] = [
      [{ budgetAtLeast: -5 }, 'input.budgetAtLeast'],
      [{ budgetAtLeast: 5000, budgetAtMost: 100 }, 'input.budgetAtLeast'],
      [{ lotId: 'not-an-id' }, 'input.lotId'],
      [{ search: 'the of and' }, 'input.search'],
    ];
    for (const [input, field] of opportunityCases) {
      expect(refusalOf(await run(saveOpportunity, { input: { ...base, ...input } }, 'cardiff-buyer'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    // A lot that is not of the route named is as missing as a lot that does not exist.
    const otherRoute = demoId('procurement-route', 'RM6302');
    expect(
      refusalOf(await run(saveOpportunity, { input: { ...base, routeId: otherRoute, lotId: dpsLot } }, 'cardiff-buyer')),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // Signed out: the UNAUTHENTICATED error.
    expect(refusalOf(await run(saveCatalogue, { input: base }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const mine = (await ok(mySearches, {}, 'cardiff-buyer')).viewer.person;
    expect([...mine.savedCatalogueSearches, ...mine.savedOpportunitySearches]).toEqual([]);
  });

  it(`refuses the ${MAX_SAVED_CATALOGUE_SEARCHES + 1}th saved catalogue search`, async () => {
    const kentAdmin = demoPersona('kent-admin');
    await graph.databases.innovations.dataSource.query(
      `INSERT INTO innovations.saved_catalogue_search (person_id, organisation_id, name, frequency, created_at)
       SELECT $1, $2, 'Kept ' || n, 'DAILY', now() FROM generate_series(1, $3::int) n`,
      [kentAdmin.id, kentAdmin.organisationId, MAX_SAVED_CATALOGUE_SEARCHES - 1],
    );
    await ok(saveCatalogue, { input: { name: 'The last one allowed', frequency: 'DAILY' } }, 'kent-admin');
    expect(refusalOf(await run(saveCatalogue, { input: { name: 'One too many', frequency: 'DAILY' } }, 'kent-admin'))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SAVED_SEARCH_LIMIT',
    });
    expect((await ok(mySearches, {}, 'kent-admin')).viewer.person.savedCatalogueSearches).toHaveLength(MAX_SAVED_CATALOGUE_SEARCHES);
    await graph.databases.innovations.dataSource.query(`DELETE FROM innovations.saved_catalogue_search WHERE person_id = $1`, [
      kentAdmin.id,
    ]);
  });

  itOnServer('lets only one of four saves at once take the last place under the cap (PostgreSQL server only)', async () => {
    const kentAdmin = demoPersona('kent-admin');
    await graph.databases.innovations.dataSource.query(
      `INSERT INTO innovations.saved_catalogue_search (person_id, organisation_id, name, frequency, created_at)
       SELECT $1, $2, 'Kept ' || n, 'DAILY', now() FROM generate_series(1, $3::int) n`,
      [kentAdmin.id, kentAdmin.organisationId, MAX_SAVED_CATALOGUE_SEARCHES - 1],
    );
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) => run(saveCatalogue, { input: { name: `At once ${n}`, frequency: 'DAILY' } }, 'kent-admin')),
    );
    const saved = answers.filter((answer) => !answer.errors?.length && answer.data?.saveCatalogueSearch?.savedCatalogueSearch);
    expect(saved).toHaveLength(1);
    const refused = answers.filter((answer) => !saved.includes(answer)).map((answer) => refusalOf(answer));
    expect(refused).toHaveLength(3);
    for (const refusal of refused) expect(refusal).toMatchObject({ code: 'CONFLICT', reason: 'SAVED_SEARCH_LIMIT' });
    expect((await ok(mySearches, {}, 'kent-admin')).viewer.person.savedCatalogueSearches).toHaveLength(MAX_SAVED_CATALOGUE_SEARCHES);
    await graph.databases.innovations.dataSource.query(`DELETE FROM innovations.saved_catalogue_search WHERE person_id = $1`, [
      kentAdmin.id,
    ]);
  });
});

// ------------------------------------------------------------------------------ catalogue alerts

const create = `mutation($input: InnovationInput!) { createInnovation(input: $input) { innovation { id } ${refusal} } }`;
const addEvidence = `mutation($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { id } ${refusal} } }`;
const submit = `mutation($id: ID!) { submitInnovation(id: $id) { innovation { status } ${refusal} } }`;
const assign = `mutation($id: ID!, $assessor: ID!) { assignAssessor(innovationId: $id, assessorId: $assessor) { innovation { status } ${refusal} } }`;
const declare = `mutation($input: DeclareConflictInput!) { declareConflict(input: $input) { innovation { id } ${refusal} } }`;
const assess = `mutation($input: SubmitAssessmentInput!) { submitAssessment(input: $input) { assessment { round } ${refusal} } }`;
const decide = `mutation($input: DecideInnovationInput!) { decideInnovation(input: $input) { innovation { status } ${refusal} } }`;
const scores = (innovationId: string) => ({
  innovationId,
  deploymentEvidence: 4,
  deploymentEvidenceComment: 'Deployed.',
  outcomes: 4,
  outcomesComment: 'Measured.',
  safetyAndStandards: 4,
  safetyAndStandardsComment: 'Certified.',
  carbon: 4,
  carbonComment: 'Lower.',
  valueForMoney: 4,
  valueForMoneyComment: 'Fair.',
});

/** ReSurface's innovation content, as `createInnovation` and `updateInnovation` take it. */
const content = (fields: { title: string; category: string; trl: number; tags: string[] }) => ({
  ...fields,
  summary: `${fields.title}, for highway authorities.`,
  description: 'Applied by highway crews; proven on live roads.',
  trlJustification: 'Deployed at a county council.',
  pricingModel: 'PER_LINEAR_METRE',
  suitsNations: ['ENGLAND'],
  suitsOrganisationKinds: ['COUNTY_COUNCIL'],
  links: [],
});

/** Submits innovation `id` (new, or its pending revision) and takes it through two assessments to approval. */
async function submitAndApprove(id: string): Promise<void> {
  await ok(submit, { id }, 'resurface-contributor');
  for (const assessor of ['assessor', 'third-assessor'] as const) {
    await ok(assign, { id, assessor: personOf(assessor) }, 'platform-admin');
    const declared = await run(
      declare,
      { input: { innovationId: id, conflicted: false, statement: 'No interest in the supplier.' } },
      assessor,
    );
    // A declaration lasts across rounds: a revision's second one is a CONFLICT, and the first stands.
    if (declared.data?.declareConflict?.refusal) expect(refusalOf(declared)).toMatchObject({ code: 'CONFLICT' });
    await ok(assess, { input: scores(id) }, assessor);
  }
  await ok(decide, { input: { innovationId: id, outcome: 'APPROVED', reasons: 'Proven.' } }, 'assessor');
}

/** A new innovation of ReSurface taken from draft to approved by two assessors; returns its id. */
async function approveNewInnovation(fields: { title: string; category: string; trl: number; tags: string[] }): Promise<string> {
  const id = (await ok(create, { input: content(fields) }, 'resurface-contributor')).createInnovation.innovation.id as string;
  await ok(
    addEvidence,
    { input: { innovationId: id, kind: 'DEPLOYMENT', title: 'County trial', authorityId: kent.id, startedOn: '2025-03-01' } },
    'resurface-contributor',
  );
  await submitAndApprove(id);
  return id;
}

describe('a newly approved innovation', () => {
  let matchingId: string;
  beforeAll(async () => {
    const surfacing = { categories: ['SURFACING_AND_MATERIALS'], trlAtLeast: 7, search: 'graphene binder' };
    // Kent's buyer wants it at once, Cardiff's in the digest; Leeds looks for something else.
    await ok(saveCatalogue, { input: { name: 'Graphene binders', ...surfacing, frequency: 'INSTANT' } }, 'kent-buyer');
    await ok(saveCatalogue, { input: { name: 'Graphene, daily', ...surfacing, frequency: 'DAILY' } }, 'cardiff-buyer');
    await ok(saveCatalogue, { input: { name: 'Graphene, TRL 9 only', ...surfacing, trlAtLeast: 9, frequency: 'INSTANT' } }, 'leeds-viewer');
    await ok(saveCatalogue, { input: { name: 'Lighting', categories: ['STREET_LIGHTING'], frequency: 'INSTANT' } }, 'leeds-viewer');
    // The supplier's own people are not alerted of their own innovation.
    await ok(saveCatalogue, { input: { name: 'Our binders', search: 'graphene', frequency: 'INSTANT' } }, 'resurface-contributor');
    // A person removed from their organisation after saving a matching search may no longer sign in to see it: not told.
    await ok(saveCatalogue, { input: { name: 'Graphene', ...surfacing, frequency: 'INSTANT' } }, 'second-assessor');
    await ok(
      `mutation($id: ID!) { removePerson(personId: $id) { removedPersonId ${refusal} } }`,
      { id: personOf('second-assessor') },
      'platform-admin',
    );
    await deliverDomainEvents(graph);
    matchingId = await approveNewInnovation({
      title: 'Graphene-enhanced binder for thin surfacing',
      category: 'SURFACING_AND_MATERIALS',
      trl: 8,
      tags: ['graphene', 'binders'],
    });
    await deliverDomainEvents(graph);
  });

  it('alerts the savers whose search it matches at once, and nobody else', async () => {
    expect(await inboxRecipients('CATALOGUE_SEARCH_MATCHED', matchingId)).toEqual(
      [personOf('kent-buyer'), personOf('cardiff-buyer')].sort(),
    );
    const inbox = await ok(
      `{ viewer { person { notifications(first: 10) { edges { node { kind title body link subject { typename id } } } } } } }`,
      {},
      'kent-buyer',
    );
    expect(inbox.viewer.person.notifications.edges.map((e: UntypedData) => e.node)).toContainEqual({
      kind: 'CATALOGUE_SEARCH_MATCHED',
      title: 'New in the catalogue: Graphene-enhanced binder for thin surfacing',
      body: 'Graphene-enhanced binder for thin surfacing (surfacing and materials, TRL 8) is now listed as proven and matches a catalogue search you saved.',
      link: `/innovations/${matchingId}`,
      subject: { typename: 'Innovation', id: matchingId },
    });
    expect(await emailStatuses('CATALOGUE_SEARCH_MATCHED', personOf('kent-buyer'))).toEqual(['PENDING']);
  });

  it('holds a DAILY search’s email for the digest, never sending it on its own', async () => {
    expect(await emailStatuses('CATALOGUE_SEARCH_MATCHED', personOf('cardiff-buyer'))).toEqual(['HELD']);
    graph.clock.set(new Date(graph.clock.now().getTime() + 24 * 3600_000).toISOString());
    await collectDigests(graph.databases.notifications.dataSource, graph.clock);
    const digest = (await graph.databases.notifications.dataSource.query(
      `SELECT subject, body FROM notifications.notification_email WHERE person_id = $1 AND kind IS NULL`,
      [personOf('cardiff-buyer')],
    )) as { subject: string; body: string }[];
    expect(digest).toHaveLength(1);
    expect(digest[0]!.body).toContain('New in the catalogue: Graphene-enhanced binder for thin surfacing');
  });

  it('a non-matching approval alerts nobody', async () => {
    const other = await approveNewInnovation({ title: 'Reflective road studs', category: 'WINTER_SERVICE', trl: 8, tags: ['studs'] });
    const events = await deliverDomainEvents(graph);
    expect(events.filter((event) => event.kind === 'catalogue_search.matched')).toEqual([]);
    expect(await inboxRecipients('CATALOGUE_SEARCH_MATCHED', other)).toEqual([]);
  });

  it('an approved revision alerts only the searches it newly matches', async () => {
    const revise = `mutation($id: ID!, $input: InnovationInput!) { updateInnovation(id: $id, input: $input) { innovation { id } ${refusal} } }`;
    await ok(
      revise,
      {
        id: matchingId,
        input: content({
          title: 'Graphene binder for thin surfacing, Mk II',
          category: 'SURFACING_AND_MATERIALS',
          trl: 9,
          tags: ['graphene'],
        }),
      },
      'resurface-contributor',
    );
    // Pending, the revision is not listed: nothing is matched yet.
    expect((await deliverDomainEvents(graph)).filter((event) => event.kind === 'catalogue_search.matched')).toEqual([]);
    await submitAndApprove(matchingId);
    await deliverDomainEvents(graph);
    // TRL 9 now meets Leeds's "TRL 9 only"; Kent and Cardiff were told of this innovation already and are not told again.
    expect(await inboxRecipients('CATALOGUE_SEARCH_MATCHED', matchingId)).toEqual(
      [personOf('kent-buyer'), personOf('cardiff-buyer'), personOf('leeds-viewer')].sort(),
    );
    const [notice] = (await graph.databases.notifications.dataSource.query(
      `SELECT title, body FROM notifications.notification WHERE kind = 'CATALOGUE_SEARCH_MATCHED' AND person_id = $1 AND subject_id = $2`,
      [personOf('leeds-viewer'), matchingId],
    )) as { title: string; body: string }[];
    expect(notice).toEqual({
      title: 'New in the catalogue: Graphene binder for thin surfacing, Mk II',
      body: 'Graphene binder for thin surfacing, Mk II (surfacing and materials, TRL 9) was revised and matches a catalogue search you saved.',
    });
  });

  it(`tells many savers in events of at most ${SAVED_SEARCH_MATCHES_PER_EVENT} people each, every saver once`, async () => {
    // More savers than one event names: people of Leeds, known to notifications as members' events would make them.
    const savers = SAVED_SEARCH_MATCHES_PER_EVENT + 20;
    const leeds = demoOrganisation('leeds').id;
    const [{ ids }] = (await graph.databases.notifications.dataSource.query(
      `WITH added AS (
         INSERT INTO notifications.known_person (id, organisation_id, name, email, organisation_roles)
         SELECT gen_random_uuid(), $1, 'Saver ' || n, 'saver' || n || '@leeds.gov.uk', '{BUYER}' FROM generate_series(1, $2::int) n
         RETURNING id)
       SELECT array_agg(id::text ORDER BY id) AS ids FROM added`,
      [leeds, savers],
    )) as [{ ids: string[] }];
    // Half at once, half in the digest; each person with a second, DAILY search the same innovation matches.
    await graph.databases.innovations.dataSource.query(
      `INSERT INTO innovations.saved_catalogue_search (person_id, organisation_id, name, search, search_query, categories, frequency, created_at)
       SELECT id::uuid, $2::uuid, 'Lighting ' || n, 'dimmable', 'dimmable:*', '{STREET_LIGHTING}'::text[], CASE WHEN n % 2 = 0 THEN 'INSTANT' ELSE 'DAILY' END, now()
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)
       UNION ALL
       SELECT id::uuid, $2::uuid, 'Any lighting', NULL, NULL, '{STREET_LIGHTING}'::text[], 'DAILY', now() FROM unnest($1::text[]) AS t(id)`,
      [ids, leeds],
    );
    try {
      const lighting = await approveNewInnovation({
        title: 'Dimmable LED lanterns',
        category: 'STREET_LIGHTING',
        trl: 8,
        tags: ['lighting'],
      });
      const matched = (await deliverDomainEvents(graph)).filter((event) => event.kind === 'catalogue_search.matched');
      const facts = matched.map((event) => event.facts as DomainEventFacts['catalogue_search.matched']);
      expect(facts.map((f) => [f.batch, f.batches, f.matches.length])).toEqual([
        [1, 2, SAVED_SEARCH_MATCHES_PER_EVENT],
        [2, 2, 21], // the 20 left over, and Leeds's viewer (below)
      ]);
      // Leeds's own "Lighting" search (saved in the first test of this block) matches too.
      expect(await inboxRecipients('CATALOGUE_SEARCH_MATCHED', lighting)).toEqual([...ids, personOf('leeds-viewer')].sort());
      // A person with an INSTANT match is emailed at once, whatever their DAILY searches; the others wait for the digest.
      const [statuses] = (await graph.databases.notifications.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending, count(*) FILTER (WHERE status = 'HELD')::int AS held
           FROM notifications.notification_email WHERE kind = 'CATALOGUE_SEARCH_MATCHED' AND person_id = ANY ($1::uuid[])`,
        [ids],
      )) as [{ pending: number; held: number }];
      expect(statuses).toEqual({ pending: savers / 2, held: savers / 2 });
    } finally {
      await graph.databases.innovations.dataSource.query(
        `DELETE FROM innovations.saved_catalogue_search WHERE person_id = ANY ($1::uuid[])`,
        [ids],
      );
    }
  });
});

// ------------------------------------------------------------------------------ opportunity alerts

const createProject = `mutation($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id version } ${refusal} } }`;
const publishProject = `mutation($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) {
  procurementProject { id invitedSuppliers(first: 100) { id } } ${refusal} } }`;

describe('a newly published opportunity', () => {
  let projectId: string;
  let invited: string[];
  beforeAll(async () => {
    const words = { search: 'pothole repairs', buyerNations: ['ENGLAND'], frequency: 'INSTANT' };
    // An invited supplier, a supplier that is not invited, another council, and the buyer's own colleague.
    await ok(saveOpportunity, { input: { name: 'Potholes', ...words } }, 'resurface-contributor');
    await ok(saveOpportunity, { input: { name: 'Potholes', ...words } }, 'lumen-admin');
    await ok(saveOpportunity, { input: { name: 'Potholes', ...words, budgetAtMost: 500000 } }, 'cardiff-buyer');
    await ok(saveOpportunity, { input: { name: 'Potholes', ...words } }, 'kent-admin');
    // Cheaper projects only: does not match.
    await ok(saveOpportunity, { input: { name: 'Small jobs', ...words, budgetAtMost: 1000 } }, 'leeds-viewer');
    const found = await ok(
      `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
      {},
    );
    const innovationId = found.innovations.edges
      .map((e: UntypedData) => e.node)
      .find((n: UntypedData) => n.supplier.id === resurface.id).id;
    const draft = (
      await ok(
        createProject,
        {
          input: {
            title: 'Pothole repairs, west Kent',
            need: 'Permanent repairs to potholes on the A21.',
            budget: 120000,
            lotId: dpsLot,
            procedure: 'FURTHER_COMPETITION',
            innovationIds: [innovationId],
            criteria: [{ name: 'Quality', weight: 100 }],
          },
        },
        'kent-buyer',
      )
    ).createProcurementProject.procurementProject;
    const published = (
      await ok(
        publishProject,
        { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
        'kent-buyer',
      )
    ).publishProcurementProject.procurementProject;
    projectId = draft.id;
    invited = published.invitedSuppliers.map((s: { id: string }) => s.id);
    await deliverDomainEvents(graph);
  });

  it('alerts an invited supplier and another council, not a supplier that may not take it up nor the buyer’s own people', async () => {
    expect(invited).toContain(resurface.id);
    expect(invited).not.toContain(demoOrganisation('lumen-streets').id);
    expect(await inboxRecipients('OPPORTUNITY_SEARCH_MATCHED', projectId)).toEqual(
      [personOf('resurface-contributor'), personOf('cardiff-buyer')].sort(),
    );
    const [notice] = (await graph.databases.notifications.dataSource.query(
      `SELECT title, link FROM notifications.notification WHERE kind = 'OPPORTUNITY_SEARCH_MATCHED' AND person_id = $1`,
      [personOf('cardiff-buyer')],
    )) as { title: string; link: string }[];
    expect(notice).toEqual({
      title: 'Opportunity matching your search: Pothole repairs, west Kent',
      link: `/procurement/projects/${projectId}`,
    });
  });
});
