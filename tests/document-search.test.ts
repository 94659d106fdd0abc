import { demoInnovations } from '../demo-data/innovations';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { createDocumentStore } from '../platform/documents/document-graphql';
import type { DocumentStore } from '../platform/documents/document-store';
import { createEvidenceDocumentIndexingJob } from '../subgraphs/innovations/services/document-search';
import { EVIDENCE_PURPOSE } from '../subgraphs/innovations/services/evidence-documents.service';
import { docxMediaType, minimalDocx, minimalPdf, pdfMediaType } from './support/document-fixtures';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf } from './support/graphql-results';

/**
 * Issue 28 item 5, through the gateway: the text of a PDF or Word file attached to an evidence item
 * is in the catalogue search once the item is vetted, so a buyer's search finds the trial report that
 * mentions "freeze-thaw", and the hit names the document and quotes it. Files of pending evidence
 * make no hit for anyone; a removed file's words go with it.
 *
 * The file is uploaded through the innovations subgraph's document store (the one the gateway's
 * `POST /documents?for=evidence` streams into), scanned by the run's real clamd when there is one;
 * attaching, vetting and searching go through the gateway.
 */
let graph: TestGraph;
let store: DocumentStore;
const personas = { supplier: 'resurface-contributor', kentBuyer: 'kent-buyer', admin: 'platform-admin' } as const;
type Who = keyof typeof personas;
const tokens = {} as Record<Who, string>;

const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
/** A listed innovation of the supplier the `supplier` persona works for. */
const approved = demoInnovations.find((i) => i.supplierId === resurface.id && i.status === 'APPROVED')!;
/** The demo innovation whose own text says "freeze-thaw" (a pothole predictor). */
const ownWords = demoInnovations.find((i) => i.status === 'APPROVED' && i.tags.includes('freeze-thaw'))!;

beforeAll(async () => {
  graph = await startTestGraph();
  store = createDocumentStore('innovations', graph.clock);
  for (const [who, key] of Object.entries(personas)) tokens[who as Who] = `Bearer ${await graph.tokenFor(demoPersona(key).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

const as = (who: Who | 'anonymous', query: string, variables?: Record<string, unknown>): Promise<GraphResult<any>> =>
  graph.execute(query, variables, who === 'anonymous' ? undefined : tokens[who]);
const ok = (result: GraphResult<any>) => {
  expect(codesOf(result)).toEqual([]);
  return result.data;
};

const refusal = `refusal { code message field ... on StateConflict { reason currentStatus currentVersion } }`;
const search = `query ($search: String!) { innovations(search: $search, first: 50) { edges {
  node { id title } matchedDocuments { documentId title evidenceItemId excerpt } } } }`;

type Hit = {
  node: { id: string; title: string };
  matchedDocuments: { documentId: string; title: string; evidenceItemId: string; excerpt: string }[];
};
const hits = async (who: Who | 'anonymous', words: string): Promise<Hit[]> =>
  ok(await as(who, search, { search: words })).innovations.edges;
const hitFor = async (who: Who | 'anonymous', words: string, innovationId = approved.id) =>
  (await hits(who, words)).find((hit) => hit.node.id === innovationId);

async function upload(bytes: Buffer, fileName: string) {
  const uploader = await graph.authenticate(tokens.supplier);
  return store.receiveUpload(graph.databases.innovations.dataSource, {
    uploader: uploader!,
    purpose: EVIDENCE_PURPOSE,
    fileName,
    declaredBytes: bytes.length,
    body: (async function* () {
      // As a stream arrives: in pieces.
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
    })(),
  });
}

async function attach(uploadId: string, evidenceId: string, title: string): Promise<string> {
  const attached = ok(
    await as(
      'supplier',
      `mutation ($input: AttachEvidenceDocumentInput!) { attachEvidenceDocument(input: $input) { document { id title } ${refusal} } }`,
      { input: { uploadId, evidenceId, title } },
    ),
  ).attachEvidenceDocument;
  expect(attached).toEqual({ document: { id: uploadId, title }, refusal: null });
  return attached.document.id as string;
}

const report = minimalPdf([
  ['A38 night-works trial: ReSurface cold-lay repair', 'Kent County Council, winter 2025-26'],
  ['Method: cores taken at 0, 30 and 90 days'],
  ['Results: the repairs survived 40 freeze-thaw cycles', 'without spalling or edge cracking (BS EN 12390-9).'],
]);
const methodStatement = minimalDocx(['Method statement', 'Cryosuction at the joint is prevented by the sealed edge.']);

describe("a buyer's catalogue search finds words inside evidence documents", () => {
  let evidenceId = '';
  let reportId = '';
  let statementId = '';

  it('indexes the files attached to a pending evidence item, but they make no hit until it is vetted', async () => {
    const added = ok(
      await as(
        'supplier',
        `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { evidence { unconfirmed { id title vetting } } } ${refusal} } }`,
        {
          input: {
            innovationId: approved.id,
            kind: 'TRIAL',
            title: 'A38 night-works trial, 2025',
            authorityId: kent.id,
            startedOn: '2025-11-03',
          },
        },
      ),
    ).addEvidence;
    evidenceId = added.innovation.evidence.unconfirmed.find((e: { title: string }) => e.title === 'A38 night-works trial, 2025').id;

    const pdf = await upload(report, 'a38-trial.pdf');
    expect(pdf).toMatchObject({ mediaType: pdfMediaType, scan: process.env.CLAMD_URL ? 'CLEAN' : 'NOT_SCANNED' });
    reportId = await attach(pdf.uploadId, evidenceId, 'Trial report, A38 night works');
    const docx = await upload(methodStatement, 'method.docx');
    expect(docx.mediaType).toBe(docxMediaType);
    statementId = await attach(docx.uploadId, evidenceId, 'Method statement');

    // Indexed once attached: small files usually by the time the mutation answers, otherwise in the
    // background (services/document-search.ts ATTACH_WAITS_FOR_TEXT_MS), so a busy machine waits.
    let indexed = 0;
    for (let tries = 0; tries < 100 && indexed < 2; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const [row] = (await graph.databases.innovations.dataSource.query(
        `SELECT count(*)::int AS count FROM innovations.evidence_document_text WHERE evidence_id = $1`,
        [evidenceId],
      )) as { count: number }[];
      indexed = row!.count;
    }
    expect(indexed).toBe(2);
    // Pending evidence is the supplier's and the vetting staff's: its words find nothing for anyone.
    for (const who of ['kentBuyer', 'supplier', 'anonymous'] as const) {
      expect(await hitFor(who, 'spalling')).toBeUndefined();
      expect(await hitFor(who, 'cryosuction')).toBeUndefined();
    }
  });

  it('once the authority confirms the item, a search for "freeze-thaw" finds the innovation and the hit names the report', async () => {
    const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id) { evidenceItem { vetting } ${refusal} } }`;
    expect(ok(await as('kentBuyer', confirm, { id: evidenceId })).confirmEvidence.evidenceItem).toEqual({ vetting: 'VETTED' });

    const found = await hits('kentBuyer', 'freeze-thaw');
    const byReport = found.find((hit) => hit.node.id === approved.id);
    expect(byReport?.matchedDocuments).toEqual([
      {
        documentId: reportId,
        title: 'Trial report, A38 night works',
        evidenceItemId: evidenceId,
        excerpt: expect.stringContaining('freeze-thaw'),
      },
    ]);
    // The innovation whose own description says it is still found, and no document is named for it.
    expect(found.find((hit) => hit.node.id === ownWords.id)?.matchedDocuments).toEqual([]);
    // The excerpt is plain text around the match, short.
    expect(byReport!.matchedDocuments[0]!.excerpt).toMatch(/survived 40 freeze-thaw cycles/);
    expect(byReport!.matchedDocuments[0]!.excerpt.split(' ').length).toBeLessThanOrEqual(25);

    // Every word must match somewhere; words from the report and from the innovation's own text together.
    expect((await hitFor('kentBuyer', `spalling ${approved.title}`))?.matchedDocuments.map((d) => d.documentId)).toEqual([reportId]);
    expect(await hitFor('kentBuyer', 'spalling nonexistentword')).toBeUndefined();
    // A Word file's text counts too, and anyone may search the public catalogue.
    expect((await hitFor('anonymous', 'cryosuction'))?.matchedDocuments).toEqual([
      expect.objectContaining({ documentId: statementId, title: 'Method statement' }),
    ]);
    // A word in both names both, best match first; the document list is public with the item.
    const both = await hitFor('kentBuyer', 'edge');
    expect(both?.matchedDocuments.map((d) => d.documentId).sort()).toEqual([reportId, statementId].sort());
    const listed = ok(await as('anonymous', `query ($id: ID!) { innovation(id: $id) { documents { id } } }`, { id: approved.id }));
    expect(listed.innovation.documents.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([reportId, statementId]));
    // Without a search, no document is named.
    const plain = ok(await as('kentBuyer', `{ innovations(first: 100) { edges { node { id } matchedDocuments { documentId } } } }`));
    expect(plain.innovations.edges.every((edge: { matchedDocuments: unknown[] }) => edge.matchedDocuments.length === 0)).toBe(true);
  });

  it('a file missing from the search (its indexing cut short) is indexed by the catch-up job', async () => {
    const { dataSource } = graph.databases.innovations;
    // As if the process had stopped while reading the file: attached, never indexed.
    await dataSource.query(`DELETE FROM innovations.evidence_document_text WHERE document_id = $1`, [
      statementId.replace('innovations-', ''),
    ]);
    expect(await hitFor('kentBuyer', 'cryosuction')).toBeUndefined();
    const job = createEvidenceDocumentIndexingJob(store, dataSource, graph.clock);
    // Just attached, the attach hook may still be at it: left alone.
    expect(await job.runOnce()).toBe(true);
    expect(await hitFor('kentBuyer', 'cryosuction')).toBeUndefined();
    graph.clock.advance(3 * 60 * 1000);
    expect(await job.runOnce()).toBe(true);
    expect((await hitFor('kentBuyer', 'cryosuction'))?.matchedDocuments.map((d) => d.documentId)).toEqual([statementId]);
    // Nothing left to do: the next tick reads no file.
    const [{ count }] = (await dataSource.query(
      `SELECT count(*)::int AS count FROM innovations.document document WHERE document.status = 'ATTACHED' AND document.target_kind = 'EVIDENCE'
          AND NOT EXISTS (SELECT 1 FROM innovations.evidence_document_text indexed WHERE indexed.document_id = document.id)`,
    )) as [{ count: number }];
    expect(count).toBe(0);
  });

  it("a removed file's words are gone from the search, the other file's stay", async () => {
    const removed = ok(
      await as('admin', `mutation ($id: ID!) { removeEvidenceDocument(id: $id) { removedDocumentId ${refusal} } }`, { id: reportId }),
    );
    expect(removed.removeEvidenceDocument).toEqual({ removedDocumentId: reportId, refusal: null });
    expect(await hitFor('kentBuyer', 'spalling')).toBeUndefined();
    expect((await hitFor('kentBuyer', 'cryosuction'))?.matchedDocuments.map((d) => d.documentId)).toEqual([statementId]);
  });
});
