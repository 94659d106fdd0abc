import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LoggingConfig } from './config';
import { currentRequestContext } from './request-context';

/**
 * The one logger of a process: JSON lines (pino) for log collectors, or pretty lines for a person
 * at a terminal. Every line written while a request is being served carries that request's id and
 * service (and its trace id when tracing is on), so one user report leads to every line of the
 * gateway and the subgraphs it touched.
 */
let root: Logger = createRootLogger({ level: 'info', format: 'json' });

function createRootLogger(config: LoggingConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const request = currentRequestContext();
      const span = trace.getActiveSpan()?.spanContext();
      return {
        ...(request ? { service: request.service, requestId: request.requestId } : {}),
        ...(span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {}),
      };
    },
  };
  if (destination) return pino(options, destination);
  if (config.format === 'pretty') return pino(options, pretty({ colorize: process.stdout.isTTY, sync: true }));
  return pino(options);
}

/** Sets the process's log level and format (and, for tests, where lines go). */
export function configureLogging(config: LoggingConfig, destination?: DestinationStream): void {
  root = createRootLogger(config, destination);
}

/** The process's logger; `service` names the service for lines written outside a request. */
export function logger(service?: string): Logger {
  return service ? root.child({ service }) : root;
}

/** An error as a log field: message, class and stack, never the driver's parameters. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    // Not an Error (e.g. a subgraph's error object relayed in-process): its fields, not "[object Object]".
    let described: string;
    try {
      described = JSON.stringify(error)?.slice(0, 2_000) ?? String(error);
    } catch {
      described = String(error);
    }
    return { error: described };
  }
  return { error: { type: error.name, message: error.message, stack: error.stack } };
}
