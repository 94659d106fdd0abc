import http from 'node:http';
import https from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import type { Express, Request, Response } from 'express';
import type { DocumentLimits } from '../../platform/config';
import { parseDocumentId, type DocumentSchema } from '../../platform/documents/document-store';
import { encodeUploadTicket, sendUploadRefusal, uploadTicketHeader, type UploadTicket } from '../../platform/documents/document-routes';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { AuthenticationError } from '../../platform/graphql-http';
import type { Identity } from '../../platform/identity';
import { errorFields, logger } from '../../platform/logger';
import { forwardedHeaders } from '../../platform/observability';

export interface DocumentRouteOptions {
  /** Each owning subgraph's GraphQL URL; its document routes sit beside it under /internal. */
  subgraphUrls: Record<DocumentSchema, string>;
  gatewaySecret: string;
  assertionLifetimeMs: number;
  limits: DocumentLimits;
  /** The gateway's own sign-in, as for `/graphql`. */
  authenticate: (authorization: string | undefined) => Promise<Identity>;
}

/**
 * Which subgraph keeps a file for each purpose (`POST /documents?for=<purpose>`): the one owning the
 * record it will be attached to. The owning subgraph checks the purpose again (its own list, in
 * subgraphs/<name>/services/*-documents.service.ts); this only chooses where to send the bytes.
 */
const ownerOfPurpose: Record<string, DocumentSchema> = {
  evidence: 'innovations',
  'tender-pack': 'procurement',
  response: 'procurement',
};

/**
 * A transfer may take as long as the file does, but never sits idle longer than this: the time a
 * scanner may take over a 25 MB file's last chunk (CLAMD_TIMEOUT_MS) with room to spare.
 */
const idleTimeoutMs = 120_000;

/** Headers of the owning subgraph's download answer passed on to the client. */
const downloadHeaderNames = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'cache-control'];

/** Counts what passes, and fails the stream the moment it goes past `maxBytes`: the upload is cut off there. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new FileTooLarge());
    callback(null, chunk);
  }
}
class FileTooLarge extends Error {}

/**
 * Documents on the gateway's port (issue 28). Files do not travel through GraphQL:
 *
 *   POST /documents?for=<evidence|tender-pack|response>   signed in; the file as the raw body, its
 *        name in `X-File-Name`. Streamed, never buffered, to the subgraph that will own it (with a
 *        signed ticket saying who uploads what for what: platform/documents/document-routes.ts),
 *        which sniffs, scans and stores it and answers 201 `{ uploadId, … }`, or a refusal
 *        `{ error: { code, message } }`. A body past DOCUMENT_MAX_BYTES is cut off there with 413.
 *   GET /documents/<id>   the file, streamed from its owning subgraph, which applies the rule of the
 *        record it is attached to; 404 for anyone who may not read it, as for an unknown id.
 */
export function addDocumentRoutes(app: Express, options: DocumentRouteOptions): void {
  const log = logger('gateway documents');
  const base = (schema: DocumentSchema) => new URL(options.subgraphUrls[schema].replace(/\/graphql\/?$/, '/internal/documents'));

  /** The caller (null: anonymous), or the refusal to answer when the sign-in fails. */
  async function signIn(request: Request): Promise<{ viewer: Identity } | { refusal: { status: number; code: string; message: string } }> {
    try {
      return { viewer: await options.authenticate(request.get('authorization')) };
    } catch (error) {
      if (error instanceof AuthenticationError) return { refusal: { status: 401, code: 'UNAUTHENTICATED', message: error.message } };
      return { refusal: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Sign-in is temporarily unavailable.' } };
    }
  }

  /** An internal request to the owning subgraph, asserted for `viewer` over `assertedBody`. */
  function internalRequest(schema: DocumentSchema, path: string, viewer: Identity, assertedBody: string, headers: Record<string, string>) {
    const url = base(schema);
    const assertion = createGatewayAssertion({
      subgraph: schema,
      body: assertedBody,
      identity: viewer,
      secret: options.gatewaySecret,
      lifetimeMs: options.assertionLifetimeMs,
    });
    const client = url.protocol === 'https:' ? https : http;
    const outgoing = client.request(new URL(`${url.pathname}${path}`, url), {
      method: 'POST',
      headers: { ...headers, ...forwardedHeaders(), [gatewayAssertionHeader]: assertion },
    });
    outgoing.setTimeout(idleTimeoutMs, () => outgoing.destroy(new Error(`${schema} went quiet for ${idleTimeoutMs} ms`)));
    return outgoing;
  }

  /**
   * Ends the exchange with a refusal: answered (with `Connection: close`, so whatever the client
   * still sends is never read), then the client's connection closed once the answer is out.
   */
  function cutOff(request: Request, response: Response, refusal: { status: number; code: string; message: string }): void {
    request.unpipe();
    if (response.headersSent || response.destroyed) return void request.destroy();
    response.set('connection', 'close');
    response.on('finish', () => request.destroy());
    sendUploadRefusal(response, refusal);
  }

  app.post('/documents', async (request: Request, response: Response) => {
    const purpose = typeof request.query.for === 'string' ? request.query.for : '';
    const schema = ownerOfPurpose[purpose];
    const declared = request.get('content-length');
    const declaredBytes = declared === undefined ? undefined : Number(declared);
    // Refused before a byte of the body is read: too big by its own declaration, or for nothing.
    if (declaredBytes !== undefined && declaredBytes > options.limits.maxBytes) {
      return cutOff(request, response, {
        status: 413,
        code: 'FILE_TOO_LARGE',
        message: `A document may be at most ${options.limits.maxBytes} bytes.`,
      });
    }
    const signedIn = await signIn(request);
    if ('refusal' in signedIn) return cutOff(request, response, signedIn.refusal);
    const { viewer } = signedIn;
    if (!viewer) return cutOff(request, response, { status: 401, code: 'UNAUTHENTICATED', message: 'Sign in to upload documents.' });
    if (!schema) {
      return cutOff(request, response, {
        status: 400,
        code: 'UNKNOWN_PURPOSE',
        message: `Say what the file is for: POST /documents?for=${Object.keys(ownerOfPurpose).join('|')}.`,
      });
    }
    // Gone while being signed in: there is nothing to send on.
    if (request.destroyed) return;
    const fileName = request.get('x-file-name');
    const ticket: UploadTicket = {
      purpose,
      // Clients percent-encode names that are not ASCII (a header is Latin-1); the subgraph sanitises.
      ...(fileName ? { fileName: safelyDecoded(fileName) } : {}),
      ...(declaredBytes !== undefined && Number.isFinite(declaredBytes) ? { declaredBytes } : {}),
    };
    const encodedTicket = encodeUploadTicket(ticket);
    const upstream = internalRequest(schema, '/upload', viewer, encodedTicket, {
      'content-type': 'application/octet-stream',
      'transfer-encoding': 'chunked',
      [uploadTicketHeader]: encodedTicket,
    });
    const limit = new ByteLimit(options.limits.maxBytes);
    let settled = false;
    const settle = (refusal: { status: number; code: string; message: string }) => {
      if (settled) return;
      settled = true;
      // The subgraph's transaction rolls back when its request is cut: nothing is kept.
      upstream.destroy();
      cutOff(request, response, refusal);
    };

    upstream.on('response', (answer) => {
      if (settled) return void answer.resume();
      settled = true;
      const status = answer.statusCode ?? 502;
      const relayed = status === 201 || (status >= 400 && status < 500) || status === 503 ? status : 502;
      response.status(relayed).type('application/json');
      answer.pipe(response);
      // Refused before the whole body came (a wrong type is known from the first bytes): read no more of it.
      if (!request.complete) {
        request.unpipe();
        response.set('connection', 'close');
        response.on('finish', () => request.destroy());
      }
    });
    upstream.on('error', (error) => {
      if (!settled) log.warn(errorFields(error), 'upload to the owning subgraph failed');
      settle({ status: 502, code: 'UPSTREAM_FAILED', message: 'The upload could not be stored; try again.' });
    });
    limit.on('error', (error) => {
      if (error instanceof FileTooLarge) {
        return settle({ status: 413, code: 'FILE_TOO_LARGE', message: `A document may be at most ${options.limits.maxBytes} bytes.` });
      }
      settle({ status: 400, code: 'TRUNCATED_UPLOAD', message: 'The upload ended before the file did.' });
    });
    // The client went away (or its connection broke) before the whole body came: a truncated upload.
    request.on('close', () => {
      if (!request.complete) settle({ status: 400, code: 'TRUNCATED_UPLOAD', message: 'The upload ended before the file did.' });
    });
    request.pipe(limit).pipe(upstream);
  });

  app.get('/documents/:id', async (request: Request, response: Response) => {
    const parsed = parseDocumentId(String(request.params.id));
    const notFound = () =>
      response.status(404).json({ error: { code: 'NOT_FOUND', message: `Document ${request.params.id} was not found.` } });
    if (!parsed) return void notFound();
    const signedIn = await signIn(request);
    if ('refusal' in signedIn) return void sendUploadRefusal(response, signedIn.refusal);
    const { viewer } = signedIn;
    const body = JSON.stringify({ id: `${parsed.schema}-${parsed.id}` });
    const upstream = internalRequest(parsed.schema, '/download', viewer, body, { 'content-type': 'application/json' });
    upstream.on('response', (answer) => {
      if (answer.statusCode === 404) {
        answer.resume();
        return void notFound();
      }
      if (answer.statusCode !== 200) {
        answer.resume();
        return void response
          .status(502)
          .json({ error: { code: 'UPSTREAM_FAILED', message: 'The document could not be read; try again.' } });
      }
      response.status(200);
      for (const name of downloadHeaderNames) {
        const value = answer.headers[name];
        if (value !== undefined) response.set(name, value);
      }
      // Streamed as it comes, with backpressure: the gateway holds a chunk or two, never the file.
      answer.pipe(response);
      answer.on('error', () => response.destroy());
      response.on('close', () => {
        if (!response.writableFinished) upstream.destroy();
      });
    });
    upstream.on('error', (error) => {
      if (response.headersSent) return void response.destroy();
      log.warn(errorFields(error), 'download from the owning subgraph failed');
      response.status(503).json({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The document service is unavailable; try again.' } });
    });
    upstream.end(body);
  });
}

function safelyDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
