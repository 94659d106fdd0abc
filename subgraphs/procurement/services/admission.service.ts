import type { DataSource } from 'typeorm';
import { badUserInput, conflict, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { Admission, Lot, ProcurementRoute, type AdmissionStatus } from '../entities';
import type { ApplyForAdmissionInput, DecideAdmissionInput } from '../generated/graphql';
import { canApplyForAdmission, canDecideAdmission, canSeeAdmission } from '../policy';
import type { Clock } from './clock';
import { audit, illegalState, optionalText, refuse, updateAtVersion } from './write-helpers';

/** Which decisions staff may take from each status. */
export const admissionTransitions: Record<AdmissionStatus, readonly AdmissionStatus[]> = {
  APPLIED: ['ADMITTED', 'REJECTED'],
  ADMITTED: ['SUSPENDED', 'EXPIRED'],
  SUSPENDED: ['ADMITTED', 'EXPIRED'],
  REJECTED: [],
  EXPIRED: [],
};

const dynamicKinds = ['DYNAMIC_PURCHASING_SYSTEM', 'DYNAMIC_MARKET'];

/** Frameworks take applications only while OPEN; dynamic markets and DPSs at any time while open or live. */
export function acceptsApplications(route: Pick<ProcurementRoute, 'kind' | 'status'>): boolean {
  return route.status === 'OPEN' || (dynamicKinds.includes(route.kind) && route.status === 'LIVE');
}

export class AdmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  async apply(input: ApplyForAdmissionInput): Promise<Admission> {
    if (!canApplyForAdmission(this.viewer)) refuse(this.viewer, "Only a supplier's ORG_ADMIN may apply to a lot.");
    const conflicts = optionalText(input.conflictsOfInterest, 'conflictsOfInterest', 4000);
    const lotId = parseId(input.lotId, 'lotId');
    const viewer = this.viewer!;
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.findOne(Lot, { where: { id: lotId } });
      if (!lot) throw notFound('Lot', lotId);
      const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: lot.routeId } });
      if (!acceptsApplications(route)) illegalState(`${route.reference} is ${route.status} and does not accept applications.`, route.status);
      const now = this.clock.now();
      const existing = await manager.findOne(Admission, { where: { lotId, supplierId: viewer.organisationId } });
      let id: string;
      if (existing) {
        // A rejected or expired supplier may apply again; an open or standing one may not.
        if (existing.status !== 'REJECTED' && existing.status !== 'EXPIRED') {
          illegalState(`Your organisation's admission to this lot is already ${existing.status}.`, existing.status);
        }
        await updateAtVersion(manager, 'admission', existing.id, existing.version,
          `status = 'APPLIED', exclusion_grounds_apply = $3, conflicts_of_interest = $4, applied_by = $5, decided_by = NULL, decided_at = NULL, decision_reason = NULL, updated_at = $6`,
          [input.exclusionGroundsApply, conflicts, viewer.personId, now]);
        id = existing.id;
      } else {
        [{ id }] = await manager.query(
          `INSERT INTO procurement.admission (supplier_id, lot_id, status, exclusion_grounds_apply, conflicts_of_interest, applied_by, created_at, updated_at)
           VALUES ($1, $2, 'APPLIED', $3, $4, $5, $6, $6) RETURNING id`,
          [viewer.organisationId, lotId, input.exclusionGroundsApply, conflicts, viewer.personId, now],
        );
      }
      await audit(manager, { subjectType: 'ADMISSION', subjectId: id, actorId: viewer.personId, at: now, action: 'APPLY', fromStatus: existing?.status ?? null, toStatus: 'APPLIED' });
      return manager.findOneOrFail(Admission, { where: { id } });
    });
  }

  async decide(input: DecideAdmissionInput): Promise<Admission> {
    if (!canDecideAdmission(this.viewer)) refuse(this.viewer, 'Only PLATFORM_ADMIN decides admissions.');
    const reason = optionalText(input.reason, 'reason', 2000);
    if (!reason && (input.decision === 'REJECTED' || input.decision === 'SUSPENDED')) {
      throw badUserInput(`A ${input.decision} decision needs a reason.`, 'reason');
    }
    const id = parseId(input.admissionId, 'admissionId');
    return this.dataSource.transaction(async (manager) => {
      const admission = await manager.findOne(Admission, { where: { id } });
      if (!admission) throw notFound('Admission', id);
      if (!admissionTransitions[admission.status].includes(input.decision)) {
        illegalState(`An admission ${admission.status} cannot become ${input.decision}.`, admission.status);
      }
      const now = this.clock.now();
      if (admission.version !== input.version ||
        !(await updateAtVersion(manager, 'admission', id, input.version, 'status = $3, decided_by = $4, decided_at = $5, decision_reason = $6, updated_at = $5',
          [input.decision, this.viewer!.personId, now, reason]))) {
        throw conflict(`The admission changed since version ${input.version}; reload it and try again.`, {
          currentStatus: admission.status,
          currentVersion: admission.version,
        });
      }
      await audit(manager, { subjectType: 'ADMISSION', subjectId: id, actorId: this.viewer!.personId, at: now, action: 'DECIDE', fromStatus: admission.status, toStatus: input.decision, reason });
      return manager.findOneOrFail(Admission, { where: { id } });
    });
  }

  canSee(admission: Admission): boolean {
    return canSeeAdmission(this.viewer, admission);
  }
}
