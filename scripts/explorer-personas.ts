import { demoOrganisations } from '../demo-data/organisations';
import { demoPersonas } from '../demo-data/personas';
import type { ExplorerPersona } from '../gateway/explorer/routes';

/**
 * Every demo persona as the explorer's sign-in panel offers it, not only one per role: walking a
 * workflow takes a supplier's ORG_ADMIN beside its contributor, a second council, and two assessors
 * for one vetting. Handed to the gateway by the development launcher (scripts/development-gateway.ts);
 * the gateway itself never imports demo data.
 */
export const demoExplorerPersonas: readonly ExplorerPersona[] = demoPersonas.map((persona) => ({
  key: persona.key,
  name: persona.name,
  jobTitle: persona.jobTitle,
  organisation: demoOrganisations.find((o) => o.id === persona.organisationId)?.name ?? '',
  roles: [...persona.organisationRoles, ...persona.platformRoles],
  email: persona.email,
}));
