import { LessThanOrEqual, type DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { forbidden } from '../../../platform/errors';
import type { Identity } from '../../../platform/identity';
import { parseId } from '../../../platform/ids';
import { MAX_PAGE_SIZE, pageAndPrime, readPage, withSortValues, type ConnectionArgs, type PageSource } from '../../../platform/pagination';
import { Innovation, InnovationRevision, type AuditEvent, type Evidence } from '../entities';
import type { InnovationFilter, InnovationOrder } from '../generated/graphql';
import type { InnovationsLoaders } from '../loaders';
import type { InnovationConnectionModel } from '../mappers';
import { applyInnovationVisibility, canSeeAuditTrail, canSeeInnovation, canSeeVettingRecord, type InnovationVisibility } from '../policy';
import { canAssess, canDecide, canEndorse, evidenceAnswerMachine, innovationMachine, type AssessorStanding } from '../status-machines';
import { countFacets, countMatches, type FacetCountsWithEstimate, type MatchCount } from './innovation-counts';
import { applyInnovationCriteria, readInnovationFilter } from './innovation-criteria';
import { withMatchedDocuments } from './document-search';
import { applySearch, fetchOrderedPage, readOrder, readSearch } from './innovation-search';

type ListArgs = ConnectionArgs & { filter?: InnovationFilter | null };
type SearchArgs = ListArgs & { search?: string | null; orderBy?: InnovationOrder | null };

const byTitle = (innovation: Innovation) => innovation.title;
const noFacets = (): Promise<FacetCountsWithEstimate> =>
  Promise.resolve({ categories: [], trls: [], nations: [], certifications: [], isEstimate: false });

/** YYYY-MM-DD in Europe/London. Made once: building an Intl formatter costs far more than using one. */
const ukDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in the UK, where certificates expire. */
export function ukDate(instant: Date): string {
  return ukDateFormat.format(instant);
}

export interface InnovationsRequest {
  dataSource: DataSource;
  loaders: InnovationsLoaders;
  visibility: InnovationVisibility;
  viewer: Identity;
  /** The module's clock (subgraph.ts): revisions, audit and assessment times and "today" follow it. */
  clock: Clock;
  assessmentsRequired: number;
}

/** Reading innovations: the catalogue, one innovation (now or as of a date) and its vetting record. */
export class InnovationService {
  constructor(private readonly request: InnovationsRequest) {}

  private get loaders() {
    return this.request.loaders;
  }

  /**
   * One innovation by id (`innovation(id)` and `_entities`); null when the viewer may not see it,
   * as if missing. With `asOf`, the approved version listed at that instant, which anyone may see:
   * it was public then.
   */
  async findById(id: string, asOf?: Date | null): Promise<Innovation | null> {
    const innovation = await this.loaders.innovationById.load(parseId(id));
    if (!innovation) return null;
    if (asOf) return this.asListedAt(innovation, asOf);
    return canSeeInnovation(this.request.visibility, innovation) ? innovation : null;
  }

  private async asListedAt(innovation: Innovation, asOf: Date): Promise<Innovation | null> {
    // The one revision approved last before the instant (not the bounded `revisions` list, which may stop short of it).
    const listed = (
      await this.request.dataSource.getRepository(InnovationRevision).find({
        where: { innovationId: innovation.id, approvedAt: LessThanOrEqual(asOf) },
        order: { approvedAt: 'DESC', number: 'DESC' },
        take: 1,
      })
    ).find((r) => r.supersededAt === null || r.supersededAt > asOf);
    if (!listed) return null;
    return Object.assign(new Innovation(), innovation, listed.content, {
      status: 'APPROVED' as const,
      revisionStatus: null,
      pendingContent: null,
      updatedAt: listed.approvedAt,
    });
  }

  /**
   * The catalogue as the viewer may see it: searched, filtered and ordered as asked. One statement
   * for the page, and one for `totalCount` or `facets` or both, only if selected (a ranked search
   * answers `totalCount` from its page statement).
   */
  async list(args: SearchArgs): Promise<InnovationConnectionModel> {
    const page = readPage(args);
    const today = ukDate(this.request.clock.now());
    const criteria = readInnovationFilter(args.filter, today);
    const terms = readSearch(args.search);
    const order = readOrder(args.orderBy, terms);
    const query = applyInnovationCriteria(this.request.dataSource.getRepository(Innovation).createQueryBuilder('innovation'), criteria);
    applySearch(query, terms);
    // Before any clone: page, totalCount and facets see exactly the rows the viewer may see.
    applyInnovationVisibility(query, this.request.visibility);
    const counting = query.clone();
    const faceting = query.clone();
    let faceted: ReturnType<typeof countFacets> | undefined;
    const searched = terms.kind === 'query';
    const facetsAndCount = () => (faceted ??= countFacets(faceting, searched, today));
    // Set by a ranked page, which counts its matches in its own statement (unless it was an empty page
    // past the last one, or no page was read).
    let rankedCount: MatchCount | undefined;
    let counted: Promise<MatchCount> | undefined;
    // Without that count, when `facets` is selected too, its statement counts: graphql-js asks for every
    // selected field of the connection in one synchronous pass, so one microtask later `facets` has
    // been asked for if it ever will be.
    const count = () =>
      (counted ??= rankedCount
        ? Promise.resolve(rankedCount)
        : Promise.resolve().then(() => (faceted ? faceted.then((answer) => answer.count) : countMatches(counting, searched))));
    const source: PageSource<Innovation> = {
      rows: async (page) => {
        const ordered = await fetchOrderedPage(query, order, page);
        rankedCount = ordered.matchCount;
        return ordered;
      },
      totalCount: async () => (await count()).count,
    };
    const connection = await pageAndPrime(page, source, this.loaders.innovationById);
    return {
      ...connection,
      // A hit names the evidence documents whose text matched (issue 28 item 5).
      edges: terms.kind === 'query' ? withMatchedDocuments(this.request.dataSource, connection.edges, terms.tsquery) : connection.edges,
      totalCountIsEstimate: async () => (await count()).isEstimate,
      facets: async () => (await facetsAndCount()).facets,
    };
  }

  /**
   * One supplier's innovations, as the viewer may see them. Batched across every supplier the request asks about with the same
   * arguments; the count runs only if `totalCount` is selected, again once for all of them.
   */
  async listBySupplier(supplierId: string, args: ListArgs): Promise<InnovationConnectionModel> {
    const page = readPage(args);
    const criteria = readInnovationFilter(args.filter, ukDate(this.request.clock.now()));
    const id = parseId(supplierId);
    const { innovationsBySupplier } = this.loaders;
    const count = () => innovationsBySupplier.count(criteria).load(id);
    const source: PageSource<Innovation> = {
      rows: async (page) => withSortValues(await innovationsBySupplier.page(page, criteria).load(id), byTitle),
      totalCount: async () => (await count()).count,
    };
    const connection = await pageAndPrime(page, source, this.loaders.innovationById);
    return { ...connection, totalCountIsEstimate: async () => (await count()).isEstimate, facets: noFacets };
  }

  async evidence(innovation: Innovation) {
    const [items, certifications] = await Promise.all([
      this.loaders.vetting.evidence.load(innovation.id),
      this.loaders.vetting.certifications.load(innovation.id),
    ]);
    const today = ukDate(this.request.clock.now());
    const by = (confirmation: Evidence['confirmation']) => items.filter((item) => item.confirmation === confirmation);
    return {
      confirmed: by('CONFIRMED'),
      disputed: by('DISPUTED'),
      unconfirmed: by('UNCONFIRMED'),
      certifications: certifications.map((c) => ({ ...c, expired: c.expiresOn !== null && c.expiresOn < today })),
    };
  }

  /** Null and FORBIDDEN for anyone but vetting staff and the supplier: one supplier never sees another's. */
  async assessments(innovation: Innovation, first: number) {
    if (!canSeeVettingRecord(this.request.viewer, innovation)) {
      throw forbidden('Only the supplier and vetting staff may see assessments.');
    }
    return this.loaders.vetting.assessments(first).load(innovation.id);
  }

  revisions(innovation: Innovation, first: number) {
    return this.loaders.vetting.revisions(first).load(innovation.id);
  }

  pendingRevision(innovation: Innovation) {
    if (!innovation.revisionStatus || !innovation.pendingContent) return null;
    if (!canSeeVettingRecord(this.request.viewer, innovation)) {
      throw forbidden('Only the supplier and vetting staff may see a pending revision.');
    }
    return { ...innovation.pendingContent, status: innovation.revisionStatus };
  }

  endorsements(innovation: Innovation, first: number) {
    return this.loaders.vetting.endorsements(first).load(innovation.id);
  }

  endorsementsByOrganisation(organisationId: string, first: number) {
    return this.loaders.vetting.endorsementsByOrganisation(first).load(parseId(organisationId));
  }

  async auditTrail(innovation: Innovation, first: number): Promise<AuditEvent[]> {
    if (!canSeeAuditTrail(this.request.viewer, innovation)) {
      throw forbidden('Only platform staff and the supplier may see the audit trail.');
    }
    return this.loaders.vetting.auditTrail(first).load(innovation.id);
  }

  /** An assessor's standing on an innovation, from the request's loaders (no SQL for other viewers). */
  async standing(innovation: Innovation): Promise<AssessorStanding> {
    const { vetting } = this.loaders;
    const [assigned, declaration, conflicted] = await Promise.all([
      vetting.assignedToViewer.load(innovation.id),
      vetting.viewerDeclarations.load(innovation.id),
      vetting.viewerConflictedSuppliers(),
    ]);
    return {
      assigned,
      declaredNoConflict: declaration !== null && !declaration.conflicted,
      conflictedWithSupplier: conflicted.has(innovation.supplierId),
    };
  }

  /** `viewerCan`, from the same status machines (status-machines.ts) and policy rules the mutations enforce. */
  async capabilities(innovation: Innovation) {
    const viewer = this.request.viewer;
    if (!viewer) {
      return { edit: false, submit: false, withdraw: false, assess: false, decide: false, endorse: false, confirmEvidence: false };
    }
    const [standing, endorsed, evidence, assessments] = await Promise.all([
      this.standing(innovation),
      this.loaders.vetting.endorsedByViewerOrganisation.load(innovation.id),
      this.loaders.vetting.evidence.load(innovation.id),
      canDecide(viewer, innovation, { assigned: true, declaredNoConflict: true, conflictedWithSupplier: false })
        ? this.loaders.vetting.assessments(MAX_PAGE_SIZE).load(innovation.id)
        : Promise.resolve([]),
    ]);
    return {
      edit: innovationMachine.capable('edit', viewer, innovation),
      submit: innovationMachine.capable('submit', viewer, innovation),
      withdraw: innovationMachine.capable('withdraw', viewer, innovation),
      assess: canAssess(viewer, innovation, standing) && !assessments.some((a) => a.assessorId === viewer.personId),
      decide: canDecide(viewer, innovation, standing) && assessments.length >= this.request.assessmentsRequired,
      endorse: canEndorse(viewer, innovation, endorsed),
      confirmEvidence: evidence.some((item) => evidenceAnswerMachine.capable('confirm', viewer, item)),
    };
  }
}
