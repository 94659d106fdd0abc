import { loadGatewayConfig } from '../../platform/config';
import { subgraphNames } from '../../platform/subgraph-names';
import { ipsHiveGatewayConfig } from './ips-hive-plugin';

/**
 * Configuration for the Hive Gateway CLI (`hive-gateway supergraph --config-path
 * dist/gateway/hive/gateway.config.js`), read from the same environment variables as our gateway
 * (platform/config.ts): subgraph URLs, the gateway↔subgraph secret and the OIDC issuer.
 */
export const gatewayConfig = ipsHiveGatewayConfig(loadGatewayConfig(process.env, subgraphNames));
