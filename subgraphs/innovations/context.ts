import type { DataSource } from 'typeorm';
import { createInnovationsLoaders } from './loaders';
import { InnovationService } from './services/innovation.service';

/** What every innovations resolver receives: the request's services, sharing one set of loaders. */
export interface InnovationsContext {
  innovations: InnovationService;
}

export function createInnovationsContext({ dataSource }: { dataSource: DataSource }): InnovationsContext {
  const loaders = createInnovationsLoaders(dataSource);
  return {
    innovations: new InnovationService(dataSource, loaders),
  };
}
