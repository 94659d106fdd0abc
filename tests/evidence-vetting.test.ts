import { demoInnovations } from '../demo-data/innovations';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf, refusalOf } from './support/graphql-results';

/**
 * Issue 24 item 8, through the gateway: evidence added to an APPROVED innovation is pending (not
 * public, not in the certification facet) until vetted — a certification by an assessor, an item
 * by the authority it names — each step in the audit trail; the supplier may withdraw pending
 * evidence (gone from every view, kept in the audit trail); and "proven" means an innovation is
 * not submitted for vetting without a deployment or trial.
 */
let graph: TestGraph;
const personas = {
  supplier: 'resurface-contributor',
  otherSupplier: 'potholepro-contributor',
  kentBuyer: 'kent-buyer',
  assessor: 'assessor',
  admin: 'platform-admin',
} as const;
type Who = keyof typeof personas | 'anonymous';
const tokens = {} as Record<Who, string | undefined>;

const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
/** A listed innovation of the supplier the `supplier` persona works for. */
const approved = demoInnovations.find((i) => i.supplierId === resurface.id && i.status === 'APPROVED')!;

beforeAll(async () => {
  graph = await startTestGraph();
  for (const [who, key] of Object.entries(personas)) tokens[who as Who] = `Bearer ${await graph.tokenFor(demoPersona(key).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

function as(who: Who, query: string, variables?: Record<string, unknown>): Promise<GraphResult<any>> {
  return graph.execute(query, variables, tokens[who]);
}
/** The data of an answer that must succeed: no error, and no refusal in a mutation's payload. */
const ok = (result: GraphResult<any>) => {
  expect(codesOf(result)).toEqual([]);
  return result.data;
};

const addEvidence = `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { evidence { unconfirmed { id title vetting } certifications { id scheme vetting } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const evidenceOf = `query ($id: ID!) { innovation(id: $id) {
  evidence { confirmed { id vetting } unconfirmed { id title vetting } certifications { id scheme vetting } } } }`;
const facets = `{ innovations(first: 1) { facets { certifications(first: 100) { value count } } } }`;
const audit = `query ($id: ID!) { innovation(id: $id) { auditTrail(first: 1000) { action actor { id } reason } } }`;
const certificationFilter = `query ($id: ID!) { innovations(first: 100, filter: { hasCurrentCertification: true, supplierIds: [$id] }) { edges { node { id } } } }`;

const iso9001 = { scheme: 'ISO 9001 (unverified)', issuer: 'Made-up Certification Ltd', reference: 'QMS-0001', expiresOn: '2099-12-31' };
const isoFacet = async () =>
  ok(await as('anonymous', facets)).innovations.facets.certifications.find((f: any) => f.value === 'ISO 9001 (unverified)');
const auditOf = async (who: Who) =>
  ok(await as(who, audit, { id: approved.id })).innovation.auditTrail as { action: string; actor: { id: string } | null; reason: string }[];

describe('a certification added after approval', () => {
  let certificationId = '';

  it('is pending: the supplier sees it, the public and the facet do not, and adding it is audited', async () => {
    const hadCurrentCertification = ok(await as('anonymous', certificationFilter, { id: resurface.id })).innovations.edges.some(
      (e: any) => e.node.id === approved.id,
    );
    const added = ok(await as('supplier', addEvidence, { input: { innovationId: approved.id, certification: iso9001 } }));
    const own = added.addEvidence.innovation.evidence.certifications.find((c: any) => c.scheme === 'ISO 9001 (unverified)');
    expect(own).toMatchObject({ vetting: 'PENDING' });
    certificationId = own.id;

    const seenByPublic = ok(await as('anonymous', evidenceOf, { id: approved.id })).innovation.evidence.certifications;
    expect(seenByPublic.map((c: any) => c.scheme)).not.toContain('ISO 9001 (unverified)');
    expect(seenByPublic.every((c: any) => c.vetting === 'VETTED')).toBe(true);
    expect(
      ok(await as('otherSupplier', evidenceOf, { id: approved.id })).innovation.evidence.certifications.map((c: any) => c.id),
    ).not.toContain(certificationId);
    expect(await isoFacet()).toBeUndefined();
    // The catalogue filter is public too: a pending certification does not make the innovation "certified".
    const nowCertified = ok(await as('anonymous', certificationFilter, { id: resurface.id })).innovations.edges.some(
      (e: any) => e.node.id === approved.id,
    );
    expect(nowCertified).toBe(hadCurrentCertification);

    expect(await auditOf('supplier')).toContainEqual(
      expect.objectContaining({
        action: 'EVIDENCE_ADDED',
        actor: { id: demoPersona(personas.supplier).id },
        reason: expect.stringContaining('ISO 9001 (unverified)'),
      }),
    );
  });

  it('is vetted by an assessor only: the supplier, a council and a stranger are refused, and nothing changes', async () => {
    const vet = `mutation ($id: ID!) { vetCertification(certificationId: $id, note: "Checked on the issuer's register.") { certification { scheme vetting expired } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('anonymous', vet, { id: certificationId }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refusalOf(await as('supplier', vet, { id: certificationId }))).toMatchObject({ code: 'FORBIDDEN' });
    // Pending evidence is part of the vetting record: to anyone else it does not exist.
    expect(refusalOf(await as('kentBuyer', vet, { id: certificationId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await isoFacet()).toBeUndefined();

    expect(ok(await as('assessor', vet, { id: certificationId })).vetCertification.certification).toEqual({
      scheme: 'ISO 9001 (unverified)',
      vetting: 'VETTED',
      expired: false,
    });
    expect(refusalOf(await as('assessor', vet, { id: certificationId }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'VETTED' });
  });

  it('once vetted is public and in the facet, and the trail says who vetted it', async () => {
    const seenByPublic = ok(await as('anonymous', evidenceOf, { id: approved.id })).innovation.evidence.certifications;
    expect(seenByPublic).toContainEqual({ id: certificationId, scheme: 'ISO 9001 (unverified)', vetting: 'VETTED' });
    expect(await isoFacet()).toEqual({ value: 'ISO 9001 (unverified)', count: 1 });
    expect(await auditOf('admin')).toContainEqual(
      expect.objectContaining({
        action: 'EVIDENCE_VETTED',
        actor: { id: demoPersona(personas.assessor).id },
        reason: expect.stringContaining("issuer's register"),
      }),
    );
  });

  it('cannot be withdrawn by the supplier once vetted (it is part of the record buyers read)', async () => {
    const withdraw = `mutation ($id: ID!) { withdrawCertification(certificationId: $id) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('supplier', withdraw, { id: certificationId }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'VETTED' });
  });
});

describe('an evidence item added after approval', () => {
  let evidenceId = '';
  const trial = {
    innovationId: approved.id,
    kind: 'TRIAL',
    title: 'Kent night-works trial, 2026',
    authorityId: kent.id,
    startedOn: '2026-01-05',
  };

  it('is pending until the authority it names answers; the answer lists it and is audited', async () => {
    const added = ok(await as('supplier', addEvidence, { input: trial }));
    const own = added.addEvidence.innovation.evidence.unconfirmed.find((e: any) => e.title === trial.title);
    expect(own).toMatchObject({ vetting: 'PENDING' });
    evidenceId = own.id;
    expect(ok(await as('anonymous', evidenceOf, { id: approved.id })).innovation.evidence.unconfirmed.map((e: any) => e.id)).not.toContain(
      evidenceId,
    );

    // The council it names is asked (the dashboard shows it) and confirms it.
    const asked = ok(await as('kentBuyer', `{ viewerInnovations { evidenceAwaitingConfirmation(first: 100) { evidence { id } } } }`));
    expect(asked.viewerInnovations.evidenceAwaitingConfirmation.map((e: any) => e.evidence.id)).toContain(evidenceId);
    const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id, note: "Ran on our network.") { evidenceItem { confirmation vetting } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(ok(await as('kentBuyer', confirm, { id: evidenceId })).confirmEvidence.evidenceItem).toEqual({
      confirmation: 'CONFIRMED',
      vetting: 'VETTED',
    });
    expect(ok(await as('anonymous', evidenceOf, { id: approved.id })).innovation.evidence.confirmed).toContainEqual({
      id: evidenceId,
      vetting: 'VETTED',
    });
    const trail = await auditOf('supplier');
    expect(trail).toContainEqual(
      expect.objectContaining({ action: 'EVIDENCE_CONFIRMED', actor: { id: demoPersona(personas.kentBuyer).id } }),
    );
    expect(trail).toContainEqual(expect.objectContaining({ action: 'EVIDENCE_VETTED', actor: { id: demoPersona(personas.kentBuyer).id } }));
  });

  it("withdrawn by the supplier while pending: gone from every view and the council's queue, still in the audit trail", async () => {
    const added = ok(await as('supplier', addEvidence, { input: { ...trial, title: 'A trial that never happened' } }));
    const pendingId = added.addEvidence.innovation.evidence.unconfirmed.find((e: any) => e.title === 'A trial that never happened').id;
    const withdraw = `mutation ($id: ID!, $reason: String) { withdrawEvidence(evidenceId: $id, reason: $reason) { innovation { id evidence { unconfirmed { id } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('otherSupplier', withdraw, { id: pendingId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(refusalOf(await as('assessor', withdraw, { id: pendingId }))).toMatchObject({ code: 'FORBIDDEN' });

    const data = ok(await as('supplier', withdraw, { id: pendingId, reason: 'Added by mistake.' }));
    expect(data.withdrawEvidence.innovation.evidence.unconfirmed.map((e: any) => e.id)).not.toContain(pendingId);
    for (const who of ['supplier', 'admin', 'anonymous'] as const) {
      const evidence = ok(await as(who, evidenceOf, { id: approved.id })).innovation.evidence;
      expect([...evidence.confirmed, ...evidence.unconfirmed].map((e: any) => e.id)).not.toContain(pendingId);
    }
    const asked = ok(await as('kentBuyer', `{ viewerInnovations { evidenceAwaitingConfirmation(first: 100) { evidence { id } } } }`));
    expect(asked.viewerInnovations.evidenceAwaitingConfirmation.map((e: any) => e.evidence.id)).not.toContain(pendingId);
    // The council can no longer answer it, and it cannot be withdrawn twice.
    const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id) { evidenceItem { confirmation } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(refusalOf(await as('kentBuyer', confirm, { id: pendingId }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'WITHDRAWN' });
    expect(refusalOf(await as('supplier', withdraw, { id: pendingId }))).toMatchObject({ code: 'NOT_FOUND' });

    expect(await auditOf('supplier')).toContainEqual(
      expect.objectContaining({
        action: 'EVIDENCE_WITHDRAWN',
        actor: { id: demoPersona(personas.supplier).id },
        reason: expect.stringContaining('A trial that never happened'),
      }),
    );
    const [row] = await graph.databases.innovations.dataSource.query(
      `SELECT vetting, withdrawn_at FROM innovations.evidence WHERE id = $1`,
      [pendingId],
    );
    expect(row).toMatchObject({ vetting: 'WITHDRAWN', withdrawn_at: expect.any(Date) });
  });

  it('a pending certification withdrawn never reaches the facet', async () => {
    const added = ok(
      await as('supplier', addEvidence, {
        input: { innovationId: approved.id, certification: { ...iso9001, scheme: 'ISO 14001', reference: 'EMS-1' } },
      }),
    );
    const pending = added.addEvidence.innovation.evidence.certifications.find((c: any) => c.scheme === 'ISO 14001');
    ok(
      await as(
        'supplier',
        `mutation ($id: ID!) { withdrawCertification(certificationId: $id) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { id: pending.id },
      ),
    );
    expect(
      ok(await as('supplier', evidenceOf, { id: approved.id })).innovation.evidence.certifications.map((c: any) => c.id),
    ).not.toContain(pending.id);
    expect(
      refusalOf(
        await as(
          'assessor',
          `mutation ($id: ID!) { vetCertification(certificationId: $id) { certification { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
          { id: pending.id },
        ),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(ok(await as('anonymous', facets)).innovations.facets.certifications.find((f: any) => f.value === 'ISO 14001')).toBeUndefined();
  });
});

describe('submitting for vetting needs a deployment or trial', () => {
  const create = `mutation ($input: InnovationInput!) { createInnovation(input: $input) { innovation { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const submit = `mutation ($id: ID!) { submitInnovation(id: $id) { innovation { status } refusal { code message field
    ... on StateConflict { reason currentStatus currentVersion } ... on EvidenceRequired { currentStatus missing } } } }`;
  const byId = `query ($id: ID!) { innovation(id: $id) { status auditTrail { action } } }`;

  it('refuses with CONFLICT naming what is missing, changes nothing, and accepts once a trial is added', async () => {
    const input = {
      title: 'Self-healing kerb sealant',
      summary: 'A sealant that closes kerb-line cracks on its own.',
      description: 'Applied cold along the kerb line.',
      category: 'POTHOLE_REPAIR',
      tags: [],
      trl: 6,
      suitsNations: [],
      suitsOrganisationKinds: [],
      links: [],
    };
    const id = ok(await as('supplier', create, { input })).createInnovation.innovation.id;
    const refusal = { code: 'CONFLICT', currentStatus: 'DRAFT', missing: 'DEPLOYMENT_OR_TRIAL_EVIDENCE' };
    expect(refusalOf(await as('supplier', submit, { id }))).toMatchObject(refusal);

    // A case study and a certification are not a deployment or a trial.
    ok(
      await as('supplier', addEvidence, {
        input: { innovationId: id, kind: 'CASE_STUDY', title: 'Desk study', authorityId: kent.id, startedOn: '2025-01-01' },
      }),
    );
    ok(await as('supplier', addEvidence, { input: { innovationId: id, certification: iso9001 } }));
    expect(refusalOf(await as('supplier', submit, { id }))).toMatchObject(refusal);
    expect(ok(await as('supplier', byId, { id })).innovation.status).toBe('DRAFT');
    expect(ok(await as('supplier', byId, { id })).innovation.auditTrail.map((e: any) => e.action)).not.toContain('STATUS_CHANGED');

    const added = ok(
      await as('supplier', addEvidence, {
        input: { innovationId: id, kind: 'TRIAL', title: 'Depot trial', authorityId: kent.id, startedOn: '2025-02-01' },
      }),
    );
    // Evidence added before submission goes to the assessors with it: vetted with the innovation.
    expect(added.addEvidence.innovation.evidence.unconfirmed.every((e: any) => e.vetting === 'VETTED')).toBe(true);
    expect(ok(await as('supplier', submit, { id })).submitInnovation.innovation.status).toBe('SUBMITTED');
  });
});
