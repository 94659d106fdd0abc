import { createHash } from 'node:crypto';
import { demoOrganisation } from '../../demo-data/organisations';
import { demoPersona } from '../../demo-data/personas';
import type { Identity } from '../../platform/identity';
import { codesOf, refusalOf } from '../../tests/support/graphql-results';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Invitation, Membership, Organisation, Person } from './entities';
import { seedDemoData } from './seed';
import { findViewerByEmail } from './services/identity.service';
import { membersSubgraph } from './subgraph';

let database: TestDatabase;
let members: TestSubgraph;
const personaKeys = ['platform-admin', 'assessor', 'analyst', 'kent-admin', 'kent-buyer', 'cardiff-buyer', 'leeds-viewer'] as const;
const viewers = {} as Record<(typeof personaKeys)[number], Identity>;
const kent = demoOrganisation('kent');
const kentAdmin = demoPersona('kent-admin');

beforeAll(async () => {
  database = await createTestDatabase();
  members = await startTestSubgraph(membersSubgraph, database.url);
  await seedDemoData(members.dataSource);
  for (const key of personaKeys) {
    viewers[key] = await findViewerByEmail(members.dataSource, demoPersona(key).email);
  }
});
afterAll(async () => {
  await members?.stop();
  await database?.drop();
});

const codesAndPaths = (errors: readonly { extensions?: Record<string, unknown>; path?: readonly (string | number)[] }[] | undefined) =>
  (errors ?? []).map((e) => [e.extensions?.code, e.path?.join('.')]);

describe('viewer', () => {
  it('is null for an anonymous caller', async () => {
    const { data, errors } = await members.execute(`{ viewer { person { id } } }`);
    expect(errors).toBeUndefined();
    expect(data?.viewer).toBeNull();
  });

  it('describes the signed-in caller: person, organisation, membership and roles', async () => {
    const { data, errors } = await members.execute(
      `{ viewer { person { id name email phone } organisation { name } membership { status tier }
          organisationRoles platformRoles } }`,
      {},
      viewers['kent-admin'],
    );
    expect(errors).toBeUndefined();
    expect(data?.viewer).toEqual({
      person: { id: kentAdmin.id, name: 'Priya Shah', email: 'priya.shah@kent.gov.uk', phone: expect.stringMatching(/^07700 900\d{3}$/) },
      organisation: { name: 'Kent County Council' },
      membership: { status: 'ACTIVE', tier: 'FUNDED_COUNCIL' },
      organisationRoles: ['ORG_ADMIN', 'BUYER'],
      platformRoles: [],
    });
    const admin = await members.execute(`{ viewer { organisation { name } platformRoles } }`, {}, viewers['platform-admin']);
    expect(admin.data?.viewer).toEqual({ organisation: { name: 'Roads Innovation Group' }, platformRoles: ['PLATFORM_ADMIN'] });
  });
});

describe('personal data', () => {
  const personQuery = `query ($id: ID!) { person(id: $id) { name jobTitle email phone } }`;

  it('shows email and phone to the person’s own organisation and to platform staff', async () => {
    for (const key of ['kent-buyer', 'kent-admin', 'platform-admin', 'assessor', 'analyst'] as const) {
      const { data, errors } = await members.execute(personQuery, { id: kentAdmin.id }, viewers[key]);
      expect(errors).toBeUndefined();
      expect(data?.person).toMatchObject({ name: 'Priya Shah', email: 'priya.shah@kent.gov.uk', phone: expect.any(String) });
    }
  });

  it('answers FORBIDDEN for email and phone to other signed-in callers, who still see name and job title', async () => {
    const { data, errors } = await members.execute(personQuery, { id: kentAdmin.id }, viewers['cardiff-buyer']);
    expect(data?.person).toEqual({ name: 'Priya Shah', jobTitle: 'Head of Highways Commissioning', email: null, phone: null });
    expect(codesAndPaths(errors).sort()).toEqual([
      ['FORBIDDEN', 'person.email'],
      ['FORBIDDEN', 'person.phone'],
    ]);
  });

  it('shows anonymous callers no people at all', async () => {
    const person = await members.execute(personQuery, { id: kentAdmin.id });
    expect(person.errors).toBeUndefined();
    expect(person.data?.person).toBeNull();
    const organisation = await members.execute(`query ($id: ID!) { organisation(id: $id) { name people { name } } }`, { id: kent.id });
    expect(organisation.data?.organisation).toEqual({ name: 'Kent County Council', people: [] });
  });

  it('applies the same rules to Person entities resolved for the gateway (_entities)', async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { name email } } }`;
    const representations = [{ __typename: 'Person', id: kentAdmin.id }];
    const own = await members.execute(query, { representations }, viewers['kent-buyer']);
    expect(own.errors).toBeUndefined();
    expect(own.data?._entities).toEqual([{ name: 'Priya Shah', email: 'priya.shah@kent.gov.uk' }]);
    const other = await members.execute(query, { representations }, viewers['leeds-viewer']);
    expect(other.data?._entities).toEqual([{ name: 'Priya Shah', email: null }]);
    expect(codesAndPaths(other.errors)).toEqual([['FORBIDDEN', '_entities.0.email']]);
    const anonymous = await members.execute(query, { representations });
    expect(anonymous.data?._entities).toEqual([null]);
  });

  it('applies them on nested paths too: organisation { people { email } }', async () => {
    const query = `query ($id: ID!) { organisation(id: $id) { people { name email } } }`;
    const own = await members.execute(query, { id: kent.id }, viewers['kent-buyer']);
    expect(own.errors).toBeUndefined();
    expect(own.data?.organisation.people.every((p: { email: string | null }) => p.email?.endsWith('@kent.gov.uk'))).toBe(true);

    const other = await members.execute(query, { id: kent.id }, viewers['cardiff-buyer']);
    const people = other.data?.organisation.people;
    expect(people.length).toBeGreaterThan(2);
    expect(people.every((p: { name: string; email: null }) => p.name && p.email === null)).toBe(true);
    expect(other.errors).toHaveLength(people.length);
    expect(other.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });
});

describe('invitations', () => {
  const invite = `mutation ($input: InvitePersonInput!) { invitePerson(input: $input) { token invitation { id email roles expiresAt acceptedAt invitedById organisation { name } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const accept = `mutation ($token: String!, $name: String!) { acceptInvitation(token: $token, name: $name, jobTitle: "Engineer") { person { id name jobTitle organisationRoles organisation { name } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

  /** The invitee signed in with a verified token for `email`, not registered yet. */
  const newcomer = (email: string) => ({ email, issuer: 'https://id.example/', subject: `idp|${email}` });

  it('lets an organisation admin invite someone; the invitee, signed in as the invited address, accepts once', async () => {
    const { data, errors } = await members.execute(
      invite,
      { input: { organisationId: kent.id, email: ' New.Engineer@Kent.gov.uk ', roles: ['BUYER', 'VIEWER', 'BUYER'] } },
      viewers['kent-admin'],
    );
    expect(codesOf({ data, errors })).toEqual([]);
    const { token, invitation } = data!.invitePerson;
    expect(invitation).toMatchObject({
      email: 'new.engineer@kent.gov.uk',
      roles: ['BUYER', 'VIEWER'],
      acceptedAt: null,
      invitedById: kentAdmin.id,
      organisation: { name: 'Kent County Council' },
    });
    const days = (new Date(invitation.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);

    // Only the hash is stored.
    const stored = await members.dataSource.getRepository(Invitation).findOneByOrFail({ id: invitation.id });
    expect(stored.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);

    const open = await members.execute(
      `query ($id: ID!) { organisation(id: $id) { pendingInvitations { email } } }`,
      { id: kent.id },
      viewers['kent-admin'],
    );
    expect(open.data?.organisation.pendingInvitations).toEqual([{ email: 'new.engineer@kent.gov.uk' }]);

    const invitee = newcomer('new.engineer@kent.gov.uk');
    expect((await members.execute(accept, { token, name: 'Nia Engineer' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const accepted = await members.execute(accept, { token, name: 'Nia Engineer' }, null, invitee);
    expect(codesOf(accepted)).toEqual([]);
    expect(accepted.data?.acceptInvitation.person).toMatchObject({
      name: 'Nia Engineer',
      jobTitle: 'Engineer',
      organisationRoles: ['BUYER', 'VIEWER'],
      organisation: { name: 'Kent County Council' },
    });
    expect((await findViewerByEmail(members.dataSource, 'new.engineer@kent.gov.uk'))?.organisationRoles).toEqual(['BUYER', 'VIEWER']);

    const again = await members.execute(accept, { token, name: 'Someone Else' }, null, invitee);
    expect(refusalOf(again)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already been accepted/) });
    const after = await members.execute(
      `query ($id: ID!) { organisation(id: $id) { pendingInvitations { email } } }`,
      { id: kent.id },
      viewers['kent-admin'],
    );
    expect(after.data?.organisation.pendingInvitations).toEqual([]);
  });

  it('refuses an expired invitation (CONFLICT) and an unknown token (NOT_FOUND), creating nobody', async () => {
    const { data } = await members.execute(
      invite,
      { input: { organisationId: kent.id, email: 'late@kent.gov.uk', roles: ['VIEWER'] } },
      viewers['platform-admin'],
    );
    await members.dataSource
      .getRepository(Invitation)
      .update({ id: data!.invitePerson.invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await members.execute(
      accept,
      { token: data!.invitePerson.token, name: 'Late Comer' },
      null,
      newcomer('late@kent.gov.uk'),
    );
    expect(refusalOf(expired)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/expired/) });
    const unknown = await members.execute(accept, { token: 'not-a-real-token', name: 'Guesser' }, null, newcomer('guesser@kent.gov.uk'));
    expect(refusalOf(unknown).code).toBe('NOT_FOUND');
    expect(await members.dataSource.getRepository(Person).countBy({ email: 'late@kent.gov.uk' })).toBe(0);
  });

  it('lets only the organisation’s admins and platform admins invite, or see invitations', async () => {
    const input = { organisationId: kent.id, email: 'someone@kent.gov.uk', roles: ['VIEWER'] };
    for (const viewer of [null, viewers['kent-buyer'], viewers['cardiff-buyer'], viewers['assessor']]) {
      // Signed in: a FORBIDDEN refusal in the payload; anonymous: an UNAUTHENTICATED error.
      expect(refusalOf(await members.execute(invite, { input }, viewer)).code).toBe(viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      const seen = await members.execute(
        `query ($id: ID!) { organisation(id: $id) { name pendingInvitations { email } } }`,
        { id: kent.id },
        viewer,
      );
      expect(seen.data?.organisation).toEqual({ name: 'Kent County Council', pendingInvitations: null });
      expect(codesAndPaths(seen.errors)).toEqual([['FORBIDDEN', 'organisation.pendingInvitations']]);
    }
    expect(await members.dataSource.getRepository(Invitation).countBy({ email: 'someone@kent.gov.uk' })).toBe(0);
  });

  it('refuses bad input and an email that already belongs to someone', async () => {
    const asAdmin = (input: Record<string, unknown>) =>
      members.execute(invite, { input: { organisationId: kent.id, ...input } }, viewers['kent-admin']);
    expect(refusalOf(await asAdmin({ email: 'not an email', roles: ['VIEWER'] }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'email',
    });
    expect(refusalOf(await asAdmin({ email: 'a@kent.gov.uk', roles: [] }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles' });
    expect(refusalOf(await asAdmin({ email: 'tom.fairweather@kent.gov.uk', roles: ['VIEWER'] })).code).toBe('CONFLICT');
    const unknownOrganisation = await members.execute(
      invite,
      { input: { organisationId: '00000000-0000-4000-8000-000000000000', email: 'a@b.example', roles: ['VIEWER'] } },
      viewers['platform-admin'],
    );
    expect(refusalOf(unknownOrganisation).code).toBe('NOT_FOUND');
  });
});

describe('roles and removal', () => {
  const changeRoles = `mutation ($id: ID!, $roles: [OrganisationRole!]!) { changePersonRoles(personId: $id, roles: $roles) { person { name organisationRoles } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const remove = `mutation ($id: ID!) { removePerson(personId: $id) { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

  /** A fresh organisation with exactly one admin and one buyer. */
  async function smallCouncil(): Promise<{ admin: Person; buyer: Person; adminViewer: Identity }> {
    const organisation = await members.dataSource.getRepository(Organisation).save({
      name: `Test District Council ${Math.random().toString(36).slice(2, 8)}`,
      kind: 'DISTRICT_COUNCIL',
      nation: 'ENGLAND',
      region: 'South East',
      website: null,
      companiesHouseNumber: null,
      description: null,
      supplierSize: null,
    } as Organisation);
    // An active member: only active members' admins manage people (platform/active-membership.ts).
    await members.dataSource.getRepository(Membership).save({
      organisationId: organisation.id,
      tier: 'FUNDED_COUNCIL',
      status: 'ACTIVE',
      appliedAt: new Date('2026-01-05T10:00:00Z'),
      joinedOn: '2026-01-12',
      renewalDueOn: '2027-01-12',
    } as Membership);
    const people = members.dataSource.getRepository(Person);
    const tag = organisation.id.slice(0, 8);
    const admin = await people.save(
      people.create({
        organisationId: organisation.id,
        name: 'Only Admin',
        jobTitle: null,
        email: `admin-${tag}@district.example`,
        phone: null,
        organisationRoles: ['ORG_ADMIN'],
        platformRoles: [],
      }),
    );
    const buyer = await people.save(
      people.create({
        organisationId: organisation.id,
        name: 'A Buyer',
        jobTitle: null,
        email: `buyer-${tag}@district.example`,
        phone: null,
        organisationRoles: ['BUYER'],
        platformRoles: [],
      }),
    );
    return { admin, buyer, adminViewer: await findViewerByEmail(members.dataSource, admin.email) };
  }

  it('never lets an organisation lose its last admin, by demotion or removal (CONFLICT)', async () => {
    const { admin, buyer, adminViewer } = await smallCouncil();
    const demote = await members.execute(changeRoles, { id: admin.id, roles: ['BUYER'] }, adminViewer);
    expect(refusalOf(demote)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/last admin/) });
    const removal = await members.execute(remove, { id: admin.id }, viewers['platform-admin']);
    expect(refusalOf(removal).code).toBe('CONFLICT');
    expect(await members.dataSource.getRepository(Person).findOneByOrFail({ id: admin.id })).toMatchObject({
      organisationRoles: ['ORG_ADMIN'],
    });

    // Once someone else is an admin, the first may step down and then be removed.
    const promote = await members.execute(changeRoles, { id: buyer.id, roles: ['BUYER', 'ORG_ADMIN'] }, adminViewer);
    expect(promote.data?.changePersonRoles.person).toEqual({ name: 'A Buyer', organisationRoles: ['ORG_ADMIN', 'BUYER'] });
    const stepDown = await members.execute(changeRoles, { id: admin.id, roles: ['VIEWER'] }, adminViewer);
    expect(codesOf(stepDown)).toEqual([]);
    const removed = await members.execute(remove, { id: admin.id }, viewers['platform-admin']);
    expect(removed.data?.removePerson.removedPersonId).toBe(admin.id);
    expect(await members.dataSource.getRepository(Person).countBy({ id: admin.id })).toBe(0);
  });

  it('lets only the organisation’s admins and platform admins manage its people', async () => {
    const tom = demoPersona('kent-buyer');
    for (const viewer of [null, viewers['kent-buyer'], viewers['cardiff-buyer'], viewers['analyst']]) {
      const denied = viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      expect(refusalOf(await members.execute(changeRoles, { id: tom.id, roles: ['VIEWER'] }, viewer)).code).toBe(denied);
      expect(refusalOf(await members.execute(remove, { id: tom.id }, viewer)).code).toBe(denied);
    }
    expect((await members.dataSource.getRepository(Person).findOneByOrFail({ id: tom.id })).organisationRoles).toEqual(['BUYER']);
    const byAdmin = await members.execute(changeRoles, { id: tom.id, roles: ['BUYER', 'VIEWER'] }, viewers['kent-admin']);
    expect(byAdmin.data?.changePersonRoles.person.organisationRoles).toEqual(['BUYER', 'VIEWER']);
    const unknown = await members.execute(remove, { id: '00000000-0000-4000-8000-000000000000' }, viewers['platform-admin']);
    expect(refusalOf(unknown).code).toBe('NOT_FOUND');
  });
});

describe('demo data', () => {
  it('gives every organisation at least one admin', async () => {
    const rows = await members.dataSource.query(
      `SELECT o.name FROM members.organisation o
        WHERE NOT EXISTS (SELECT 1 FROM members.person p WHERE p.organisation_id = o.id AND 'ORG_ADMIN' = ANY (p.organisation_roles))`,
    );
    expect(rows).toEqual([]);
  });

  it('keeps the personas’ organisations ACTIVE and has a mix of other statuses', async () => {
    const rows: { key: string; status: string }[] = await members.dataSource.query(
      `SELECT organisation_id AS key, status FROM members.membership`,
    );
    const statusOf = new Map(rows.map((r) => [r.key, r.status]));
    for (const key of ['kent', 'cardiff', 'leeds', 'resurface-tech', 'pothole-pro', 'ips-body']) {
      expect(statusOf.get(demoOrganisation(key).id)).toBe('ACTIVE');
    }
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['ACTIVE', 'APPLIED', 'SUSPENDED', 'LAPSED']));
  });
});
