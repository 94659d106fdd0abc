import type { DataSource } from 'typeorm';
import { demoInnovations } from '../../demo-data/innovations';
import { Innovation } from './entities';

/** Inserts the demo innovations, in one transaction, when there are none yet. */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Innovation)) > 0) return;
    await manager.insert(
      Innovation,
      demoInnovations.map(({ key: _key, ...innovation }) => innovation),
    );
  });
}
