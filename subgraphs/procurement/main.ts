import { startTracing } from '../../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('procurement', process.env);
import { loadProcurementConfig, loadSubgraphConfig } from '../../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { systemClock } from '../../platform/clock';
import { HttpInnovationDirectory } from './services/innovation-directory';
import { createProcurementSubgraph } from './subgraph';

runService(
  'procurement subgraph',
  () => {
    const config = loadSubgraphConfig('procurement', process.env);
    const { innovationsUrl, innovationsTimeoutMs, evaluatorsRequired } = loadProcurementConfig(process.env);
    // Innovations serves only the gateway, so procurement presents the gateway's credential (as an
    // anonymous caller: shortlisting needs only approved, public innovations).
    const credential = async (body: string) => ({
      [gatewayAssertionHeader]: createGatewayAssertion({
        subgraph: 'innovations',
        body,
        identity: null,
        secret: config.gatewaySecret,
        lifetimeMs: config.gatewayAssertionLifetimeMs,
      }),
    });
    const innovations = new HttpInnovationDirectory(innovationsUrl, credential, innovationsTimeoutMs);
    return startSubgraphService(createProcurementSubgraph({ clock: systemClock, innovations, evaluatorsRequired }), config);
  },
  tracing,
);
