import { demoOrganisation } from '../../demo-data/organisations';
import { demoPersona } from '../../demo-data/personas';
import type { Identity, MembershipStatus } from '../../platform/identity';
import { countStatements } from '../../platform/statement-counter';
import { codesOf, refusalOf } from '../../tests/support/graphql-results';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Membership, MembershipDecision, Organisation, Person } from './entities';
import { seedDemoData } from './seed';
import { findViewerByEmail } from './services/identity.service';
import { membershipMachine, type MembershipAction } from './status-machines';
import { membersSubgraph } from './subgraph';

let database: TestDatabase;
let members: TestSubgraph;
const personaKeys = ['platform-admin', 'assessor', 'analyst', 'kent-admin', 'kent-buyer', 'cardiff-buyer'] as const;
const viewers = {} as Record<(typeof personaKeys)[number], Identity>;

async function viewerOf(email: string): Promise<Identity> {
  const viewer = await findViewerByEmail(members.dataSource, email);
  if (!viewer) throw new Error(`nobody has ${email}`);
  return viewer;
}

/** A brand-new supplier with one admin, never a member: each test gets its own. */
let fresh = 0;
async function newSupplier(): Promise<{ organisation: Organisation; admin: Identity }> {
  fresh += 1;
  const organisation = await members.dataSource.getRepository(Organisation).save({
    name: `Test Supplier ${fresh} Ltd`,
    kind: 'SUPPLIER',
    nation: 'ENGLAND',
    region: 'London',
    website: null,
    companiesHouseNumber: `T${String(fresh).padStart(7, '0')}`,
    description: null,
    supplierSize: 'MICRO',
  } as Organisation);
  await members.dataSource.getRepository(Person).insert({
    organisationId: organisation.id,
    name: `Admin ${fresh}`,
    jobTitle: 'Director',
    email: `admin${fresh}@test-supplier.example`,
    phone: null,
    organisationRoles: ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR'],
    platformRoles: [],
  });
  return { organisation, admin: await viewerOf(`admin${fresh}@test-supplier.example`) };
}

const decisionCount = () => members.dataSource.getRepository(MembershipDecision).count();
const statusOf = async (organisationId: string) =>
  (await members.dataSource.getRepository(Membership).findOneBy({ organisationId }))?.status ?? null;

const membershipFields = `organisation { name } tier status appliedAt joinedOn renewalDueOn
  decisions { fromStatus toStatus reason decidedById decidedBy { name } }`;
const mutations: Record<MembershipAction, string> = {
  apply: `mutation ($id: ID!) { result: applyForMembership(input: { organisationId: $id, tier: ASSOCIATE_SUPPLIER }) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  approve: `mutation ($id: ID!, $reason: String) { result: approveMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  reject: `mutation ($id: ID!, $reason: String!) { result: rejectMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  suspend: `mutation ($id: ID!, $reason: String!) { result: suspendMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  reinstate: `mutation ($id: ID!, $reason: String) { result: reinstateMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  lapse: `mutation ($id: ID!, $reason: String) { result: lapseMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
  leave: `mutation ($id: ID!, $reason: String) { result: leaveMembership(organisationId: $id, reason: $reason) { membership { ${membershipFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
};

beforeAll(async () => {
  database = await createTestDatabase();
  members = await startTestSubgraph(membersSubgraph, database.url);
  await seedDemoData(members.dataSource);
  for (const key of personaKeys) {
    viewers[key] = await viewerOf(demoPersona(key).email);
  }
});
afterAll(async () => {
  await members?.stop();
  await database?.drop();
});

describe('membership lifecycle', () => {
  it('goes APPLIED → ACTIVE → SUSPENDED → ACTIVE → LAPSED → ACTIVE → LEFT → APPLIED → REJECTED, one audit row per step', async () => {
    const { organisation, admin } = await newSupplier();
    const admins = viewers['platform-admin'];
    const steps: [MembershipAction, Identity, MembershipStatus, string | null][] = [
      ['apply', admin, 'APPLIED', null],
      ['approve', admins, 'ACTIVE', 'Eligible'],
      ['suspend', admins, 'SUSPENDED', 'Insurance lapsed'],
      ['reinstate', admins, 'ACTIVE', 'Insurance renewed'],
      ['lapse', admins, 'LAPSED', 'Not renewed'],
      ['reinstate', admins, 'ACTIVE', 'Paid late'],
      ['leave', admin, 'LEFT', 'Closing the business line'],
      ['apply', admin, 'APPLIED', null],
      ['reject', admins, 'REJECTED', 'Out of scope'],
    ];
    let before = await decisionCount();
    for (const [action, viewer, status, reason] of steps) {
      const answer = await members.execute(mutations[action], { id: organisation.id, reason }, viewer);
      expect(codesOf(answer)).toEqual([]);
      const changed = answer.data?.result.membership;
      expect(changed.status).toBe(status);
      expect(changed.decisions.at(-1)).toMatchObject({ toStatus: status, reason, decidedById: viewer!.personId });
      expect(await decisionCount()).toBe(before + 1);
      before += 1;
    }
    const { data } = await members.execute(
      `query ($id: ID!) { organisation(id: $id) { membership { status tier decisions { fromStatus toStatus } } } }`,
      { id: organisation.id },
      admin,
    );
    expect(data?.organisation.membership.decisions).toEqual([
      { fromStatus: null, toStatus: 'APPLIED' },
      { fromStatus: 'APPLIED', toStatus: 'ACTIVE' },
      { fromStatus: 'ACTIVE', toStatus: 'SUSPENDED' },
      { fromStatus: 'SUSPENDED', toStatus: 'ACTIVE' },
      { fromStatus: 'ACTIVE', toStatus: 'LAPSED' },
      { fromStatus: 'LAPSED', toStatus: 'ACTIVE' },
      { fromStatus: 'ACTIVE', toStatus: 'LEFT' },
      { fromStatus: 'LEFT', toStatus: 'APPLIED' },
      { fromStatus: 'APPLIED', toStatus: 'REJECTED' },
    ]);
    expect(data?.organisation.membership.tier).toBe('ASSOCIATE_SUPPLIER');
  });

  it('sets the joining and renewal dates on approval, and the gateway identity sees the new status', async () => {
    const { organisation, admin } = await newSupplier();
    await members.execute(mutations.apply, { id: organisation.id }, admin);
    expect((await viewerOf(`admin${fresh}@test-supplier.example`))?.membershipStatus).toBe('APPLIED');
    const { data } = await members.execute(mutations.approve, { id: organisation.id }, viewers['platform-admin']);
    const today = new Date().toISOString().slice(0, 10);
    expect(data?.result.membership).toMatchObject({ status: 'ACTIVE', joinedOn: today, organisation: { name: organisation.name } });
    expect(Number(data?.result.membership.renewalDueOn.slice(0, 4))).toBe(Number(today.slice(0, 4)) + 1);
    expect((await viewerOf(`admin${fresh}@test-supplier.example`))?.membershipStatus).toBe('ACTIVE');
  });

  const statuses: (MembershipStatus | null)[] = [null, 'APPLIED', 'ACTIVE', 'LAPSED', 'SUSPENDED', 'LEFT', 'REJECTED'];
  const illegal = membershipMachine.actions.flatMap((action) =>
    statuses
      .filter((status) => !membershipMachine.can(action, { status, organisationName: 'any' }))
      .map((status) => [action, status] as const),
  );

  it.each(illegal)('refuses to %s a membership that is %s: CONFLICT naming the state, nothing written', async (action, status) => {
    const { organisation, admin } = await newSupplier();
    if (status) {
      await members.dataSource.getRepository(Membership).insert({
        organisationId: organisation.id,
        tier: 'ASSOCIATE_SUPPLIER',
        status,
        appliedAt: new Date(),
        joinedOn: status === 'APPLIED' || status === 'REJECTED' ? null : '2025-01-01',
        renewalDueOn: null,
      });
    }
    const before = await decisionCount();
    const viewer = action === 'apply' || action === 'leave' ? admin : viewers['platform-admin'];
    const { data, errors } = await members.execute(mutations[action], { id: organisation.id, reason: 'because' }, viewer);
    expect(errors).toBeUndefined();
    expect(data?.result.membership).toBeNull();
    // The payload's own refusal, not refusalOf: a membership that does not exist is `currentStatus: null`, which refusalOf leaves out.
    expect(data?.result.refusal).toMatchObject({ code: 'CONFLICT', currentStatus: status });
    expect(data?.result.refusal.message).toContain(
      status ? `Membership of ${organisation.name} is ${status};` : `${organisation.name} has no membership`,
    );
    expect(await decisionCount()).toBe(before);
    expect(await statusOf(organisation.id)).toBe(status);
  });

  const legal = membershipMachine.actions.flatMap((action) =>
    statuses
      .filter((status) => membershipMachine.can(action, { status, organisationName: 'any' }))
      .map((status) => [status, action] as const),
  );

  // The other half of the table: every step it allows goes through, to the status it names.
  it.each(legal)('lets a membership that is %s take the step %s, to the status the table names', async (status, action) => {
    const { organisation, admin } = await newSupplier();
    if (status) {
      await members.dataSource.getRepository(Membership).insert({
        organisationId: organisation.id,
        tier: 'ASSOCIATE_SUPPLIER',
        status,
        appliedAt: new Date(),
        joinedOn: status === 'APPLIED' || status === 'REJECTED' ? null : '2025-01-01',
        renewalDueOn: null,
      });
    }
    const viewer = action === 'apply' || action === 'leave' ? admin : viewers['platform-admin'];
    const { data, errors } = await members.execute(mutations[action], { id: organisation.id, reason: 'because' }, viewer);
    expect(errors).toBeUndefined();
    expect(data?.result.refusal).toBeNull();
    expect(await statusOf(organisation.id)).toBe(membershipMachine.rules[action].to);
  });

  it('names the state as the issue asks', async () => {
    const kent = demoOrganisation('kent');
    await members.dataSource.getRepository(Membership).update({ organisationId: kent.id }, { status: 'SUSPENDED' });
    try {
      const answer = await members.execute(mutations.approve, { id: kent.id }, viewers['platform-admin']);
      expect(refusalOf(answer).message).toBe('Membership of Kent County Council is SUSPENDED; only APPLIED memberships can be approved.');
    } finally {
      await members.dataSource.getRepository(Membership).update({ organisationId: kent.id }, { status: 'ACTIVE' });
    }
  });

  it('lets only platform admins decide, and only the organisation’s admins apply or leave: FORBIDDEN (UNAUTHENTICATED when anonymous), nothing written', async () => {
    const { organisation, admin } = await newSupplier();
    const before = await decisionCount();
    const attempts: [MembershipAction, Identity][] = [
      ['apply', viewers['kent-admin']], // admin of another organisation
      ['apply', viewers['assessor']],
      ['approve', admin],
      ['approve', viewers['kent-admin']],
      ['approve', viewers['assessor']],
      ['approve', viewers['analyst']],
      ['suspend', viewers['kent-buyer']],
      ['reinstate', admin],
      ['lapse', admin],
      ['reject', admin],
    ];
    for (const [action, viewer] of attempts) {
      const answer = await members.execute(mutations[action], { id: organisation.id, reason: 'x' }, viewer);
      expect(refusalOf(answer).code).toBe('FORBIDDEN');
    }
    for (const action of ['apply', 'approve', 'leave'] as const) {
      const anonymous = await members.execute(mutations[action], { id: organisation.id, reason: 'x' }, null);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const kentLeave = await members.execute(mutations.leave, { id: demoOrganisation('kent').id }, viewers['kent-buyer']);
    expect(refusalOf(kentLeave).code).toBe('FORBIDDEN');
    expect(await decisionCount()).toBe(before);
    expect(await statusOf(organisation.id)).toBeNull();
  });

  it('answers NOT_FOUND for an unknown organisation and BAD_USER_INPUT for bad input', async () => {
    const admins = viewers['platform-admin'];
    const before = await decisionCount();
    const unknown = await members.execute(mutations.approve, { id: '00000000-0000-4000-8000-000000000000' }, admins);
    expect(refusalOf(unknown).code).toBe('NOT_FOUND');
    const malformed = await members.execute(mutations.approve, { id: 'kent' }, admins);
    expect(refusalOf(malformed).code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);
    const blankReason = await members.execute(mutations.suspend, { id: demoOrganisation('kent').id, reason: '   ' }, admins);
    expect(refusalOf(blankReason)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const { organisation, admin } = await newSupplier();
    const wrongTier = await members.execute(
      `mutation ($id: ID!) { applyForMembership(input: { organisationId: $id, tier: FUNDED_COUNCIL }) { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: organisation.id },
      admin,
    );
    expect(refusalOf(wrongTier)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tier' });
    expect(await decisionCount()).toBe(before);
    expect(await statusOf(organisation.id)).toBeNull();
  });

  it('writes the state change and its audit row in one transaction: a failing audit insert leaves the membership as it was', async () => {
    const { organisation, admin } = await newSupplier();
    await members.execute(mutations.apply, { id: organisation.id }, admin);
    const before = await decisionCount();
    // A platform admin whose person id the audit column cannot hold: the membership UPDATE runs,
    // then the decision INSERT fails, and the whole transaction must roll back.
    const broken: Identity = { ...viewers['platform-admin']!, personId: 'not-a-uuid' };
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {}); // the masked error is logged
    const answer = await members.execute(mutations.approve, { id: organisation.id }, broken);
    quiet.mockRestore();
    // PostgreSQL's invalid_text_representation (22P02) is reported as BAD_USER_INPUT (platform/errors.ts).
    expect(refusalOf(answer).code).toBe('BAD_USER_INPUT');
    expect(await statusOf(organisation.id)).toBe('APPLIED');
    expect(await decisionCount()).toBe(before);
  });

  it('keeps the audit trail append-only in the database itself', async () => {
    const query = (sql: string) => members.dataSource.query(sql);
    await expect(query(`UPDATE members.membership_decision SET reason = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(query(`DELETE FROM members.membership_decision`)).rejects.toThrow(/append-only/);
    await expect(query(`TRUNCATE members.membership_decision`)).rejects.toThrow(/append-only/);
    const rewritten = await query(`SELECT count(*)::int AS n FROM members.membership_decision WHERE reason = 'rewritten'`);
    expect(rewritten[0].n).toBe(0);
  });
});

describe('membership visibility', () => {
  const query = `query ($id: ID!) { organisation(id: $id) { name membership { status tier } } }`;
  const kent = demoOrganisation('kent');

  it('shows a membership to its own organisation and to platform admins', async () => {
    for (const viewer of [viewers['kent-buyer'], viewers['platform-admin']]) {
      const { data, errors } = await members.execute(query, { id: kent.id }, viewer);
      expect(errors).toBeUndefined();
      expect(data?.organisation.membership).toEqual({ status: 'ACTIVE', tier: 'FUNDED_COUNCIL' });
    }
  });

  it('answers FORBIDDEN (field null, rest of the answer intact) to anyone else', async () => {
    for (const viewer of [null, viewers['cardiff-buyer'], viewers['analyst'], viewers['assessor']]) {
      const { data, errors } = await members.execute(query, { id: kent.id }, viewer);
      expect(data?.organisation).toEqual({ name: 'Kent County Council', membership: null });
      expect(errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['organisation', 'membership']]]);
    }
  });
});

describe('identity for the gateway', () => {
  it('returns real roles and membership status in one statement', async () => {
    const { result, statements } = await countStatements(() => findViewerByEmail(members.dataSource, 'Priya.Shah@kent.gov.uk'));
    expect(result).toEqual({
      personId: demoPersona('kent-admin').id,
      email: 'priya.shah@kent.gov.uk',
      organisationId: demoOrganisation('kent').id,
      organisationKind: 'COUNTY_COUNCIL',
      organisationNation: 'ENGLAND',
      organisationName: 'Kent County Council',
      membershipStatus: 'ACTIVE',
      organisationRoles: ['ORG_ADMIN', 'BUYER'],
      platformRoles: [],
    });
    expect(statements).toBe(1);
    expect((await findViewerByEmail(members.dataSource, 'admin@roads-innovation.example'))?.platformRoles).toEqual(['PLATFORM_ADMIN']);
    expect(await findViewerByEmail(members.dataSource, 'nobody@example.com')).toBeNull();
  });
});
