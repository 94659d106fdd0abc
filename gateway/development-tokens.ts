import { SignJWT } from 'jose';
import type { AuthenticationConfig } from '../platform/config';

/**
 * Tokens for development and tests, signed with the development key the gateway accepts when no
 * OIDC issuer is configured. A production gateway verifies only its issuer's keys, so these are
 * worthless there; `npm run token` also refuses to run with a production configuration.
 */
export async function mintDevelopmentToken(
  config: AuthenticationConfig,
  email: string,
  options: { expiresIn?: string | Date } = {},
): Promise<string> {
  if (config.kind !== 'development') throw new Error('Development tokens exist only without an OIDC issuer.');
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(email)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(config.secret));
}
