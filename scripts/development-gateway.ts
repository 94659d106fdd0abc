import { startTracing } from '../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('gateway', process.env);
import { loadGatewayConfig, loadNotifyConfig } from '../platform/config';
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
  () => {
    const config = loadGatewayConfig(process.env, subgraphNames);
    // The mailbox lists the stand-in's emails only: a real Notify service's list holds real people's addresses.
    const notify = config.developmentProfile ? loadNotifyConfig(process.env) : undefined;
    return startGatewayService(config, { explorerPersonas: demoExplorerPersonas, ...(notify?.standIn ? { notifyMailbox: notify } : {}) });
  },
  tracing,
);
