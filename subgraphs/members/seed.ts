import type { DataSource } from 'typeorm';
import { demoOrganisations } from '../../demo-data/organisations';
import { demoPeople } from '../../demo-data/people';
import { Organisation, Person } from './entities';

/** Inserts the demo organisations and people, in one transaction, when there are none yet. */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Organisation)) > 0) return;
    await manager.insert(
      Organisation,
      demoOrganisations.map(({ key: _key, ...organisation }) => organisation),
    );
    await manager.insert(Person, demoPeople);
  });
}
