import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { createDocumentsLoader, documentTitle, type DocumentsLoader } from '../../../platform/documents/document-graphql';
import { documentColumns, documentNotFound, type DocumentRow, type DocumentStore } from '../../../platform/documents/document-store';
import type { DocumentReadRule } from '../../../platform/documents/document-routes';
import { conflict, forbidden, notFound } from '../../../platform/errors';
import { hasPlatformRole, type Identity, type Viewer } from '../../../platform/identity';
import { parseId } from '../../../platform/ids';
import { firstRowsPerParentSql, groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import { requireSignedIn } from '../../../platform/sign-in';
import {
  canSeeInnovation,
  canSeeVettingRecord,
  evidenceVettedWithSubmission,
  innovationVisibility,
  isAuthorOf,
  PUBLIC_INNOVATION_STATUS,
  type InnovationVisibility,
} from '../policy';
import type { Evidence, Innovation } from '../entities';

/** Evidence files are attached to evidence items (`document.target_kind`). */
export const EVIDENCE_TARGET = 'EVIDENCE';
/** What an upload for evidence says it is for (`POST /documents?for=evidence`). */
export const EVIDENCE_PURPOSE = 'evidence';

/**
 * Called after an evidence file is attached and committed: the hook through which its text reaches
 * the catalogue's search (platform/documents/text-extraction.ts, wired by the module). Its failure
 * never undoes the attachment; the file is simply not searchable until indexed again.
 */
export type EvidenceDocumentAttached = (dataSource: DataSource, document: DocumentRow, innovationId: string) => Promise<void>;

/** Called inside the removal's transaction: whatever was derived from the file (its indexed text) goes with it. */
export type EvidenceDocumentRemoved = (manager: EntityManager, document: DocumentRow) => Promise<void>;

type EvidenceWithInnovation = Pick<Evidence, 'id' | 'innovationId' | 'vetting'> & Pick<Innovation, 'status' | 'supplierId'>;

/**
 * Files on evidence items (issue 28). Who sees an item sees its files, by the one rule the item
 * follows (policy.ts): its innovation visible to the viewer, and the item vetted or the viewer one
 * who sees the vetting record. An approved innovation's vetted evidence is public, so are its
 * files; anything else (a draft's, pending evidence's) is the supplier's and vetting staff's, and
 * downloading it is audited. Files change only while the item is still to be vetted.
 */
export class EvidenceDocumentService {
  constructor(
    private readonly request: {
      dataSource: DataSource;
      viewer: Identity;
      visibility: InnovationVisibility;
      store: DocumentStore;
      onAttached?: EvidenceDocumentAttached;
      onRemoved?: EvidenceDocumentRemoved;
    },
  ) {
    this.byEvidence = createDocumentsLoader(request.store, request.dataSource, EVIDENCE_TARGET);
  }

  /** Files of evidence items, `first` per item (the item itself is already visible). */
  readonly byEvidence: DocumentsLoader;

  /** Files of every evidence item of each innovation the viewer sees, `first` per innovation, oldest first. */
  readonly byInnovation = loaderPerArguments(
    ({ first }: { first: number }) =>
      new DataLoader<string, DocumentRow[]>(async (ids) => {
        const rows = (await this.request.dataSource.query(
          firstRowsPerParentSql(
            `SELECT ${documentColumns('document')}, evidence.innovation_id AS "innovationId"
               FROM innovations.document document JOIN innovations.evidence evidence ON evidence.id = document.target_id
              WHERE document.status = 'ATTACHED' AND document.target_kind = $1 AND evidence.innovation_id = ANY($2::uuid[])
                AND ${this.shownEvidence('evidence')}`,
            { parent: '"innovationId"', orderBy: '"attachedAt", id', limit: first },
          ),
          [EVIDENCE_TARGET, [...ids], this.ownSupplierId()],
        )) as (DocumentRow & { innovationId: string })[];
        return groupByKeys(ids, rows, (row) => row.innovationId);
      }),
  );

  private ownSupplierId(): string | null {
    const { visibility } = this.request;
    return visibility.everything ? null : visibility.ownSupplierId;
  }

  /** Evidence rows the viewer sees (as the vetting loader's `shownEvidence`), `$3` the viewer's own supplier. */
  private shownEvidence(alias: string): string {
    if (this.request.visibility.everything) return `${alias}.vetting <> 'WITHDRAWN'`;
    return `(${alias}.vetting = 'VETTED' OR (${alias}.vetting = 'PENDING' AND ${alias}.innovation_id IN
             (SELECT id FROM innovations.innovation WHERE supplier_id = CAST($3 AS uuid))))`;
  }

  async attach(input: { uploadId: string; evidenceId: string; title: string }): Promise<DocumentRow> {
    const viewer = requireSignedIn(this.request.viewer);
    const evidenceId = parseId(input.evidenceId, 'input.evidenceId');
    const title = documentTitle(input.title);
    const { document, innovationId } = await this.request.dataSource.transaction(async (manager) => {
      const evidence = await this.changeableEvidence(manager, viewer, evidenceId);
      const upload = await this.request.store.claimUpload(manager, viewer, input.uploadId, [EVIDENCE_PURPOSE]);
      const attached = await this.request.store.attachUpload(manager, viewer, upload, { kind: EVIDENCE_TARGET, id: evidence.id, title });
      return { document: attached, innovationId: evidence.innovationId };
    });
    await this.request.onAttached?.(this.request.dataSource, document, innovationId).catch(() => undefined);
    return document;
  }

  async remove(id: string): Promise<string> {
    const viewer = requireSignedIn(this.request.viewer);
    return this.request.dataSource.transaction(async (manager) => {
      const document = await this.request.store.findAttached(manager, id, true);
      if (!document || document.targetKind !== EVIDENCE_TARGET) throw documentNotFound(id);
      const evidence = await this.evidenceWithInnovation(manager, document.targetId!, true);
      if (!evidence || !this.canSee(viewer, evidence)) throw documentNotFound(id);
      // Platform admins take down a file at any time (a file that should never have been public).
      if (!hasPlatformRole(viewer, 'PLATFORM_ADMIN')) this.assertChangeable(viewer, evidence);
      await this.request.onRemoved?.(manager, document);
      await this.request.store.removeDocument(manager, viewer, document);
      return id;
    });
  }

  /** The rule a download follows (platform/documents/document-routes.ts). */
  readRule(): DocumentReadRule {
    return async (viewer, document) => {
      if (document.targetKind !== EVIDENCE_TARGET) return null;
      const evidence = await this.evidenceWithInnovation(this.request.dataSource.manager, document.targetId!, false);
      if (!evidence || !this.canSee(viewer, evidence, innovationVisibility(viewer))) return null;
      return evidence.status === PUBLIC_INNOVATION_STATUS && evidence.vetting === 'VETTED' ? 'PUBLIC' : 'RESTRICTED';
    };
  }

  private canSee(viewer: Identity, evidence: EvidenceWithInnovation, visibility = this.request.visibility): boolean {
    if (evidence.vetting === 'WITHDRAWN' || !canSeeInnovation(visibility, evidence)) return false;
    return evidence.vetting === 'VETTED' || canSeeVettingRecord(viewer, evidence);
  }

  /** The evidence item with its innovation's status and supplier; the innovation locked first, as every evidence writer does. */
  private async evidenceWithInnovation(manager: EntityManager, evidenceId: string, lock: boolean): Promise<EvidenceWithInnovation | null> {
    if (lock) {
      await manager.query(
        `SELECT 1 FROM innovations.innovation WHERE id = (SELECT innovation_id FROM innovations.evidence WHERE id = $1) FOR NO KEY UPDATE`,
        [evidenceId],
      );
    }
    const [row] = (await manager.query(
      `SELECT evidence.id, evidence.innovation_id AS "innovationId", evidence.vetting, innovation.status, innovation.supplier_id AS "supplierId"
         FROM innovations.evidence evidence JOIN innovations.innovation innovation ON innovation.id = evidence.innovation_id
        WHERE evidence.id = $1${lock ? ' FOR NO KEY UPDATE OF evidence' : ''}`,
      [evidenceId],
    )) as EvidenceWithInnovation[];
    return row ?? null;
  }

  private async changeableEvidence(manager: EntityManager, viewer: Viewer, evidenceId: string): Promise<EvidenceWithInnovation> {
    const evidence = await this.evidenceWithInnovation(manager, evidenceId, true);
    if (!evidence || !this.canSee(viewer, evidence)) throw notFound('EvidenceItem', evidenceId);
    this.assertChangeable(viewer, evidence);
    return evidence;
  }

  /** The supplier's authors, while the item is still to be vetted (with the submission, or as PENDING). */
  private assertChangeable(viewer: Viewer, evidence: EvidenceWithInnovation): void {
    if (!isAuthorOf(viewer, evidence)) throw forbidden("Only the supplier's contributors and admins may change its evidence files.");
    if (evidence.vetting !== 'PENDING' && !evidenceVettedWithSubmission(evidence)) {
      throw conflict('This evidence item is vetted: its files are part of what was vetted. Add a new evidence item instead.', {
        currentStatus: evidence.status,
      });
    }
  }
}
