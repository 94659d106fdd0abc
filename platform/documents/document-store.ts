import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { DocumentLimits } from '../config';
import { conflict, DomainError, ErrorCode, notFound } from '../errors';
import type { Viewer } from '../identity';
import { groupByKeys, firstRowsPerParentSql } from '../loaders';
import { logger } from '../logger';
import { defineRecorder } from '../recorder';
import { sanitiseFileName, sniffBytes, sniffMediaType, type AcceptedMediaType } from './file-type';
import { VirusScanError, type VirusScan, type VirusScanner } from './virus-scan';

/**
 * Documents kept by the subgraph that owns the record they belong to (issue 28), in its own schema
 * (platform/documents/document-tables.ts): innovations keeps evidence files, procurement tender
 * packs and response files. One engine, each subgraph handing it its schema, clock and scanner.
 *
 * The life of a file:
 *   1. upload (`receiveUpload`): the bytes arrive as a stream from the gateway and are sniffed,
 *      scanned and written as 256 KiB chunks inside one transaction with the PENDING row; any
 *      refusal (type, size, virus, a truncated body, a scanner that cannot answer) rolls it all
 *      back, so nothing is stored. The row remembers who uploaded it (person and organisation) and
 *      for what (`purpose`): only they can attach it, only to that kind of record.
 *   2. attach (`attachUpload`): in the transaction of the mutation that checked the target record,
 *      the row becomes ATTACHED to it, with a title.
 *   3. read (`readChunks`): a download streams chunk by chunk from the database, never the whole file.
 *   4. removal (`removeDocument`) or expiry (`expireUploads`, PENDING rows older than the upload
 *      lifetime) deletes the row; its chunks go with it (ON DELETE CASCADE).
 * Every step but a public download leaves an audit entry, in the step's own transaction.
 */

export type DocumentSchema = 'innovations' | 'procurement';

/** The bytes are written in chunks of this size: large enough for few rows, small enough to hold in memory. */
export const documentChunkBytes = 256 * 1024;

/** A document row as stored. */
export interface DocumentRow {
  id: string;
  status: 'PENDING' | 'ATTACHED';
  purpose: string;
  uploadedBy: string;
  uploaderOrganisationId: string;
  fileName: string;
  mediaType: AcceptedMediaType;
  sizeBytes: number;
  sha256: string;
  scan: 'CLEAN' | 'NOT_SCANNED';
  uploadedAt: Date;
  targetKind: string | null;
  targetId: string | null;
  title: string | null;
  attachedBy: string | null;
  attachedAt: Date | null;
}

/** The columns of a `DocumentRow`, from the document table under `alias` (for subgraphs' own joins). */
export function documentColumns(alias: string): string {
  return `${alias}.id, ${alias}.status, ${alias}.purpose, ${alias}.uploaded_by AS "uploadedBy",
  ${alias}.uploader_organisation_id AS "uploaderOrganisationId", ${alias}.file_name AS "fileName", ${alias}.media_type AS "mediaType",
  ${alias}.size_bytes AS "sizeBytes", ${alias}.sha256, ${alias}.scan, ${alias}.uploaded_at AS "uploadedAt", ${alias}.target_kind AS "targetKind",
  ${alias}.target_id AS "targetId", ${alias}.title, ${alias}.attached_by AS "attachedBy", ${alias}.attached_at AS "attachedAt"`;
}

const columns = documentColumns('document');

/**
 * A document's id as clients see it, upload id and document id alike: `<owning subgraph>-<uuid>`,
 * so the gateway knows, from the id alone, which subgraph to send a download to.
 */
export function publicDocumentId(schema: DocumentSchema, id: string): string {
  return `${schema}-${id}`;
}

const publicIdPattern = /^(innovations|procurement)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The owning subgraph and row id of a public document id, or null when it is not one. */
export function parseDocumentId(value: string): { schema: DocumentSchema; id: string } | null {
  const match = publicIdPattern.exec(value.trim().toLowerCase());
  return match ? { schema: match[1] as DocumentSchema, id: match[2]! } : null;
}

/** Why an upload was refused, as the HTTP status and a stable code the client can branch on. */
export class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code:
      | 'EMPTY_FILE'
      | 'FILE_TOO_LARGE'
      | 'UNSUPPORTED_FILE_TYPE'
      | 'INFECTED_FILE'
      | 'TRUNCATED_UPLOAD'
      | 'SCANNER_UNAVAILABLE'
      | 'UNKNOWN_PURPOSE',
    message: string,
  ) {
    super(message);
    this.name = 'UploadRefusal';
  }
}

/** What a stored upload tells its uploader. */
export interface ReceivedUpload {
  uploadId: string;
  fileName: string;
  mediaType: AcceptedMediaType;
  sizeBytes: number;
  sha256: string;
  scan: 'CLEAN' | 'NOT_SCANNED';
  expiresAt: string;
}

interface AuditEntry {
  action: 'UPLOADED' | 'ATTACHED' | 'DOWNLOADED' | 'REMOVED' | 'EXPIRED';
  documentId: string;
  personId: string | null;
  organisationId: string | null;
  targetKind: string | null;
  targetId: string | null;
  detail: string | null;
}

function auditRecorder(schema: DocumentSchema) {
  return defineRecorder<AuditEntry>({
    table: `${schema}.document_audit`,
    atColumn: 'at',
    columns: {
      action: 'action',
      documentId: 'document_id',
      personId: 'person_id',
      organisationId: 'organisation_id',
      targetKind: 'target_kind',
      targetId: 'target_id',
      detail: 'detail',
    },
  });
}

export interface DocumentStoreOptions {
  schema: DocumentSchema;
  clock: Clock;
  limits: DocumentLimits;
  scanner: VirusScanner;
}

export class DocumentStore {
  readonly schema: DocumentSchema;
  private readonly audit: ReturnType<typeof auditRecorder>;

  /** Uploads being stored now, and those waiting for a turn (`limits.concurrentUploads`). */
  private storing = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: DocumentStoreOptions) {
    this.schema = options.schema;
    this.audit = auditRecorder(options.schema);
  }

  /**
   * Waits for one of the `concurrentUploads` turns. An upload holds a database connection while
   * its client sends; a waiting one holds nothing, and its body stays unread (TCP backpressure
   * slows its client) until its turn comes.
   */
  private async takeTurn(): Promise<() => void> {
    if (this.storing >= this.options.limits.concurrentUploads) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.storing += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line, so `storing` never counts it twice.
      if (next) next();
      else this.storing -= 1;
    };
  }

  get limits(): DocumentLimits {
    return this.options.limits;
  }

  /**
   * Stores one upload from a stream, or throws an UploadRefusal having stored nothing. The stream is
   * read chunk by chunk with backpressure (each chunk is scanned and inserted before the next is
   * read), so memory holds one chunk at a time whatever the file's size.
   */
  async receiveUpload(
    dataSource: DataSource,
    upload: {
      uploader: Viewer;
      purpose: string;
      fileName: string | undefined;
      declaredBytes: number | undefined;
      body: AsyncIterable<Buffer>;
    },
  ): Promise<ReceivedUpload> {
    const { maxBytes, uploadTtlMs } = this.options.limits;
    if (upload.declaredBytes !== undefined && upload.declaredBytes > maxBytes) {
      throw new UploadRefusal(413, 'FILE_TOO_LARGE', `A document may be at most ${maxBytes} bytes.`);
    }
    if (!this.options.scanner.available) {
      throw new UploadRefusal(503, 'SCANNER_UNAVAILABLE', 'Uploads are refused while no virus scanner is configured.');
    }
    const release = await this.takeTurn();
    let scan: VirusScan;
    try {
      scan = await this.options.scanner.start();
    } catch (error) {
      release();
      logger('documents').error({ err: error }, 'virus scanner unavailable; upload refused');
      throw new UploadRefusal(503, 'SCANNER_UNAVAILABLE', 'The virus scanner is unavailable; try again later.');
    }
    const id = randomUUID();
    const now = this.options.clock.now();
    try {
      return await dataSource.transaction(async (manager) => {
        const digest = createHash('sha256');
        let received = 0;
        let sequence = 0;
        let mediaType: AcceptedMediaType | null = null;
        let pending: Buffer[] = [];
        let pendingBytes = 0;

        const writeChunk = async (chunk: Buffer) => {
          if (mediaType === null) {
            mediaType = await sniffMediaType(chunk.subarray(0, sniffBytes));
            if (!mediaType) {
              throw new UploadRefusal(
                415,
                'UNSUPPORTED_FILE_TYPE',
                'Only PDF, Word (.docx), Excel (.xlsx), CSV, PNG and JPEG files are accepted.',
              );
            }
            await manager.query(
              `INSERT INTO ${this.schema}.document (id, status, purpose, uploaded_by, uploader_organisation_id, file_name, media_type, size_bytes, sha256, scan, uploaded_at)
               VALUES ($1, 'PENDING', $2, $3, $4, $5, $6, $7, '', 'NOT_SCANNED', $8)`,
              [
                id,
                upload.purpose,
                upload.uploader.personId,
                upload.uploader.organisationId,
                sanitiseFileName(upload.fileName, mediaType),
                mediaType,
                chunk.length,
                now,
              ],
            );
          }
          await scan.write(chunk);
          await manager.query(`INSERT INTO ${this.schema}.document_chunk (document_id, sequence, bytes) VALUES ($1, $2, $3)`, [
            id,
            sequence,
            chunk,
          ]);
          sequence += 1;
        };

        for await (const piece of upload.body) {
          received += piece.length;
          if (received > maxBytes) throw new UploadRefusal(413, 'FILE_TOO_LARGE', `A document may be at most ${maxBytes} bytes.`);
          digest.update(piece);
          pending.push(piece);
          pendingBytes += piece.length;
          while (pendingBytes >= documentChunkBytes) {
            const joined = Buffer.concat(pending, pendingBytes);
            await writeChunk(joined.subarray(0, documentChunkBytes));
            const rest = joined.subarray(documentChunkBytes);
            pending = rest.length ? [Buffer.from(rest)] : [];
            pendingBytes = rest.length;
          }
        }
        if (received === 0) throw new UploadRefusal(400, 'EMPTY_FILE', 'The file is empty.');
        if (upload.declaredBytes !== undefined && received !== upload.declaredBytes) {
          throw new UploadRefusal(400, 'TRUNCATED_UPLOAD', `The upload ended after ${received} of ${upload.declaredBytes} bytes.`);
        }
        if (pendingBytes > 0) await writeChunk(Buffer.concat(pending, pendingBytes));

        const verdict = await scan.finish();
        if (verdict.verdict === 'infected') {
          logger('documents').warn({ signature: verdict.signature, personId: upload.uploader.personId }, 'infected upload refused');
          throw new UploadRefusal(422, 'INFECTED_FILE', `The file contains a virus (${verdict.signature}) and was not stored.`);
        }
        const sha256 = digest.digest('hex');
        const scanned = verdict.verdict === 'clean' ? 'CLEAN' : 'NOT_SCANNED';
        const [[row]] = (await manager.query(
          `UPDATE ${this.schema}.document SET size_bytes = $2, sha256 = $3, scan = $4 WHERE id = $1 RETURNING file_name AS "fileName", media_type AS "mediaType"`,
          [id, received, sha256, scanned],
        )) as [[{ fileName: string; mediaType: AcceptedMediaType }], number];
        await this.audit.record(manager, {
          at: now,
          action: 'UPLOADED',
          documentId: id,
          personId: upload.uploader.personId,
          organisationId: upload.uploader.organisationId,
          targetKind: null,
          targetId: null,
          detail: `${row.fileName} (${row.mediaType}, ${received} bytes, ${scanned === 'CLEAN' ? 'scanned clean' : 'not scanned'}) for ${upload.purpose}`,
        });
        return {
          uploadId: publicDocumentId(this.schema, id),
          fileName: row.fileName,
          mediaType: row.mediaType,
          sizeBytes: received,
          sha256,
          scan: scanned,
          expiresAt: new Date(now.getTime() + uploadTtlMs).toISOString(),
        };
      });
    } catch (error) {
      scan.abort();
      if (error instanceof UploadRefusal) throw error;
      if (error instanceof VirusScanError) {
        logger('documents').error({ err: error }, 'virus scan failed; upload refused');
        throw new UploadRefusal(503, 'SCANNER_UNAVAILABLE', 'The virus scan could not be completed; try again later.');
      }
      // The body stream failed: the client (or the gateway) went away before the end.
      if (isAbortedStream(error)) throw new UploadRefusal(400, 'TRUNCATED_UPLOAD', 'The upload ended before the file did.');
      throw error;
    } finally {
      release();
    }
  }

  /**
   * Takes the caller's own pending upload, for `purpose`, locking it for the attaching transaction.
   * Someone else's upload, an expired or unknown one, are all NOT_FOUND (an upload id reveals
   * nothing to anyone but its uploader); one already attached is a CONFLICT.
   */
  async claimUpload(manager: EntityManager, viewer: Viewer, uploadId: string, purposes: readonly string[]): Promise<DocumentRow> {
    const parsed = parseDocumentId(uploadId);
    if (!parsed || parsed.schema !== this.schema) {
      throw new DomainError(ErrorCode.NOT_FOUND, `No upload of yours has the id ${uploadId}.`, {
        typeName: 'Upload',
        id: uploadId,
        field: 'uploadId',
      });
    }
    const [row] = (await manager.query(`SELECT ${columns} FROM ${this.schema}.document document WHERE id = $1 FOR UPDATE`, [
      parsed.id,
    ])) as DocumentRow[];
    const expired =
      row && row.status === 'PENDING' && row.uploadedAt.getTime() + this.options.limits.uploadTtlMs <= this.options.clock.now().getTime();
    if (!row || row.uploadedBy !== viewer.personId || row.uploaderOrganisationId !== viewer.organisationId || expired) {
      throw new DomainError(ErrorCode.NOT_FOUND, `No upload of yours has the id ${uploadId}.`, {
        typeName: 'Upload',
        id: uploadId,
        field: 'uploadId',
      });
    }
    if (row.status !== 'PENDING') throw conflict(`Upload ${uploadId} is already attached.`, { field: 'uploadId' });
    if (!purposes.includes(row.purpose)) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `Upload ${uploadId} was made for ${row.purpose}, not for this record.`, {
        argument: 'uploadId',
      });
    }
    return row;
  }

  /** Attaches a claimed upload to its record, in the transaction that checked the caller may change that record. */
  async attachUpload(
    manager: EntityManager,
    viewer: Viewer,
    upload: DocumentRow,
    target: { kind: string; id: string; title: string },
  ): Promise<DocumentRow> {
    const now = this.options.clock.now();
    const [[row]] = (await manager.query(
      `UPDATE ${this.schema}.document AS document SET status = 'ATTACHED', target_kind = $2, target_id = $3, title = $4, attached_by = $5, attached_at = $6
       WHERE id = $1 RETURNING ${columns}`,
      [upload.id, target.kind, target.id, target.title, viewer.personId, now],
    )) as [DocumentRow[], number];
    await this.audit.record(manager, {
      at: now,
      action: 'ATTACHED',
      documentId: upload.id,
      personId: viewer.personId,
      organisationId: viewer.organisationId,
      targetKind: target.kind,
      targetId: target.id,
      detail: target.title,
    });
    return row!;
  }

  /** One attached document by its public id (null when unknown, pending, or another subgraph's). */
  async findAttached(manager: EntityManager | DataSource, publicId: string, lock = false): Promise<DocumentRow | null> {
    const parsed = parseDocumentId(publicId);
    if (!parsed || parsed.schema !== this.schema) return null;
    const [row] = (await manager.query(
      `SELECT ${columns} FROM ${this.schema}.document document WHERE id = $1 AND status = 'ATTACHED'${lock ? ' FOR UPDATE' : ''}`,
      [parsed.id],
    )) as DocumentRow[];
    return row ?? null;
  }

  /**
   * The attached documents of many records of one kind, oldest first, at most `first` each: one
   * statement, rows grouped by target id in the order the ids were given (a DataLoader's batch).
   */
  async attachedTo(
    manager: EntityManager | DataSource,
    kind: string,
    targetIds: readonly string[],
    first: number,
  ): Promise<DocumentRow[][]> {
    const rows = (await manager.query(
      firstRowsPerParentSql(
        `SELECT ${columns} FROM ${this.schema}.document document WHERE status = 'ATTACHED' AND target_kind = $1 AND target_id = ANY($2::uuid[])`,
        { parent: '"targetId"', orderBy: '"attachedAt", id', limit: first },
      ),
      [kind, [...targetIds]],
    )) as DocumentRow[];
    return groupByKeys(targetIds, rows, (row) => row.targetId!);
  }

  /** Deletes an attached document and its bytes, recording who removed it. */
  async removeDocument(manager: EntityManager, viewer: Viewer, document: DocumentRow): Promise<void> {
    await manager.query(`DELETE FROM ${this.schema}.document WHERE id = $1`, [document.id]);
    await this.audit.record(manager, {
      at: this.options.clock.now(),
      action: 'REMOVED',
      documentId: document.id,
      personId: viewer.personId,
      organisationId: viewer.organisationId,
      targetKind: document.targetKind,
      targetId: document.targetId,
      detail: document.fileName,
    });
  }

  /** Records a download of a file that is not public (a sealed response's, a draft's, a members-only one). */
  async recordDownload(dataSource: DataSource, viewer: Viewer | null, document: DocumentRow): Promise<void> {
    await dataSource.transaction((manager) =>
      this.audit.record(manager, {
        at: this.options.clock.now(),
        action: 'DOWNLOADED',
        documentId: document.id,
        personId: viewer?.personId ?? null,
        organisationId: viewer?.organisationId ?? null,
        targetKind: document.targetKind,
        targetId: document.targetId,
        detail: document.fileName,
      }),
    );
  }

  /** The bytes of a document, one chunk per read: what a download streams. */
  async *readChunks(dataSource: DataSource, document: Pick<DocumentRow, 'id' | 'sizeBytes'>): AsyncGenerator<Buffer> {
    const count = Math.ceil(document.sizeBytes / documentChunkBytes);
    for (let sequence = 0; sequence < count; sequence += 1) {
      const [row] = (await dataSource.query(`SELECT bytes FROM ${this.schema}.document_chunk WHERE document_id = $1 AND sequence = $2`, [
        document.id,
        sequence,
      ])) as { bytes: Uint8Array }[];
      // Removed while being read: the download ends short, and the gateway sees the connection cut.
      if (!row) throw new Error(`document ${document.id} lost chunk ${sequence} while being read`);
      yield Buffer.isBuffer(row.bytes) ? row.bytes : Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
    }
  }

  /** Deletes uploads never attached within their lifetime (the expiry job's body); returns how many. */
  async expireUploads(manager: EntityManager, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.limits.uploadTtlMs);
    const [expired] = (await manager.query(
      `DELETE FROM ${this.schema}.document WHERE status = 'PENDING' AND uploaded_at <= $1
       RETURNING id, uploaded_by AS "uploadedBy", uploader_organisation_id AS "uploaderOrganisationId", file_name AS "fileName"`,
      [cutoff],
    )) as [Pick<DocumentRow, 'id' | 'uploadedBy' | 'uploaderOrganisationId' | 'fileName'>[], number];
    for (const row of expired) {
      await this.audit.record(manager, {
        at: now,
        action: 'EXPIRED',
        documentId: row.id,
        personId: row.uploadedBy,
        organisationId: row.uploaderOrganisationId,
        targetKind: null,
        targetId: null,
        detail: row.fileName,
      });
    }
    return expired.length;
  }
}

/** `notFound` for a document id, the one message every path uses. */
export const documentNotFound = (id: string) => notFound('Document', id);

function isAbortedStream(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error instanceof Error && error.message === 'aborted');
}
