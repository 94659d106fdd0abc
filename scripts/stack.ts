import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import {
  gatewayVariableNames,
  loadGatewayConfig,
  loadNotifyConfig,
  loadSubgraphConfig,
  notifyVariableNames,
  ConfigError,
  subgraphVariableNames,
  type Environment,
  type SubgraphConfig,
} from '../platform/config';
import { defaultDataDirectory, repositoryRoot } from '../platform/paths';
import { domainEventDeliveryPath } from '../platform/event-inbox';
import { askedUrlVariable, subgraphNames, subgraphsAskedBy } from '../platform/subgraph-names';

/**
 * Runs the whole graph as production does, one process per service, from the compiled `dist/`
 * tree: the subgraphs first, then the gateway once they are ready. Used by `npm start`, the
 * stack and lifecycle tests, the benchmark and the chaos suite.
 *
 * Process lifecycle:
 * - Before anything is spawned, every port is tried; ports already taken are reported together.
 * - Each service runs in a process group of its own (so a Ctrl-C in the terminal reaches only the
 *   runner, which then stops the services in order) with an IPC channel to the runner: a service
 *   reports ready over it with its own pid, so readiness is never read from a leftover process on
 *   the same port, and it stops when the channel closes (the runner was killed outright).
 * - `stop()` sends SIGTERM to each service's group and SIGKILL after a grace period: services
 *   first, then the embedded database, all within 5 s.
 * - A service that exits while the stack runs is reported to `onUnexpectedExit` listeners; the
 *   runner of `npm start` then stops the whole stack (scripts/start.ts).
 */
export type ServiceName = 'database' | 'notify' | (typeof subgraphNames)[number] | 'gateway';

export interface StackProcess {
  name: ServiceName;
  pid: number;
}

export interface UnexpectedExit {
  name: ServiceName;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningStack {
  gatewayUrl: string;
  /** Milliseconds from the first spawn until the gateway answered ready. */
  readyAfterMs: number;
  /** Process id of each service, by name (`gateway`, `members`, …): the benchmark reads their CPU and memory. */
  pids: Record<string, number>;
  /** The PostgreSQL URL of the shared embedded database, when this run started one. */
  embeddedDatabaseUrl: string | undefined;
  /** This run's own processes, as they are now. */
  processes(): StackProcess[];
  onUnexpectedExit(listener: (exit: UnexpectedExit) => void): void;
  /** Sends a signal to one service's process group (chaos suite: SIGSTOP, SIGCONT). */
  signal(name: ServiceName, signal: NodeJS.Signals): void;
  /** Kills one service outright (SIGKILL) and starts it again; resolves when it is ready. */
  restart(name: Exclude<ServiceName, 'database'>): Promise<void>;
  /** Drops every connection to the shared embedded database (open transactions roll back). */
  terminateEmbeddedConnections(): Promise<number>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env: Environment;
  /** Where child output goes (prefixed with the service name); defaults to this process's stdout. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Extra Node arguments for one service's process (the benchmark's `--profile`: `--cpu-prof`). */
  nodeArguments?: (service: string) => string[];
  /**
   * One embedded PostgreSQL (its own process, data under DATA_DIR/development) for every subgraph
   * without a database URL, each in its own schema. Without it each subgraph embeds its own
   * PGlite under DATA_DIR/<subgraph>, as tests and the benchmark expect.
   */
  sharedEmbeddedDatabase?: boolean;
  /** Node options for every spawned process, e.g. a smaller young generation for the development stack. */
  nodeOptions?: string[];
  /**
   * The GOV.UK Notify stand-in (scripts/notify-stand-in.ts) as a process of its own, on
   * NOTIFY_STAND_IN_PORT, when the development profile is on and neither NOTIFY_API_KEY nor
   * NOTIFY_BASE_URL is set (`npm start`); its emails show in the explorer's mailbox.
   */
  notifyStandIn?: boolean;
}

/** How long a service has to stop after SIGTERM before its group gets SIGKILL. */
const serviceStopGraceMs = 2_500;
/** The database stops after the services, so the whole stack is down within 5 s. */
const databaseStopGraceMs = 1_500;

/**
 * Under the development profile the gateway starts from scripts/development-gateway.ts, which hands
 * it the demo personas for the explorer's sign-in; otherwise from gateway/main.ts, as in production.
 */
const gatewayEntrypoint = (developmentProfile: boolean) => (developmentProfile ? 'scripts/development-gateway.js' : 'gateway/main.js');

export const compiledEntrypoint = (service: ServiceName, developmentProfile: boolean) =>
  path.join(
    repositoryRoot,
    'dist',
    service === 'gateway'
      ? gatewayEntrypoint(developmentProfile)
      : service === 'database'
        ? 'scripts/dev-database.js'
        : service === 'notify'
          ? 'scripts/notify-stand-in.js'
          : `subgraphs/${service}/main.js`,
  );

function hostForClients(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}

/** Ports were taken before the stack started; nothing was spawned. */
export class PortsInUseError extends Error {}

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

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Tries every port before anything starts, so a leftover stack is named instead of half-colliding. */
export async function checkPortsFree(wanted: { name: string; host: string; port: number; variable: string }[]): Promise<void> {
  const taken = [];
  for (const service of wanted) {
    if (service.port !== 0 && !(await portIsFree(service.host, service.port))) taken.push(service);
  }
  if (taken.length === 0) return;
  throw new PortsInUseError(
    [
      `Cannot start IPS Graph: ${taken.length === 1 ? 'a port is' : `${taken.length} ports are`} already in use:`,
      ...taken.map((s) => `  ${s.host}:${s.port} (${s.name}, set by ${s.variable})`),
      'Another IPS Graph (or another program) is probably still running there. Stop it, or choose free ports',
      `with ${taken.map((s) => s.variable).join(', ')}.`,
    ].join('\n'),
  );
}

interface ReadyMessage {
  type: 'ready';
  pid: number;
  url: string;
}

/** Resolves with the child's own ready report; rejects if it exits first or the deadline passes. */
export function waitForReadyMessage(name: string, child: ChildProcess, deadline: number): Promise<ReadyMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${name} was not ready in time`)), Math.max(0, deadline - Date.now()));
    const onMessage = (message: unknown) => {
      const ready = message as Partial<ReadyMessage>;
      // Only this run's own process counts: its pid is the one we spawned.
      if (ready?.type === 'ready' && ready.pid === child.pid && typeof ready.url === 'string') finish(undefined, ready as ReadyMessage);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`})`));
    const finish = (error?: Error, ready?: ReadyMessage) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(ready!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** The gateway is also asked over HTTP whether it is ready (it checks its subgraphs). */
async function waitUntilHttpReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: the process exited`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready in time`);
}

/**
 * For a runner (`npm start`, `npm run stack:replicas`): calls `shutdown` on SIGINT, SIGTERM or SIGHUP
 * (exit code 0), and when npm (or whoever started the runner) was killed outright and this process
 * re-parented (exit code 1).
 */
export function stopWhenAsked(shutdown: (reason: string, exitCode: number) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal, 0));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('the parent process is gone', 1);
  }, 500).unref();
}

/** Writes a child's output to `log` line by line, each prefixed with its name (padded to `width`, so the lines align). */
export function pipeLines(child: ChildProcess, name: string, log: (line: string) => void, width: number): void {
  const prefix = `[${name}]`.padEnd(width);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) log(`${prefix} ${line}`);
    });
  }
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) return resolve();
    const killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killTimer);
      // Anything the service left in its group goes with it.
      signalGroup(child, 'SIGKILL');
      resolve();
    });
    signalGroup(child, 'SIGTERM');
    // A stopped (SIGSTOP) service cannot act on SIGTERM until it is continued.
    signalGroup(child, 'SIGCONT');
  });
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { subgraphs, gateway, gatewayEnv } = loadAllConfig(options.env);
  const notifyStandIn = options.notifyStandIn && gateway.developmentProfile ? loadNotifyConfig(options.env).standIn : undefined;
  await checkPortsFree([
    ...(notifyStandIn
      ? [{ name: 'Notify stand-in', host: '127.0.0.1', port: notifyStandIn.port, variable: notifyVariableNames.standInPort }]
      : []),
    ...subgraphs.map((s) => ({ name: `${s.name} subgraph`, host: s.host, port: s.port, variable: subgraphVariableNames(s.name).port })),
    { name: 'gateway', host: gateway.host, port: gateway.port, variable: gatewayVariableNames().port },
  ]);
  const deadline = started + (options.readyTimeoutMs ?? 180_000);
  const children = new Map<ServiceName, ChildProcess>();
  const environments = new Map<ServiceName, Environment>();
  const expectedExits = new Set<ChildProcess>();
  const exitListeners: ((exit: UnexpectedExit) => void)[] = [];
  let stopping = false;

  const spawnService = (name: ServiceName, env: Environment) => {
    environments.set(name, env);
    const child = spawn(
      process.execPath,
      [...(options.nodeOptions ?? []), ...(options.nodeArguments?.(name) ?? []), compiledEntrypoint(name, gateway.developmentProfile)],
      {
        cwd: repositoryRoot,
        env: env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        detached: true,
      },
    );
    pipeLines(child, name, log, 14);
    child.once('exit', (code, signal) => {
      if (stopping || expectedExits.has(child)) return;
      for (const listener of exitListeners) listener({ name, code, signal });
    });
    children.set(name, child);
    return child;
  };

  const stop = async () => {
    stopping = true;
    const database = children.get('database');
    await Promise.all(
      [...children.entries()].filter(([name]) => name !== 'database').map(([, child]) => stopChild(child, serviceStopGraceMs)),
    );
    if (database) await stopChild(database, databaseStopGraceMs);
  };

  try {
    let embeddedDatabaseUrl: string | undefined;
    if (options.sharedEmbeddedDatabase && subgraphs.some((s) => !s.database.url)) {
      const directory = path.resolve(options.env.DATA_DIR ?? defaultDataDirectory, 'development');
      const database = spawnService('database', { ...options.env, DEV_DATABASE_DIRECTORY: directory });
      embeddedDatabaseUrl = (await waitForReadyMessage('the embedded database', database, deadline)).url;
    }
    if (notifyStandIn) await waitForReadyMessage('the Notify stand-in', spawnService('notify', options.env), deadline);
    const subgraphEnvironment = (subgraph: SubgraphConfig): Environment => {
      const env: Environment = { ...options.env };
      const variables = subgraphVariableNames(subgraph.name);
      if (embeddedDatabaseUrl && !subgraph.database.url) env[variables.databaseUrl] = embeddedDatabaseUrl;
      // A subgraph that asks another directly (procurement asks innovations) finds it wherever it listens.
      for (const name of subgraphsAskedBy(subgraph.name)) {
        const asked = subgraphs.find((s) => s.name === name)!;
        env[askedUrlVariable(subgraph.name, name)] ??= `http://${hostForClients(asked.host)}:${asked.port}/graphql`;
      }
      // With no broker, every other subgraph's relay delivers its domain events to the notifications
      // subgraph over HTTP (the embedded default, issue 25); with NATS_URL they go through JetStream.
      const notifications = subgraphs.find((s) => s.name === 'notifications');
      if (notifications && subgraph.name !== 'notifications' && !env.NATS_URL && !env.EVENT_CONSUMERS) {
        env.EVENT_CONSUMERS = `notifications=http://${hostForClients(notifications.host)}:${notifications.port}/internal${domainEventDeliveryPath}`;
      }
      return env;
    };
    await Promise.all(
      subgraphs.map((subgraph) =>
        waitForReadyMessage(`the ${subgraph.name} subgraph`, spawnService(subgraph.name, subgraphEnvironment(subgraph)), deadline),
      ),
    );
    const gatewayProcess = spawnService('gateway', gatewayEnv);
    await waitForReadyMessage('the gateway', gatewayProcess, deadline);
    const gatewayBase = `http://${hostForClients(gateway.host)}:${gateway.port}`;
    await waitUntilHttpReady(`${gatewayBase}/health/ready`, gatewayProcess, deadline);

    return {
      gatewayUrl: `${gatewayBase}/graphql`,
      readyAfterMs: Date.now() - started,
      embeddedDatabaseUrl,
      pids: Object.fromEntries([...children.entries()].map(([name, child]) => [name, child.pid!])),
      processes: () =>
        [...children.entries()]
          .filter(([, child]) => !hasExited(child) && child.pid !== undefined)
          .map(([name, child]) => ({ name, pid: child.pid! })),
      onUnexpectedExit: (listener) => exitListeners.push(listener),
      signal(name, signal) {
        const child = children.get(name);
        if (child) signalGroup(child, signal);
      },
      async restart(name) {
        const old = children.get(name);
        if (!old) throw new Error(`no ${name} in this stack`);
        expectedExits.add(old);
        if (!hasExited(old)) {
          const exited = new Promise((resolve) => old.once('exit', resolve));
          signalGroup(old, 'SIGKILL');
          await exited;
        }
        const child = spawnService(name, environments.get(name)!);
        await waitForReadyMessage(name, child, Date.now() + 60_000);
      },
      async terminateEmbeddedConnections() {
        const database = children.get('database');
        if (!database) throw new Error('this stack runs no embedded database');
        const done = new Promise<number>((resolve) => {
          const onMessage = (message: { type?: string; count?: number }) => {
            if (message?.type !== 'connections-terminated') return;
            database.off('message', onMessage);
            resolve(message.count ?? 0);
          };
          database.on('message', onMessage);
        });
        database.send({ type: 'terminate-connections' });
        return done;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
