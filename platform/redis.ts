import { Redis } from 'ioredis';
import { errorFields, logger } from './logger';

/** How long one Redis command may take before the caller treats Redis as away. */
const REDIS_COMMAND_TIMEOUT_MS = 250;

/**
 * A connection to the Redis that replicas share (REDIS_URL), for one purpose: rate-limit budgets,
 * the gateway assertions' replay guard, the public cache's generation. Commands fail at once while
 * it is unreachable (no offline queue), so each user decides what that means: the rate limits count
 * in memory, the replay guard refuses (fail closed), the cache is bypassed. It keeps reconnecting in
 * the background; losing and regaining it is logged once each, with `whileAway` saying what happens.
 */
export function connectRedis(url: string, purpose: string, whileAway: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Keeps trying in the background, at most every 5 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let usable = true;
  redis.on('ready', () => {
    if (!usable) logger().info(`${purpose}: Redis is reachable again`);
    usable = true;
  });
  redis.on('error', (error: unknown) => {
    if (usable) logger().warn(errorFields(error), `${purpose}: Redis is unreachable; ${whileAway} until it is back`);
    usable = false;
  });
  return redis;
}

/** Settles once `redis` is ready or has failed to connect (at most `waitMs`): a replica serves from its first request knowing which. */
export function redisSettled(redis: Redis, waitMs = 2_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    timer.unref();
    redis.once('ready', done);
    redis.once('error', done);
  });
}

/** Why `redis` cannot be used now, for a readiness answer; null when it can. */
export function redisUnavailability(redis: Redis): string | null {
  return redis.status === 'ready' ? null : `Redis is ${redis.status}`;
}
