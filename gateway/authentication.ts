import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { defaultMaxTokenAgeSeconds, type AuthenticationConfig } from '../platform/config';
import { createGatewayAssertion, defaultGatewayAssertionLifetimeMs, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { AuthenticationError } from '../platform/graphql-http';
import type { Caller, Identity, SignInClaims, SignInResult, Viewer } from '../platform/identity';
import { forwardedHeaders } from '../platform/observability';
import { SubgraphClient } from './subgraph-client';

/**
 * Turns a request's `Authorization` header into an identity. No header: anonymous (public data
 * only). A header that is not a valid token signed by the configured issuer — wrong key, wrong
 * algorithm, `alg: none`, wrong audience, no `exp`, expired, older than the maximum token age, an
 * unverified email — or a token naming nobody registered, or naming a person bound to another
 * subject: refused with UNAUTHENTICATED and no data.
 */
export type TokenClaims = SignInClaims;
export type TokenVerifier = (token: string) => Promise<TokenClaims>;
export type IdentityLookup = (claims: TokenClaims) => Promise<SignInResult>;

/** Asymmetric algorithms an OIDC issuer may sign with; HS256 only for the development key. */
const oidcAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/**
 * The claims sign-in relies on. `email_verified: false` is refused from any issuer. An OIDC token
 * without `email_verified` is refused too (fail closed: identity is found by email, so an issuer
 * that does not vouch for the address cannot be trusted with it); development tokens, which the
 * gateway's own key signs, may omit it.
 */
function signInClaims(payload: JWTPayload, requireEmailVerified: boolean): TokenClaims {
  if (typeof payload.email !== 'string' || !payload.email.includes('@')) throw new Error('token has no email claim');
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('token has no subject');
  const verified = payload.email_verified;
  if (verified === false || verified === 'false') throw new Error('email not verified');
  if (requireEmailVerified && verified !== true && verified !== 'true') throw new Error('email_verified claim missing');
  return { email: payload.email.toLowerCase(), issuer: payload.iss!, subject: payload.sub };
}

export function createTokenVerifier(config: AuthenticationConfig, options: { now?: () => Date } = {}): TokenVerifier {
  const common = {
    issuer: config.issuer,
    audience: config.audience,
    // A token without an expiry never dies, and one issued long ago is refused whatever it claims.
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: config.maxTokenAgeSeconds ?? defaultMaxTokenAgeSeconds,
  };
  if (config.kind === 'oidc') {
    const keys = createRemoteJWKSet(new URL(config.jwksUrl));
    return async (token) =>
      signInClaims((await jwtVerify(token, keys, { ...common, currentDate: options.now?.(), algorithms: oidcAlgorithms })).payload, true);
  }
  // Prepared once: jose would otherwise import raw key bytes on every verification.
  const key = createSecretKey(Buffer.from(config.secret, 'utf8'));
  return async (token) =>
    signInClaims((await jwtVerify(token, key, { ...common, currentDate: options.now?.(), algorithms: ['HS256'] })).payload, false);
}

/** What a valid token naming nobody registered gets from the routes that need a person. */
export const unregisteredTokenMessage = 'The token is valid but names nobody registered with the IPS.';

/**
 * Sign-in for routes that serve only registered people (calendar files, Hive Gateway): a token
 * naming nobody registered is refused like an invalid one.
 */
export function createAuthenticator(verifyToken: TokenVerifier, lookupIdentity: IdentityLookup) {
  const authenticateCaller = createCallerAuthenticator(verifyToken, lookupIdentity);
  return async (authorization: string | undefined): Promise<Identity> => {
    const caller = await authenticateCaller(authorization);
    if (caller.newcomer) throw new AuthenticationError(unregisteredTokenMessage);
    return caller.viewer;
  };
}

/**
 * Sign-in for `/graphql`: as `createAuthenticator`, except that a valid token naming nobody
 * registered yet makes a newcomer (`viewer: null`, the token's claims in `newcomer`) rather than a
 * refusal, so the invitee can accept an invitation sent to that address. The gateway refuses a
 * newcomer every other operation (gateway/newcomers.ts), with the same 401 as before.
 */
export function createCallerAuthenticator(verifyToken: TokenVerifier, lookupIdentity: IdentityLookup) {
  return async (authorization: string | undefined): Promise<Caller> => {
    if (!authorization) return { viewer: null, newcomer: null };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>".');
    let claims: TokenClaims;
    try {
      claims = await verifyToken(match[1]!);
    } catch {
      throw new AuthenticationError('The token is invalid or has expired.');
    }
    const result = await lookupIdentity(claims);
    if (result.status === 'unknown') return { viewer: null, newcomer: claims };
    if (result.status === 'subject-mismatch') {
      throw new AuthenticationError('The token names a person registered to another sign-in account.');
    }
    return { viewer: result.viewer, newcomer: null };
  };
}

/**
 * Looks callers up in the members subgraph over HTTP (production shape), on every request and
 * without a cache: removal, role changes and membership suspension take effect on the caller's
 * next request on every gateway replica. It costs one indexed SQL statement and one local HTTP
 * hop per signed-in request (measured in the issue note). The request is a POST whose body (the
 * claims) the gateway assertion binds, so an overheard lookup cannot be replayed for anyone else.
 */
export function createHttpIdentityLookup(
  membersGraphqlUrl: string,
  secret: string,
  assertionLifetimeMs = defaultGatewayAssertionLifetimeMs,
): IdentityLookup {
  const url = membersGraphqlUrl.replace(/\/graphql\/?$/, '/internal/identity');
  const client = new SubgraphClient();
  // Identical lookups in flight at once (one person's dashboard firing its queries together, or
  // the same token on several tabs) are sent once and share the answer. Nothing is kept after the
  // answer arrives, so a removal still takes effect for every request that starts after it.
  const inFlight = new Map<string, Promise<SignInResult>>();
  const lookup = async (body: string): Promise<SignInResult> => {
    const response = await askMembers(client, url, body, secret, assertionLifetimeMs);
    if (response.status === 200) return { status: 'signed-in', viewer: JSON.parse(response.body.toString('utf8')) as Viewer };
    if (response.status === 404) return { status: 'unknown' };
    if (response.status === 409) return { status: 'subject-mismatch' };
    throw new Error(`members identity lookup answered ${response.status}`);
  };
  return (claims) => {
    const body = JSON.stringify(claims);
    let answer = inFlight.get(body);
    if (!answer) {
      answer = lookup(body).finally(() => inFlight.delete(body));
      inFlight.set(body, answer);
    }
    return answer;
  };
}

/** Sign-in fails (503, retryable) rather than hang when members does not answer. */
const identityLookupTimeoutMs = 5_000;

/** One of members' internal identity routes, asked as the gateway, over the same keep-alive client as subgraph calls. */
function askMembers(client: SubgraphClient, url: string, body: string, secret: string, assertionLifetimeMs: number) {
  return client.post({
    url,
    headers: {
      'content-type': 'application/json',
      ...forwardedHeaders(),
      [gatewayAssertionHeader]: createGatewayAssertion({
        subgraph: 'members',
        body,
        identity: null,
        secret,
        lifetimeMs: assertionLifetimeMs,
      }),
    },
    body,
    signal: AbortSignal.timeout(identityLookupTimeoutMs),
  });
}

/** Who a person is now, by id; null once they have been removed (members' `/internal/identity/person`). */
export type PersonIdentityLookup = (personId: string) => Promise<Viewer | null>;

/**
 * Asks members about a person by id over HTTP, as `createHttpIdentityLookup` asks by token claims,
 * with no cache: the calendar feed route asks on every fetch, so a feed stops with its owner's
 * removal and narrows with their organisation's suspension from the next fetch on.
 */
export function createHttpPersonIdentityLookup(
  membersGraphqlUrl: string,
  secret: string,
  assertionLifetimeMs = defaultGatewayAssertionLifetimeMs,
): PersonIdentityLookup {
  const url = membersGraphqlUrl.replace(/\/graphql\/?$/, '/internal/identity/person');
  const client = new SubgraphClient();
  return async (personId) => {
    const response = await askMembers(client, url, JSON.stringify({ personId }), secret, assertionLifetimeMs);
    if (response.status === 200) return JSON.parse(response.body.toString('utf8')) as Viewer;
    if (response.status === 404) return null;
    throw new Error(`members person lookup answered ${response.status}`);
  };
}
