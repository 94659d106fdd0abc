import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { demoInnovations } from '../demo-data/innovations';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { defaultDocumentMaxBytes, type BenchConfig } from '../platform/config';
// The same one-signature clamd the tests scan with (EICAR only): the scanner's cost per byte is
// ClamAV's streaming, whatever its database holds, and no freshclam download is needed.
import { startTestClamd } from '../tests/support/clamd';
import { freePort, offlineNotifySettings, startBenchIssuer } from './bench-identity';
import { productionStackEnvironment, seededScratchDatabase } from './bench-stack';
import { startStack } from './stack';

/**
 * `npm run bench -- --documents` (issue 28 item 6): uploads and downloads through the gateway on the
 * production stack (five subgraph processes and the gateway, NODE_ENV=production, a scratch
 * database on the PostgreSQL server, every file scanned by a real clamd: CLAMD_URL, or one started
 * here). Measured, each after a warm-up transfer of the same size:
 *   - one 25 MB upload (`POST /documents?for=evidence`), then one 25 MB download of it once attached;
 *   - 20 concurrent 10 MB uploads.
 * For each: throughput (MB/s of file), errors, and the peak rise of the resident memory (RSS,
 * sampled every 10 ms from /proc) of the gateway and of the innovations subgraph over what it was
 * just before. Streaming means each process holds a few chunks, never the file: the rise should be
 * a few MB whatever the file's size. Figures are printed, never asserted.
 */
export interface DocumentBenchFigures {
  phase: string;
  files: number;
  megabytes: number;
  seconds: number;
  megabytesPerSecond: number;
  errors: number;
  gatewayRssRiseMb: number;
  subgraphRssRiseMb: number;
}

const megabyte = 1024 * 1024;

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** The highest RSS of each process while `work` runs, less what it was just before. */
async function peakRssRise<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; rises: number[] }> {
  const before = pids.map(rssBytes);
  const peaks = [...before];
  const sample = () => pids.forEach((pid, index) => (peaks[index] = Math.max(peaks[index]!, rssBytes(pid))));
  const timer = setInterval(sample, 10);
  try {
    const result = await work();
    sample();
    return { result, rises: peaks.map((peak, index) => peak - before[index]!) };
  } finally {
    clearInterval(timer);
  }
}

/** A file that sniffs as a PDF: a header, then incompressible bytes (a scanned report, in effect). */
function pdfOfSize(bytes: number): Buffer {
  const file = randomBytes(bytes);
  file.write('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 0, 'latin1');
  return file;
}

/** `POST /documents?for=evidence` with the file as the body, written with backpressure; the answer's status and JSON. */
function upload(gatewayOrigin: string, token: string, file: Buffer, name: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('/documents?for=evidence', gatewayOrigin), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(file.length),
        'x-file-name': name,
      },
    });
    request.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () =>
        resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8') || 'null') }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    (async () => {
      for (let at = 0; at < file.length && !request.destroyed; at += 64 * 1024) {
        if (!request.write(file.subarray(at, at + 64 * 1024))) await new Promise((next) => request.once('drain', next));
      }
      request.end();
    })().catch(reject);
  });
}

/** `GET /documents/<id>`, read and dropped as it comes; the bytes received. */
function download(gatewayOrigin: string, token: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(`/documents/${id}`, gatewayOrigin), { headers: { authorization: `Bearer ${token}` } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`download answered ${response.statusCode}`));
        let received = 0;
        response.on('data', (part: Buffer) => (received += part.length));
        response.on('end', () => resolve(received));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await answer.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function runDocumentsBenchmark(
  config: BenchConfig,
  options: { certificateDirectory: string; concurrent?: number },
): Promise<DocumentBenchFigures[]> {
  const concurrent = options.concurrent ?? 20;
  const cleanup: (() => Promise<unknown>)[] = [];
  const serviceOutput: string[] = [];
  try {
    const issuer = await startBenchIssuer(options.certificateDirectory);
    cleanup.push(() => issuer.stop());
    let clamdUrl = process.env.CLAMD_URL;
    if (!clamdUrl) {
      const clamd = await startTestClamd();
      if (!clamd) throw new Error('The documents benchmark scans with ClamAV: install clamav-daemon (clamd, sigtool) or set CLAMD_URL.');
      cleanup.push(() => clamd.stop());
      clamdUrl = clamd.url;
    }
    const database = await seededScratchDatabase(config.searchServerUrl, `ips_graph_bench_documents_${process.pid}`);
    cleanup.push(() => database.drop());
    const env = await productionStackEnvironment(issuer, database.url, {
      CLAMD_URL: clamdUrl,
      // Attaching a large PDF may wait for its text (subgraphs/innovations/services/document-search.ts)
      // on a busy machine; the attach is set-up here, not measured, so it gets room.
      SUBGRAPH_TIMEOUT_MS: '10000',
      ...offlineNotifySettings(await freePort()),
    });
    const stack = await startStack({ env, log: (line) => serviceOutput.push(line) });
    cleanup.unshift(() => stack.stop());
    const origin = new URL(stack.gatewayUrl).origin;
    const pids = [stack.pids.gateway!, stack.pids.innovations!];
    const token = await issuer.tokenFor(demoPersona('resurface-contributor').email);

    // An evidence item of the supplier's approved innovation, to attach the large file to.
    const innovation = demoInnovations.find((i) => i.supplierId === demoOrganisation('resurface-tech').id && i.status === 'APPROVED')!;
    const title = `Benchmark trial ${randomUUID()}`;
    const added = await graphql(
      stack.gatewayUrl,
      token,
      `
        mutation ($input: AddEvidenceInput!) {
          addEvidence(input: $input) {
            innovation {
              evidence {
                unconfirmed {
                  id
                  title
                }
              }
            }
            refusal {
              code
              message
            }
          }
        }
      `,
      { input: { innovationId: innovation.id, kind: 'TRIAL', title, authorityId: demoOrganisation('kent').id, startedOn: '2025-11-03' } },
    );
    const evidenceId = added.addEvidence.innovation.evidence.unconfirmed.find((item: { title: string }) => item.title === title)
      .id as string;
    const attach = async (uploadId: string) => {
      const attached = await graphql(
        stack.gatewayUrl,
        token,
        `
          mutation ($input: AttachEvidenceDocumentInput!) {
            attachEvidenceDocument(input: $input) {
              document {
                id
              }
              refusal {
                code
                message
              }
            }
          }
        `,
        { input: { uploadId, evidenceId, title: 'Benchmark report' } },
      );
      if (!attached.attachEvidenceDocument.document) throw new Error(JSON.stringify(attached.attachEvidenceDocument.refusal));
      return attached.attachEvidenceDocument.document.id as string;
    };

    const figures: DocumentBenchFigures[] = [];
    const record = (phase: string, files: number, bytes: number, seconds: number, errors: number, rises: number[]) => {
      figures.push({
        phase,
        files,
        megabytes: bytes / megabyte,
        seconds,
        megabytesPerSecond: bytes / megabyte / seconds,
        errors,
        gatewayRssRiseMb: rises[0]! / megabyte,
        subgraphRssRiseMb: rises[1]! / megabyte,
      });
    };

    // One 25 MB file up, attached, and down; each after a warm-up of the same size.
    const large = pdfOfSize(defaultDocumentMaxBytes);
    const warm = await upload(origin, token, large, 'warm-up.pdf');
    if (warm.status !== 201) throw new Error(`warm-up upload answered ${warm.status}: ${JSON.stringify(warm.body)}`);
    await download(origin, token, await attach(warm.body.uploadId));
    let started = performance.now();
    const up = await peakRssRise(pids, () => upload(origin, token, large, 'trial-report.pdf'));
    record('upload 25 MB', 1, large.length, (performance.now() - started) / 1000, up.result.status === 201 ? 0 : 1, up.rises);
    const id = await attach(up.result.body.uploadId);
    started = performance.now();
    const down = await peakRssRise(pids, () => download(origin, token, id));
    record('download 25 MB', 1, down.result, (performance.now() - started) / 1000, down.result === large.length ? 0 : 1, down.rises);

    // 20 concurrent 10 MB uploads (each its own bytes), after a warm-up round of the same.
    const files = Array.from({ length: concurrent }, () => pdfOfSize(10 * megabyte));
    const round = () =>
      Promise.all(
        files.map((file, index) =>
          upload(origin, token, file, `concurrent-${index}.pdf`).then(
            (answer) => (answer.status === 201 ? 0 : (console.error('upload refused:', answer.status, JSON.stringify(answer.body)), 1)),
            (error: unknown) => (console.error('upload failed:', error), 1),
          ),
        ),
      );
    await round();
    started = performance.now();
    const many = await peakRssRise(pids, round);
    const errors = many.result.reduce((sum: number, failed) => sum + failed, 0);
    record(
      `${concurrent} concurrent uploads of 10 MB`,
      concurrent,
      concurrent * 10 * megabyte,
      (performance.now() - started) / 1000,
      errors,
      many.rises,
    );

    console.log('\nDocuments through the gateway (production stack, clamd scanning, PostgreSQL server):');
    console.table(
      figures.map((figure) => ({
        phase: figure.phase,
        'MB/s': figure.megabytesPerSecond.toFixed(1),
        seconds: figure.seconds.toFixed(2),
        errors: figure.errors,
        'gateway RSS rise (MB)': figure.gatewayRssRiseMb.toFixed(1),
        'innovations RSS rise (MB)': figure.subgraphRssRiseMb.toFixed(1),
      })),
    );
    return figures;
  } catch (error) {
    console.error(serviceOutput.slice(-40).join('\n'));
    throw error;
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}
