import { demoOrganisation } from '../../demo-data/organisations';
import type { Viewer } from '../../platform/identity';
import { codesOf, refusalOf } from '../../tests/support/graphql-results';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { personaViewer } from '../../tests/support/viewers';
import { Membership, MembershipDecision, Organisation, Person } from './entities';
import { seedDemoData } from './seed';
import { findViewerByEmail } from './services/identity.service';
import type { MembershipAction } from './services/membership-lifecycle';
import { membersSubgraph } from './subgraph';

/**
 * What members' clients edit carries a `version` (platform/optimistic-lock.ts, issue 23): an
 * organisation (its invitation domains), a membership (every decision, and applying again) and a
 * person (their roles). The version is optional on each mutation: given and stale, the change is
 * refused with CONFLICT and the version in the database (and a membership's status), before any
 * other rule about the current state is weighed, and nothing is written; omitted, last write wins.
 * Either way the version moves on. Real concurrent pairs are in tests/races.test.ts (server pass).
 */
let database: TestDatabase;
let members: TestSubgraph;
const platformAdmin = personaViewer('platform-admin');

beforeAll(async () => {
  database = await createTestDatabase();
  members = await startTestSubgraph(membersSubgraph, database.url);
  await seedDemoData(members.dataSource);
});
afterAll(async () => {
  await members?.stop();
  await database?.drop();
});

const refusal = `refusal { code message field ... on StateConflict { reason currentStatus currentVersion } }`;

/** A brand-new supplier, never a member, with an admin and a contributor: each test gets its own. */
let fresh = 0;
async function newSupplier(): Promise<{ organisation: Organisation; admin: Viewer; contributorId: string }> {
  fresh += 1;
  const organisation = await members.dataSource.getRepository(Organisation).save({
    name: `Versioned Supplier ${fresh} Ltd`,
    kind: 'SUPPLIER',
    nation: 'ENGLAND',
    region: 'London',
    website: null,
    companiesHouseNumber: `V${String(fresh).padStart(7, '0')}`,
    description: null,
    supplierSize: 'SMALL',
  } as Organisation);
  const person = (email: string, organisationRoles: Person['organisationRoles']): Partial<Person> => ({
    organisationId: organisation.id,
    name: email,
    jobTitle: null,
    email,
    phone: null,
    organisationRoles,
    platformRoles: [],
  });
  const adminEmail = `admin${fresh}@versioned-supplier.example`;
  await members.dataSource.getRepository(Person).insert(person(adminEmail, ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR']));
  const contributor = await members.dataSource
    .getRepository(Person)
    .save(person(`contributor${fresh}@versioned-supplier.example`, ['SUPPLIER_CONTRIBUTOR']));
  return { organisation, admin: (await findViewerByEmail(members.dataSource, adminEmail))!, contributorId: contributor.id };
}

async function stored<T extends object>(table: string, key: string, id: string): Promise<T & { version: number }> {
  const [row] = (await members.dataSource.query(`SELECT * FROM members.${table} WHERE ${key} = $1`, [id])) as (T & { version: number })[];
  return row!;
}
const decisionCount = (organisationId: string) => members.dataSource.getRepository(MembershipDecision).countBy({ organisationId });

describe('a membership', () => {
  const membership = `membership { status version }`;
  const mutation = (action: MembershipAction) =>
    action === 'apply'
      ? `mutation ($id: ID!, $version: Int) { result: applyForMembership(input: { organisationId: $id, tier: ASSOCIATE_SUPPLIER, version: $version }) { ${membership} ${refusal} } }`
      : `mutation ($id: ID!, $version: Int) { result: ${action}Membership(organisationId: $id, reason: "For the record.", version: $version) { ${membership} ${refusal} } }`;

  it('every decision, and applying again, takes the version: a stale one is refused with the current version and status, nothing written', async () => {
    const { organisation, admin } = await newSupplier();
    const act = (action: MembershipAction, version: number | null) =>
      members.execute(mutation(action), { id: organisation.id, version }, action === 'apply' || action === 'leave' ? admin : platformAdmin);

    const applied = await act('apply', null);
    expect(applied.data?.result.membership).toEqual({ status: 'APPLIED', version: 1 });
    const steps: [MembershipAction, string][] = [
      ['approve', 'ACTIVE'],
      ['suspend', 'SUSPENDED'],
      ['reinstate', 'ACTIVE'],
      ['lapse', 'LAPSED'],
      ['reinstate', 'ACTIVE'],
      ['leave', 'LEFT'],
      ['apply', 'APPLIED'],
      ['reject', 'REJECTED'],
    ];
    let version = 1;
    let status = 'APPLIED';
    for (const [action, to] of steps) {
      if (version > 1) {
        const decisions = await decisionCount(organisation.id);
        const stale = await act(action, version - 1);
        expect(refusalOf(stale)).toMatchObject({ code: 'CONFLICT', currentVersion: version, currentStatus: status });
        expect(refusalOf(stale).message).toMatch(`changed since version ${version - 1}`);
        expect(await stored<Membership>('membership', 'organisation_id', organisation.id)).toMatchObject({ status, version });
        expect(await decisionCount(organisation.id)).toBe(decisions);
      }
      const done = await act(action, version);
      expect(codesOf(done)).toEqual([]);
      version += 1;
      status = to;
      expect(done.data?.result.membership).toEqual({ status, version });
    }
  });

  it('a stale version is reported as such even when the status would refuse too; at the current version, the status refuses', async () => {
    const { organisation, admin } = await newSupplier();
    await members.execute(mutation('apply'), { id: organisation.id }, admin);
    await members.execute(mutation('approve'), { id: organisation.id, version: 1 }, platformAdmin);

    const staleAndWrongState = await members.execute(mutation('approve'), { id: organisation.id, version: 1 }, platformAdmin);
    expect(refusalOf(staleAndWrongState)).toMatchObject({ code: 'CONFLICT', currentVersion: 2, currentStatus: 'ACTIVE' });
    const wrongState = await members.execute(mutation('approve'), { id: organisation.id, version: 2 }, platformAdmin);
    expect(refusalOf(wrongState)).toMatchObject({ code: 'CONFLICT', currentStatus: 'ACTIVE' });
    expect(refusalOf(wrongState).currentVersion).toBeUndefined();
    expect(await stored<Membership>('membership', 'organisation_id', organisation.id)).toMatchObject({ status: 'ACTIVE', version: 2 });
  });

  it('without a version the last write wins, and the version still moves on', async () => {
    const { organisation, admin } = await newSupplier();
    await members.execute(mutation('apply'), { id: organisation.id }, admin);
    for (const [action, version] of [
      ['approve', 2],
      ['suspend', 3],
      ['reinstate', 4],
    ] as const) {
      const done = await members.execute(mutation(action), { id: organisation.id }, platformAdmin);
      expect(done.data?.result.membership.version).toBe(version);
    }
  });

  it('applying with a version when there is no membership: CONFLICT with a null current version, nothing written', async () => {
    const { organisation, admin } = await newSupplier();
    const answer = await members.execute(mutation('apply'), { id: organisation.id, version: 1 }, admin);
    // The payload's own refusal: refusalOf leaves out the null facts.
    expect(answer.data?.result).toMatchObject({
      membership: null,
      refusal: { code: 'CONFLICT', currentVersion: null, currentStatus: null },
    });
    expect(await stored<Membership>('membership', 'organisation_id', organisation.id)).toBeUndefined();
    expect(await decisionCount(organisation.id)).toBe(0);
  });
});

describe('an organisation (its invitation domains)', () => {
  const setDomains = `mutation ($id: ID!, $domains: [String!]!, $version: Int) { setInvitationDomains(organisationId: $id, domains: $domains, version: $version) { organisation { invitationDomains version } ${refusal} } }`;

  it('a stale version is refused with the current one, nothing written; without one, last write wins; every change moves it on', async () => {
    const { organisation } = await newSupplier();
    const read = await members.execute(`query ($id: ID!) { organisation(id: $id) { version } }`, { id: organisation.id }, platformAdmin);
    expect(read.data?.organisation.version).toBe(1);
    const set = (domains: string[], version?: number) =>
      members.execute(setDomains, { id: organisation.id, domains, version }, platformAdmin);

    expect((await set(['versioned-supplier.example'], 1)).data?.setInvitationDomains.organisation).toEqual({
      invitationDomains: ['versioned-supplier.example'],
      version: 2,
    });
    const stale = await set(['elsewhere.example'], 1);
    expect(refusalOf(stale)).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await stored<Organisation>('organisation', 'id', organisation.id)).toMatchObject({
      invitation_domains: ['versioned-supplier.example'],
      version: 2,
    });
    expect((await set(['elsewhere.example'])).data?.setInvitationDomains.organisation).toEqual({
      invitationDomains: ['elsewhere.example'],
      version: 3,
    });
  });

  it("a stale version is reported before the organisation admin's domain rule is weighed against the current domains", async () => {
    const kent = demoOrganisation('kent').id;
    const kentAdmin = personaViewer('kent-admin');
    const { version } = await stored<Organisation>('organisation', 'id', kent);
    const set = (domains: string[], at: number) => members.execute(setDomains, { id: kent, domains, version: at }, kentAdmin);
    expect(codesOf(await set(['kent.gov.uk'], version))).toEqual([]);
    // Not the admin's own domain: FORBIDDEN at the current version, but at a stale one the client must reload first.
    expect(refusalOf(await set(['kent.gov.uk', 'medway.gov.uk'], version))).toMatchObject({
      code: 'CONFLICT',
      currentVersion: version + 1,
    });
    expect(refusalOf(await set(['kent.gov.uk', 'medway.gov.uk'], version + 1)).code).toBe('FORBIDDEN');
  });
});

describe('a person (their roles)', () => {
  it('a stale version is refused with the current one, nothing written; without one, last write wins', async () => {
    // A platform admin: the new supplier is not an active member, so its own admin may not act yet.
    const { contributorId } = await newSupplier();
    const change = (roles: string[], version?: number) =>
      members.execute(
        `mutation ($id: ID!, $roles: [OrganisationRole!]!, $version: Int) { changePersonRoles(personId: $id, roles: $roles, version: $version) { person { organisationRoles version } ${refusal} } }`,
        { id: contributorId, roles, version },
        platformAdmin,
      );
    const read = await members.execute(`query ($id: ID!) { person(id: $id) { version } }`, { id: contributorId }, platformAdmin);
    expect(read.data?.person.version).toBe(1);

    expect((await change(['SUPPLIER_CONTRIBUTOR', 'VIEWER'], 1)).data?.changePersonRoles.person).toEqual({
      organisationRoles: ['SUPPLIER_CONTRIBUTOR', 'VIEWER'],
      version: 2,
    });
    expect(refusalOf(await change(['VIEWER'], 1))).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await stored<Person>('person', 'id', contributorId)).toMatchObject({
      organisation_roles: ['SUPPLIER_CONTRIBUTOR', 'VIEWER'],
      version: 2,
    });
    expect((await change(['VIEWER'])).data?.changePersonRoles.person).toEqual({ organisationRoles: ['VIEWER'], version: 3 });
  });

  it('a stale version is reported before the last-admin rule; at the current version, that rule refuses', async () => {
    const { admin } = await newSupplier();
    const demote = (version: number) =>
      members.execute(
        `mutation ($id: ID!, $version: Int) { changePersonRoles(personId: $id, roles: [SUPPLIER_CONTRIBUTOR], version: $version) { person { version } ${refusal} } }`,
        { id: admin.personId, version },
        platformAdmin,
      );
    await members.dataSource.query(`UPDATE members.person SET version = 4 WHERE id = $1`, [admin.personId]);
    expect(refusalOf(await demote(3))).toMatchObject({ code: 'CONFLICT', currentVersion: 4 });
    const lastAdmin = refusalOf(await demote(4));
    expect(lastAdmin).toMatchObject({ code: 'CONFLICT' });
    expect(lastAdmin.message).toMatch(/last admin/);
    expect(await stored<Person>('person', 'id', admin.personId)).toMatchObject({
      organisation_roles: ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR'],
      version: 4,
    });
  });
});
