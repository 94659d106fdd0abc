import http from 'node:http';
import net from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { demoInnovations } from '../demo-data/innovations';
import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { ManualClock } from '../platform/clock';
import type { DocumentLimits } from '../platform/config';
import { createDocumentStore, createUploadExpiryJob } from '../platform/documents/document-graphql';
import { eicarTestFile } from '../platform/documents/virus-scan';
import { createSubgraphModules } from '../subgraphs';
import { createInnovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { createProcurementSubgraph } from '../subgraphs/procurement/subgraph';
import { docxMediaType, minimalDocx, minimalPdf, pdfMediaType } from './support/document-fixtures';
import { codesOf, developmentBearer, expectData, postGraphQL, refusalOf, type GraphQLAnswer } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';
import { defaultTestNow } from './support/subgraph-harness';

/**
 * Issue 28, items 1–4 and 7, through the gateway over HTTP: `POST /documents` streams a file to the
 * subgraph that will own it, a mutation attaches it, `GET /documents/<id>` reads it by the rule of
 * the record it is attached to. Every service runs as its own HTTP server on one ManualClock, so a
 * response deadline passes when the test says. Files are scanned by the run's clamd when there is
 * one (tests/support/global-setup.ts), else by the development scanner, which refuses EICAR only.
 */
jest.setTimeout(180_000);

/** Small enough that an oversize upload costs little; the default (25 MB) is the bench's. */
const maxBytes = 2 * 1024 * 1024;
const limits: DocumentLimits = { maxBytes, uploadTtlMs: 24 * 60 * 60 * 1000, expiryIntervalMs: 15 * 60 * 1000, concurrentUploads: 4 };
const clock = new ManualClock(defaultTestNow);
let graph: HttpGraph;
let gateway: URL;
let database: Client;

const personas = {
  supplier: 'resurface-contributor',
  supplierAdmin: 'resurface-admin',
  rival: 'potholepro-contributor',
  kentBuyer: 'kent-buyer',
  cardiffBuyer: 'cardiff-buyer',
  assessor: 'assessor',
  admin: 'platform-admin',
} as const;
type Who = keyof typeof personas | 'anonymous';
const bearer = {} as Record<Who, string | undefined>;

const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
const approved = demoInnovations.find((i) => i.supplierId === resurface.id && i.status === 'APPROVED')!;
const rivalInnovation = demoInnovations.find((i) => i.supplierId === demoOrganisation('pothole-pro').id && i.status === 'APPROVED')!;
/** Kent's further competition, open for responses (deadline four working days after seeding); both pothole suppliers shortlisted. */
const openProject = demoId('procurement-project', 'kent-clarification');
/** Cardiff's project, which Kent's buyer may not change. */
const cardiffProject = demoId('procurement-project', 'cardiff-evaluation');

beforeAll(async () => {
  const documents = { limits };
  graph = await startHttpGraph({
    nodeEnv: 'test',
    gateway: true,
    gatewayEnv: { DOCUMENT_MAX_BYTES: String(maxBytes) },
    modules: {
      ...createSubgraphModules({ clock }),
      innovations: createInnovationsSubgraph({ clock, documents }),
      procurement: createProcurementSubgraph({ clock, documents }),
    },
  });
  gateway = new URL(graph.gatewayUrl!);
  database = new Client({ connectionString: graph.databaseUrl });
  await database.connect();
  for (const [who, key] of Object.entries(personas)) {
    const { email } = demoPersona(key);
    bearer[who as Who] = await developmentBearer(email, email);
  }
});
afterAll(async () => {
  await database?.end();
  await graph?.stop();
});

const refusal = `refusal { code message field ... on StateConflict { reason currentStatus currentVersion } }`;
const as = <T = any>(who: Who, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> =>
  postGraphQL<T>(graph.gatewayUrl!, query, variables, bearer[who]);
const ok = async <T = any>(who: Who, query: string, variables: Record<string, unknown> = {}): Promise<T> =>
  expectData(await as<T>(who, query, variables));

interface Answer {
  status: number;
  body: any;
}

/**
 * `POST /documents?for=<purpose>` as a client sends it: the file as the raw body, in pieces, with its
 * Content-Length unless `chunked`. An answer that comes before the whole body went (a refusal cut
 * off at the limit) is the answer; the write error that follows it is expected.
 */
function upload(who: Who, purpose: string, bytes: Buffer, fileName?: string, options: { chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (bearer[who]) headers.authorization = bearer[who]!;
    if (fileName !== undefined) headers['x-file-name'] = encodeURIComponent(fileName);
    if (!options.chunked) headers['content-length'] = String(bytes.length);
    const request = http.request(new URL(`/documents?for=${encodeURIComponent(purpose)}`, gateway), { method: 'POST', headers });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : null });
      });
      response.on('error', reject);
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    (async () => {
      for (let at = 0; at < bytes.length && !request.destroyed; at += 64 * 1024) {
        if (!request.write(bytes.subarray(at, at + 64 * 1024)))
          await new Promise((next) => request.once('drain', next).once('close', next));
      }
      if (!request.destroyed) request.end();
    })().catch(() => undefined);
  });
}

async function download(who: Who, id: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(new URL(`/documents/${id}`, gateway), { headers: bearer[who] ? { authorization: bearer[who]! } : {} });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Every file row and chunk in both owning subgraphs: what a refused upload must leave as it was. */
async function storedFiles(): Promise<{ documents: number; chunks: number; uploadsAudited: number }> {
  const count = async (sql: string) => ((await database.query(sql)).rows[0] as { count: number }).count;
  const both = (table: string, where = '') =>
    `SELECT ((SELECT count(*) FROM innovations.${table} ${where}) + (SELECT count(*) FROM procurement.${table} ${where}))::int AS count`;
  return {
    documents: await count(both('document')),
    chunks: await count(both('document_chunk')),
    uploadsAudited: await count(both('document_audit', `WHERE action = 'UPLOADED'`)),
  };
}

const addEvidence = `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { evidence { unconfirmed { id title vetting } } } ${refusal} } }`;
const attachEvidence = `mutation ($input: AttachEvidenceDocumentInput!) { attachEvidenceDocument(input: $input) { document { id title fileName mediaType sizeBytes scanStatus downloadPath } ${refusal} } }`;
const attachProcurement = `mutation ($input: AttachProcurementDocumentInput!) { attachProcurementDocument(input: $input) { document { id title fileName mediaType sizeBytes scanStatus } ${refusal} } }`;
const evidenceFiles = `query ($id: ID!) { innovation(id: $id) { documents { id title } evidence { unconfirmed { id documents { id } } } } }`;
const responseFiles = `query ($id: ID!) { procurementProject(id: $id) { responseCount responses { id supplier { id } documents { id title } } } }`;
const expectedScan = process.env.CLAMD_URL ? 'CLEAN' : 'NOT_SCANNED';

async function newEvidenceItem(title: string, innovationId = approved.id, who: Who = 'supplier'): Promise<string> {
  const added = await ok(who, addEvidence, {
    input: { innovationId, kind: 'TRIAL', title, authorityId: kent.id, startedOn: '2025-11-03' },
  });
  return added.addEvidence.innovation.evidence.unconfirmed.find((e: { title: string }) => e.title === title).id;
}

const trialReport = minimalPdf([
  ['A38 night-works trial: ReSurface cold-lay repair', 'Kent County Council, winter 2025-26'],
  ['Results: the repairs survived 40 freeze-thaw cycles without spalling.'],
]);
const methodStatement = minimalDocx(['Method statement', 'Traffic management by our own crews, nights only.']);

describe('a supplier attaches a trial report to evidence', () => {
  let evidenceId = '';
  let reportId = '';

  it('uploads through the gateway: sniffed, scanned, the name made safe, and an upload id for the owning subgraph', async () => {
    evidenceId = await newEvidenceItem('A38 night-works trial, 2025');
    const uploaded = await upload('supplier', 'evidence', trialReport, '../../reports/Trial report <final>.exe');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toEqual({
      uploadId: expect.stringMatching(/^innovations-[0-9a-f-]{36}$/),
      fileName: 'Trial report final.pdf',
      mediaType: pdfMediaType,
      sizeBytes: trialReport.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      scan: expectedScan,
      expiresAt: new Date(Date.parse(defaultTestNow) + limits.uploadTtlMs).toISOString(),
    });
    const attached = await ok('supplier', attachEvidence, {
      input: { uploadId: uploaded.body.uploadId, evidenceId, title: 'Trial report, A38 night works' },
    });
    reportId = attached.attachEvidenceDocument.document.id;
    expect(attached.attachEvidenceDocument.document).toEqual({
      id: uploaded.body.uploadId,
      title: 'Trial report, A38 night works',
      fileName: 'Trial report final.pdf',
      mediaType: pdfMediaType,
      sizeBytes: trialReport.length,
      scanStatus: expectedScan,
      downloadPath: `/documents/${uploaded.body.uploadId}`,
    });
    // Stored in chunks in innovations' own schema, attached to the evidence item.
    const { rows } = await database.query(
      `SELECT d.status, d.target_kind AS "targetKind", d.target_id AS "targetId", count(c.*)::int AS chunks
         FROM innovations.document d JOIN innovations.document_chunk c ON c.document_id = d.id WHERE d.id = $1 GROUP BY d.id`,
      [reportId.replace(/^innovations-/, '')],
    );
    expect(rows).toEqual([{ status: 'ATTACHED', targetKind: 'EVIDENCE', targetId: evidenceId, chunks: 1 }]);
    // An upload is attached once.
    expect(
      refusalOf(await as('supplier', attachEvidence, { input: { uploadId: uploaded.body.uploadId, evidenceId, title: 'Again' } })).code,
    ).toBe('CONFLICT');
  });

  it("while the item is pending, the file is the supplier's and the vetting staff's: downloads audited", async () => {
    const mine = await download('supplier', reportId);
    expect(mine.status).toBe(200);
    expect(mine.bytes.equals(trialReport)).toBe(true);
    expect(mine.headers.get('content-type')).toBe(pdfMediaType);
    expect(mine.headers.get('content-disposition')).toBe(
      `attachment; filename="Trial report final.pdf"; filename*=UTF-8''Trial%20report%20final.pdf`,
    );
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await download('assessor', reportId)).status).toBe(200);
    for (const who of ['anonymous', 'kentBuyer', 'rival'] as const) {
      const refused = await download(who, reportId);
      expect({ who, status: refused.status }).toEqual({ who, status: 404 });
      expect(refused.bytes.toString('utf8')).not.toContain('%PDF');
    }
    // Nor listed to them on the innovation.
    expect((await ok('anonymous', evidenceFiles, { id: approved.id })).innovation.documents.map((d: { id: string }) => d.id)).not.toContain(
      reportId,
    );
    const { rows } = await database.query(
      `SELECT action, person_id AS "personId" FROM innovations.document_audit WHERE document_id = $1 ORDER BY at, action`,
      [reportId.replace(/^innovations-/, '')],
    );
    expect(rows.map((row: { action: string }) => row.action).sort()).toEqual(['ATTACHED', 'DOWNLOADED', 'DOWNLOADED', 'UPLOADED']);
    expect(rows.filter((row: { action: string }) => row.action === 'DOWNLOADED').map((row: { personId: string }) => row.personId)).toEqual(
      expect.arrayContaining([demoPersona('resurface-contributor').id, demoPersona('assessor').id]),
    );
  });

  it("once the approved innovation's evidence is vetted, anyone downloads the report, unaudited", async () => {
    const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id) { evidenceItem { vetting } ${refusal} } }`;
    expect((await ok('kentBuyer', confirm, { id: evidenceId })).confirmEvidence.evidenceItem).toEqual({ vetting: 'VETTED' });
    const anyone = await download('anonymous', reportId);
    expect(anyone.status).toBe(200);
    expect(anyone.bytes.equals(trialReport)).toBe(true);
    expect(anyone.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await ok('anonymous', evidenceFiles, { id: approved.id })).innovation.documents).toContainEqual({
      id: reportId,
      title: 'Trial report, A38 night works',
    });
    // Vetted evidence does not change under the assessors' eyes.
    expect(
      refusalOf(
        await as('supplier', `mutation ($id: ID!) { removeEvidenceDocument(id: $id) { removedDocumentId ${refusal} } }`, { id: reportId }),
      ).code,
    ).toBe('CONFLICT');
  });
});

describe('a method statement on a response is sealed from the buyer until the deadline', () => {
  let responseId = '';
  let statementId = '';
  let deadline = '';

  it('the supplier attaches it to its own response', async () => {
    const submitted = await ok(
      'supplier',
      `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id } ${refusal} } }`,
      { input: { projectId: openProject, proposal: 'Cold-lay repairs, nights only.', price: 980000 } },
    );
    responseId = submitted.submitResponse.procurementResponse.id;
    const uploaded = await upload('supplier', 'response', methodStatement, 'Method statement.docx');
    expect(uploaded).toMatchObject({ status: 201, body: { uploadId: expect.stringMatching(/^procurement-/), mediaType: docxMediaType } });
    // Not to someone else's response, nor as a tender pack.
    const rivalResponse = await ok(
      'rival',
      `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id } ${refusal} } }`,
      { input: { projectId: openProject, proposal: 'Hot-lay repairs.', price: 990000 } },
    );
    const before = await storedFiles();
    for (const input of [
      { uploadId: uploaded.body.uploadId, title: 'Method statement', responseId: rivalResponse.submitResponse.procurementResponse.id },
      { uploadId: uploaded.body.uploadId, title: 'Method statement', projectId: openProject },
    ]) {
      expect(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT']).toContain(refusalOf(await as('supplier', attachProcurement, { input })).code);
    }
    expect(await storedFiles()).toEqual(before);
    const attached = await ok('supplier', attachProcurement, {
      input: { uploadId: uploaded.body.uploadId, title: 'Method statement', responseId },
    });
    statementId = attached.attachProcurementDocument.document.id;
    expect(attached.attachProcurementDocument.document).toMatchObject({
      title: 'Method statement',
      fileName: 'Method statement.docx',
      scanStatus: expectedScan,
    });
    const own = await ok('supplier', responseFiles, { id: openProject });
    expect(own.procurementProject.responses).toEqual([
      { id: responseId, supplier: { id: resurface.id }, documents: [{ id: statementId, title: 'Method statement' }] },
    ]);
    expect((await download('supplier', statementId)).bytes.equals(methodStatement)).toBe(true);
    deadline = (await ok('kentBuyer', `query ($id: ID!) { procurementProject(id: $id) { responseDeadline } }`, { id: openProject }))
      .procurementProject.responseDeadline;
    expect(Date.parse(deadline)).toBeGreaterThan(clock.now().getTime());
  });

  it('before the deadline the buyer gets the file by no path: download, the response list, remove or re-attach', async () => {
    for (const who of ['kentBuyer', 'rival', 'anonymous', 'cardiffBuyer'] as const) {
      const refused = await download(who, statementId);
      expect({ who, status: refused.status }).toEqual({ who, status: 404 });
      expect(refused.bytes.includes(Buffer.from('word/document.xml'))).toBe(false);
    }
    const sealed = await ok('kentBuyer', responseFiles, { id: openProject });
    expect(JSON.stringify(sealed)).not.toContain(statementId);
    expect(
      refusalOf(
        await as('kentBuyer', `mutation ($id: ID!) { removeProcurementDocument(id: $id) { removedDocumentId ${refusal} } }`, {
          id: statementId,
        }),
      ).code,
    ).toBe('NOT_FOUND');
    // The owning subgraph answers only the gateway: asking procurement directly is refused.
    const direct = await fetch(graph.subgraphUrls.procurement.replace(/\/graphql$/, '/internal/documents/download'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: statementId }),
    });
    expect(direct.status).toBe(401);
    expect(Buffer.from(await direct.arrayBuffer()).includes(Buffer.from('word/document.xml'))).toBe(false);
  });

  it("after the deadline the buyer's team downloads it, audited; other suppliers still cannot", async () => {
    clock.set(new Date(Date.parse(deadline) + 60_000));
    try {
      const opened = await download('kentBuyer', statementId);
      expect(opened.status).toBe(200);
      expect(opened.bytes.equals(methodStatement)).toBe(true);
      expect(opened.headers.get('content-type')).toBe(docxMediaType);
      expect(opened.headers.get('x-content-type-options')).toBe('nosniff');
      expect(opened.headers.get('content-disposition')).toMatch(/^attachment; filename="Method statement.docx"/);
      const listed = await ok('kentBuyer', responseFiles, { id: openProject });
      expect(listed.procurementProject.responses.find((r: { id: string }) => r.id === responseId).documents).toEqual([
        { id: statementId, title: 'Method statement' },
      ]);
      for (const who of ['rival', 'anonymous', 'cardiffBuyer'] as const) expect((await download(who, statementId)).status).toBe(404);
      const { rows } = await database.query(
        `SELECT person_id AS "personId" FROM procurement.document_audit WHERE document_id = $1 AND action = 'DOWNLOADED'`,
        [statementId.replace(/^procurement-/, '')],
      );
      expect(rows.map((row: { personId: string }) => row.personId)).toContain(demoPersona('kent-buyer').id);
      // Past the deadline the response's files no longer change.
      const late = await upload('supplier', 'response', methodStatement, 'late.docx');
      expect(
        refusalOf(await as('supplier', attachProcurement, { input: { uploadId: late.body.uploadId, title: 'Late', responseId } })).code,
      ).toBe('CONFLICT');
    } finally {
      clock.set(defaultTestNow);
    }
  });
});

describe('a tender pack', () => {
  it("is the buyer's team's to attach, and public with the published project", async () => {
    const schedule = Buffer.from('item,unit,rate\npothole repair,each,85\nnight working,hour,120\n', 'utf8');
    const uploaded = await upload('kentBuyer', 'tender-pack', schedule, 'pricing schedule.csv');
    expect(uploaded).toMatchObject({ status: 201, body: { mediaType: 'text/csv', fileName: 'pricing schedule.csv' } });
    const before = await storedFiles();
    // Not to another buyer's project.
    expect(
      ['NOT_FOUND', 'FORBIDDEN'].includes(
        refusalOf(
          await as('kentBuyer', attachProcurement, {
            input: { uploadId: uploaded.body.uploadId, title: 'Pricing', projectId: cardiffProject },
          }),
        ).code as string,
      ),
    ).toBe(true);
    expect(await storedFiles()).toEqual(before);
    const attached = await ok('kentBuyer', attachProcurement, {
      input: { uploadId: uploaded.body.uploadId, title: 'Pricing schedule', projectId: openProject },
    });
    const id = attached.attachProcurementDocument.document.id;
    const anyone = await download('anonymous', id);
    expect(anyone.status).toBe(200);
    expect(anyone.bytes.equals(schedule)).toBe(true);
    expect(anyone.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(
      (await ok('anonymous', `query ($id: ID!) { procurementProject(id: $id) { documents { id } } }`, { id: openProject }))
        .procurementProject.documents,
    ).toEqual([{ id }]);
  });
});

describe('uploads at once', () => {
  it('past the turns a subgraph stores at once, wait theirs: each stored, or refused, none lost', async () => {
    const files = Array.from({ length: 10 }, (_, index) =>
      index % 3 === 0
        ? Buffer.concat([minimalPdf([['Infected']]), eicarTestFile()])
        : Buffer.concat([minimalPdf([[`Report ${index}`]]), Buffer.alloc(300 * 1024, index)]),
    );
    const before = await storedFiles();
    const answers = await Promise.all(files.map((file, index) => upload('supplier', 'evidence', file, `batch-${index}.pdf`)));
    expect(answers.map((answer) => answer.status)).toEqual(files.map((_, index) => (index % 3 === 0 ? 422 : 201)));
    const after = await storedFiles();
    expect(after.documents - before.documents).toBe(6);
    // Each stored whole: 300 KiB and a page is two chunks.
    expect(after.chunks - before.chunks).toBe(12);
    for (const [index, answer] of answers.entries()) {
      if (answer.status === 201) expect(answer.body.sizeBytes).toBe(files[index]!.length);
    }
  });
});

describe('bad input is refused with a clear code and leaves nothing stored', () => {
  const pdfWith = (extra: Buffer) => Buffer.concat([minimalPdf([['A perfectly ordinary report']]), extra]);

  const refusedUploads: [string, () => Promise<Answer>, number, string][] = [
    [
      'an oversize file (declared)',
      () => upload('supplier', 'evidence', pdfWith(Buffer.alloc(maxBytes)), 'big.pdf'),
      413,
      'FILE_TOO_LARGE',
    ],
    [
      'an oversize file (streamed, no length)',
      () => upload('supplier', 'evidence', pdfWith(Buffer.alloc(maxBytes)), 'big.pdf', { chunked: true }),
      413,
      'FILE_TOO_LARGE',
    ],
    [
      'a program named .pdf',
      () => upload('supplier', 'evidence', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(4096, 1)]), 'report.pdf'),
      415,
      'UNSUPPORTED_FILE_TYPE',
    ],
    [
      'an HTML page',
      () => upload('supplier', 'evidence', Buffer.from('<html><script>alert(1)</script>,a,b</html>'), 'page.csv'),
      415,
      'UNSUPPORTED_FILE_TYPE',
    ],
    [
      'an infected file (EICAR behind a PDF header)',
      () => upload('supplier', 'evidence', pdfWith(eicarTestFile()), 'trial.pdf'),
      422,
      'INFECTED_FILE',
    ],
    ['a zero-byte file', () => upload('supplier', 'evidence', Buffer.alloc(0), 'empty.pdf'), 400, 'EMPTY_FILE'],
    ['an upload for nothing known', () => upload('supplier', 'invoices', trialReport, 'report.pdf'), 400, 'UNKNOWN_PURPOSE'],
    ['an anonymous upload', () => upload('anonymous', 'evidence', trialReport, 'report.pdf'), 401, 'UNAUTHENTICATED'],
  ];

  test.each(refusedUploads)('%s', async (_name, send, status, code) => {
    const before = await storedFiles();
    const answer = await send();
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
    expect(answer.body.error.message).toEqual(expect.any(String));
    expect(await storedFiles()).toEqual(before);
  });

  it('a truncated upload (the client goes away before its declared length)', async () => {
    const before = await storedFiles();
    const file = pdfWith(Buffer.alloc(600 * 1024, 7));
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: gateway.hostname, port: Number(gateway.port), allowHalfOpen: true }, () => {
        socket.write(
          [
            'POST /documents?for=evidence HTTP/1.1',
            `Host: ${gateway.host}`,
            `Authorization: ${bearer.supplier}`,
            'Content-Type: application/octet-stream',
            'X-File-Name: cut.pdf',
            `Content-Length: ${file.length}`,
            '',
            '',
          ].join('\r\n'),
        );
        // More than one 256 KiB chunk, so the owning subgraph has written some before the end never comes.
        socket.write(file.subarray(0, 400 * 1024), () => setTimeout(() => socket.end(), 300));
      });
      let reply = '';
      socket.on('data', (data: Buffer) => (reply += data.toString('utf8')));
      socket.on('close', () => resolve(reply));
      socket.on('error', () => undefined);
    });
    // If an answer got out before the connection closed, it names the refusal.
    // (Node's own parser answers a bare 400 when the request ends short; ours names the code.)
    if (closed) expect(closed).toMatch(/^HTTP\/1\.1 400 Bad Request[\s\S]*?(TRUNCATED_UPLOAD|\r\n\r\n$)/);
    // The owning subgraph rolls back when its request is cut: give it a moment, then nothing is there.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await storedFiles()).toEqual(before);
  });

  describe('attaching', () => {
    let pending = '';
    let evidenceId = '';
    let rivalEvidence = '';
    beforeAll(async () => {
      evidenceId = await newEvidenceItem('Cardiff resurfacing case study, 2024');
      rivalEvidence = await newEvidenceItem('Rival trial, 2025', rivalInnovation.id, 'rival');
      const uploaded = await upload('supplier', 'evidence', trialReport, 'case study.pdf');
      expect(uploaded.status).toBe(201);
      pending = uploaded.body.uploadId;
    });

    it("someone else's upload id, even a colleague's, is NOT_FOUND and stays pending for its uploader", async () => {
      const before = await storedFiles();
      // Each to a record they may change: a colleague to the same item, the rival to its own item.
      for (const [who, target] of [
        ['supplierAdmin', evidenceId],
        ['rival', rivalEvidence],
      ] as const) {
        const answer = await as(who, attachEvidence, { input: { uploadId: pending, evidenceId: target, title: 'Mine now' } });
        expect({ who, code: refusalOf(answer).code, field: refusalOf(answer).field }).toEqual({
          who,
          code: 'NOT_FOUND',
          field: 'uploadId',
        });
      }
      // A made-up id and another subgraph's are no better.
      for (const uploadId of [
        'innovations-00000000-0000-4000-8000-000000000000',
        pending.replace('innovations-', 'procurement-'),
        'nonsense',
      ]) {
        expect(refusalOf(await as('supplier', attachEvidence, { input: { uploadId, evidenceId, title: 'x' } })).code).toBe('NOT_FOUND');
      }
      expect(await storedFiles()).toEqual(before);
      expect(
        (await ok('supplier', evidenceFiles, { id: approved.id })).innovation.evidence.unconfirmed.find(
          (e: { id: string }) => e.id === evidenceId,
        ).documents,
      ).toEqual([]);
    });

    it('an attach to a record the caller may not change is refused, and the record has no file', async () => {
      const before = await storedFiles();
      const refused = refusalOf(
        await as('supplier', attachEvidence, { input: { uploadId: pending, evidenceId: rivalEvidence, title: 'Planted' } }),
      );
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(refused.code);
      // The buyer's persona may upload, but not attach to a supplier's evidence either.
      const buyers = await upload('kentBuyer', 'evidence', trialReport, 'buyer.pdf');
      expect(buyers.status).toBe(201);
      const buyerRefused = refusalOf(
        await as('kentBuyer', attachEvidence, { input: { uploadId: buyers.body.uploadId, evidenceId, title: 'Planted' } }),
      );
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(buyerRefused.code);
      const after = await storedFiles();
      // Only the buyer's own pending upload is new; nothing was attached anywhere.
      expect(after.documents).toBe(before.documents + 1);
      const { rows } = await database.query(`SELECT count(*)::int AS count FROM innovations.document WHERE target_id = ANY($1::uuid[])`, [
        [rivalEvidence, evidenceId],
      ]);
      expect(rows[0].count).toBe(0);
      expect(codesOf(await as('supplier', attachEvidence, { input: { uploadId: pending, evidenceId, title: 'Case study' } }))).toEqual([]);
    });

    it('uploads never attached expire and are deleted with their bytes', async () => {
      const forgotten = await upload('supplier', 'evidence', trialReport, 'forgotten.pdf');
      const id = (forgotten.body.uploadId as string).replace('innovations-', '');
      const chunks = async () =>
        (
          (await database.query(`SELECT count(*)::int AS count FROM innovations.document_chunk WHERE document_id = $1`, [id])).rows[0] as {
            count: number;
          }
        ).count;
      expect(await chunks()).toBe(1);
      clock.advance(limits.uploadTtlMs + 1_000);
      try {
        // Past its lifetime it can no longer be attached, even before the job has run.
        expect(
          refusalOf(await as('supplier', attachEvidence, { input: { uploadId: forgotten.body.uploadId, evidenceId, title: 'Late' } })).code,
        ).toBe('NOT_FOUND');
        // The expiry job as innovations schedules it, one tick.
        const dataSource = await new DataSource({ type: 'postgres', url: graph.databaseUrl }).initialize();
        try {
          await createUploadExpiryJob(createDocumentStore('innovations', clock, { limits }), dataSource, clock).runOnce();
        } finally {
          await dataSource.destroy();
        }
        expect(await chunks()).toBe(0);
        const { rows } = await database.query(`SELECT action FROM innovations.document_audit WHERE document_id = $1 ORDER BY at`, [id]);
        expect(rows.map((row: { action: string }) => row.action)).toEqual(['UPLOADED', 'EXPIRED']);
        // The attached file of the same age stays.
        expect((await download('supplier', pending)).status).toBe(200);
      } finally {
        clock.set(defaultTestNow);
      }
    });
  });
});
