import { ConfigError, loadLoggingConfig } from './config';
import { configureLogging, errorFields, logger } from './logger';
import type { RunningService } from './subgraph-server';
import type { Tracing } from './tracing';

/**
 * The shared `main` of every service: start it, report the URL, and stop cleanly on SIGINT or
 * SIGTERM. A configuration error prints every problem and exits 1 without a stack trace.
 *
 * Started by the stack runner (scripts/stack.ts), a service also has an IPC channel to it: it
 * reports ready over that channel with its own pid and port, so the runner never mistakes a
 * leftover process on the same port for its own, and it stops when the channel closes, so a
 * runner that was killed outright (SIGKILL) leaves no service holding its port.
 *
 * `tracing` is required (undefined when tracing is off), so a main that forgets to hand it over
 * does not compile: its buffered spans would be lost at shutdown.
 */
/** How long a service whose stack runner is gone may take to stop before it exits regardless. */
export const orphanedStopDeadlineMs = 3_000;

export function runService(label: string, start: () => Promise<RunningService>, tracing: Tracing | undefined): void {
  try {
    configureLogging(loadLoggingConfig(process.env, process.stdout.isTTY));
  } catch {
    // A bad LOG_LEVEL is reported with every other problem when the service's config loads.
  }
  const log = logger(label);
  // A runner that dies while this service is still starting (migrating, seeding) ends it at once:
  // each migration is its own transaction, so nothing is left half-applied.
  const exitWhileStarting = () => {
    log.error(`${label}: the stack runner is gone; stopping before ready`);
    process.exit(1);
  };
  process.channel?.unref();
  process.once('disconnect', exitWhileStarting);
  start().then(
    (service) => {
      log.info({ url: service.url, ...(service.metricsUrl ? { metricsUrl: service.metricsUrl } : {}) }, `${label} ready at ${service.url}`);
      process.off('disconnect', exitWhileStarting);
      process.send?.({ type: 'ready', pid: process.pid, url: service.url });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, `${label} stopping`);
        service
          .stop()
          .then(() => tracing?.shutdown())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              log.error(errorFields(error), `${label} did not stop cleanly`);
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      if (process.channel) {
        process.on('disconnect', () => {
          // No runner is left to SIGKILL a service whose stop hangs (a delivery waiting on a peer
          // that is stopping too): never outlive the runner by more than a few seconds.
          setTimeout(() => process.exit(1), orphanedStopDeadlineMs).unref();
          stop('the stack runner is gone');
        });
      }
    },
    (error: unknown) => {
      if (error instanceof ConfigError) log.fatal({ problems: error.problems }, `${label}: ${error.message}`);
      else log.fatal(errorFields(error), `${label} did not start`);
      process.exit(1);
    },
  );
}
