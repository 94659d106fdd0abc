import { Client } from 'pg';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { loadTestDatabaseUrl } from '../platform/config';
import { Innovation } from '../subgraphs/innovations/entities';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import {
  asPersona,
  codesOf,
  expectData,
  refusalOf,
  type Connection,
  type GraphQLAnswer,
  type UntypedData,
} from './support/graphql-results';

/**
 * The "done when", end to end through the gateway: a supplier takes an innovation from
 * draft to approved with evidence and two assessments, edits it and gets the revision approved
 * while the old version stays listed; a council finds it by search and facets, confirms its
 * evidence and endorses it. Each step also checks the rule it depends on (who, which state, what
 * changed). One graph for the file; the steps build on each other, in order.
 */
let graph: TestGraph;
const personas = {
  supplier: 'resurface-contributor',
  otherSupplier: 'potholepro-contributor',
  kentBuyer: 'kent-buyer',
  cardiffBuyer: 'cardiff-buyer',
  assessor: 'assessor',
  secondAssessor: 'second-assessor',
  thirdAssessor: 'third-assessor',
  admin: 'platform-admin',
  analyst: 'analyst',
} as const;
type Who = keyof typeof personas | 'anonymous';
const tokens = {} as Record<Who, string | undefined>;

/** A facet value and how many matches have it. */
type Facet = { value: string; count: number };

const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');

beforeAll(async () => {
  graph = await startTestGraph();
  for (const [who, key] of Object.entries(personas)) tokens[who as Who] = await asPersona(graph, key);
});
afterAll(async () => {
  await graph?.stop();
});

/** The data of an answer that must succeed: no errors, and no refusal in a mutation's payload. */
function ok<TData>(answer: GraphQLAnswer<TData>): TData {
  const data = expectData(answer);
  expect(codesOf(answer)).toEqual([]);
  return data;
}

const as = <TData = UntypedData>(who: Who, query: string, variables?: Record<string, unknown>) =>
  graph.execute<NoInfer<TData>>(query, variables, tokens[who]);

const content = (overrides: Record<string, unknown> = {}) => ({
  title: 'Graphene-reinforced pothole sealant',
  summary: 'A cold-applied sealant with graphene platelets that keeps water out of repaired potholes.',
  description: 'Applied by hand or spray bar around the edges of a permanent repair; cures in twenty minutes.',
  category: 'POTHOLE_REPAIR',
  tags: ['graphene', 'sealant', 'Cold-applied'],
  trl: 8,
  trlJustification: 'Deployed on live A-roads at two authorities for 18 months.',
  pricingModel: 'PER_LINEAR_METRE',
  suitsNations: ['ENGLAND', 'WALES'],
  suitsOrganisationKinds: ['COUNTY_COUNCIL'],
  links: [{ title: 'Data sheet', url: 'https://resurface-tech.example/sealant.pdf', kind: 'DOCUMENT' }],
  ...overrides,
});

const innovationFields = `id title status trl tags supplier { id name }
  pendingRevision { status title }
  viewerCan { edit submit withdraw assess decide endorse confirmEvidence }`;
const create = `mutation ($input: InnovationInput!) { createInnovation(input: $input) { innovation { ${innovationFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const byId = `query ($id: ID!) { innovation(id: $id) { ${innovationFields} } }`;

let id = '';
let evidenceId = '';
const countInnovations = () => graph.databases.innovations.dataSource.getRepository(Innovation).count();

describe('authoring', () => {
  it.each([
    ['input.trl', { trl: 12 }],
    ['input.title', { title: 'x'.repeat(201) }],
    ['input.links[0].url', { links: [{ title: 'Video', url: 'http://example.com/v', kind: 'VIDEO' }] }],
    ['input.tags', { tags: Array.from({ length: 21 }, (_, i) => `tag${i}`) }],
    ['input.summary', { summary: '   ' }],
  ])('refuses bad input with BAD_USER_INPUT naming %s, and creates nothing', async (argument, overrides) => {
    const before = await countInnovations();
    const result = await as('supplier', create, { input: content(overrides) });
    expect(refusalOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: argument });
    expect(await countInnovations()).toBe(before);
  });

  it.each([
    ['anonymous', 'UNAUTHENTICATED'],
    ['kentBuyer', 'FORBIDDEN'],
    ['assessor', 'FORBIDDEN'],
  ] as const)('refuses createInnovation to %s (%s)', async (who, code) => {
    expect(refusalOf(await as(who, create, { input: content() }))).toMatchObject({ code });
  });

  it('lets a supplier contributor create a draft for their own organisation', async () => {
    const data = ok(await as('supplier', create, { input: content() }));
    id = data.createInnovation.innovation.id;
    expect(data.createInnovation.innovation).toMatchObject({
      title: 'Graphene-reinforced pothole sealant',
      status: 'DRAFT',
      tags: ['graphene', 'sealant', 'cold-applied'],
      supplier: { id: resurface.id, name: resurface.name },
      viewerCan: { edit: true, submit: true, withdraw: false, assess: false, decide: false, endorse: false },
    });
    // A draft is the supplier's alone: the public and other suppliers cannot see it.
    expect(ok(await as('anonymous', byId, { id })).innovation).toBeNull();
    expect(ok(await as('otherSupplier', byId, { id })).innovation).toBeNull();
  });

  it('lets only the supplier edit it; another supplier gets NOT_FOUND and nothing changes', async () => {
    const update = `mutation ($id: ID!, $input: InnovationInput!) { updateInnovation(id: $id, input: $input) { innovation { title trl } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('otherSupplier', update, { id, input: content({ title: 'Hijacked' }) }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const data = ok(await as('supplier', update, { id, input: content({ trl: 7 }) }));
    expect(data.updateInnovation.innovation.trl).toBe(7);
  });
});

describe('evidence', () => {
  const addEvidence = `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { evidence { unconfirmed { id title authority { name nation } outcomes { costSavedGbp carbonSavedTco2e } confirmation }
               certifications { scheme expiresOn expired } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

  it('records a deployment at a named authority, and certifications shown expired by date', async () => {
    const deployment = ok(
      await as('supplier', addEvidence, {
        input: {
          innovationId: id,
          kind: 'DEPLOYMENT',
          title: 'A-road pothole programme, 2025',
          authorityId: kent.id,
          startedOn: '2025-03-01',
          endedOn: '2025-09-30',
          scale: '1,200 repairs',
          costSavedGbp: 48000,
          carbonSavedTco2e: 12.5,
        },
      }),
    );
    const [item] = deployment.addEvidence.innovation.evidence.unconfirmed;
    evidenceId = item.id;
    expect(item).toMatchObject({
      authority: { name: kent.name, nation: 'ENGLAND' },
      outcomes: { costSavedGbp: 48000, carbonSavedTco2e: 12.5 },
      confirmation: 'UNCONFIRMED',
    });

    ok(
      await as('supplier', addEvidence, {
        input: { innovationId: id, certification: { scheme: 'HAPAS', issuer: 'BBA', reference: 'HAPAS 25/H123', expiresOn: '2099-12-31' } },
      }),
    );
    const data = ok(
      await as('supplier', addEvidence, {
        input: { innovationId: id, certification: { scheme: 'UKCA', issuer: 'BSI', reference: 'UKCA-1', expiresOn: '2020-01-31' } },
      }),
    );
    expect(data.addEvidence.innovation.evidence.certifications).toEqual([
      { scheme: 'HAPAS', expiresOn: '2099-12-31', expired: false },
      { scheme: 'UKCA', expiresOn: '2020-01-31', expired: true },
    ]);
  });

  it('validates evidence: an end before the start, or an authority on a certification, is BAD_USER_INPUT', async () => {
    const backwards = await as('supplier', addEvidence, {
      input: { innovationId: id, kind: 'TRIAL', title: 'Trial', authorityId: kent.id, startedOn: '2025-03-01', endedOn: '2025-01-01' },
    });
    expect(refusalOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endedOn' });
    const mixed = await as('supplier', addEvidence, {
      input: { innovationId: id, authorityId: kent.id, certification: { scheme: 'UKCA', issuer: 'BSI', reference: 'x' } },
    });
    expect(refusalOf(mixed)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.authorityId' });
  });
});

const submit = `mutation ($id: ID!) { submitInnovation(id: $id) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const assign = `mutation ($id: ID!, $assessor: ID!) { assignAssessor(innovationId: $id, assessorId: $assessor) { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const declare = `mutation ($input: DeclareConflictInput!) { declareConflict(input: $input) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const assess = `mutation ($input: SubmitAssessmentInput!) { submitAssessment(input: $input) { assessment { round scores { carbon } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const decide = `mutation ($input: DecideInnovationInput!) { decideInnovation(input: $input) { innovation { status title revisions { number title supersededAt } pendingRevision { status } } refusal { code message field
  ... on StateConflict { reason currentStatus currentVersion } ... on AssessmentsIncomplete { currentStatus assessmentsCompleted assessmentsRequired } } } }`;
const scores = (innovationId: string) => ({
  innovationId,
  deploymentEvidence: 4,
  deploymentEvidenceComment: 'Two authorities, eighteen months.',
  outcomes: 4,
  outcomesComment: 'Measured savings.',
  safetyAndStandards: 5,
  safetyAndStandardsComment: 'HAPAS certified.',
  carbon: 3,
  carbonComment: 'Modest savings.',
  valueForMoney: 4,
  valueForMoneyComment: 'Competitive.',
});

/** Assign, declare and assess with the assessors named: the current round ends with their assessments. */
async function review(assessors: ('assessor' | 'secondAssessor' | 'thirdAssessor')[]) {
  for (const who of assessors) ok(await as('admin', assign, { id, assessor: demoPersona(personas[who]).id }));
  for (const who of assessors) {
    const declared = await as(who, declare, { input: { innovationId: id, conflicted: false, statement: 'No interest in the supplier.' } });
    // Declarations are per innovation and last across rounds.
    if (codesOf(declared).length) expect(refusalOf(declared)).toMatchObject({ code: 'CONFLICT' });
    ok(await as(who, assess, { input: scores(id) }));
  }
}

describe('vetting', () => {
  it('submits the draft once: a second submission is a CONFLICT naming the current status', async () => {
    expect(ok(await as('supplier', submit, { id })).submitInnovation.innovation.status).toBe('SUBMITTED');
    expect(refusalOf(await as('supplier', submit, { id }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'SUBMITTED' });
  });

  it('lets only platform admins assign assessors, which puts the innovation UNDER_REVIEW', async () => {
    const assessorId = demoPersona('assessor').id;
    expect(refusalOf(await as('assessor', assign, { id, assessor: assessorId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(ok(await as('admin', assign, { id, assessor: assessorId })).assignAssessor.innovation.status).toBe('UNDER_REVIEW');
  });

  it('refuses scoring before a declaration, and by an assessor who declared a conflict', async () => {
    expect(refusalOf(await as('assessor', assess, { input: scores(id) }))).toMatchObject({ code: 'FORBIDDEN' });
    ok(await as('admin', assign, { id, assessor: demoPersona('second-assessor').id }));
    ok(
      await as('secondAssessor', declare, { input: { innovationId: id, conflicted: true, statement: 'My brother works for ReSurface.' } }),
    );
    expect(refusalOf(await as('secondAssessor', assess, { input: scores(id) }))).toMatchObject({ code: 'FORBIDDEN' });
    // An unassigned assessor may not declare or score at all.
    expect(refusalOf(await as('thirdAssessor', assess, { input: scores(id) }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses out-of-range scores with BAD_USER_INPUT naming the criterion', async () => {
    const result = await as('assessor', assess, { input: { ...scores(id), carbon: 6 } });
    expect(refusalOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.carbon' });
  });

  it('needs the configured number of assessments (2) before a decision', async () => {
    ok(await as('assessor', declare, { input: { innovationId: id, conflicted: false, statement: 'None.' } }));
    expect(ok(await as('assessor', assess, { input: scores(id) })).submitAssessment.assessment).toEqual({
      round: 1,
      scores: { carbon: 3 },
    });
    expect(refusalOf(await as('assessor', assess, { input: scores(id) }))).toMatchObject({ code: 'CONFLICT' });
    const early = await as('assessor', decide, { input: { innovationId: id, outcome: 'APPROVED', reasons: 'Looks good.' } });
    expect(refusalOf(early)).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'UNDER_REVIEW',
      assessmentsCompleted: 1,
      assessmentsRequired: 2,
    });
    // A conflicted assessor may not decide either.
    expect(
      refusalOf(await as('secondAssessor', decide, { input: { innovationId: id, outcome: 'REJECTED', reasons: 'No.' } })),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('approves after a second assessment; the supplier sees the decision and its reasons, not another supplier', async () => {
    await review(['thirdAssessor']);
    const viewerCan = ok(await as('assessor', byId, { id })).innovation.viewerCan;
    expect(viewerCan).toMatchObject({ assess: false, decide: true, edit: false });
    const data = ok(
      await as('assessor', decide, { input: { innovationId: id, outcome: 'APPROVED', reasons: 'Strong, confirmed deployments.' } }),
    );
    expect(data.decideInnovation.innovation).toMatchObject({
      status: 'APPROVED',
      revisions: [{ number: 1, title: 'Graphene-reinforced pothole sealant', supersededAt: null }],
    });
    expect(
      refusalOf(await as('thirdAssessor', decide, { input: { innovationId: id, outcome: 'REJECTED', reasons: 'Late.' } })),
    ).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'APPROVED',
    });

    const record = `query ($id: ID!) { innovation(id: $id) { assessments { round assessor { id } } auditTrail { action fromStatus toStatus reason } } }`;
    const own = ok(
      await as<{ innovation: { assessments: unknown[]; auditTrail: { action: string }[] } }>('supplier', record, { id }),
    ).innovation;
    expect(own.assessments).toHaveLength(2);
    expect(own.auditTrail.find((e) => e.action === 'DECIDED')).toMatchObject({
      fromStatus: 'UNDER_REVIEW',
      toStatus: 'APPROVED',
      reason: 'Strong, confirmed deployments.',
    });
    expect(own.auditTrail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['CREATED', 'STATUS_CHANGED', 'ASSESSOR_ASSIGNED', 'CONFLICT_DECLARED', 'ASSESSED', 'DECIDED']),
    );
    for (const who of ['otherSupplier', 'kentBuyer', 'anonymous'] as const) {
      const other = await as(who, record, { id });
      expect(other.data?.innovation).toEqual({ assessments: null, auditTrail: null });
      expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    }
  });

  it('keeps the audit trail append-only in the database itself', async () => {
    const { dataSource } = graph.databases.innovations;
    await expect(
      dataSource.query(`UPDATE innovations.audit_event SET reason = 'rewritten' WHERE innovation_id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`DELETE FROM innovations.audit_event WHERE innovation_id = $1`, [id])).rejects.toThrow(/append-only/);
  });
});

describe('revisions', () => {
  const update = `mutation ($id: ID!, $input: InnovationInput!) { updateInnovation(id: $id, input: $input) { innovation { title status pendingRevision { status title } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  let firstListedAt = '';

  it('keeps the approved version listed while an edit waits as a revision', async () => {
    // The graph's clock is innovations' clock: the first version was listed at this instant.
    firstListedAt = graph.clock.now().toISOString();
    const data = ok(await as('supplier', update, { id, input: content({ title: 'Graphene pothole sealant Mk II', trl: 9 }) }));
    expect(data.updateInnovation.innovation).toMatchObject({
      title: 'Graphene-reinforced pothole sealant',
      status: 'APPROVED',
      pendingRevision: { status: 'DRAFT', title: 'Graphene pothole sealant Mk II' },
    });
    // The public sees the approved version, not the pending one (and not that one exists).
    const publicView = await as('anonymous', byId, { id });
    expect(publicView.data?.innovation).toMatchObject({
      title: 'Graphene-reinforced pothole sealant',
      status: 'APPROVED',
      pendingRevision: null,
    });
    expect(publicView.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reviews the revision like a submission, and on approval lists it, keeping every approved version', async () => {
    graph.clock.advance(24 * 3_600_000); // the revision is approved a day later
    expect(ok(await as('supplier', submit, { id })).submitInnovation.innovation.status).toBe('APPROVED');
    await review(['assessor', 'thirdAssessor']);
    const listedBefore = ok(await as('anonymous', `{ innovations(search: "graphene sealant") { edges { node { id title } } } }`));
    expect(listedBefore.innovations.edges).toContainEqual({ node: { id, title: 'Graphene-reinforced pothole sealant' } });

    const data = ok(await as('admin', decide, { input: { innovationId: id, outcome: 'APPROVED', reasons: 'TRL 9 justified.' } }));
    expect(data.decideInnovation.innovation).toMatchObject({
      status: 'APPROVED',
      title: 'Graphene pothole sealant Mk II',
      pendingRevision: null,
    });
    expect(data.decideInnovation.innovation.revisions).toHaveLength(2);
    expect(data.decideInnovation.innovation.revisions[0].supersededAt).not.toBeNull();
    expect(data.decideInnovation.innovation.revisions[1]).toMatchObject({
      number: 2,
      title: 'Graphene pothole sealant Mk II',
      supersededAt: null,
    });
  });

  it('answers innovation(id, asOf) with what the catalogue listed then', async () => {
    const asOf = `query ($id: ID!, $asOf: DateTime) { innovation(id: $id, asOf: $asOf) { title trl status } }`;
    expect(ok(await as('anonymous', asOf, { id, asOf: firstListedAt })).innovation).toEqual({
      title: 'Graphene-reinforced pothole sealant',
      trl: 7,
      status: 'APPROVED',
    });
    expect(ok(await as('anonymous', asOf, { id, asOf: graph.clock.now().toISOString() })).innovation).toMatchObject({
      title: 'Graphene pothole sealant Mk II',
      trl: 9,
    });
    // Just before the revision's approval the first version was still the one listed.
    const justBefore = new Date(graph.clock.now().getTime() - 1).toISOString();
    expect(ok(await as('anonymous', asOf, { id, asOf: justBefore })).innovation).toMatchObject({
      title: 'Graphene-reinforced pothole sealant',
      trl: 7,
    });
    expect(ok(await as('anonymous', asOf, { id, asOf: '2020-01-01T00:00:00Z' })).innovation).toBeNull();
  });
});

describe('a council finds, confirms and endorses it', () => {
  const search = `query ($search: String, $filter: InnovationFilter) {
    innovations(search: $search, filter: $filter, first: 5) {
      totalCount edges { node { id title } }
      facets { categories { value count } trls { value count } nations { value count } certifications { value count } } } }`;
  type Search = {
    innovations: Connection<{ id: string; title: string }> & {
      facets: Record<'categories' | 'trls' | 'nations' | 'certifications', Facet[]>;
    };
  };

  it('finds it by a word prefix ("graph" → graphene), with facets for the same search', async () => {
    const data = ok(await as<Search>('kentBuyer', search, { search: 'graph seal' }));
    expect(data.innovations.edges[0]?.node).toEqual({ id, title: 'Graphene pothole sealant Mk II' });
    expect(data.innovations.facets.categories).toContainEqual({ value: 'POTHOLE_REPAIR', count: expect.any(Number) });
    const categoryTotal = data.innovations.facets.categories.reduce((sum, f) => sum + f.count, 0);
    expect(categoryTotal).toBe(data.innovations.totalCount);
    expect(data.innovations.facets.certifications).toContainEqual({ value: 'HAPAS', count: 1 });
    // The expired UKCA certificate is not current, so it is no facet value and does not satisfy the filter alone.
    expect(data.innovations.facets.certifications.find((f) => f.value === 'UKCA')).toBeUndefined();
  });

  it('lets only the named authority confirm evidence; its nation then counts in the nation facet and filter', async () => {
    const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id, note: "Confirmed by our term contractor.") { evidenceItem { confirmation confirmedAt authority { name } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const england = { search: 'graphene sealant', filter: { evidenceNations: ['ENGLAND'] } };
    expect(ok(await as('kentBuyer', search, england)).innovations.totalCount).toBe(0);
    expect(ok(await as('kentBuyer', byId, { id })).innovation.viewerCan).toMatchObject({ confirmEvidence: true, endorse: true });
    expect(ok(await as('cardiffBuyer', byId, { id })).innovation.viewerCan).toMatchObject({ confirmEvidence: false, endorse: true });

    expect(refusalOf(await as('cardiffBuyer', confirm, { id: evidenceId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusalOf(await as('supplier', confirm, { id: evidenceId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(ok(await as('kentBuyer', confirm, { id: evidenceId })).confirmEvidence.evidenceItem).toMatchObject({
      confirmation: 'CONFIRMED',
      authority: { name: kent.name },
    });
    expect(refusalOf(await as('kentBuyer', confirm, { id: evidenceId }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'CONFIRMED' });

    const found = ok(await as('kentBuyer', search, england)).innovations;
    expect(found.edges).toEqual([{ node: { id, title: 'Graphene pothole sealant Mk II' } }]);
    expect(found.facets.nations).toEqual([{ value: 'ENGLAND', count: 1 }]);
    const evidence = ok(
      await as('anonymous', `query ($id: ID!) { innovation(id: $id) { evidence { confirmed { id } unconfirmed { id } } } }`, { id }),
    );
    expect(evidence.innovation.evidence).toEqual({ confirmed: [{ id: evidenceId }], unconfirmed: [] });
  });

  it('lets a council endorse it once; the endorsement shows the council and its nation, both ways', async () => {
    const endorse = `mutation ($id: ID!) { endorseInnovation(innovationId: $id, statement: "Fewer returns to the same pothole.") { endorsement { statement organisation { name nation } innovation { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('supplier', endorse, { id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusalOf(await as('anonymous', endorse, { id }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(ok(await as('kentBuyer', endorse, { id })).endorseInnovation.endorsement).toEqual({
      statement: 'Fewer returns to the same pothole.',
      organisation: { name: kent.name, nation: 'ENGLAND' },
      innovation: { id },
    });
    expect(refusalOf(await as('kentBuyer', endorse, { id }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'APPROVED' });
    const both = ok(
      await as(
        'anonymous',
        `query ($id: ID!, $kent: ID!) { innovation(id: $id) { endorsements { organisation { name nation } createdAt } viewerCan { endorse } }
          organisation(id: $kent) { endorsements { innovation { title } } } }`,
        { id, kent: kent.id },
      ),
    );
    expect(both.innovation.endorsements).toEqual([{ organisation: { name: kent.name, nation: 'ENGLAND' }, createdAt: expect.any(String) }]);
    expect(both.innovation.viewerCan.endorse).toBe(false);
    expect(both.organisation.endorsements).toContainEqual({ innovation: { title: 'Graphene pothole sealant Mk II' } });
  });

  it('lets the supplier withdraw it, after which it leaves the catalogue but stays provable by asOf', async () => {
    const before = graph.clock.now().toISOString();
    graph.clock.advance(3_600_000); // withdrawn an hour later: the clock says when it left the catalogue
    const withdraw = `mutation ($id: ID!) { withdrawInnovation(id: $id, reason: "Replaced by a new product.") { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('otherSupplier', withdraw, { id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(ok(await as('supplier', withdraw, { id })).withdrawInnovation.innovation.status).toBe('WITHDRAWN');
    expect(refusalOf(await as('supplier', withdraw, { id }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'WITHDRAWN' });
    expect(ok(await as('anonymous', byId, { id })).innovation).toBeNull();
    const asOf = `query ($id: ID!, $asOf: DateTime) { innovation(id: $id, asOf: $asOf) { title } }`;
    expect(ok(await as('anonymous', asOf, { id, asOf: before })).innovation).toEqual({ title: 'Graphene pothole sealant Mk II' });
    expect(ok(await as('anonymous', asOf, { id, asOf: graph.clock.now().toISOString() })).innovation).toBeNull();
  });
});

describe('search pagination and cost', () => {
  const page = `query ($search: String, $orderBy: InnovationOrder, $first: Int, $after: String) {
    innovations(search: $search, orderBy: $orderBy, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
      facets { categories { value count } trls { value count } nations { value count } certifications { value count } } } }`;

  type Page = { innovations: Connection<{ id: string }> };

  it.each(['RELEVANCE', 'TITLE', 'NEWEST'])('pages by %s with stable cursors: every match exactly once', async (orderBy) => {
    const all = ok(await as<Page>('anonymous', page, { search: 'road', orderBy, first: 100 })).innovations;
    expect(all.totalCount).toBeGreaterThan(6);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const next: Page['innovations'] = ok(await as<Page>('anonymous', page, { search: 'road', orderBy, first: 3, after })).innovations;
      seen.push(...next.edges.map((e) => e.node.id));
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(all.edges.map((e) => e.node.id));
  });

  it('refuses a cursor from another order, and RELEVANCE without a search', async () => {
    const titlePage = ok(await as('anonymous', page, { orderBy: 'TITLE', first: 1 })).innovations;
    expect(
      refusalOf(await as('anonymous', page, { search: 'road', orderBy: 'RELEVANCE', after: titlePage.pageInfo.endCursor })),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(refusalOf(await as('anonymous', page, { orderBy: 'RELEVANCE' }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy' });
  });

  it('runs the same number of SQL statements for a page of 5 as for a page of 100, with facets and counts', async () => {
    const small = await as('admin', page, { search: 'road', first: 5 });
    const large = await as('admin', page, { search: 'road', first: 100 });
    expect(small.errors).toBeUndefined();
    expect(large.statements).toBe(small.statements);
    // The ranked page (which counts its matches too) + facets.
    expect(small.statements).toBe(2);
    // By title: page + one statement for totalCount and facets, and the same count.
    const byTitle = await as('admin', page, { search: 'road', orderBy: 'TITLE', first: 5 });
    expect(byTitle.statements).toBe(2);
    expect(ok(byTitle).innovations.totalCount).toBe(ok(small).innovations.totalCount);
    // A search that matches nothing counts its empty window in the page statement too.
    const nothing = await as('admin', page, { search: 'zzqqxxunmatched', first: 5 });
    expect(ok(nothing).innovations).toMatchObject({ totalCount: 0, edges: [] });
    expect(nothing.statements).toBe(small.statements);
  });

  it('counts a ranked search from its page, and a page past the last match still counts', async () => {
    const all = ok(await as('anonymous', page, { search: 'road', orderBy: 'TITLE', first: 100 })).innovations;
    const ranked = ok(await as('anonymous', page, { search: 'road', first: 2 })).innovations;
    expect(ranked.totalCount).toBe(all.edges.length);
    let after: string | null = null;
    let last;
    do {
      last = ok(await as('anonymous', page, { search: 'road', first: 100, after })).innovations;
      after = last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null;
    } while (after);
    const beyond = ok(await as('anonymous', page, { search: 'road', first: 5, after: last.pageInfo.endCursor })).innovations;
    expect(beyond.edges).toEqual([]);
    expect(beyond.totalCount).toBe(all.edges.length);
  });
});

const onServer = loadTestDatabaseUrl(process.env) !== undefined;
// PGlite runs one transaction at a time, so a race cannot happen there; the server pass runs it.
(onServer ? describe : describe.skip)('two assessors deciding at once (PostgreSQL server only)', () => {
  it('yields exactly one decision', async () => {
    const created = ok(await as('supplier', create, { input: content({ title: 'Race test sealant' }) }));
    id = created.createInnovation.innovation.id;
    // Submission needs a deployment or trial (issue 24 item 8).
    ok(
      await as(
        'supplier',
        `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: { innovationId: id, kind: 'TRIAL', title: 'Race trial', authorityId: kent.id, startedOn: '2025-03-01' },
        },
      ),
    );
    ok(await as('supplier', submit, { id }));
    await review(['assessor', 'thirdAssessor']);
    const results = await Promise.all([
      as('assessor', decide, { input: { innovationId: id, outcome: 'APPROVED', reasons: 'Approve.' } }),
      as('thirdAssessor', decide, { input: { innovationId: id, outcome: 'REJECTED', reasons: 'Reject.' } }),
    ]);
    const succeeded = results.filter((r) => codesOf(r).length === 0);
    const refused = results.filter((r) => codesOf(r).length > 0);
    expect(succeeded).toHaveLength(1);
    expect(refused.map((r) => refusalOf(r))).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const [{ count }] = await graph.databases.innovations.dataSource.query(
      `SELECT count(*)::int AS count FROM innovations.audit_event WHERE innovation_id = $1 AND action = 'DECIDED'`,
      [id],
    );
    expect(count).toBe(1);
  });
});

(onServer ? describe : describe.skip)('confirming evidence while the innovation is being written (PostgreSQL server only)', () => {
  it('takes the innovation row before the evidence row, the order a draft delete takes, so the two cannot deadlock', async () => {
    const created = ok(await as('supplier', create, { input: content({ title: 'Lock order sealant' }) }));
    const innovationId = created.createInnovation.innovation.id;
    const added = ok(
      await as(
        'supplier',
        `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { evidence { unconfirmed { id } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: { innovationId, kind: 'TRIAL', title: 'Lock order trial', authorityId: kent.id, startedOn: '2025-03-01' },
        },
      ),
    );
    const [{ id: evidence }] = added.addEvidence.innovation.evidence.unconfirmed;
    const url = (graph.databases.innovations.dataSource.options as { url?: string }).url;
    const [holder, probe] = [new Client({ connectionString: url }), new Client({ connectionString: url })];
    await Promise.all([holder.connect(), probe.connect()]);
    try {
      // Another writer holds the innovation, as deleteInnovation does before its cascade reaches evidence.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM innovations.innovation WHERE id = $1 FOR UPDATE', [innovationId]);
      const confirming = as(
        'kentBuyer',
        `mutation ($id: ID!) { confirmEvidence(evidenceId: $id) { evidenceItem { confirmation } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { id: evidence },
      );
      const waitingForLock = async () => {
        const [{ waiting }] = (
          await probe.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows;
        return waiting > 0;
      };
      for (let tries = 0; !(await waitingForLock()); tries += 1) {
        if (tries > 100) throw new Error('confirmEvidence never waited for the innovation row');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The confirmation waits without holding the evidence row: the other writer could take it.
      await probe.query('BEGIN');
      await expect(probe.query('SELECT 1 FROM innovations.evidence WHERE id = $1 FOR UPDATE NOWAIT', [evidence])).resolves.toBeDefined();
      await probe.query('ROLLBACK');
      await holder.query('ROLLBACK');
      expect(ok(await confirming).confirmEvidence.evidenceItem).toEqual({ confirmation: 'CONFIRMED' });
      const [{ flag }] = (
        await probe.query('SELECT has_confirmed_evidence AS flag FROM innovations.innovation WHERE id = $1', [innovationId])
      ).rows;
      expect(flag).toBe(true);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await Promise.all([holder.end(), probe.end()]);
    }
  });
});
