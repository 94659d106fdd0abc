import type { DataSource } from 'typeorm';
import { badUserInput, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { inactiveMembershipRefusal } from '../../../platform/active-membership';
import { paginate, readPage, type ConnectionArgs } from '../../../platform/pagination';
import { Admission, Lot, ProcurementRoute, type AdmissionStatus } from '../entities';
import type { AdmissionFilter, ApplyForAdmissionInput, DecideAdmissionInput, RouteStatus } from '../generated/graphql';
import type { ProcurementLoaders } from '../loaders';
import { applyAdmissionVisibility, canApplyForAdmission, canDecideAdmission } from '../policy';
import { admissionDecisions, admissionMachine, routeMachine } from '../status-machines';
import { dayOf, type Clock } from '../../../platform/clock';
import { routeStatusOn, routeStatusSql } from './route-lifecycle';
import { updateAtVersion } from '../../../platform/optimistic-lock';
import { refuse } from '../../../platform/sign-in';
import { optionalText } from '../../../platform/input';
import { announce, audit, illegalState } from './write-helpers';

/** Admissions that still stand (or wait) end with their route: once it has expired they are EXPIRED. */
const endsWithRoute: readonly AdmissionStatus[] = ['APPLIED', 'ADMITTED', 'SUSPENDED'];

export function effectiveAdmissionStatus(stored: AdmissionStatus, routeStatus: RouteStatus): AdmissionStatus {
  return routeStatus === 'EXPIRED' && endsWithRoute.includes(stored) ? 'EXPIRED' : stored;
}

export class AdmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly viewer: Identity,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return dayOf(this.clock.now());
  }

  /** The status now: the stored one, or EXPIRED once the route has expired. */
  async status(admission: Admission): Promise<AdmissionStatus> {
    const lot = await this.loaders.lotById.load(admission.lotId);
    const route = lot && (await this.loaders.routeById.load(lot.routeId));
    return route ? effectiveAdmissionStatus(admission.status, routeStatusOn(route, this.today())) : admission.status;
  }

  /**
   * Admissions the viewer may see (policy.ts, `applyAdmissionVisibility`), oldest first. Visibility
   * and the status filter are on the effective status, in SQL, so pages and totalCount agree with
   * what `status` says.
   */
  async list(args: ConnectionArgs & { filter?: AdmissionFilter | null }) {
    const page = readPage(args);
    const filter = args.filter ?? {};
    const effective = `(CASE WHEN admission.status IN ('APPLIED', 'ADMITTED', 'SUSPENDED') AND ${routeStatusSql('route')} = 'EXPIRED'
      THEN 'EXPIRED' ELSE admission.status END)`;
    const query = this.dataSource
      .getRepository(Admission)
      .createQueryBuilder('admission')
      .innerJoin(Lot, 'lot', 'lot.id = admission.lotId')
      .innerJoin(ProcurementRoute, 'route', 'route.id = lot.routeId')
      .setParameters({ today: this.today() });
    applyAdmissionVisibility(query, this.viewer, effective);
    if (filter.lotId) query.andWhere('admission.lotId = :lotId', { lotId: parseId(filter.lotId, 'filter.lotId') });
    if (filter.routeId) query.andWhere('lot.routeId = :routeId', { routeId: parseId(filter.routeId, 'filter.routeId') });
    if (filter.supplierId)
      query.andWhere('admission.supplierId = :supplierId', { supplierId: parseId(filter.supplierId, 'filter.supplierId') });
    if (filter.statuses?.length) query.andWhere(`${effective} IN (:...statuses)`, { statuses: filter.statuses });
    return paginate(query, { property: 'createdAt', cursorValue: (a) => a.createdAt.toISOString() }, page);
  }

  async apply(input: ApplyForAdmissionInput): Promise<Admission> {
    if (!canApplyForAdmission(this.viewer)) {
      // Say what is wrong: an organisation that is not an active member hears so, in the words of
      // the platform-wide rule (which normally refuses it before this service runs), not "ORG_ADMIN".
      refuse(this.viewer, inactiveMembershipRefusal(this.viewer, 'applyForAdmission') ?? "Only a supplier's ORG_ADMIN may apply to a lot.");
    }
    const conflicts = optionalText(input.conflictsOfInterest, { field: 'conflictsOfInterest', max: 4000 });
    const lotId = parseId(input.lotId, 'lotId');
    const viewer = this.viewer!;
    // A snapshot of the name members holds, for OCDS parties (procurement cannot read members' tables).
    const supplierName = viewer.organisationName?.slice(0, 300) ?? null;
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.findOne(Lot, { where: { id: lotId } });
      if (!lot) throw notFound('Lot', lotId);
      const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: lot.routeId } });
      const routeStatus = routeStatusOn(route, dayOf(this.clock.now()));
      routeMachine.assertCan('takeApplications', { kind: route.kind, status: routeStatus, reference: route.reference });
      const now = this.clock.now();
      const existing = await manager.findOne(Admission, { where: { lotId, supplierId: viewer.organisationId } });
      let id: string;
      if (existing) {
        // A rejected or expired supplier may apply again; an open or standing one may not.
        admissionMachine.assertCan('apply', existing);
        // At the version just read: a decision taken meanwhile (or a second application) makes this CONFLICT.
        await updateAtVersion(manager, {
          table: 'procurement.admission',
          noun: 'admission',
          id: existing.id,
          expectedVersion: existing.version,
          assignments: `status = 'APPLIED', exclusion_grounds_apply = $3, conflicts_of_interest = $4, applied_by = $5, decided_by = NULL, decided_at = NULL, decision_reason = NULL, updated_at = $6, supplier_name = $7`,
          values: [input.exclusionGroundsApply, conflicts, viewer.personId, now, supplierName],
        });
        id = existing.id;
      } else {
        [{ id }] = await manager.query(
          `INSERT INTO procurement.admission (supplier_id, lot_id, status, exclusion_grounds_apply, conflicts_of_interest, applied_by, created_at, updated_at, supplier_name)
           VALUES ($1, $2, 'APPLIED', $3, $4, $5, $6, $6, $7) RETURNING id`,
          [viewer.organisationId, lotId, input.exclusionGroundsApply, conflicts, viewer.personId, now, supplierName],
        );
      }
      await audit(manager, {
        subjectType: 'ADMISSION',
        subjectId: id,
        actorId: viewer.personId,
        at: now,
        action: 'APPLY',
        fromStatus: existing?.status ?? null,
        toStatus: 'APPLIED',
      });
      return manager.findOneOrFail(Admission, { where: { id } });
    });
  }

  async decide(input: DecideAdmissionInput): Promise<Admission> {
    if (!canDecideAdmission(this.viewer)) refuse(this.viewer, 'Only PLATFORM_ADMIN decides admissions.');
    const reason = optionalText(input.reason, { field: 'reason', max: 2000 });
    if (!reason && (input.decision === 'REJECTED' || input.decision === 'SUSPENDED')) {
      throw badUserInput(`A ${input.decision} decision needs a reason.`, 'reason');
    }
    const id = parseId(input.admissionId, 'admissionId');
    return this.dataSource.transaction(async (manager) => {
      const admission = await manager.findOne(Admission, { where: { id } });
      if (!admission) throw notFound('Admission', id);
      const lot = await manager.findOneOrFail(Lot, { where: { id: admission.lotId } });
      const route = await manager.findOneOrFail(ProcurementRoute, { where: { id: lot.routeId } });
      // An expired route's admissions are a closed record: each is EXPIRED with it.
      if (routeStatusOn(route, dayOf(this.clock.now())) === 'EXPIRED')
        illegalState(`${route.reference} has expired, and its admissions with it.`, 'EXPIRED');
      admissionMachine.moveTo(input.decision, admission, admissionDecisions);
      const now = this.clock.now();
      await updateAtVersion(manager, {
        table: 'procurement.admission',
        noun: 'admission',
        id,
        expectedVersion: input.version,
        assignments: 'status = $3, decided_by = $4, decided_at = $5, decision_reason = $6, updated_at = $5',
        values: [input.decision, this.viewer!.personId, now, reason],
        conflictFacts: async () => ({ currentStatus: (await manager.findOneOrFail(Admission, { where: { id } })).status }),
      });
      await audit(manager, {
        subjectType: 'ADMISSION',
        subjectId: id,
        actorId: this.viewer!.personId,
        at: now,
        action: 'DECIDE',
        fromStatus: admission.status,
        toStatus: input.decision,
        reason,
      });
      await announce(
        manager,
        'admission.decided',
        now,
        { typename: 'Admission', id },
        {
          admissionId: id,
          supplierOrganisationId: admission.supplierId,
          routeId: route.id,
          routeReference: route.reference,
          lotId: lot.id,
          lotTitle: lot.title,
          fromStatus: admission.status,
          decision: input.decision,
          reason,
          decidedByPersonId: this.viewer!.personId,
        },
      );
      return manager.findOneOrFail(Admission, { where: { id } });
    });
  }
}
