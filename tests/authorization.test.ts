import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { Innovation } from '../subgraphs/innovations/entities';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { asPersona, codesOf as codes, type Connection, type UntypedData } from './support/graphql-results';

/**
 * The authorization matrix, through the gateway: every role × every sensitive field and mutation,
 * by every path that reaches it (root field, nested field, entity hop into another subgraph,
 * aliases). Each cell says allow or deny and the test checks exactly that. Deny cells for
 * mutations also check that nothing changed.
 */
let graph: TestGraph;
const tokens: Record<string, string | undefined> = {};

const roles = ['anonymous', 'supplierA', 'supplierB', 'buyerX', 'buyerY', 'assessor', 'analyst', 'admin'] as const;
type Role = (typeof roles)[number];
const personaOf: Record<Exclude<Role, 'anonymous'>, string> = {
  supplierA: 'resurface-contributor',
  supplierB: 'potholepro-contributor',
  buyerX: 'kent-buyer',
  buyerY: 'cardiff-buyer',
  assessor: 'assessor',
  analyst: 'analyst',
  admin: 'platform-admin',
};

const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');
const kentBuyer = demoPersona('kent-buyer');
/** Supplier B's unpublished work, made by a factory (the demo catalogue gives B none). */
const supplierBDraft = { title: 'Pothole-repair drone (prototype)', status: 'DRAFT' as const, id: '' };
const supplierBRejected = { title: 'Cold-lay patch, first attempt', status: 'REJECTED' as const, id: '' };

async function createInnovation(supplierId: string, fields: { title: string; status: 'DRAFT' | 'REJECTED' }) {
  const saved = await graph.databases.innovations.dataSource.getRepository(Innovation).save({
    supplierId,
    title: fields.title,
    summary: 'Not yet vetted.',
    description: 'A supplier’s unpublished listing, used by the authorization tests.',
    category: 'POTHOLE_REPAIR',
    tags: [],
    trl: 5,
    status: fields.status,
    pricingModel: null,
  });
  return saved.id;
}

beforeAll(async () => {
  graph = await startTestGraph();
  supplierBDraft.id = await createInnovation(potholePro.id, supplierBDraft);
  supplierBRejected.id = await createInnovation(potholePro.id, supplierBRejected);
  for (const role of roles) {
    tokens[role] = await asPersona(graph, role === 'anonymous' ? null : personaOf[role]);
  }
});
afterAll(async () => {
  await graph?.stop();
});

const as = <TData = UntypedData>(role: Role, query: string, variables?: Record<string, unknown>) =>
  graph.execute<NoInfer<TData>>(query, variables, tokens[role]);

type People = { people: { email: string | null }[] } | null;
type Ids = Connection<{ id: string }>;

/** Expected outcome per role: the roles listed are allowed, every other role is denied. */
function matrix(allowed: Role[]): [Role, 'allow' | 'deny'][] {
  return roles.map((role) => [role, allowed.includes(role) ? 'allow' : 'deny']);
}

describe('personal data: a person’s email and phone', () => {
  const staffAndKent: Role[] = ['buyerX', 'assessor', 'analyst', 'admin'];

  it.each(matrix(staffAndKent))('person(id) { email phone } as %s: %s', async (role, expected) => {
    const result = await as(role, `query ($id: ID!) { person(id: $id) { name email phone } }`, { id: kentBuyer.id });
    if (expected === 'allow') {
      expect(result.errors).toBeUndefined();
      expect(result.data!.person.email).toBe(kentBuyer.email);
    } else {
      expect(result.data?.person?.email ?? null).toBeNull();
      if (result.data?.person) expect(codes(result)).toContain('FORBIDDEN');
    }
  });

  it.each(matrix(staffAndKent))('organisation { people { email } } as %s: %s', async (role, expected) => {
    const result = await as<{ organisation: People }>(role, `query ($id: ID!) { organisation(id: $id) { people { email } } }`, {
      id: kent.id,
    });
    const emails = (result.data?.organisation?.people ?? []).map((p) => p.email).filter(Boolean);
    if (expected === 'allow') {
      expect(result.errors).toBeUndefined();
      expect(emails).toContain(kentBuyer.email);
    } else {
      expect(emails).toEqual([]);
    }
  });

  // Entity hop: innovations subgraph → members subgraph, reaching the supplier's people.
  it.each(matrix(['supplierA', 'assessor', 'analyst', 'admin']))(
    'innovation → supplier → people { email } as %s: %s',
    async (role, expected) => {
      const result = await as<{ innovations: Connection<{ supplier: { people: { email: string | null }[] } }> }>(
        role,
        `query ($supplier: ID!) { innovations(first: 1, filter: { supplierIds: [$supplier], statuses: [APPROVED] }) {
            edges { node { supplier { people { email } } } } } }`,
        { supplier: resurface.id },
      );
      const emails = (result.data?.innovations.edges[0]?.node.supplier.people ?? []).map((p) => p.email).filter(Boolean);
      if (expected === 'allow') expect(emails.length).toBeGreaterThan(0);
      else expect(emails).toEqual([]);
    },
  );
});

describe('membership details', () => {
  it.each(matrix(['buyerX', 'admin']))('organisation(kent) { membership } as %s: %s', async (role, expected) => {
    const result = await as(role, `query ($id: ID!) { organisation(id: $id) { name membership { status tier } } }`, {
      id: kent.id,
    });
    expect(result.data!.organisation.name).toBe(kent.name);
    if (expected === 'allow') {
      expect(result.errors).toBeUndefined();
      expect(result.data!.organisation.membership.status).toBe('ACTIVE');
    } else {
      expect(result.data!.organisation.membership).toBeNull();
      expect(codes(result)).toContain('FORBIDDEN');
    }
  });
});

describe("a supplier's draft and rejected innovations", () => {
  const supplierAndVetting: Role[] = ['supplierB', 'assessor', 'admin'];

  it.each(matrix(supplierAndVetting))('innovation(id) of a draft, twice under aliases, as %s: %s', async (role, expected) => {
    const result = await as(
      role,
      `query ($id: ID!) { a: innovation(id: $id) { title status } b: innovation(id: $id) { supplier { id } } }`,
      { id: supplierBDraft.id },
    );
    expect(result.errors).toBeUndefined();
    if (expected === 'allow') {
      expect(result.data!.a).toEqual({ title: supplierBDraft.title, status: 'DRAFT' });
      expect(result.data!.b.supplier.id).toBe(potholePro.id);
    } else {
      expect(result.data).toEqual({ a: null, b: null });
    }
  });

  it.each(matrix(supplierAndVetting))('innovations list filtered to DRAFT/REJECTED as %s: %s', async (role, expected) => {
    const result = await as<{ innovations: Ids }>(
      role,
      `query ($supplier: ID!) { innovations(first: 100, filter: { supplierIds: [$supplier], statuses: [DRAFT, REJECTED] }) {
          totalCount edges { node { id } } } }`,
      { supplier: potholePro.id },
    );
    const ids = result.data!.innovations.edges.map((e) => e.node.id);
    if (expected === 'allow') {
      expect(ids).toContain(supplierBDraft.id);
      expect(ids).toContain(supplierBRejected.id);
      expect(result.data!.innovations.totalCount).toBe(ids.length);
    } else {
      expect(ids).toEqual([]);
      expect(result.data!.innovations.totalCount).toBe(0);
    }
  });

  it.each(matrix(supplierAndVetting))('organisation → innovations (entity hop) as %s: %s', async (role, expected) => {
    const result = await as<{ organisation: { innovations: Ids } }>(
      role,
      `query ($id: ID!) { organisation(id: $id) { innovations(first: 100, filter: { statuses: [DRAFT] }) { totalCount edges { node { id } } } } }`,
      { id: potholePro.id },
    );
    const ids = result.data!.organisation.innovations.edges.map((e) => e.node.id);
    if (expected === 'allow') expect(ids).toContain(supplierBDraft.id);
    else expect({ ids, total: result.data!.organisation.innovations.totalCount }).toEqual({ ids: [], total: 0 });
  });
});

describe('events by audience and status', () => {
  async function oneEvent(where: string): Promise<{ id: string; host: string }> {
    const [row] = await graph.databases.events.dataSource.query(
      `SELECT e.id, min(h.organisation_id::text) AS host FROM events.event e
         JOIN events.event_host h ON h.event_id = e.id WHERE ${where} GROUP BY e.id ORDER BY e.id LIMIT 1`,
    );
    return row;
  }

  // A draft reaches only platform admins (and its hosts, none of whom are in this matrix).
  it.each(matrix(['admin']))('a DRAFT event, by id and via its host organisation, as %s: %s', async (role, expected) => {
    const draft = await oneEvent(`e.status = 'DRAFT'`);
    const result = await as<{ event: { id: string } | null; organisation: { hostedEvents: Ids } }>(
      role,
      `query ($id: ID!, $host: ID!) {
         event(id: $id) { id }
         organisation(id: $host) { hostedEvents(first: 100) { edges { node { id } } } }
       }`,
      { id: draft.id, host: draft.host },
    );
    const viaHost = result.data!.organisation.hostedEvents.edges.map((e) => e.node.id);
    if (expected === 'allow') {
      expect(result.data!.event).toEqual({ id: draft.id });
      expect(viaHost).toContain(draft.id);
    } else {
      expect(result.data!.event).toBeNull();
      expect(viaHost).not.toContain(draft.id);
    }
  });

  it.each(matrix(['supplierA', 'supplierB', 'buyerX', 'buyerY', 'assessor', 'analyst', 'admin']))(
    'an ALL_MEMBERS event as %s: %s',
    async (role, expected) => {
      const event = await oneEvent(`e.audience = 'ALL_MEMBERS' AND e.status = 'SCHEDULED'`);
      const result = await as(role, `query ($id: ID!) { event(id: $id) { id } }`, { id: event.id });
      expect(result.data!.event).toEqual(expected === 'allow' ? { id: event.id } : null);
    },
  );
});

describe('mutations', () => {
  async function auditRows(): Promise<number> {
    const [row] = await graph.databases.members.dataSource.query('SELECT count(*)::int AS n FROM members.membership_decision');
    return row.n;
  }

  it.each(matrix(['admin']))('suspendMembership as %s: %s', async (role, expected) => {
    const before = await auditRows();
    const result = await as(
      role,
      `mutation ($id: ID!) { suspendMembership(organisationId: $id, reason: "Matrix test") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: resurface.id },
    );
    if (expected === 'allow') {
      expect(result.errors).toBeUndefined();
      expect(result.data!.suspendMembership.membership.status).toBe('SUSPENDED');
      expect(await auditRows()).toBe(before + 1);
      const reinstated = await as(
        role,
        `mutation ($id: ID!) { reinstateMembership(organisationId: $id, reason: "Matrix test") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { id: resurface.id },
      );
      expect(reinstated.data!.reinstateMembership.membership.status).toBe('ACTIVE');
    } else {
      // Refused: no membership in the payload; an anonymous caller's error leaves no payload at all.
      expect(result.data?.suspendMembership?.membership ?? null).toBeNull();
      if (role === 'anonymous') expect(result.data).toBeNull();
      expect(codes(result)).toEqual([role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
      expect(await auditRows()).toBe(before);
    }
  });

  it.each(matrix(['admin']))('invitePerson into Kent as %s: %s (Kent’s ORG_ADMIN is checked separately)', async (role, expected) => {
    const email = `invitee-${role}@kent.gov.uk`;
    const result = await as(
      role,
      `mutation ($input: InvitePersonInput!) { invitePerson(input: $input) { invitation { email } token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { input: { organisationId: kent.id, email, roles: ['VIEWER'] } },
    );
    const [row] = await graph.databases.members.dataSource.query('SELECT count(*)::int AS n FROM members.invitation WHERE email = $1', [
      email,
    ]);
    if (expected === 'allow') {
      expect(result.data!.invitePerson.invitation.email).toBe(email);
      expect(row.n).toBe(1);
    } else {
      expect(codes(result)).toEqual([role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
      expect(row.n).toBe(0);
    }
  });

  it('lets Kent’s own organisation admin invite into Kent, and nobody into another organisation', async () => {
    const kentAdmin = `Bearer ${await graph.tokenFor(demoPersona('kent-admin').email)}`;
    const invite = (organisationId: string, email: string) =>
      graph.execute(
        `mutation ($input: InvitePersonInput!) { invitePerson(input: $input) { invitation { email } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { organisationId, email, roles: ['BUYER'] } },
        kentAdmin,
      );
    expect((await invite(kent.id, 'new.buyer@kent.gov.uk')).data?.invitePerson.invitation.email).toBe('new.buyer@kent.gov.uk');
    expect(codes(await invite(resurface.id, 'intruder@resurface-tech.example'))).toEqual(['FORBIDDEN']);
  });
});

describe('viewer', () => {
  it.each(roles.map((role) => [role]))('viewer as %s', async (role) => {
    const result = await as(role as Role, `{ viewer { person { email } organisation { id } platformRoles } }`);
    expect(result.errors).toBeUndefined();
    if (role === 'anonymous') expect(result.data!.viewer).toBeNull();
    else {
      const persona = demoPersona(personaOf[role as Exclude<Role, 'anonymous'>]);
      expect(result.data!.viewer.person.email).toBe(persona.email);
      expect(result.data!.viewer.organisation.id).toBe(persona.organisationId);
      expect(result.data!.viewer.platformRoles).toEqual(persona.platformRoles);
    }
  });
});
