import type { Clock } from '../../platform/clock';
import { acceptDomainEventDeliveries } from '../../platform/event-inbox';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createNotificationsContext, type NotificationsContext } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';
import { applyDomainEvent, notificationsInbox } from './services/delivery';

/**
 * Notifications (issue 25 item 3): each person's inbox and preferences, fed by every other
 * subgraph's domain events. Without a broker the other subgraphs' relays POST their events to
 * `/internal/domain-events` here (EVENT_CONSUMERS); with NATS_URL, main.ts reads them from a durable
 * JetStream consumer instead. Either way each event is applied once (services/delivery.ts).
 */
export function createNotificationsSubgraph({ clock }: { clock: Clock }): SubgraphModule<NotificationsContext> {
  return {
    name: 'notifications',
    resolvers,
    entities,
    migrations,
    createContext: (request) => createNotificationsContext(request, clock),
    seedDemoData,
    internalRoutes: (router, dataSource) =>
      acceptDomainEventDeliveries(router, dataSource, notificationsInbox, (manager, event) => applyDomainEvent(manager, event, clock)),
  };
}
