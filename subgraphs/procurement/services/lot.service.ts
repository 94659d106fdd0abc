import { parseId } from '../../../platform/ids';
import type { Lot } from '../entities';
import type { ProcurementLoaders } from '../loaders';

export class LotService {
  constructor(private readonly loaders: ProcurementLoaders) {}

  async findById(id: string): Promise<Lot | null> {
    return this.loaders.lotById.load(parseId(id));
  }

  async listByRoute(routeId: string): Promise<Lot[]> {
    return this.loaders.lotsByRoute.load(routeId);
  }

  /** References to the members subgraph's organisations; only their ids are known here. */
  async admittedSuppliers(lotId: string): Promise<{ id: string }[]> {
    return (await this.loaders.admittedSupplierIdsByLot.load(lotId)).map((id) => ({ id }));
  }
}
