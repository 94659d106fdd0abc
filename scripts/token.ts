import { parseArgs } from 'node:util';
import { demoPersonas } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { ConfigError, loadGatewayConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';

/**
 * `npm run --silent token -- --role BUYER` (or `--email someone@kent.gov.uk`) prints a development
 * bearer token for a seeded person. Refuses with a production configuration: there the gateway
 * trusts only its OIDC issuer.
 */
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, email: { type: 'string' }, expires: { type: 'string', default: '8h' } },
  });
  // Same profile as `npm start`: the committed development key unless AUTH_DEV_SECRET is set.
  const config = loadGatewayConfig({ IPS_PROFILE: 'development', ...process.env }, subgraphNames);
  if (config.nodeEnv === 'production' || config.authentication.kind !== 'development') {
    fail('Development tokens are refused in production configuration; sign in through the OIDC issuer.');
  }
  const roles = demoPersonas.filter((p) => p.signsInAs).map((p) => p.signsInAs!);
  let email = values.email;
  if (values.role) {
    const persona = demoPersonas.find((p) => p.signsInAs === values.role?.toUpperCase());
    if (!persona) fail(`Unknown role "${values.role}". Roles: ${roles.join(', ')}.`);
    email = persona.email;
  }
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    fail(`Usage: npm run --silent token -- --role <${roles.join('|')}> | --email <email> [--expires 8h]`);
  }
  console.log(await mintDevelopmentToken(config.authentication, email, { expiresIn: values.expires }));
}

main().catch((error: unknown) => fail(error instanceof ConfigError ? error.message : String(error)));
