import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { createDocumentsLoader, documentTitle, type DocumentsLoader } from '../../../platform/documents/document-graphql';
import { documentNotFound, type DocumentRow, type DocumentStore } from '../../../platform/documents/document-store';
import type { DocumentReadRule } from '../../../platform/documents/document-routes';
import { badUserInput, conflict, forbidden, notFound } from '../../../platform/errors';
import { belongsTo, type Identity, type Viewer } from '../../../platform/identity';
import { parseId } from '../../../platform/ids';
import { requireSignedIn } from '../../../platform/sign-in';
import { ProcurementProject, ProcurementResponse } from '../entities';
import type { ProcurementLoaders } from '../loaders';
import { actsForSupplier, canReadResponse, canSeeProject, isBuyerTeam, projectStatus, wasMadePublic, type ProjectStatus } from '../policy';

/** A tender pack's files are attached to the project, a response's to the response (`document.target_kind`). */
export const PROJECT_TARGET = 'PROJECT';
export const RESPONSE_TARGET = 'RESPONSE';
/** What an upload says it is for (`POST /documents?for=…`). */
export const TENDER_PACK_PURPOSE = 'tender-pack';
export const RESPONSE_PURPOSE = 'response';

/** A tender pack changes while the project is a draft or still open for responses (addenda before the deadline). */
const tenderPackChangesIn: readonly ProjectStatus[] = ['DRAFT', 'PUBLISHED', 'CLARIFICATION'];
/** A response's files change while responses may be submitted: before the deadline. */
const responseFilesChangeIn: readonly ProjectStatus[] = ['PUBLISHED', 'CLARIFICATION'];

/**
 * Tender packs and response files (issue 28), each read by exactly who may read its record
 * (policy.ts): a tender pack by whoever sees the project (public once published); a response's
 * files sealed as the response is, before the deadline only its supplier's, after it the buyer's
 * team's too, never another supplier's, and never the buyer's once the supplier withdrew it. Every
 * download of a response file or of an unpublished project's pack is audited.
 */
export class ProcurementDocumentService {
  constructor(
    private readonly request: {
      dataSource: DataSource;
      viewer: Identity;
      clock: Clock;
      store: DocumentStore;
      loaders?: ProcurementLoaders;
    },
  ) {
    this.byProject = createDocumentsLoader(request.store, request.dataSource, PROJECT_TARGET);
    this.byResponse = createDocumentsLoader(request.store, request.dataSource, RESPONSE_TARGET);
  }

  /** A visible project's tender pack, `first` per project. */
  readonly byProject: DocumentsLoader;

  private readonly byResponse: DocumentsLoader;

  private now(): Date {
    return this.request.clock.now();
  }

  /**
   * A response's files, by the sealed-response rule checked again here: whatever path led to the
   * response, its files are never listed to someone who may not read it.
   */
  async responseDocuments(response: ProcurementResponse, first: number): Promise<DocumentRow[]> {
    const project = await this.request.loaders!.projectById.load(response.projectId);
    if (!project || !this.mayReadResponseFiles(this.request.viewer, project, response)) return [];
    return this.byResponse({ first }).load(response.id);
  }

  private mayReadResponseFiles(
    viewer: Identity,
    project: ProcurementProject,
    response: Pick<ProcurementResponse, 'supplierId' | 'withdrawnAt'>,
  ) {
    if (!canReadResponse(viewer, project, response, this.now())) return false;
    // A withdrawn response is no tender: the buyer never reads it; its supplier still does.
    return response.withdrawnAt === null || belongsTo(viewer, response.supplierId);
  }

  async attach(input: { uploadId: string; title: string; projectId?: string | null; responseId?: string | null }): Promise<DocumentRow> {
    const viewer = requireSignedIn(this.request.viewer);
    if (!input.projectId === !input.responseId) throw badUserInput('Give exactly one of projectId and responseId.', 'input');
    const title = documentTitle(input.title);
    return this.request.dataSource.transaction(async (manager) => {
      if (input.projectId) {
        const project = await this.changeableTenderPack(manager, viewer, parseId(input.projectId, 'input.projectId'));
        const upload = await this.request.store.claimUpload(manager, viewer, input.uploadId, [TENDER_PACK_PURPOSE]);
        return this.request.store.attachUpload(manager, viewer, upload, { kind: PROJECT_TARGET, id: project.id, title });
      }
      const response = await this.changeableResponse(manager, viewer, parseId(input.responseId!, 'input.responseId'));
      const upload = await this.request.store.claimUpload(manager, viewer, input.uploadId, [RESPONSE_PURPOSE]);
      return this.request.store.attachUpload(manager, viewer, upload, { kind: RESPONSE_TARGET, id: response.id, title });
    });
  }

  async remove(id: string): Promise<string> {
    const viewer = requireSignedIn(this.request.viewer);
    return this.request.dataSource.transaction(async (manager) => {
      const document = await this.request.store.findAttached(manager, id, true);
      if (!document) throw documentNotFound(id);
      try {
        if (document.targetKind === PROJECT_TARGET) await this.changeableTenderPack(manager, viewer, document.targetId!);
        else await this.changeableResponse(manager, viewer, document.targetId!);
      } catch (error) {
        // A record the caller may not see hides its files too.
        if ((error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') throw documentNotFound(id);
        throw error;
      }
      await this.request.store.removeDocument(manager, viewer, document);
      return id;
    });
  }

  /** The rule a download follows (platform/documents/document-routes.ts). */
  readRule(): DocumentReadRule {
    return async (viewer, document) => {
      const manager = this.request.dataSource.manager;
      if (document.targetKind === PROJECT_TARGET) {
        const project = await manager.findOne(ProcurementProject, { where: { id: document.targetId! } });
        if (!project || !canSeeProject(viewer, project)) return null;
        return wasMadePublic(project) ? 'PUBLIC' : 'RESTRICTED';
      }
      if (document.targetKind !== RESPONSE_TARGET) return null;
      const response = await manager.findOne(ProcurementResponse, { where: { id: document.targetId! } });
      const project = response && (await manager.findOne(ProcurementProject, { where: { id: response.projectId } }));
      if (!response || !project || !this.mayReadResponseFiles(viewer, project, response)) return null;
      return 'RESTRICTED';
    };
  }

  /** The buyer's team's project, locked, while its tender pack may change. */
  private async changeableTenderPack(manager: EntityManager, viewer: Viewer, projectId: string): Promise<ProcurementProject> {
    const project = await manager.findOne(ProcurementProject, { where: { id: projectId }, lock: { mode: 'pessimistic_write' } });
    if (!project || !canSeeProject(viewer, project)) throw notFound('ProcurementProject', projectId);
    if (!isBuyerTeam(viewer, project)) throw forbidden("Only the buyer's team may change a project's tender pack.");
    const status = projectStatus(project, this.now());
    if (!tenderPackChangesIn.includes(status)) {
      throw conflict(`The tender pack changes only until the response deadline; the project is ${status}.`, { currentStatus: status });
    }
    return project;
  }

  /** The caller's own standing response, locked, before the deadline. */
  private async changeableResponse(manager: EntityManager, viewer: Viewer, responseId: string): Promise<ProcurementResponse> {
    const response = await manager.findOne(ProcurementResponse, { where: { id: responseId }, lock: { mode: 'pessimistic_write' } });
    const project = response && (await manager.findOne(ProcurementProject, { where: { id: response.projectId } }));
    // Sealed: a response the caller may not read is as absent as an unknown id.
    if (!response || !project || !canReadResponse(viewer, project, response, this.now())) throw notFound('ProcurementResponse', responseId);
    if (!actsForSupplier(viewer, response.supplierId))
      throw forbidden("Only the responding supplier's contributors and admins may change its files.");
    const status = projectStatus(project, this.now());
    if (!responseFilesChangeIn.includes(status)) {
      throw conflict(`A response's files change only before the response deadline; the project is ${status}.`, { currentStatus: status });
    }
    if (response.withdrawnAt !== null) throw conflict('This response was withdrawn; submit it again before attaching files.');
    return response;
  }
}
