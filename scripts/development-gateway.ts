import { startTracing } from '../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('gateway', process.env);
import { loadGatewayConfig } from '../platform/config';
import { runService } from '../platform/process';
import { subgraphNames } from '../platform/subgraph-names';
import { startGatewayService } from '../gateway/server';
import { demoExplorerPersonas } from './explorer-personas';

/**
 * The gateway as `npm start` runs it under the development profile (scripts/stack.ts picks this
 * entrypoint then): gateway/main.ts plus the demo personas for the explorer's one-click sign-in,
 * which the gateway still offers only when `personaSignInEnabled` (IPS_PROFILE=development and
 * development tokens). Production runs gateway/main.ts, which loads no demo data.
 */
runService(
  'gateway',
  () => startGatewayService(loadGatewayConfig(process.env, subgraphNames), { explorerPersonas: demoExplorerPersonas }),
  tracing,
);
