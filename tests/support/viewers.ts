import { demoOrganisations } from '../../demo-data/organisations';
import { demoPersona } from '../../demo-data/personas';
import type { MembershipStatus, Viewer } from '../../platform/identity';

/** The identity the gateway would assert for a demo persona, as subgraph tests need it. */
export function personaViewer(key: string, membershipStatus: MembershipStatus = 'ACTIVE'): Viewer {
  const persona = demoPersona(key);
  const organisation = demoOrganisations.find((o) => o.id === persona.organisationId)!;
  return {
    personId: persona.id,
    email: persona.email,
    organisationId: persona.organisationId,
    organisationKind: organisation.kind,
    organisationNation: organisation.nation,
    organisationName: organisation.name,
    membershipStatus,
    organisationRoles: persona.organisationRoles,
    platformRoles: persona.platformRoles,
  };
}
