import { badUserInput } from '../../../platform/errors';
import type { OrganisationRole } from '../../../platform/identity';

/** A role list as stored: at least one, no repeats, in a stable order. */
export function readOrganisationRoles(roles: readonly OrganisationRole[], argument = 'roles'): OrganisationRole[] {
  if (roles.length === 0) throw badUserInput('Give at least one role.', argument);
  const order: OrganisationRole[] = ['ORG_ADMIN', 'BUYER', 'SUPPLIER_CONTRIBUTOR', 'VIEWER'];
  return order.filter((role) => roles.includes(role));
}
