import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hasPlatformRole, type Identity } from '../../platform/identity';
import type { Innovation } from './entities';

/**
 * Who may see which innovation. The one place the rule lives: every path that returns innovations
 * (`innovations`, `innovation(id)`, `_entities`, `Organisation.innovations`) goes through
 * `innovationVisibility` — as SQL for lists and counts, as a predicate for rows fetched by id.
 *
 * - ASSESSOR and PLATFORM_ADMIN see every innovation, in any status: they vet them.
 * - A supplier's own people (viewer.organisationId = innovation.supplierId) see all of their own
 *   innovations, in any status.
 * - Everyone else — anonymous callers, other suppliers, buyers, and ANALYSTs, who work on the
 *   public catalogue — sees APPROVED innovations only.
 *
 * An invisible innovation is indistinguishable from a missing one: null by id and in `_entities`,
 * absent from lists and from their `totalCount`. Filters (e.g. `statuses`) only narrow what is
 * visible; they are ANDed with the visibility condition and can never widen it.
 */
export type InnovationVisibility =
  | { everything: true }
  | { everything: false; /** Innovations of this organisation are visible in any status. */ ownSupplierId: string | null };

export const PUBLIC_INNOVATION_STATUS = 'APPROVED';

/** Decided once per request, from the viewer alone. */
export function innovationVisibility(viewer: Identity): InnovationVisibility {
  if (hasPlatformRole(viewer, 'PLATFORM_ADMIN', 'ASSESSOR')) return { everything: true };
  return { everything: false, ownSupplierId: viewer?.organisationId.toLowerCase() ?? null };
}

/** The predicate for one row, e.g. one fetched by id. */
export function canSeeInnovation(visibility: InnovationVisibility, innovation: Pick<Innovation, 'status' | 'supplierId'>): boolean {
  if (visibility.everything) return true;
  return innovation.status === PUBLIC_INNOVATION_STATUS || innovation.supplierId === visibility.ownSupplierId;
}

/** The same rule as an `AND` condition on a query over innovations (lists, pages and counts alike). */
export function applyInnovationVisibility<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  visibility: InnovationVisibility,
): SelectQueryBuilder<T> {
  if (visibility.everything) return query;
  const alias = query.alias;
  if (visibility.ownSupplierId === null) {
    return query.andWhere(`${alias}.status = :visiblePublicStatus`, { visiblePublicStatus: PUBLIC_INNOVATION_STATUS });
  }
  return query.andWhere(`(${alias}.status = :visiblePublicStatus OR ${alias}.supplierId = :visibleOwnSupplierId)`, {
    visiblePublicStatus: PUBLIC_INNOVATION_STATUS,
    visibleOwnSupplierId: visibility.ownSupplierId,
  });
}

