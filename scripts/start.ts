import { ConfigError } from '../platform/config';
import { startStack } from './stack';

/**
 * `npm start`: the whole graph on this machine. With no database URLs set, every subgraph keeps an
 * embedded PostgreSQL under ./data; demo data is seeded on the first run. Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  // The development profile: committed development secrets and demo data, on this machine only.
  const env = { SEED_DEMO_DATA: 'true', IPS_PROFILE: 'development', ...process.env };
  console.log('Starting IPS Graph: members, innovations, procurement, events, then the gateway…');
  const stack = await startStack({ env });
  console.log(`\nIPS Graph is ready after ${(stack.readyAfterMs / 1000).toFixed(1)} s.`);
  console.log(`Explorer and endpoint: ${stack.gatewayUrl}\nPress Ctrl-C to stop.\n`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping IPS Graph…');
    stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
