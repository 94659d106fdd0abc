import type { Clock } from '../../platform/clock';
import { acceptDomainEventDeliveries } from '../../platform/event-inbox';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createNotificationsContext, type NotificationsContext } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';
import { applyDomainEvent, notificationsInbox } from './services/delivery';
import { unsubscribeByLink } from './services/unsubscribe';

/**
 * Notifications (issue 25 item 3): each person's inbox and preferences, fed by every other
 * subgraph's domain events. Without a broker the other subgraphs' relays POST their events to
 * `/internal/domain-events` here (EVENT_CONSUMERS); with NATS_URL, main.ts reads them from a durable
 * JetStream consumer instead. Either way each event is applied once (services/delivery.ts).
 */
export function createNotificationsSubgraph({
  clock,
  unsubscribeSecret,
}: {
  clock: Clock;
  /** Checks the links of services/unsubscribe.ts; without it (tests of other things) the route is not served. */
  unsubscribeSecret?: string;
}): SubgraphModule<NotificationsContext> {
  return {
    name: 'notifications',
    resolvers,
    entities,
    migrations,
    createContext: (request) => createNotificationsContext(request, clock),
    seedDemoData,
    internalRoutes: (router, dataSource) => {
      acceptDomainEventDeliveries(router, dataSource, notificationsInbox, (manager, event) => applyDomainEvent(manager, event, clock));
      // The gateway's unsubscribe page (gateway/routes/unsubscribe.ts) asks here: `apply` on its POST only.
      if (unsubscribeSecret) {
        router.post('/unsubscribe', async (request, response, next) => {
          const { token, apply } = (request.body ?? {}) as { token?: unknown; apply?: unknown };
          if (typeof token !== 'string' || token.length > 200) return void response.status(400).json({ result: 'invalid' });
          try {
            response.json(await unsubscribeByLink(dataSource, clock, unsubscribeSecret, token, apply === true));
          } catch (error) {
            next(error);
          }
        });
      }
    },
  };
}
