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
  options: {
    /** `null` leaves `exp` out (tests: the gateway must refuse such a token). */
    expiresIn?: string | Date | null;
    issuedAt?: Date;
    /** The issuer's id for the person; development tokens use the email, bound at first sign-in. */
    subject?: string;
    /** Extra claims, e.g. `email_verified`. */
    claims?: Record<string, unknown>;
  } = {},
): Promise<string> {
  if (config.kind !== 'development') throw new Error('Development tokens exist only without an OIDC issuer.');
  const token = new SignJWT({ ...options.claims, email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject ?? email)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(options.issuedAt ?? new Date());
  if (options.expiresIn !== null) token.setExpirationTime(options.expiresIn ?? '8h');
  return token.sign(new TextEncoder().encode(config.secret));
}
