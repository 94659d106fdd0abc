import { belongsTo, hasPlatformRole, type Identity } from '../../platform/identity';
import type { Admission, AdmissionStatus } from './entities/admission.entity';

/**
 * Who may see what in procurement. Almost everything here is public by design, so this module is
 * mostly the record of that decision:
 *
 * - Procurement routes (frameworks, DPSs, dynamic markets, competitions…) in every status, COMING
 *   included — interest in a coming route can be registered — and EXPIRED ones, for the record.
 *   `procurementRoutes`, `procurementRoute(id)` and `_entities` apply no viewer condition.
 * - Lots of those routes, and each lot's ADMITTED suppliers: who may be awarded under a route is
 *   published information (`Lot.admittedSuppliers`).
 * - `Innovation.availableVia`: LIVE routes on whose lot the supplier is ADMITTED. It reads only
 *   ADMITTED admissions, so it says nothing beyond `Lot.admittedSuppliers`, whatever innovation
 *   representation it is given (whether that innovation is visible is the innovations subgraph's
 *   rule; the gateway asks only about innovations it could see).
 *
 * The one non-public thing is an admission in any other status (APPLIED, REJECTED, SUSPENDED,
 * EXPIRED): a supplier's dealings with a route, visible only to that supplier and PLATFORM_ADMIN.
 * No field exposes such admissions yet: every query here reads only `PUBLIC_ADMISSION_STATUSES`.
 * A future field that does (e.g. a supplier's own applications) must filter with `canSeeAdmission`.
 */
export const PUBLIC_ADMISSION_STATUSES: readonly AdmissionStatus[] = ['ADMITTED'];

export function canSeeAdmission(viewer: Identity, admission: Pick<Admission, 'status' | 'supplierId'>): boolean {
  return (
    PUBLIC_ADMISSION_STATUSES.includes(admission.status) ||
    belongsTo(viewer, admission.supplierId) ||
    hasPlatformRole(viewer, 'PLATFORM_ADMIN')
  );
}
