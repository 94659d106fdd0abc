import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AuthenticationConfig } from '../platform/config';
import { gatewayAssertionHeader, signGatewayAssertion } from '../platform/gateway-assertion';
import { AuthenticationError } from '../platform/graphql-http';
import type { Identity, Viewer } from '../platform/identity';

/**
 * Turns a request's `Authorization` header into an identity. No header: anonymous (public data
 * only). A header that is not a valid, unexpired token signed by the configured issuer — wrong
 * key, wrong algorithm, `alg: none`, wrong audience — or a token naming nobody registered: refused
 * with UNAUTHENTICATED and no data.
 */
export type TokenVerifier = (token: string) => Promise<{ email: string }>;
export type IdentityLookup = (email: string) => Promise<Viewer | null>;

/** Asymmetric algorithms an OIDC issuer may sign with; HS256 only for the development key. */
const oidcAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

function emailClaim(payload: JWTPayload): { email: string } {
  if (typeof payload.email !== 'string' || !payload.email.includes('@')) throw new Error('token has no email claim');
  return { email: payload.email.toLowerCase() };
}

export function createTokenVerifier(config: AuthenticationConfig): TokenVerifier {
  if (config.kind === 'oidc') {
    const keys = createRemoteJWKSet(new URL(config.jwksUrl));
    return async (token) =>
      emailClaim(
        (await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience, algorithms: oidcAlgorithms }))
          .payload,
      );
  }
  const key = new TextEncoder().encode(config.secret);
  return async (token) =>
    emailClaim(
      (await jwtVerify(token, key, { issuer: config.issuer, audience: config.audience, algorithms: ['HS256'] })).payload,
    );
}

export function createAuthenticator(verifyToken: TokenVerifier, lookupIdentity: IdentityLookup) {
  return async (authorization: string | undefined): Promise<Identity> => {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>".');
    let claims: { email: string };
    try {
      claims = await verifyToken(match[1]!);
    } catch {
      throw new AuthenticationError('The token is invalid or has expired.');
    }
    const viewer = await lookupIdentity(claims.email);
    if (!viewer) throw new AuthenticationError('The token is valid but names nobody registered with the IPS.');
    return viewer;
  };
}

/**
 * Looks callers up in the members subgraph over HTTP (production shape), remembering each answer
 * for a short while so a busy dashboard does not ask on every request. Role changes therefore take
 * effect within `ttlMs`.
 */
export function createHttpIdentityLookup(membersGraphqlUrl: string, secret: string, ttlMs = 30_000): IdentityLookup {
  const url = membersGraphqlUrl.replace(/\/graphql\/?$/, '/internal/identity');
  const cache = new Map<string, { viewer: Viewer | null; expires: number }>();
  return async (email) => {
    const cached = cache.get(email);
    if (cached && cached.expires > Date.now()) return cached.viewer;
    const response = await fetch(`${url}?email=${encodeURIComponent(email)}`, {
      headers: { [gatewayAssertionHeader]: await signGatewayAssertion(null, secret) },
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200 && response.status !== 404) {
      throw new Error(`members identity lookup answered ${response.status}`);
    }
    const viewer = response.status === 200 ? ((await response.json()) as Viewer) : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(email, { viewer, expires: Date.now() + ttlMs });
    return viewer;
  };
}
