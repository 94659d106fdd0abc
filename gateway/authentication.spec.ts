import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AuthenticationError } from '../platform/graphql-http';
import type { Viewer } from '../platform/identity';
import { createAuthenticator, createHttpIdentityLookup, createTokenVerifier } from './authentication';

/**
 * Production sign-in against a real JWKS endpoint (served on loopback): the gateway accepts tokens
 * its OIDC issuer signed and nothing else, including the classic algorithm-confusion forgery.
 */
const issuer = 'https://id.example.org/';
const audience = 'ips-graph';
const person: Viewer = {
  personId: '5f0c3b1e-2d4a-4c8b-9e7f-1a2b3c4d5e6f',
  email: 'tom.fairweather@kent.gov.uk',
  organisationId: '0b5a4d3e-8f1c-4c2a-9d7e-1f2e3d4c5b6a',
  organisationKind: 'COUNTY_COUNCIL',
  membershipStatus: 'ACTIVE',
  organisationRoles: ['BUYER'],
  platformRoles: [],
};

let server: Server;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let authenticate: ReturnType<typeof createAuthenticator>;

beforeAll(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  authenticate = createAuthenticator(
    createTokenVerifier({ kind: 'oidc', jwksUrl, issuer, audience, maxTokenAgeSeconds }),
    async ({ email, subject }) => {
      if (email !== person.email) return { status: 'unknown' };
      return subject === personSubject ? { status: 'signed-in', viewer: person } : { status: 'subject-mismatch' };
    },
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const personSubject = 'idp|4711';
const maxTokenAgeSeconds = 3_600;

function token(
  claims: {
    email?: string;
    iss?: string;
    aud?: string;
    exp?: number | null;
    iat?: number;
    sub?: string | null;
    email_verified?: unknown;
  } = {},
) {
  const jwt = new SignJWT({
    email: claims.email ?? person.email,
    ...('email_verified' in claims ? { email_verified: claims.email_verified } : { email_verified: true }),
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? audience)
    .setIssuedAt(claims.iat);
  if (claims.sub !== null) jwt.setSubject(claims.sub ?? personSubject);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(keys.privateKey);
}

describe('sign-in with an OIDC issuer', () => {
  it('accepts a token the issuer signed and looks the person up', async () => {
    await expect(authenticate(`Bearer ${await token()}`)).resolves.toEqual(person);
  });

  it('treats a request without a token as anonymous', async () => {
    await expect(authenticate(undefined)).resolves.toBeNull();
  });

  it.each([
    ['another issuer', () => token({ iss: 'https://evil.example/' })],
    ['another audience', () => token({ aud: 'another-api' })],
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token without an email claim', () => token({ email: 'not-an-email' })],
    ['a token without an expiry', () => token({ exp: null })],
    [
      'a token older than the maximum token age, whatever its expiry',
      () => token({ iat: Math.floor(Date.now() / 1000) - maxTokenAgeSeconds - 60, exp: Math.floor(Date.now() / 1000) + 3_600 }),
    ],
    ['a token whose email is not verified', () => token({ email_verified: false })],
    ['a token that does not say whether its email is verified', () => token({ email_verified: undefined })],
    ['a token without a subject', () => token({ sub: null })],
    [
      'an HS256 token keyed with the public key (algorithm confusion)',
      async () => {
        const publicJwk = JSON.stringify(await exportJWK(keys.publicKey));
        return new SignJWT({ email: person.email })
          .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
          .setIssuer(issuer)
          .setAudience(audience)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(publicJwk));
      },
    ],
  ])('refuses %s', async (_label, make) => {
    await expect(authenticate(`Bearer ${await make()}`)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses a token whose subject is not the one the person is bound to', async () => {
    await expect(authenticate(`Bearer ${await token({ sub: 'idp|someone-else' })}`)).rejects.toThrow(
      /registered to another sign-in account/,
    );
  });

  it('refuses a valid token for someone who is not registered', async () => {
    await expect(authenticate(`Bearer ${await token({ email: 'stranger@nowhere.example' })}`)).rejects.toThrow(/names nobody registered/);
  });
});

describe('the identity lookup in members over HTTP', () => {
  it('sends identical lookups in flight at once only once, and keeps nothing afterwards', async () => {
    let calls = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const members = createServer((request, response) => {
      calls += 1;
      request.resume();
      void held.then(() => response.writeHead(404).end());
    });
    await new Promise<void>((resolve) => members.listen(0, '127.0.0.1', resolve));
    const { port } = members.address() as AddressInfo;
    const lookup = createHttpIdentityLookup(`http://127.0.0.1:${port}/graphql`, 'a-test-secret-that-is-long-enough-to-use-here');
    const claims = { email: 'someone@council.example', issuer: 'https://id.example/', subject: 'someone' };
    try {
      const together = Promise.all([lookup(claims), lookup(claims), lookup({ ...claims, subject: 'someone-else' })]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      expect(await together).toEqual([{ status: 'unknown' }, { status: 'unknown' }, { status: 'unknown' }]);
      expect(calls).toBe(2);
      await lookup(claims);
      expect(calls).toBe(3);
    } finally {
      members.closeAllConnections();
      await new Promise((resolve) => members.close(resolve));
    }
  });
});
