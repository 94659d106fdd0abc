import type { Router } from 'express';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { errorFields, logger } from './logger';
import type { DomainEvent } from './outbox';

/**
 * The consumer's side of domain events (issue 25): each event is applied exactly once, however
 * often it is delivered (the relay and the broker deliver at least once). The consumer applies an
 * event and records its id in `<schema>.processed_event` (platform/migration-helpers.ts
 * `processedEventTable`) in one transaction: a repeat finds the id and does nothing, a failure
 * leaves neither, and two deliveries of one event at once serialise on the id's primary key (the
 * second waits for the first to commit, then finds it).
 *
 *   const inbox = defineEventInbox('notifications.processed_event');
 *   await dataSource.transaction((manager) => inbox.handleOnce(manager, event, () => deliverNotices(manager, event)));
 */
export interface EventInbox {
  /**
   * Runs `handler` in the caller's transaction unless the event was already applied; true when it
   * ran. Refused outside a transaction: the record and the effect must commit together.
   */
  handleOnce(manager: EntityManager, event: Pick<DomainEvent, 'id' | 'kind'>, handler: () => Promise<void>): Promise<boolean>;
}

const tableName = /^[a-z_][a-z0-9_]*\.processed_event$/;

export function defineEventInbox(table: string): EventInbox {
  if (!tableName.test(table)) throw new Error(`defineEventInbox: "${table}" must be <schema>.processed_event.`);
  const claim = `INSERT INTO ${table} (event_id, kind) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;
  return {
    async handleOnce(manager, event, handler) {
      if (!manager.queryRunner?.isTransactionActive) {
        throw new Error(`${table}: an event is applied in one transaction with its record; none is open.`);
      }
      const claimed = (await manager.query(claim, [event.id, event.kind])) as unknown[];
      if (claimed.length === 0) return false;
      await handler();
      return true;
    },
  };
}

/** A delivery as the relay POSTs it (platform/outbox-relay.ts `HttpEventTransport`). */
const deliverySchema = z.object({
  source: z.string().regex(/^[a-z][a-z0-9-]*$/),
  events: z
    .array(
      z.object({
        id: z.string().uuid(),
        source: z.string(),
        kind: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
        occurredAt: z.string(),
        subject: z.object({ typename: z.string(), id: z.string() }),
        facts: z.record(z.string(), z.unknown()),
      }),
    )
    .max(1_000),
});

/** Where the relay delivers when there is no broker; a consumer's `EVENT_CONSUMERS` entry names `<its base URL>/internal/domain-events`. */
export const domainEventDeliveryPath = '/domain-events';

/**
 * Mounts the delivery endpoint on a consumer's internal routes (`SubgraphModule.internalRoutes`,
 * behind the gateway assertion every internal route checks: only a holder of the shared secret
 * delivers, and each delivery is signed for this consumer and this body, once). Each event is
 * applied in its own transaction through `inbox`; the answer is 204 only once every event of the
 * batch has committed, and 500 otherwise, so the relay delivers the batch again (the events already
 * applied are then skipped).
 */
export function acceptDomainEventDeliveries(
  router: Router,
  dataSource: DataSource,
  inbox: EventInbox,
  apply: (manager: EntityManager, event: DomainEvent) => Promise<void>,
): void {
  const log = logger('domain-event inbox');
  router.post(domainEventDeliveryPath, async (request, response) => {
    const parsed = deliverySchema.safeParse(request.body);
    if (!parsed.success) {
      response.status(400).json({ error: 'not a delivery of domain events' });
      return;
    }
    try {
      for (const event of parsed.data.events as DomainEvent[]) {
        await dataSource.transaction((manager) => inbox.handleOnce(manager, event, () => apply(manager, event)));
      }
      response.status(204).end();
    } catch (error) {
      log.warn(
        { ...errorFields(error), source: parsed.data.source },
        'a delivery of domain events could not be applied; the relay retries',
      );
      response.status(500).json({ error: 'not applied; deliver again' });
    }
  });
}
