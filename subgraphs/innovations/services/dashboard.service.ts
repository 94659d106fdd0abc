import { forbidden } from '../../../platform/errors';
import { readPage } from '../../../platform/pagination';
import { Endorsement, Evidence, Innovation } from '../entities';
import type { InnovationCategory, InnovationStatus } from '../generated/graphql';
import type { VettingDecisionModel, VettingQueueEntryModel } from '../mappers';
import { canSeeEvidenceAwaitingConfirmation, canSeeVettingQueue, canSeeVettingRecord } from '../policy';
import type { InnovationsRequest } from './innovation.service';

const dayMs = 24 * 60 * 60 * 1000;
/** What vetting waits on: an innovation, or an approved innovation's revision, submitted or under review. */
const waitingForVetting = ['SUBMITTED', 'UNDER_REVIEW'];

/**
 * What the dashboards ask innovations for. Everything is about the signed-in caller, read from the
 * request; each method is a fixed number of statements whatever the data size.
 */
export class InnovationDashboardService {
  constructor(private readonly request: InnovationsRequest) {}

  private get viewer() {
    return this.request.viewer;
  }

  private get manager() {
    return this.request.dataSource.manager;
  }

  /** The caller's own view: an empty object its fields fill in; null for an anonymous caller. */
  viewerView(): Record<string, never> | null {
    return this.viewer ? {} : null;
  }

  /** Unconfirmed evidence naming the caller's organisation as authority, oldest first; drafts are not asked yet. */
  async evidenceAwaitingConfirmation(first: number | null | undefined): Promise<Evidence[]> {
    const size = readPage({ first }).size;
    if (size === 0 || !canSeeEvidenceAwaitingConfirmation(this.viewer)) return [];
    return this.manager
      .getRepository(Evidence)
      .createQueryBuilder('evidence')
      .innerJoin(Innovation, 'innovation', 'innovation.id = evidence.innovationId')
      .where('evidence.authorityId = :authorityId', { authorityId: this.viewer.organisationId })
      .andWhere(`evidence.confirmation = 'UNCONFIRMED'`)
      .andWhere(`evidence.vetting <> 'WITHDRAWN'`)
      .andWhere(`innovation.status <> 'DRAFT'`)
      .orderBy('evidence.createdAt', 'ASC')
      .addOrderBy('evidence.id', 'ASC')
      .limit(size)
      .getMany();
  }

  /** The innovation an evidence item belongs to, read without the catalogue's visibility (see policy.ts). */
  async innovationOfEvidence(evidence: Evidence): Promise<Innovation> {
    return (await this.request.loaders.innovationById.load(evidence.innovationId))!;
  }

  /** The caller's organisation's innovations per status: its own people see every status. */
  async countsByStatus(): Promise<{ status: InnovationStatus; count: number }[]> {
    if (!this.viewer) return [];
    const rows: { status: InnovationStatus; count: number }[] = await this.manager
      .getRepository(Innovation)
      .createQueryBuilder('innovation')
      .select('innovation.status', 'status')
      .addSelect('COUNT(*)::int', 'count')
      .where('innovation.supplierId = :supplierId', { supplierId: this.viewer.organisationId })
      .groupBy('innovation.status')
      .orderBy('innovation.status')
      .getRawMany();
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }

  /** Endorsements of the caller's organisation's innovations, newest first. */
  async endorsementsReceived(first: number | null | undefined): Promise<Endorsement[]> {
    const size = readPage({ first }).size;
    if (size === 0 || !this.viewer) return [];
    return this.manager
      .getRepository(Endorsement)
      .createQueryBuilder('endorsement')
      .innerJoin(Innovation, 'endorsed', 'endorsed.id = endorsement.innovationId')
      .where('endorsed.supplierId = :supplierId', { supplierId: this.viewer.organisationId })
      .orderBy('endorsement.createdAt', 'DESC')
      .addOrderBy('endorsement.id', 'ASC')
      .limit(size)
      .getMany();
  }

  /**
   * Innovations (or revisions) waiting for vetting, longest first. They wait since their last
   * submission, as the audit trail records it (its latest STATUS_CHANGED to SUBMITTED).
   */
  async vettingQueue(first: number | null | undefined): Promise<VettingQueueEntryModel[]> {
    if (!canSeeVettingQueue(this.viewer)) throw forbidden('Only platform admins and assessors see the vetting queue.');
    const size = readPage({ first }).size;
    if (size === 0) return [];
    const rows: { id: string; review_round: number; waiting_since: Date }[] = await this.manager.query(
      `SELECT innovation.id, innovation.review_round,
              COALESCE(
                (SELECT max(event.at) FROM innovations.audit_event event
                  WHERE event.innovation_id = innovation.id AND event.to_status = 'SUBMITTED'),
                innovation.updated_at) AS waiting_since
         FROM innovations.innovation innovation
        WHERE innovation.status = ANY($1) OR innovation.revision_status = ANY($1)
        ORDER BY waiting_since ASC, innovation.id ASC
        LIMIT $2`,
      [waitingForVetting, size],
    );
    return rows.map((row) => ({ innovationId: row.id, reviewRound: row.review_round, waitingSince: new Date(row.waiting_since) }));
  }

  waitingDays(entry: VettingQueueEntryModel): number {
    return Math.max(0, Math.floor((this.request.clock.now().getTime() - entry.waitingSince.getTime()) / dayMs));
  }

  async queuedInnovation(entry: VettingQueueEntryModel): Promise<Innovation> {
    // Only staff reach the queue, and they see every innovation.
    return (await this.request.loaders.innovationById.load(entry.innovationId))!;
  }

  async assessors(entry: VettingQueueEntryModel, first: number): Promise<{ id: string }[]> {
    return (await this.request.loaders.dashboard.assessorsAssigned(first).load(entry.innovationId)).map((id) => ({ id }));
  }

  latestDecision(innovation: Innovation): Promise<VettingDecisionModel | null> {
    if (!canSeeVettingRecord(this.viewer, innovation)) {
      return Promise.reject(forbidden("Only platform staff and the supplier's own people see vetting decisions."));
    }
    return this.request.loaders.dashboard.latestDecision.load(innovation.id);
  }

  /** Approved innovations are public: anyone may hear of them. Two statements for every category together. */
  async recentlyApproved(category: InnovationCategory, first: number | null | undefined): Promise<Innovation[]> {
    const size = readPage({ first }).size;
    if (size === 0) return [];
    const ids = await this.request.loaders.dashboard.recentlyApprovedIds(size).load(category);
    const innovations = await this.request.loaders.innovationById.loadMany(ids);
    return innovations.filter((innovation): innovation is Innovation => innovation instanceof Innovation);
  }
}
