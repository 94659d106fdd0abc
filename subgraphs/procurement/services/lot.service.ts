import { parseId } from '../../../platform/ids';
import type { Lot } from '../entities';
import type { ProcurementLoaders } from '../loaders';

export class LotService {
  constructor(private readonly loaders: ProcurementLoaders) {}

  async findById(id: string): Promise<Lot | null> {
    return this.loaders.lotById.load(parseId(id));
  }

  /** By number, at most `first` (validated, readListSize). */
  async listByRoute(routeId: string, first: number): Promise<Lot[]> {
    return this.loaders.lotsByRoute(first).load(routeId);
  }

  /** References to the members subgraph's organisations; only their ids are known here. */
  async admittedSuppliers(lotId: string, first: number): Promise<{ id: string }[]> {
    return (await this.loaders.admittedSuppliersByLot(first).load(lotId)).map((id) => ({ id }));
  }
}
