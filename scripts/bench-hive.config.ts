import { loadGatewayConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { ipsHiveGatewayConfig } from '../gateway/hive/ips-hive-plugin';

/**
 * Hive Gateway as `npm run bench` runs it: our Hive configuration (gateway/hive/: same supergraph,
 * same sign-in, same assertion on every subgraph request) with Hive's DEFAULT transport settings,
 * in-flight deduplication included, as issue 10 asks to compare against. Our deployment switches
 * that deduplication off because its key ignores the per-caller assertion (see ips-hive-plugin.ts);
 * `npm run bench -- --hive-no-dedup` also runs gateway/hive/gateway.config.js, which keeps it off.
 */
const base = ipsHiveGatewayConfig(loadGatewayConfig(process.env, subgraphNames));

export const gatewayConfig = {
  ...base,
  transportEntries: Object.fromEntries(
    Object.entries(base.transportEntries ?? {}).map(([name, entry]) => [
      name,
      { ...entry, options: { timeout: (entry.options as { timeout?: number } | undefined)?.timeout } },
    ]),
  ),
};
