import { startTracing } from '../../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('innovations', process.env);
import { loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { innovationsSubgraph } from './subgraph';

runService(
  'innovations subgraph',
  () => startSubgraphService(innovationsSubgraph, loadSubgraphConfig('innovations', process.env)),
  tracing,
);
