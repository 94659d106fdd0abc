import type { DataSource } from 'typeorm';
import type { Clock } from '../../platform/clock';
import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createNotificationsLoaders, type NotificationsLoaders } from './loaders';
import { InboxService } from './services/inbox.service';

/** What every notifications resolver receives. */
export interface NotificationsContext {
  viewer: Identity;
  /** For the staff's read of delivery failures (services/delivery-failures.service.ts). */
  dataSource: DataSource;
  loaders: NotificationsLoaders;
  inbox: InboxService;
}

/** Built once per request; the clock is the module's (subgraph.ts), so every instant a change records follows it. */
export function createNotificationsContext({ dataSource, viewer }: RequestScope, clock: Clock): NotificationsContext {
  const loaders = createNotificationsLoaders(dataSource);
  return { viewer, dataSource, loaders, inbox: new InboxService(dataSource, loaders, clock, viewer) };
}
