import { ConfigError } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { PortsInUseError, startStack, stopWhenAsked, type RunningStack } from './stack';

/**
 * `npm start`: the whole graph on this machine. With no database URLs set, the subgraphs share
 * one embedded PostgreSQL under ./data/development (each in its own schema); demo data is seeded on
 * the first run.
 *
 * Stopping: SIGINT (Ctrl-C), SIGTERM or SIGHUP to npm, to this runner or to the terminal's process
 * group stops every service within 5 s (npm's script `exec`s this runner, so npm's forwarded signal
 * lands here). If this runner is killed outright, the services notice their IPC channel close and
 * stop themselves. If a service exits on its own, the runner reports it and stops the whole stack
 * with exit code 1 rather than restarting it: a half-running graph answering with partial data is
 * harder to notice than a stopped one.
 */
async function main(): Promise<void> {
  // The development profile: committed development secrets and demo data, on this machine only.
  // Services write to this runner through pipes, so they cannot tell a person is watching: at a
  // terminal, ask them for pretty lines (LOG_FORMAT=json keeps the machine-readable ones).
  const env = {
    SEED_DEMO_DATA: 'true',
    IPS_PROFILE: 'development',
    LOG_FORMAT: process.stdout.isTTY ? 'pretty' : 'json',
    ...process.env,
  };
  let stack: RunningStack | undefined;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping IPS Graph (${reason})…`);
    // Stopping while still starting: exiting closes the services' IPC channels and they stop themselves.
    void (stack ? stack.stop() : Promise.resolve()).then(() => process.exit(exitCode));
  };
  stopWhenAsked(shutdown);

  console.log(`Starting IPS Graph: one embedded PostgreSQL, ${subgraphNames.join(', ')}, then the gateway…`);
  stack = await startStack({
    env,
    sharedEmbeddedDatabase: true,
    notifyStandIn: true,
    // A 1 MB young generation instead of 16 MB: ~80 MB less at rest across the six processes, which
    // keeps the development stack under 1 GiB; an idle development stack does not need the throughput.
    nodeOptions: ['--max-semi-space-size=1'],
  });
  if (stopping) return;
  stack.onUnexpectedExit(({ name, code, signal }) => {
    console.error(`\nThe ${name} process exited unexpectedly (${signal ?? `exit code ${code}`}).`);
    shutdown(`${name} exited`, 1);
  });
  console.log(`\nIPS Graph is ready after ${(stack.readyAfterMs / 1000).toFixed(1)} s.`);
  console.log(
    `Processes: runner ${process.pid}, ${stack
      .processes()
      .map((p) => `${p.name} ${p.pid}`)
      .join(', ')}`,
  );
  console.log(`Explorer and endpoint: ${stack.gatewayUrl}\nPress Ctrl-C to stop.\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof PortsInUseError ? error.message : error);
  process.exit(1);
});
