import { jwtVerify, SignJWT } from 'jose';
import type { Identity } from './identity';

/**
 * How identity crosses from the gateway to the subgraphs. The gateway signs the identity it
 * established (or `null` for an anonymous caller) with a secret only it and the subgraphs hold; a
 * subgraph serves a request only when the assertion verifies. A client cannot forge identity by
 * sending headers, and a request that bypasses the gateway is refused before any resolver runs.
 */
export const gatewayAssertionHeader = 'x-ips-gateway-assertion';

const issuer = 'ips-graph-gateway';
const audience = 'ips-graph-subgraphs';
/** Short-lived: an assertion is made per subgraph request and is useless once overheard. */
const lifetimeSeconds = 60;

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signGatewayAssertion(identity: Identity, secret: string): Promise<string> {
  return new SignJWT({ viewer: identity })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(key(secret));
}

/** The identity in a valid assertion; throws for a missing, forged or expired one. */
export async function verifyGatewayAssertion(token: string | undefined, secret: string): Promise<Identity> {
  if (!token) throw new Error('missing gateway assertion');
  const { payload } = await jwtVerify(token, key(secret), { issuer, audience, algorithms: ['HS256'] });
  return (payload.viewer ?? null) as Identity;
}
