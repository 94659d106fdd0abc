import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Environment } from '../platform/config';

/**
 * The benchmark runs every service with its production configuration, so graphql-js and Apollo run
 * as they do in production (no development-mode checks). Production verifies callers' tokens only
 * against an OIDC issuer's keys fetched over https, so the benchmark plays the issuer: a key set
 * served over https on loopback, with a throwaway self-signed certificate that the benchmark's
 * processes are told to trust (NODE_EXTRA_CA_CERTS), and tokens signed with the matching key.
 */
export interface BenchIssuer {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** A token for the person with this email, as the issuer would mint at sign-in. */
  tokenFor(email: string): Promise<string>;
  stop(): Promise<void>;
}

/** Makes a self-signed certificate for 127.0.0.1 in `directory`; returns the certificate's path. */
export function makeLoopbackCertificate(directory: string): string {
  const certificate = path.join(directory, 'issuer-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(directory, 'issuer-key.pem'),
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  return certificate;
}

export async function startBenchIssuer(certificateDirectory: string): Promise<BenchIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const server: Server = createServer(
    {
      cert: readFileSync(path.join(certificateDirectory, 'issuer-cert.pem')),
      key: readFileSync(path.join(certificateDirectory, 'issuer-key.pem')),
    },
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/`;
  const audience = 'ips-graph';
  return {
    jwksUrl: `${base}/.well-known/jwks.json`,
    issuer,
    audience,
    tokenFor: (email) => sign(privateKey, issuer, audience, email),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sign(key: CryptoKey, issuer: string, audience: string, email: string): Promise<string> {
  return new SignJWT({ email, email_verified: true })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setSubject(`bench|${email}`)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key);
}

/**
 * GOV.UK Notify settings for a benchmark that sends no email: the notifications subgraph refuses to
 * start in production without them. The benchmarks only read, so nothing is sent; should a reminder
 * fall due, its email fails at once (nothing listens on `unusedPort`) and waits for a retry, and no
 * measured request depends on it.
 */
export function offlineNotifySettings(unusedPort: number): Environment {
  return {
    NOTIFY_API_KEY: `ips_bench-${randomUUID()}-${randomUUID()}`,
    NOTIFY_TEMPLATE_ID: randomUUID(),
    NOTIFY_BASE_URL: `https://127.0.0.1:${unusedPort}`,
    NOTIFICATIONS_UNSUBSCRIBE_SECRET: randomBytes(48).toString('base64url'),
    PUBLIC_BASE_URL: 'https://ips.example.org',
  };
}

/** A port on 127.0.0.1 free a moment ago, for a service the benchmark is about to start. */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
