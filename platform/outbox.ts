import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { DomainEventFacts, DomainEventKind } from './domain-events';

export type { DomainEventFacts, DomainEventKind } from './domain-events';

/**
 * What happened, told by the subgraph it happened in (issue 25). Each subgraph writes its events to
 * its own outbox table (`<schema>.outbox_event`) with the manager of the transaction that made the
 * change, so an event exists exactly when its change committed: a refused or failed change leaves
 * none, a committed one is never without its event. The relay (platform/outbox-relay.ts) carries
 * them to the consumers afterwards, at least once; consumers drop repeats by `id`
 * (platform/event-inbox.ts).
 *
 * An event carries, in `facts`, everything a consumer needs to decide who is told and what the
 * message says, so no consumer reads another subgraph's tables: the organisations and people
 * concerned, the titles for the message, the ids a link needs, and what limits who may be told
 * (an anonymous asker, a member-only event) as explicit facts. The catalogue of kinds and their
 * facts is platform/domain-events.ts.
 */
export interface DomainEvent<K extends DomainEventKind = DomainEventKind> {
  /** Made when the event is recorded; publishers and consumers de-duplicate by it. */
  id: string;
  /** The subgraph it happened in (its outbox, and the broker subject's second part). */
  source: OutboxSource;
  /** Dotted and stable, e.g. `innovation.approved`: consumers and the broker's subjects depend on it. */
  kind: K;
  /** From the subgraph's injected clock (platform/clock.ts), like every instant a change records. */
  occurredAt: string;
  /** The entity the event is about, as the graph names it. */
  subject: { typename: string; id: string };
  facts: DomainEventFacts[K];
}

/** The subgraphs that keep an outbox (a migration calling `outboxEventTable`); each one's schema holds its table. */
export const outboxSources = ['members', 'innovations', 'procurement', 'events'] as const;
export type OutboxSource = (typeof outboxSources)[number];

export function keepsOutbox(name: string): name is OutboxSource {
  return (outboxSources as readonly string[]).includes(name);
}

/** What a change site gives; the id is made here. */
export interface NewDomainEvent<K extends DomainEventKind> {
  source: OutboxSource;
  kind: K;
  occurredAt: Date;
  subject: { typename: string; id: string };
  facts: DomainEventFacts[K];
}

/** The outbox table of a source: a constant per subgraph, never client input. */
export function outboxTable(source: OutboxSource): string {
  if (!keepsOutbox(source)) throw new Error(`outbox: "${String(source)}" is not a subgraph with an outbox.`);
  return `${source}.outbox_event`;
}

/**
 * Appends one event in the transaction `manager` belongs to, and returns it as it will be published.
 * Refused outside a transaction (as platform/recorder.ts refuses): the event would commit on its
 * own, before or without the change it announces.
 */
export async function recordDomainEvent<K extends DomainEventKind>(
  manager: EntityManager,
  event: NewDomainEvent<K>,
): Promise<DomainEvent<K>> {
  const table = outboxTable(event.source);
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`${table}: an event is recorded in the transaction of the change it announces; none is open.`);
  }
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) {
    throw new Error(`${table}: an event needs the instant it happened (from the subgraph's clock).`);
  }
  const id = randomUUID();
  await manager.query(
    `INSERT INTO ${table} (id, kind, subject_typename, subject_id, facts, occurred_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [id, event.kind, event.subject.typename, event.subject.id, JSON.stringify(event.facts), event.occurredAt],
  );
  return {
    id,
    source: event.source,
    kind: event.kind,
    occurredAt: event.occurredAt.toISOString(),
    subject: event.subject,
    facts: event.facts,
  };
}

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  id: string;
  sequence: string;
  kind: string;
  subject_typename: string;
  subject_id: string;
  facts: unknown;
  occurred_at: Date | string;
}

/** The event a row holds, as published. */
export function eventFromRow(source: OutboxSource, row: OutboxRow): DomainEvent {
  return {
    id: row.id,
    source,
    kind: row.kind as DomainEventKind,
    occurredAt: new Date(row.occurred_at).toISOString(),
    subject: { typename: row.subject_typename, id: row.subject_id },
    // node-postgres parses jsonb; PGlite through the socket does too.
    facts: (typeof row.facts === 'string' ? JSON.parse(row.facts) : row.facts) as DomainEvent['facts'],
  };
}
