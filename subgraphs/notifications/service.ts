import { systemClock, type Clock } from '../../platform/clock';
import type { NotifyConfig, SubgraphConfig } from '../../platform/config';
import { openConfiguredDatabase } from '../../platform/database';
import { createPacer } from '../../platform/pacer';
import { consumeDomainEvents, type RunningConsumer } from '../../platform/event-broker';
import { serveSubgraph, type RunningService } from '../../platform/subgraph-server';
import { createNotifyEmailSender } from './email/notify-email';
import { handleDomainEvent, savedSearchAlertRecipients } from './services/delivery';
import { createDigestJob } from './services/digest';
import { createEmailSender } from './services/email-sender';
import { createRemindersJob } from './services/reminders';
import { createNotificationsSubgraph } from './subgraph';

/**
 * The notifications process: the subgraph as every other is served (with the delivery endpoint the
 * relays POST to when there is no broker), plus its background work: the durable JetStream consumer
 * when NATS_URL is set (saved-search alerts in a paced lane of their own: a fan-out to thousands
 * is spread over seconds rather than taking the machine from the graph's requests, and never holds
 * up the notices behind it; without a broker the relay's deliveries apply them at once), the email sender loop, and the scheduled jobs (the reminders and the daily
 * digest, on the service's clock). Each replica runs them all; the consumer's replicas share one
 * durable, the sender takes rows SKIP LOCKED, and each job's tick runs once across replicas under
 * its advisory lock (platform/scheduled-job.ts), so nothing is applied or sent twice.
 */
export async function startNotificationsService(
  config: SubgraphConfig,
  notify: NotifyConfig,
  linkBaseUrl: string,
  clock: Clock = systemClock,
): Promise<RunningService> {
  const module = createNotificationsSubgraph({ clock, unsubscribeSecret: notify.unsubscribeSecret });
  const database = await openConfiguredDatabase(config.database, {
    schema: module.name,
    entities: module.entities,
    migrations: module.migrations,
    logErrors: config.development,
  });
  let consumer: RunningConsumer | undefined;
  try {
    await database.migrate();
    if (config.seedDemoData) await module.seedDemoData(database.dataSource);
    const serving = await serveSubgraph(module, config, database);
    const { natsUrl } = config.eventDelivery;
    const alertPacer = createPacer(notify.alertsPerSecond);
    if (natsUrl) {
      consumer = await consumeDomainEvents({
        settings: config.eventDelivery,
        durable: 'notifications',
        handle: async (event) => {
          const alerted = savedSearchAlertRecipients(event);
          if (alerted !== undefined) await alertPacer.take(alerted);
          await handleDomainEvent(database.dataSource, event, clock);
        },
        // A fan-out's alerts, paced, never hold up the notices behind them.
        slowLane: (event) => savedSearchAlertRecipients(event) !== undefined,
      });
    }
    const sender = createEmailSender({
      dataSource: database.dataSource,
      clock,
      notify: createNotifyEmailSender(notify),
      templateId: notify.templateId,
      linkBaseUrl,
      unsubscribeSecret: notify.unsubscribeSecret,
      sendsPerMinute: notify.sendsPerMinute,
    });
    sender.start();
    const jobs = [
      createRemindersJob({ dataSource: database.dataSource, clock }),
      createDigestJob({ dataSource: database.dataSource, clock }),
    ];
    for (const job of jobs) job.start();
    return {
      ...serving,
      async stop() {
        await Promise.all(jobs.map((job) => job.stop()));
        await serving.stop();
        await consumer?.stop();
        await sender.stop();
        await database.close();
      },
    };
  } catch (error) {
    await consumer?.stop();
    await database.close();
    throw error;
  }
}
