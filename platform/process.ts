import { ConfigError } from './config';
import type { RunningService } from './subgraph-server';

/**
 * The shared `main` of every service: start it, report the URL, and stop cleanly on SIGINT or
 * SIGTERM. A configuration error prints every problem and exits 1 without a stack trace.
 */
export function runService(label: string, start: () => Promise<RunningService>): void {
  start().then(
    (service) => {
      console.log(`${label} ready at ${service.url}`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${label} stopping (${signal})`);
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`${label} did not stop cleanly`, error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      console.error(error instanceof ConfigError ? `${label}: ${error.message}` : error);
      process.exit(1);
    },
  );
}
