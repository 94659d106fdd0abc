import { connect } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { EventDeliveryConfig } from './config';
import { errorFields, logger } from './logger';
import type { DomainEvent } from './outbox';

// transport-node 3.3 does not re-export the connection type; nats-core (which has it) is not a direct dependency.
type NatsConnection = Awaited<ReturnType<typeof connect>>;

/**
 * Domain events through NATS JetStream (issue 25; README, "Domain events"). One stream holds every
 * subgraph's events, on subjects `<prefix>.<subgraph>.<kind>`. Publishing sets the message id to
 * the event id, so JetStream drops an event republished within the stream's duplicate window (a
 * relay that published and then failed to mark the row does exactly that); consumers read through
 * durable pull consumers with explicit acknowledgement, and apply each event once by its id
 * (platform/event-inbox.ts), which also covers a republish after the window.
 */

/** How long JetStream remembers message ids: far longer than any relay retry takes. */
const duplicateWindowMs = 10 * 60 * 1000;
const nanosPerMs = 1_000_000;
/** JetStream's error code for a stream created by someone else meanwhile (not in the client's list of codes). */
const streamNameInUse = 10058;

export type BrokerSettings = Pick<EventDeliveryConfig, 'natsUrl' | 'stream' | 'subjectPrefix' | 'deliveryTimeoutMs'>;

/** The subject an event is published on. */
export function eventSubject(prefix: string, source: string, kind: string): string {
  return `${prefix}.${source}.${kind}`;
}

/** Connects, retrying in the background once connected; the first connection fails at once if NATS is away. */
export async function connectBroker(settings: BrokerSettings, name: string): Promise<NatsConnection> {
  if (!settings.natsUrl) throw new Error('connectBroker: NATS_URL is not set.');
  return connect({
    servers: settings.natsUrl,
    name,
    timeout: settings.deliveryTimeoutMs,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
}

/**
 * Creates the stream if it is missing (every publisher and consumer calls this; whoever is first
 * creates it). File storage and explicit limits: the stream is the delivery guarantee between the
 * outbox and the consumers' inboxes.
 */
export async function ensureEventStream(connection: NatsConnection, settings: BrokerSettings): Promise<void> {
  const manager = await jetstreamManager(connection, { timeout: settings.deliveryTimeoutMs });
  try {
    await manager.streams.info(settings.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await manager.streams.add({
        name: settings.stream,
        subjects: [`${settings.subjectPrefix}.>`],
        duplicate_window: duplicateWindowMs * nanosPerMs,
        // A week of events: consumers that were away catch up; the outboxes keep every event anyway.
        max_age: 7 * 24 * 60 * 60 * 1000 * nanosPerMs,
      });
    } catch (raced) {
      // Another publisher created it meanwhile.
      if (!(raced instanceof JetStreamApiError && raced.code === streamNameInUse)) throw raced;
    }
  }
}

/** Publishes events to JetStream, one message per event, id = event id; resolves once the stream has stored every one. */
export class JetStreamPublisher {
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;

  constructor(
    private readonly settings: BrokerSettings,
    private readonly name: string,
  ) {}

  /** Connected lazily, so a subgraph starts (and records events) while the broker is away; the relay retries. */
  private async connected(): Promise<NatsConnection> {
    if (this.connection && !this.connection.isClosed()) return this.connection;
    this.connecting ??= (async () => {
      try {
        const connection = await connectBroker(this.settings, this.name);
        await ensureEventStream(connection, this.settings);
        this.connection = connection;
        return connection;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const connection = await this.connected();
    const stream = jetstream(connection, { timeout: this.settings.deliveryTimeoutMs });
    // Sent together, acknowledged each: a missing acknowledgement fails the whole pass, which the relay retries.
    await Promise.all(
      events.map((event) =>
        stream.publish(eventSubject(this.settings.subjectPrefix, event.source, event.kind), JSON.stringify(event), {
          msgID: event.id,
          expect: { streamName: this.settings.stream },
        }),
      ),
    );
  }

  async close(): Promise<void> {
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    await connection?.drain().catch(() => connection.close());
  }
}

export interface DurableConsumerOptions {
  settings: BrokerSettings;
  /** The durable consumer's name: one per consuming service (its replicas share it, and so share the work). */
  durable: string;
  /** Subjects to read, e.g. `ips.events.>`; every event by default. */
  filterSubjects?: string[];
  /**
   * Applies one event, committing before it resolves (use `handleOnce` of platform/event-inbox.ts in
   * one transaction). Resolved: the message is acknowledged. Rejected: it is redelivered after a pause.
   */
  handle(event: DomainEvent): Promise<void>;
  /** Messages fetched ahead at most. */
  batchSize?: number;
  /**
   * Events applied in a lane of their own, one at a time, so the others never wait behind them:
   * for events whose handling is slow by design (a paced fan-out). Each is acknowledged when its
   * own handling commits, like any other; at most `slowLaneDepth` wait in the lane, and the
   * consumer reads on only once the lane has room. A full lane must be applied within the ack wait
   * (30 s), or its last messages are delivered again (and dropped by the inbox) while they wait.
   */
  slowLane?: (event: DomainEvent) => boolean;
  slowLaneDepth?: number;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

/** Pause before a message whose handling failed is delivered again. */
const redeliveryDelayMs = 1_000;

/**
 * Reads events from a durable pull consumer with explicit acknowledgement: each message is
 * acknowledged only after `handle` committed, so a consumer that stops (or dies) mid-batch is
 * given the unacknowledged ones again when it comes back, and never the acknowledged ones.
 */
export async function consumeDomainEvents(options: DurableConsumerOptions): Promise<RunningConsumer> {
  const { settings, durable } = options;
  const log = logger('event-consumer');
  const connection = await connectBroker(settings, `${durable} consumer`);
  try {
    await ensureEventStream(connection, settings);
    const manager = await jetstreamManager(connection, { timeout: settings.deliveryTimeoutMs });
    const filters = options.filterSubjects ?? [`${settings.subjectPrefix}.>`];
    try {
      await manager.consumers.info(settings.stream, durable);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      await manager.consumers.add(settings.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30_000 * nanosPerMs,
        ...(filters.length === 1 ? { filter_subject: filters[0] } : { filter_subjects: filters }),
      });
    }
    const consumer = await jetstream(connection).consumers.get(settings.stream, durable);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: options.batchSize ?? 50 });
    const slowLaneDepth = options.slowLaneDepth ?? 20;
    let slowLane: Promise<void> = Promise.resolve();
    let waitingInSlowLane = 0;
    const done = (async () => {
      for await (const message of messages) {
        let event: DomainEvent;
        try {
          event = message.json<DomainEvent>();
        } catch (error) {
          // Never parseable, so never retried: terminated, and logged for staff.
          log.error({ ...errorFields(error), subject: message.subject, sequence: message.seq }, 'a domain event that is not JSON; dropped');
          message.term();
          continue;
        }
        if (!options.slowLane?.(event)) {
          await deliver(message, event);
          continue;
        }
        // Queued long enough, a message would reach its ack wait and be sent again: the lane is kept short.
        if (waitingInSlowLane >= slowLaneDepth) await slowLane;
        waitingInSlowLane += 1;
        slowLane = slowLane.then(() => deliver(message, event)).finally(() => (waitingInSlowLane -= 1));
      }
    })();
    async function deliver(message: JsMsg, event: DomainEvent): Promise<void> {
      try {
        await options.handle(event);
        // Waits for the broker to record the acknowledgement: a lost one would redeliver, which the inbox drops.
        await message.ackAck();
      } catch (error) {
        log.warn(
          { ...errorFields(error), eventId: event.id, kind: event.kind },
          'a domain event could not be applied; it is delivered again',
        );
        message.nak(redeliveryDelayMs);
      }
    }
    return {
      async stop() {
        await messages.close().catch(() => undefined);
        await done.catch(() => undefined);
        await slowLane;
        await connection.drain().catch(() => connection.close());
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
