import type { DataSource } from 'typeorm';
import { demoMemberships } from '../../demo-data/memberships';
import { demoOrganisations } from '../../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../../demo-data/people';
import { KnownOrganisation, KnownPerson } from './entities';

/**
 * The directory of people and organisations, from the same shared demo data the members seed
 * inserts (demo-data/ is fixture data, not members' tables), in one transaction, when it is empty.
 * From then on members' domain events keep it current. Inboxes start empty.
 */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(KnownOrganisation)) > 0) return;
    const statusOf = new Map(demoMemberships.map((membership) => [membership.organisationId, membership.status]));
    await manager.insert(
      KnownOrganisation,
      demoOrganisations.map(({ id, name, kind }) => ({ id, name, kind, membershipStatus: statusOf.get(id) ?? null })),
    );
    await manager.insert(
      KnownPerson,
      [...demoPeople, ...demoPersonaPeople].map((person) => ({
        id: person.id,
        organisationId: person.organisationId,
        name: person.name,
        email: person.email,
        organisationRoles: [...person.organisationRoles],
        platformRoles: [...person.platformRoles],
        active: true,
      })),
    );
  });
}
