import type { RequestScope } from '../../platform/subgraph-server';
import { createInnovationsLoaders } from './loaders';
import { innovationVisibility } from './policy';
import { InnovationService } from './services/innovation.service';

/** What every innovations resolver receives: the request's services, sharing one set of loaders. */
export interface InnovationsContext {
  innovations: InnovationService;
}

/** Who is asking decides, once per request, which innovations every service and loader can return. */
export function createInnovationsContext({ dataSource, viewer }: RequestScope): InnovationsContext {
  const visibility = innovationVisibility(viewer);
  const loaders = createInnovationsLoaders(dataSource, visibility);
  return {
    innovations: new InnovationService(dataSource, loaders, visibility),
  };
}
