import { startTracing } from '../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('gateway', process.env);
import { loadGatewayConfig } from '../platform/config';
import { runService } from '../platform/process';
import { subgraphNames } from '../platform/subgraph-names';
import { startGatewayService } from './server';

runService('gateway', () => startGatewayService(loadGatewayConfig(process.env, subgraphNames)), tracing);
