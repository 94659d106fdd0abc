import type { OrganisationRole } from '../../../platform/identity';
import { boundedList } from '../../../platform/input';

/** A role list as stored: at least one, no repeats, in a stable order. */
export function readOrganisationRoles(roles: readonly OrganisationRole[], argument = 'roles'): OrganisationRole[] {
  boundedList(roles, { field: argument, min: 1 });
  const order: OrganisationRole[] = ['ORG_ADMIN', 'BUYER', 'SUPPLIER_CONTRIBUTOR', 'VIEWER'];
  return order.filter((role) => roles.includes(role));
}
