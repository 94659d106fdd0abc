import InMemoryLRUCache from '@graphql-mesh/cache-inmemory-lru';
import { loadGatewayConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { ipsHiveGatewayConfig } from '../gateway/hive/ips-hive-plugin';

/**
 * Hive Gateway as `npm run bench` runs it, configured for the same features as the configuration of
 * ours it is measured against (issue 27 item 1), so every ratio compares like with like:
 * - our Hive configuration (gateway/hive/: same supergraph, same sign-in, same assertion on every
 *   subgraph request), whose outbound deduplication is off because its key ignores the per-caller
 *   assertion (see ips-hive-plugin.ts): signed-in callers never share an answer, as with ours;
 * - identical requests in flight at once run once *per caller*: Hive's
 *   `inboundInflightRequestDeduplication`, whose key includes every header (the bearer token too),
 *   as our gateway/shared-in-flight-queries.ts keys on the caller;
 * - with `BENCH_HIVE_RESPONSE_CACHE_SECONDS` above 0 (ours with GATEWAY_PUBLIC_CACHE_SECONDS alike):
 *   Hive's response cache for anonymous requests only, shared by every anonymous caller, for that
 *   many seconds, in Hive's own in-memory LRU sized for the whole mix. Its default store holds 1,000
 *   keys, and each answer takes one key plus two per entity in it, so the default would evict most of
 *   the mix and measure the LRU's size, not the cache.
 */
const base = ipsHiveGatewayConfig(loadGatewayConfig(process.env, subgraphNames));
const cacheSeconds = Number(process.env.BENCH_HIVE_RESPONSE_CACHE_SECONDS ?? '0');
/** Keys in Hive's LRU: the mix's varied rows hold a few hundred answers of up to ~150 entities each. */
const cacheKeys = 2_000_000;

export const gatewayConfig = {
  ...base,
  inboundInflightRequestDeduplication: true,
  ...(cacheSeconds > 0
    ? {
        cache: new InMemoryLRUCache({ max: cacheKeys }),
        responseCaching: {
          // One answer for every anonymous caller; a signed-in request is never looked up or kept.
          session: () => null,
          enabled: (request: Request) => !request.headers.get('authorization'),
          ttl: cacheSeconds * 1000,
        },
      }
    : {}),
};
