import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  ConfigError,
  type Environment,
  type SubgraphConfig,
} from '../platform/config';
import { repositoryRoot } from '../platform/paths';
import { subgraphNames } from '../platform/subgraph-names';

/**
 * Runs the whole graph as production does, one process per service, from the compiled `dist/`
 * tree: the four subgraphs first, then the gateway once they are ready. Used by `npm start`, the
 * stack test and the benchmark.
 */
export interface RunningStack {
  gatewayUrl: string;
  /** Milliseconds from the first spawn until the gateway answered ready. */
  readyAfterMs: number;
  /** Process id of each service, by name (`gateway`, `members`, …): the benchmark reads their CPU and memory. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env: Environment;
  /** Where child output goes (prefixed with the service name); defaults to this process's stdout. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Extra Node arguments for one service's process (the benchmark's `--profile`: `--cpu-prof`). */
  nodeArguments?: (service: string) => string[];
}

const compiledEntrypoint = (service: string) =>
  path.join(repositoryRoot, 'dist', service === 'gateway' ? 'gateway' : `subgraphs/${service}`, 'main.js');

function hostForClients(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}

/** Validates every service's configuration before spawning anything, listing all problems. */
function loadAllConfig(env: Environment) {
  const problems: string[] = [];
  const subgraphs: SubgraphConfig[] = [];
  for (const name of subgraphNames) {
    try {
      subgraphs.push(loadSubgraphConfig(name, env));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((p) => `${name}: ${p}`));
    }
  }
  // The gateway follows the subgraphs wherever they were configured to listen, unless told otherwise.
  const gatewayEnv: Environment = { ...env };
  for (const subgraph of subgraphs) {
    const variable = gatewayVariableNames().subgraphUrl(subgraph.name);
    gatewayEnv[variable] ??= `http://${hostForClients(subgraph.host)}:${subgraph.port}/graphql`;
  }
  let gateway;
  try {
    gateway = loadGatewayConfig(gatewayEnv, subgraphNames);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `gateway: ${p}`));
  }
  if (problems.length > 0 || !gateway) throw new ConfigError(problems);
  return { subgraphs, gateway, gatewayEnv };
}

async function waitUntilReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready in time`);
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { subgraphs, gateway, gatewayEnv } = loadAllConfig(options.env);
  const deadline = started + (options.readyTimeoutMs ?? 180_000);
  const children: { name: string; process: ChildProcess }[] = [];

  const spawnService = (name: string, env: Environment) => {
    const child = spawn(process.execPath, [...(options.nodeArguments?.(name) ?? []), compiledEntrypoint(name)], {
      cwd: repositoryRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${name}]`.padEnd(14);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) log(`${prefix} ${line}`);
      });
    }
    children.push({ name, process: child });
    return child;
  };

  const stop = async () => {
    await Promise.all(
      children.map(
        ({ process: child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(killTimer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };

  try {
    await Promise.all(
      subgraphs.map((subgraph) =>
        waitUntilReady(
          `http://${hostForClients(subgraph.host)}:${subgraph.port}/health/ready`,
          spawnService(subgraph.name, options.env),
          deadline,
        ),
      ),
    );
    const gatewayProcess = spawnService('gateway', gatewayEnv);
    const gatewayBase = `http://${hostForClients(gateway.host)}:${gateway.port}`;
    await waitUntilReady(`${gatewayBase}/health/ready`, gatewayProcess, deadline);
    const pids = Object.fromEntries(children.map(({ name, process: child }) => [name, child.pid!]));
    return { gatewayUrl: `${gatewayBase}/graphql`, readyAfterMs: Date.now() - started, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
