import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Request, Response, Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Identity } from '../identity';
import { errorFields, logger } from '../logger';
import { outsideRequestBudget } from '../request-budget';
import { DocumentStore, UploadRefusal, type DocumentRow } from './document-store';

/**
 * The owning subgraph's side of `POST /documents` and `GET /documents/<id>` on the gateway
 * (gateway/routes/documents.ts), under `/internal` like every gateway-only route:
 *
 *   POST /internal/documents/upload   the file as the raw body (application/octet-stream), streamed;
 *                                     what it is for and its name in the `uploadTicketHeader`
 *   POST /internal/documents/download `{ "id": "<document id>" }`; the file streamed back
 *
 * The gateway's assertion cannot bind a body it has not read yet, so for an upload it signs the
 * ticket instead (platform/graphql-http.ts binds the ticket header where a JSON body would be):
 * the uploader, purpose and name are authenticated; the bytes are what the gateway streamed,
 * checked again here (size, type, virus). The gateway compares the digest answered with its own.
 */
export const uploadTicketHeader = 'x-ips-upload-ticket';

/** What the gateway tells the owning subgraph about an upload, alongside the streamed bytes. */
export interface UploadTicket {
  /** What the file is for (e.g. `evidence`, `tender-pack`, `response`): it can be attached only to that kind of record. */
  purpose: string;
  /** The name the client gave, sanitised here. */
  fileName?: string;
  /** The client's Content-Length, when it sent one: fewer bytes than that is a truncated upload. */
  declaredBytes?: number;
}

export function encodeUploadTicket(ticket: UploadTicket): string {
  return Buffer.from(JSON.stringify(ticket), 'utf8').toString('base64url');
}

function decodeUploadTicket(value: string | undefined): UploadTicket | null {
  if (!value) return null;
  try {
    const ticket = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as UploadTicket;
    return typeof ticket.purpose === 'string' ? ticket : null;
  } catch {
    return null;
  }
}

/**
 * Who may read one attached document: `PUBLIC` (anyone, not audited), `RESTRICTED` (this viewer
 * may; the download is audited: a sealed response's file, a draft's, a members-only one), or null
 * when the viewer may not know it exists (404, the same as an unknown id). Each subgraph answers
 * with the rule of the record the document is attached to (its policy.ts).
 */
export type DocumentReadRule = (viewer: Identity, document: DocumentRow) => Promise<'PUBLIC' | 'RESTRICTED' | null>;

export interface DocumentRouteOptions {
  store: DocumentStore;
  /** The purposes this subgraph keeps files for. */
  purposes: readonly string[];
  readRule: (dataSource: DataSource) => DocumentReadRule;
}

/** Answers a refused upload as `{ error: { code, message } }` with its HTTP status. */
export function sendUploadRefusal(response: Response, refusal: { status: number; code: string; message: string }): void {
  response.status(refusal.status).json({ error: { code: refusal.code, message: refusal.message } });
}

/**
 * The headers every download carries: never rendered in the browser (`attachment`), never
 * re-sniffed (`nosniff`: the type is the one sniffed at upload), never cached by anyone on the way.
 */
export function downloadHeaders(document: Pick<DocumentRow, 'fileName' | 'mediaType' | 'sizeBytes'>): Record<string, string> {
  const asciiName = document.fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return {
    'content-type': document.mediaType,
    'content-length': String(document.sizeBytes),
    'content-disposition': `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  };
}

export function addDocumentRoutes(router: Router, dataSource: DataSource, options: DocumentRouteOptions): void {
  const { store } = options;
  const log = logger(`${store.schema} documents`);
  const readRule = options.readRule(dataSource);

  router.post('/documents/upload', (request: Request, response: Response, next) => {
    const viewer = (response.locals.viewer ?? null) as Identity;
    const ticket = decodeUploadTicket(request.get(uploadTicketHeader));
    const refuse = (refusal: { status: number; code: string; message: string }) => {
      // Whatever of the body is still coming is read and dropped, so the gateway is never left writing.
      request.resume();
      sendUploadRefusal(response, refusal);
    };
    if (!viewer) return refuse({ status: 401, code: 'UNAUTHENTICATED', message: 'Sign in to upload documents.' });
    if (!ticket || !options.purposes.includes(ticket.purpose)) {
      return refuse({ status: 400, code: 'UNKNOWN_PURPOSE', message: `A document here is for one of: ${options.purposes.join(', ')}.` });
    }
    // A transfer lasts as long as the file takes, not a query's time budget (request-budget.ts).
    outsideRequestBudget(() =>
      store.receiveUpload(dataSource, {
        uploader: viewer,
        purpose: ticket.purpose,
        fileName: ticket.fileName,
        declaredBytes: ticket.declaredBytes,
        body: request as AsyncIterable<Buffer>,
      }),
    ).then(
      (upload) => response.status(201).json(upload),
      (error: unknown) => {
        if (error instanceof UploadRefusal) return refuse(error);
        next(error);
      },
    );
  });

  router.post('/documents/download', (request: Request, response: Response, next) => {
    const viewer = (response.locals.viewer ?? null) as Identity;
    const id = String((request.body as { id?: unknown } | undefined)?.id ?? '');
    outsideRequestBudget(async () => {
      const document = await store.findAttached(dataSource, id);
      const access = document ? await readRule(viewer, document) : null;
      if (!document || !access)
        return void response.status(404).json({ error: { code: 'NOT_FOUND', message: `Document ${id} was not found.` } });
      // Recorded before the first byte leaves: a download of a sealed file is never unrecorded.
      if (access === 'RESTRICTED') await store.recordDownload(dataSource, viewer, document);
      response.status(200).set(downloadHeaders(document));
      // One chunk read ahead (Readable.from's default is 16, 4 MB of chunks): memory stays flat.
      await pipeline(Readable.from(store.readChunks(dataSource, document), { highWaterMark: 1 }), response);
    }).catch((error: unknown) => {
      if (response.headersSent) {
        log.warn(errorFields(error), 'document download cut short');
        return void response.destroy();
      }
      next(error);
    });
  });
}
