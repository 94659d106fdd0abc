import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Caller, Identity, SignInClaims, Viewer } from './identity';

/**
 * How identity crosses from the gateway to the subgraphs. For every subgraph request the gateway
 * makes one assertion: an HMAC-SHA256, under a secret only it and the subgraphs hold, over a
 * canonical string that binds
 *
 *   - the target subgraph's name (a subgraph checks its own name: an assertion made for members is
 *     useless at events),
 *   - the SHA-256 of the exact request body (the subgraph hashes the raw bytes it received: the
 *     assertion is useless for any other operation or variables),
 *   - when it was made and when it expires (a few seconds: GATEWAY_ASSERTION_LIFETIME_MS),
 *   - a random nonce (a subgraph refuses a nonce it has already seen: an exact replay is refused too),
 *   - the identity the gateway established (or none, for an anonymous caller or the gateway itself).
 *
 * Wire format, one header, dot-separated:
 *   v1.<issued-at ms, base36>.<expires ms, base36>.<nonce, base64url>.<identity JSON, base64url>.<mac, base64url>
 * The subgraph name and body digest are not sent: the verifier supplies its own. The MAC input is
 *   v1\n<subgraph>\n<issued-at>\n<expires>\n<nonce>\n<body sha256, base64url>\n<identity part>
 *
 * Who uses this API: the gateway (gateway/data-sources.ts and its members identity lookup), every
 * subgraph (platform/subgraph-server.ts), and anything else that must call a subgraph the way the
 * gateway does (a Hive Gateway plugin, a subgraph calling another's `_entities`): sign with
 * `createGatewayAssertion` over the exact bytes you send, and put the result in
 * `gatewayAssertionHeader`. Signing and verifying cost microseconds (a prepared HMAC key, no JWT
 * parsing), unlike the jose JWT it replaces.
 */
export const gatewayAssertionHeader = 'x-ips-gateway-assertion';

/** How long an assertion is valid by default: enough for one hop, useless to keep. */
export const defaultGatewayAssertionLifetimeMs = 5_000;
/** Tolerated disagreement between the gateway's clock and a subgraph's. */
export const gatewayAssertionClockSkewMs = 1_000;

const version = 'v1';
/**
 * Nonces need to be unique, not secret (the MAC covers them): a random per-process prefix and a
 * counter, cheaper than random bytes per request.
 */
const noncePrefix = randomBytes(9).toString('base64url');
let nonceCounter = 0;

export class GatewayAssertionError extends Error {
  constructor(readonly reason: string) {
    super(`gateway assertion refused: ${reason}`);
    this.name = 'GatewayAssertionError';
  }
}

/** A secret as given in configuration, or the key object it was prepared into. */
export type GatewayAssertionSecret = string | KeyObject;

const preparedKeys = new Map<string, KeyObject>();

/** Prepares the HMAC key once per secret; every later call reuses it (no per-request import). */
export function prepareGatewayKey(secret: GatewayAssertionSecret): KeyObject {
  if (typeof secret !== 'string') return secret;
  let key = preparedKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    preparedKeys.set(secret, key);
  }
  return key;
}

/** The request body as the bytes on the wire; a string is hashed as UTF-8, exactly as it is sent. */
export type AssertedBody = string | Uint8Array;

function bodyDigest(body: AssertedBody): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** One request's fetches share one viewer object: encode it once. */
const encodedIdentities = new WeakMap<object, string>();

/**
 * The identity part: the viewer's JSON; for a newcomer (a verified token naming nobody registered
 * yet, platform/identity.ts `Caller`) `{"newcomer":{email,issuer,subject}}`, which has no
 * `personId` and is never read as a viewer; empty for anonymous.
 */
function encodeIdentity(identity: Identity, newcomer?: SignInClaims | null): string {
  if (!identity && newcomer) return Buffer.from(JSON.stringify({ newcomer }), 'utf8').toString('base64url');
  if (!identity) return '';
  let encoded = encodedIdentities.get(identity);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
    encodedIdentities.set(identity, encoded);
  }
  return encoded;
}

function mac(
  key: KeyObject,
  subgraph: string,
  issuedAt: string,
  expires: string,
  nonce: string,
  body: AssertedBody,
  identity: string,
): Buffer {
  return createHmac('sha256', key)
    .update(`${version}\n${subgraph}\n${issuedAt}\n${expires}\n${nonce}\n${bodyDigest(body)}\n${identity}`)
    .digest();
}

export interface CreateGatewayAssertionOptions {
  /** The subgraph the request goes to, by its name in the supergraph (e.g. `members`). */
  subgraph: string;
  /** The exact request body that will be sent. */
  body: AssertedBody;
  /** Who is asking, as the gateway established it; null for anonymous (or the gateway itself). */
  identity: Identity;
  /** With a null identity: the verified claims of a caller not registered yet (accepting an invitation). */
  newcomer?: SignInClaims | null;
  secret: GatewayAssertionSecret;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: number;
  lifetimeMs?: number;
}

/** Makes the value of `gatewayAssertionHeader` for one request to one subgraph. */
export function createGatewayAssertion(options: CreateGatewayAssertionOptions): string {
  const now = options.now ?? Date.now();
  const issuedAt = now.toString(36);
  const expires = (now + (options.lifetimeMs ?? defaultGatewayAssertionLifetimeMs)).toString(36);
  nonceCounter = (nonceCounter + 1) % Number.MAX_SAFE_INTEGER;
  const nonce = `${noncePrefix}${nonceCounter.toString(36)}`;
  const identity = encodeIdentity(options.identity, options.newcomer);
  const signature = mac(prepareGatewayKey(options.secret), options.subgraph, issuedAt, expires, nonce, options.body, identity);
  return `${version}.${issuedAt}.${expires}.${nonce}.${identity}.${signature.toString('base64url')}`;
}

/**
 * Remembers the nonces of assertions already accepted, until they expire, so each assertion is
 * accepted once. Every replica of a subgraph must share one guard, or a captured assertion refused
 * by the replica that saw it is accepted once by another within its life (issue 26): in Redis
 * (`RedisReplayGuard`) when REDIS_URL is set, in the process otherwise (one replica).
 */
export interface ReplayGuard {
  /** False when the nonce was already used; otherwise records it until `expires`. Rejects when it cannot tell (fail closed). */
  admit(nonce: string, expires: number, now: number): Promise<boolean>;
}

/** One process's memory, bounded by the request rate times the lifetime. */
export class InMemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  admit(nonce: string, expires: number, now: number): Promise<boolean> {
    // Entries go in roughly in expiry order, so expired ones are at the front.
    for (const [old, oldExpires] of this.seen) {
      if (oldExpires + gatewayAssertionClockSkewMs >= now) break;
      this.seen.delete(old);
    }
    if (this.seen.has(nonce)) return Promise.resolve(false);
    this.seen.set(nonce, expires);
    return Promise.resolve(true);
  }
}

/** What `RedisReplayGuard` needs of a Redis client (ioredis's `set`). */
export interface NonceStore {
  set(key: string, value: string, expiry: 'PX', milliseconds: number, condition: 'NX'): Promise<string | null>;
}

/**
 * Shared by every replica of a subgraph: `SET key 1 PX <life> NX` records a nonce only if no
 * replica has, atomically, and Redis forgets it when the assertion could no longer be accepted
 * anyway. Redis away: the command fails, and so does the request (fail closed).
 */
export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: NonceStore,
    /** `<prefix>:<subgraph>`: nonces are per subgraph, since each assertion is made for one. */
    private readonly keyPrefix: string,
  ) {}

  async admit(nonce: string, expires: number, now: number): Promise<boolean> {
    const lifeMs = Math.max(1, expires + gatewayAssertionClockSkewMs - now);
    return (await this.redis.set(`${this.keyPrefix}:${nonce}`, '1', 'PX', lifeMs, 'NX')) === 'OK';
  }
}

export interface VerifyGatewayAssertionOptions {
  /** The header's value as received. */
  assertion: string | undefined;
  /** The verifying subgraph's own name. */
  subgraph: string;
  /** The raw body bytes as received, before any parsing. */
  body: AssertedBody;
  secret: GatewayAssertionSecret;
  now?: number;
  /** The longest lifetime accepted (what the gateway is configured to issue). */
  maxLifetimeMs?: number;
}

const base36 = /^[0-9a-z]{1,12}$/;

/** The identity in a valid assertion (null for a newcomer too); throws GatewayAssertionError for anything else. */
export function verifyGatewayAssertion(options: VerifyGatewayAssertionOptions): Identity {
  return verifyGatewayAssertionCaller(options).viewer;
}

/**
 * The caller in a valid assertion seen for the first time: what a subgraph serving requests uses.
 * Throws GatewayAssertionError for anything else, a replay included (or when the guard cannot tell).
 */
export async function admitGatewayAssertion(options: VerifyGatewayAssertionOptions & { replayGuard: ReplayGuard }): Promise<Caller> {
  const { caller, nonce, expires, now } = readGatewayAssertion(options);
  if (!(await options.replayGuard.admit(nonce, expires, now))) throw new GatewayAssertionError('replayed');
  return caller;
}

/** The caller in a valid assertion, replay aside: the viewer, or a newcomer's claims; throws GatewayAssertionError for anything else. */
export function verifyGatewayAssertionCaller(options: VerifyGatewayAssertionOptions): Caller {
  return readGatewayAssertion(options).caller;
}

function readGatewayAssertion(options: VerifyGatewayAssertionOptions): { caller: Caller; nonce: string; expires: number; now: number } {
  const { assertion } = options;
  if (!assertion) throw new GatewayAssertionError('missing');
  const parts = assertion.split('.');
  if (parts.length !== 6 || parts[0] !== version) throw new GatewayAssertionError('malformed');
  const [, issuedAt, expires, nonce, identity, signature] = parts as [string, string, string, string, string, string];
  if (!base36.test(issuedAt) || !base36.test(expires)) throw new GatewayAssertionError('malformed');
  const expected = mac(prepareGatewayKey(options.secret), options.subgraph, issuedAt, expires, nonce, options.body, identity);
  const given = Buffer.from(signature, 'base64url');
  // Wrong subgraph, other body, altered identity or times, another key: all end here.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new GatewayAssertionError('bad signature');
  const now = options.now ?? Date.now();
  const issued = parseInt(issuedAt, 36);
  const expiry = parseInt(expires, 36);
  if (expiry < now - gatewayAssertionClockSkewMs) throw new GatewayAssertionError('expired');
  if (issued > now + gatewayAssertionClockSkewMs) throw new GatewayAssertionError('issued in the future');
  if (expiry - issued > (options.maxLifetimeMs ?? defaultGatewayAssertionLifetimeMs)) {
    throw new GatewayAssertionError('lifetime too long');
  }
  const read = { nonce, expires: expiry, now };
  if (!identity) return { ...read, caller: { viewer: null, newcomer: null } };
  const decoded = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8')) as Viewer | { newcomer: SignInClaims };
  return { ...read, caller: 'newcomer' in decoded ? { viewer: null, newcomer: decoded.newcomer } : { viewer: decoded, newcomer: null } };
}
