import { ConfigError, loadLoggingConfig } from './config';
import { configureLogging, errorFields, logger } from './logger';
import type { RunningService } from './subgraph-server';
import type { Tracing } from './tracing';

/**
 * The shared `main` of every service: start it, report the URL, and stop cleanly on SIGINT or
 * SIGTERM. A configuration error prints every problem and exits 1 without a stack trace.
 */
export function runService(label: string, start: () => Promise<RunningService>, tracing?: Tracing): void {
  try {
    configureLogging(loadLoggingConfig(process.env, process.stdout.isTTY));
  } catch {
    // A bad LOG_LEVEL is reported with every other problem when the service's config loads.
  }
  const log = logger(label);
  start().then(
    (service) => {
      log.info({ url: service.url, ...(service.metricsUrl ? { metricsUrl: service.metricsUrl } : {}) }, `${label} ready at ${service.url}`);
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
    },
    (error: unknown) => {
      if (error instanceof ConfigError) log.fatal({ problems: error.problems }, `${label}: ${error.message}`);
      else log.fatal(errorFields(error), `${label} did not start`);
      process.exit(1);
    },
  );
}
