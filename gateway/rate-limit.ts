import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../platform/config';
import { ErrorCode } from '../platform/errors';
import type { Identity } from '../platform/identity';
import { errorFields, logger } from '../platform/logger';
import { connectRedis, redisSettled } from '../platform/redis';
import { currentRequestContext } from '../platform/request-context';

/**
 * Per-client rate limiting at the gateway (issue 22). A client is a signed-in person (their
 * personId, whichever address they come from) or, anonymous, their address (`request.ip`, the TCP
 * peer unless Express is told to trust a proxy). Each request costs a point; a client out of
 * points is answered 429 with Retry-After before its operation is parsed — an anonymous one before
 * its body is even read, a signed-in one once sign-in has named the person.
 *
 * A document the gateway refuses by its limits costs `REFUSED_OPERATION_POINTS` in all: nobody
 * sends one by accident twice, while a script looping on an abusive document (issue 22 measured 4
 * such clients raising a cheap query's p95 to 3.5 s) runs out ten times sooner, and is then
 * answered by the cheapest refusal there is. A client that trips one limit by mistake loses 10 of
 * its 1,200 points a minute.
 *
 * Counts live in this process's memory, or in Redis when REDIS_URL is set, so every replica
 * spends one budget per client. If Redis cannot be reached, each replica counts in its own memory
 * (rate-limiter-flexible's insurance limiter) until it is back: a client then gets up to a budget
 * per replica, which is still a limit, rather than none or a refusal of everyone.
 */

/** The whole charge for a refused document (the request's own point included). */
export const REFUSED_OPERATION_POINTS = 10;

/**
 * A 429 is sent after this pause (or sooner, when the client's points come back sooner). Holding a
 * refused request costs a timer; answering at once would let a client looping flat out on a few
 * connections make thousands of requests a second, each still a request the gateway must read.
 * Paused, each connection makes at most one a second. Connections per address are capped
 * (HTTP_MAX_CONNECTIONS_PER_ADDRESS), so holding them is bounded too.
 */
const RATE_LIMITED_PAUSE_MS = 1_000;

/** How long a starting gateway waits for Redis before it serves, counting in memory meanwhile. */
const REDIS_STARTUP_WAIT_MS = 2_000;

export interface RateLimiter {
  /**
   * Before the body is read: charges an anonymous request (no Authorization header) to its
   * address, answering 429 itself when the address has no points left, so a looping anonymous
   * client's next 26 KB document is not even parsed as JSON.
   */
  anonymousMiddleware: RequestHandler;
  /** After sign-in: charges a signed-in request to its person (an anonymous one was charged already). */
  middleware: RequestHandler;
  /** Charges the rest of a refused document's price to the client of `response`. */
  chargeRefusal(request: Request, response: Response): Promise<void>;
  /**
   * Settles once Redis has answered or failed to (at most `REDIS_STARTUP_WAIT_MS`), so a replica
   * that starts serving shares the budget from its first request; in memory at once.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The client a request is counted against. */
function clientKey(request: Request, viewer: Identity): string {
  return viewer ? `person:${viewer.personId}` : `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

function tooManyRequests(response: Response, refusal: RateLimiterRes): void {
  // At least a second: Retry-After counts whole seconds, and 0 would invite an immediate retry.
  const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
  const requestId = currentRequestContext()?.requestId;
  const answer = () => {
    if (response.destroyed || response.headersSent) return;
    response
      .status(429)
      .set('retry-after', String(retryAfterSeconds))
      .set('cache-control', 'no-store')
      .json({
        errors: [
          {
            message: `Too many requests: try again in ${retryAfterSeconds} s.`,
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, ...(requestId ? { requestId } : {}) },
          },
        ],
      });
  };
  setTimeout(answer, Math.min(RATE_LIMITED_PAUSE_MS, refusal.msBeforeNext)).unref();
}

export function createRateLimiter(config: RateLimitConfig): RateLimiter | undefined {
  if (config.pointsPerMinute <= 0) return undefined;
  const options = { points: config.pointsPerMinute, duration: 60, keyPrefix: config.keyPrefix };
  const memory = new RateLimiterMemory(options);
  const redis = config.redisUrl
    ? connectRedis(config.redisUrl, 'rate limiting', "counting in this replica's memory (a client may get a budget per replica)")
    : undefined;
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
    : memory;
  const keyOf = (request: Request, response: Response) => clientKey(request, (response.locals.viewer ?? null) as Identity);
  /** Charges a point once per request: `anonymousOnly` before sign-in, the rest after it. */
  const charge =
    (anonymousOnly: boolean): RequestHandler =>
    (request, response, next) => {
      if (anonymousOnly ? request.get('authorization') !== undefined : response.locals.rateLimitCharged === true) return next();
      response.locals.rateLimitCharged = true;
      limiter.consume(keyOf(request, response), 1).then(
        () => next(),
        (refusal: unknown) => {
          if (refusal instanceof RateLimiterRes) return tooManyRequests(response, refusal);
          // Neither store could count (not expected with the insurance limiter): serve rather than
          // refuse everyone, and say so.
          logger().error(errorFields(refusal), 'rate limiting: could not count a request; it was served unlimited');
          next();
        },
      );
    };

  return {
    anonymousMiddleware: charge(true),
    middleware: charge(false),
    ready: () => (redis ? redisSettled(redis, REDIS_STARTUP_WAIT_MS) : Promise.resolve()),
    async chargeRefusal(request, response) {
      // `penalty` adds points without refusing: the next request meets the limit.
      await limiter.penalty(keyOf(request, response), REFUSED_OPERATION_POINTS - 1).catch(() => undefined);
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
