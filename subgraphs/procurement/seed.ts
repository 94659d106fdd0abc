import type { DataSource } from 'typeorm';
import { demoAdmissions, demoLots, demoProcurementRoutes } from '../../demo-data/procurement-routes';
import { Admission, Lot, ProcurementRoute } from './entities';
import type { Clock } from './services/clock';

/** Inserts the demo routes, their lots and admissions, in one transaction, when there are no routes yet. */
export async function seedDemoData(dataSource: DataSource, _clock?: Clock): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(ProcurementRoute)) > 0) return;
    await manager.insert(ProcurementRoute, demoProcurementRoutes);
    await manager.insert(Lot, demoLots);
    await manager.insert(Admission, demoAdmissions);
  });
}
