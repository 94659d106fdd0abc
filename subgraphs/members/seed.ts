import type { DataSource } from 'typeorm';
import { demoMemberships, demoOrganisationDescriptions, demoSupplierSizes } from '../../demo-data/memberships';
import { demoOrganisations } from '../../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../../demo-data/people';
import { Membership, MembershipDecision, Organisation, Person } from './entities';

/**
 * Inserts the demo organisations, people (the generated ones and the named personas) and
 * memberships with their audit trails, in one transaction, when there are no organisations yet.
 */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Organisation)) > 0) return;
    await manager.insert(
      Organisation,
      demoOrganisations.map(({ key, ...organisation }) => ({
        ...organisation,
        description: demoOrganisationDescriptions[key] ?? null,
        supplierSize: demoSupplierSizes[key] ?? null,
      })),
    );
    await manager.insert(Person, [...demoPeople, ...demoPersonaPeople]);
    await manager.insert(
      Membership,
      demoMemberships.map(({ decisions: _decisions, ...membership }) => membership),
    );
    await manager.insert(
      MembershipDecision,
      demoMemberships.flatMap((membership) => membership.decisions),
    );
  });
}
