import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ConfigError, gatewayVariableNames, subgraphVariableNames, type Environment } from '../platform/config';
import { domainEventDeliveryPath } from '../platform/event-inbox';
import { repositoryRoot } from '../platform/paths';
import { askedUrlVariable, subgraphNames, subgraphsAskedBy, type SubgraphName } from '../platform/subgraph-names';
import {
  PortsInUseError,
  checkPortsFree,
  compiledEntrypoint,
  hasExited,
  pipeLines,
  signalGroup,
  stopChild,
  stopWhenAsked,
  waitForReadyMessage,
} from './stack';

/**
 * `npm run stack:replicas -- --replicas 2`: several replicas of the gateway and of each subgraph,
 * as a deployment that outgrew one process runs them (issue 26), from the compiled `dist/` tree:
 *
 *   clients ─► HAProxy :4000 ─► gateway-0, gateway-1, …
 *   gateways ─► HAProxy :4001–4004 ─► members-0, members-1, … (one frontend per subgraph)
 *   subgraphs ─► PgBouncer :6434 (transaction mode) ─► the PostgreSQL server
 *   every replica ─► Redis (replay guard, cache generation, rate limits)
 *
 * HAProxy routes only to replicas whose `/health/ready` answers 200 and retries a request whose
 * connection failed on another replica. A replica sent SIGTERM drains (platform/http.ts): its
 * readiness answers 503 at once, it serves on for `HTTP_DRAIN_DELAY_MS` (two health-check
 * intervals) while HAProxy takes it out of rotation, then finishes what is in flight and exits, so a
 * rolling restart drops nothing. Demo data is seeded by the first replica of each subgraph only
 * (two replicas seeding at once would both find the tables empty).
 *
 * The chaos suite (`npm run chaos -- --replicas`, scripts/chaos-replicas.ts) and
 * tests/replicas-balancer.test.ts start the same stack through `startReplicaStack`.
 */
export type ReplicaService = SubgraphName | 'gateway';

export interface ReplicaStackOptions {
  replicas: number;
  /** Which services run replicas, in start order; default every subgraph, then the gateway. */
  services?: readonly ReplicaService[];
  /** Every replica's environment (profile, log settings, SEED_DEMO_DATA, …); ports and URLs are set per replica. */
  env: Environment;
  /**
   * A database on a PostgreSQL server, created if missing; the subgraphs reach it through a PgBouncer
   * this stack starts (transaction mode). Without it, the subgraphs' database URLs in `env` (as they
   * are, no PgBouncer), or else an embedded PGlite per replica under DATA_DIR/replica-<n> (replicas
   * then share no data).
   */
  databaseUrl?: string;
  /** PgBouncer's port (with `databaseUrl`). */
  pgbouncerPort?: number;
  /** Shared state for every replica (REDIS_URL); without it each keeps its own (one replica's behaviour). */
  redisUrl?: string;
  redisKeyPrefix?: string;
  /** The balancer's frontends: the gateway's on this port, then one per subgraph in `subgraphNames` order. */
  firstPort: number;
  /** Replica ports: `replicaFirstPort + 10 × service position + replica index`. */
  replicaFirstPort: number;
  /** HAProxy's health-check interval; replicas drain for two of them on SIGTERM. */
  healthCheckIntervalMs?: number;
  /**
   * HAProxy retries a request whose connection failed, or (subgraphs, and gateway queries) whose
   * server closed without answering, on another replica. Off: every failure reaches the caller, so a
   * test sees what the drain alone achieves.
   */
  retries?: boolean;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface Replica {
  service: ReplicaService;
  index: number;
  port: number;
  /** `http://127.0.0.1:<port>`, the replica itself, past the balancer. */
  baseUrl: string;
  pid: number | undefined;
}

export interface ReplicaStack {
  /** The balancer's gateway frontend, `http://127.0.0.1:<firstPort>/graphql` (when the gateway runs). */
  gatewayUrl: string | undefined;
  /** The balancer's frontend of each service, e.g. `http://127.0.0.1:4001`. */
  frontendUrls: Partial<Record<ReplicaService, string>>;
  /** The PostgreSQL URL through PgBouncer (with a database). */
  pgbouncerUrl: string | undefined;
  readyAfterMs: number;
  replicas(): Replica[];
  /** Sends `signal` to one replica and resolves when it has exited (SIGTERM: it drains first). */
  stopReplica(service: ReplicaService, index: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a stopped replica again; resolves when it is ready and HAProxy routes to it. */
  startReplica(service: ReplicaService, index: number): Promise<void>;
  /** Stops PgBouncer (SIGTERM: it drops every connection at once) and starts it again. */
  restartPgBouncer(): Promise<void>;
  /** HAProxy's view of each replica, by `service-index`: `UP`, `DOWN`, `UP 1/2`, …, and the 2xx answers it has relayed from it. */
  serverStates(): Promise<Map<string, ServerState>>;
  /** A replica, PgBouncer or HAProxy exited without being asked to. */
  onUnexpectedExit(listener: (name: string, code: number | null, signal: NodeJS.Signals | null) => void): void;
  stop(): Promise<void>;
}

export interface ServerState {
  status: string;
  answered2xx: number;
}

const defaultServices: readonly ReplicaService[] = [...subgraphNames, 'gateway'];

/** Position of a service among the frontends: the gateway first, then the subgraphs. */
const servicePosition = (service: ReplicaService) => (service === 'gateway' ? 0 : subgraphNames.indexOf(service) + 1);

const serverName = (service: ReplicaService, index: number) => `${service}-${index}`;

/** Debian puts haproxy and pgbouncer in /usr/sbin, which a non-root PATH often lacks. */
export function findProgram(name: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const directory of directories.filter(Boolean)) {
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function requireProgram(name: string, debianPackage = name): string {
  const found = findProgram(name);
  if (!found) throw new ConfigError([`${name} is not installed (Debian: apt-get install ${debianPackage})`]);
  return found;
}

/** A system user's ids, from /etc/passwd (PgBouncer's user when this runs as root). */
function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new ConfigError([`PgBouncer refuses to run as root and there is no ${name} user to run it as`]);
  return { uid: Number(uid), gid: Number(gid) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the database named in `databaseUrl` on its server unless it exists (its data is kept between runs). */
async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new ConfigError([`${databaseUrl}: name a database of lower-case letters, digits and _`]);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/**
 * PgBouncer in transaction mode in front of the database, on loopback with trust authentication
 * (it reaches the server with the user and password of `databaseUrl`), as .ci/run runs it.
 */
function pgbouncerConfig(directory: string, databaseUrl: string, port: number): { ini: string; clientUrl: string } {
  const server = new URL(databaseUrl);
  const database = decodeURIComponent(server.pathname.slice(1));
  const user = decodeURIComponent(server.username || 'postgres');
  const password = decodeURIComponent(server.password);
  const target = [
    `host=${server.hostname}`,
    `port=${server.port || 5432}`,
    `dbname=${database}`,
    `user=${user}`,
    ...(password ? [`password=${password}`] : []),
  ];
  const ini = [
    '[databases]',
    `${database} = ${target.join(' ')}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'auth_type = trust',
    `auth_file = ${path.join(directory, 'userlist.txt')}`,
    'pool_mode = transaction',
    // Every replica's pool (DB_POOL_MAX, 10 by default) may be open at once; the server sees at most
    // default_pool_size of them, shared.
    'max_client_conn = 1000',
    'default_pool_size = 20',
    'ignore_startup_parameters = extra_float_digits',
    'unix_socket_dir =',
    // A line per client connection would drown the replicas' own lines.
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
  writeFileSync(path.join(directory, 'userlist.txt'), `"${user}" ""\n`);
  const client = new URL(`postgres://127.0.0.1:${port}/${database}`);
  client.username = server.username || 'postgres';
  return { ini, clientUrl: client.toString() };
}

/**
 * HAProxy: one frontend and backend per service, health checks on readiness, retries elsewhere.
 * A subgraph request may be retried even after it reached a replica: its gateway assertion is
 * accepted once across all replicas (the replay guard in Redis), so a replay is refused, never
 * applied twice. A client's mutation to the gateway carries no such guard: it is retried only when
 * its connection failed, before any replica saw it.
 */
function haproxyConfig(options: {
  services: readonly ReplicaService[];
  replicas: number;
  frontendPort: (service: ReplicaService) => number;
  replicaPort: (service: ReplicaService, index: number) => number;
  statsSocket: string;
  intervalMs: number;
  retries: boolean;
}): string {
  const lines = [
    'global',
    `  stats socket ${options.statsSocket} mode 600 level admin`,
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  balance roundrobin',
    '  timeout connect 1s',
    // Clients' idle keep-alive connections outlive Node's (undici closes its idle ones after 4 s), so
    // no client sends down a connection HAProxy is closing.
    '  timeout client 60s',
    '  timeout http-keep-alive 30s',
    '  timeout http-request 10s',
    '  timeout server 30s',
    '  timeout queue 5s',
    ...(options.retries
      ? ['  retries 3', '  option redispatch 1', '  retry-on conn-failure empty-response response-timeout']
      : ['  retries 0', '  retry-on none']),
    '  option httpchk GET /health/ready',
    '  http-check expect status 200',
    // Two failed checks take a replica out (the second a quarter interval after the first), two good ones bring it back.
    `  default-server check inter ${options.intervalMs}ms fastinter ${Math.max(100, Math.round(options.intervalMs / 4))}ms fall 2 rise 2`,
  ];
  for (const service of options.services) {
    lines.push('', `frontend ${service}`, `  bind 127.0.0.1:${options.frontendPort(service)}`, `  default_backend ${service}`);
    lines.push('', `backend ${service}`);
    // The client's address in X-Forwarded-For: the gateways trust it from loopback (HTTP_TRUST_PROXY), so rate limits count clients, not the balancer.
    if (service === 'gateway') lines.push('  option forwardfor');
    if (service === 'gateway' && options.retries) {
      lines.push('  option http-buffer-request', '  http-request disable-l7-retry if { req.body -m sub -i mutation }');
    }
    for (let index = 0; index < options.replicas; index++) {
      // In maintenance until the runner has started the replica (`enable server`), so HAProxy does not report replicas that are not there yet.
      lines.push(`  server ${serverName(service, index)} 127.0.0.1:${options.replicaPort(service, index)} disabled`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One command on HAProxy's stats socket; HAProxy answers and closes. */
function askHaproxy(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(answer));
    socket.end(`${command}\n`);
  });
}

async function haproxyServerStates(socketPath: string): Promise<Map<string, ServerState>> {
  const [header, ...rows] = (await askHaproxy(socketPath, 'show stat')).trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const [server, status, answered] = ['svname', 'status', 'hrsp_2xx'].map((name) => columns.indexOf(name));
  const states = new Map<string, ServerState>();
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[server!];
    if (!name || name === 'FRONTEND' || name === 'BACKEND') continue;
    states.set(name, { status: cells[status!] ?? '', answered2xx: Number(cells[answered!] ?? 0) });
  }
  return states;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Redis answers PING (a stack without it would never become ready: the replay guard fails closed). */
async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new ConfigError([
      `Redis does not answer at ${url} (${error instanceof Error ? error.message : String(error)}): start it, or set REDIS_URL`,
    ]);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await sleep(100);
  }
}

export async function startReplicaStack(options: ReplicaStackOptions): Promise<ReplicaStack> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const services = options.services ?? defaultServices;
  const replicaCount = options.replicas;
  if (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > 9)
    throw new ConfigError(['--replicas: a whole number from 1 to 9']);
  const intervalMs = options.healthCheckIntervalMs ?? 1_000;
  const deadline = started + (options.readyTimeoutMs ?? 180_000);
  const haproxy = requireProgram('haproxy');
  const pgbouncer = options.databaseUrl ? requireProgram('pgbouncer') : undefined;
  const frontendPort = (service: ReplicaService) => options.firstPort + servicePosition(service);
  const replicaPort = (service: ReplicaService, index: number) => options.replicaFirstPort + 10 * servicePosition(service) + index;
  const frontendUrls: Partial<Record<ReplicaService, string>> = Object.fromEntries(
    services.map((service) => [service, `http://127.0.0.1:${frontendPort(service)}`]),
  );
  // What the gateway and procurement call: the balancer, whichever replica answers.
  const subgraphUrl = (name: SubgraphName) => `http://127.0.0.1:${frontendPort(name)}/graphql`;
  await checkPortsFree([
    ...services.map((service) => ({
      name: `the ${service} frontend`,
      host: '127.0.0.1',
      port: frontendPort(service),
      variable: 'the first port',
    })),
    ...services.flatMap((service) =>
      Array.from({ length: replicaCount }, (_, index) => ({
        name: serverName(service, index),
        host: '127.0.0.1',
        port: replicaPort(service, index),
        variable: 'the first replica port',
      })),
    ),
    ...(pgbouncer && options.pgbouncerPort !== undefined
      ? [{ name: 'PgBouncer', host: '127.0.0.1', port: options.pgbouncerPort, variable: 'the PgBouncer port' }]
      : []),
  ]);
  if (options.databaseUrl && options.pgbouncerPort === undefined) throw new ConfigError(['a PgBouncer port is needed with a database']);

  // PgBouncer refuses to run as root and reads its files as the user it runs as (postgres): a
  // directory everyone may enter.
  const directory = mkdtempSync(path.join(tmpdir(), 'ips-graph-replicas-'));
  chmodSync(directory, 0o755);
  const children = new Map<string, ChildProcess>();
  const environments = new Map<string, Environment>();
  const expectedExits = new Set<ChildProcess>();
  const exitListeners: ((name: string, code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  let stopping = false;
  const spawnChild = (name: string, command: string, args: string[], env?: Environment) => {
    const child = spawn(command, args, {
      cwd: repositoryRoot,
      env: (env ?? { PATH: process.env.PATH }) as NodeJS.ProcessEnv,
      stdio: env ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C reaches only the runner, which stops everything in order.
      detached: true,
    });
    pipeLines(child, name, log, 16);
    child.once('exit', (code, signal) => {
      if (!stopping && !expectedExits.has(child)) for (const listener of exitListeners) listener(name, code, signal);
    });
    children.set(name, child);
    return child;
  };
  const stopGraceMs = 2 * intervalMs + 6_000;
  const stop = async () => {
    stopping = true;
    const replicas = [...children.entries()].filter(([name]) => name !== 'haproxy' && name !== 'pgbouncer');
    await Promise.all(replicas.map(([, child]) => stopChild(child, stopGraceMs)));
    const infrastructure = ['haproxy', 'pgbouncer'].flatMap((name) => children.get(name) ?? []);
    await Promise.all(infrastructure.map((child) => stopChild(child, 2_000)));
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    if (options.redisUrl) await checkRedis(options.redisUrl);
    let pgbouncerUrl: string | undefined;
    let startPgBouncer: (() => Promise<void>) | undefined;
    if (options.databaseUrl && pgbouncer) {
      await createDatabaseIfMissing(options.databaseUrl);
      const { ini, clientUrl } = pgbouncerConfig(directory, options.databaseUrl, options.pgbouncerPort!);
      const iniPath = path.join(directory, 'pgbouncer.ini');
      writeFileSync(iniPath, ini);
      // As root, PgBouncer switches to the postgres user itself (-u): still this runner's child. Its
      // files (the server's password, if the URL has one) are that user's alone.
      const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
      const owner = asRoot.length > 0 ? systemUser('postgres') : undefined;
      for (const file of [iniPath, path.join(directory, 'userlist.txt')]) {
        if (owner) chownSync(file, owner.uid, owner.gid);
        chmodSync(file, 0o600);
      }
      startPgBouncer = async () => {
        spawnChild('pgbouncer', pgbouncer, [...asRoot, iniPath]);
        await waitFor('PgBouncer', Date.now() + 20_000, async () => {
          const client = new Client({ connectionString: clientUrl, connectionTimeoutMillis: 1_000 });
          try {
            await client.connect();
            await client.query('SELECT 1');
            return true;
          } finally {
            await client.end().catch(() => undefined);
          }
        });
      };
      await startPgBouncer();
      pgbouncerUrl = clientUrl;
    }

    const statsSocket = path.join(directory, 'haproxy.sock');
    const haproxyPath = path.join(directory, 'haproxy.cfg');
    writeFileSync(
      haproxyPath,
      haproxyConfig({
        services,
        replicas: replicaCount,
        frontendPort,
        replicaPort,
        statsSocket,
        intervalMs,
        retries: options.retries ?? true,
      }),
    );
    const checked = spawnSync(haproxy, ['-c', '-q', '-f', haproxyPath], { encoding: 'utf8' });
    if (checked.status !== 0) throw new Error(`HAProxy refused its configuration:\n${checked.stderr}${checked.stdout}`);
    spawnChild('haproxy', haproxy, ['-db', '-f', haproxyPath]);
    await waitFor('HAProxy', Date.now() + 10_000, () => acceptsConnections(frontendPort(services[0]!)));

    // Every variable a replica might inherit that names one port or one replica is set here.
    const base: Environment = { ...options.env };
    for (const service of services) {
      if (service === 'gateway') delete base[gatewayVariableNames().metricsPort];
      else delete base[subgraphVariableNames(service).metricsPort];
    }
    Object.assign(base, {
      HTTP_DRAIN_DELAY_MS: options.env.HTTP_DRAIN_DELAY_MS ?? String(2 * intervalMs),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: options.redisKeyPrefix ?? 'ips-graph-replicas' } : {}),
    });
    const replicaEnvironment = (service: ReplicaService, index: number): Environment => {
      const env: Environment = { ...base };
      if (service === 'gateway') {
        const names = gatewayVariableNames();
        Object.assign(env, {
          [names.host]: '127.0.0.1',
          [names.port]: String(replicaPort(service, index)),
          // Every client arrives from HAProxy's address: cap clients there, not per address here,
          // and take the client's own address from the X-Forwarded-For HAProxy adds.
          HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
          HTTP_TRUST_PROXY: 'loopback',
          ...(options.redisUrl ? { GATEWAY_RATE_LIMIT_KEY_PREFIX: `${options.redisKeyPrefix ?? 'ips-graph-replicas'}:rate` } : {}),
        });
        for (const name of subgraphNames) env[names.subgraphUrl(name)] = subgraphUrl(name);
        return env;
      }
      const names = subgraphVariableNames(service);
      Object.assign(env, { [names.host]: '127.0.0.1', [names.port]: String(replicaPort(service, index)) });
      for (const asked of subgraphsAskedBy(service)) env[askedUrlVariable(service, asked)] = subgraphUrl(asked);
      // As scripts/stack.ts: with no broker, every other subgraph's relay delivers its domain events to
      // the notifications replicas over HTTP, through their balancer frontend (any replica applies a
      // delivery; the shared replay guard and the inbox keep it once); with NATS_URL they go through JetStream.
      if (services.includes('notifications') && service !== 'notifications' && !env.NATS_URL && !env.EVENT_CONSUMERS) {
        env.EVENT_CONSUMERS = `notifications=http://127.0.0.1:${frontendPort('notifications')}/internal${domainEventDeliveryPath}`;
      }
      if (pgbouncerUrl) Object.assign(env, { [names.databaseUrl]: pgbouncerUrl, DB_POOL_MODE: 'transaction' });
      else if (!env[names.databaseUrl]) env.DATA_DIR = path.join(options.env.DATA_DIR ?? directory, `replica-${index}`);
      // Seeding checks for existing rows in its own transaction: two replicas at once would both
      // find none. The first seeds (again on a restart, finding the rows there); the others never.
      if (index > 0) env.SEED_DEMO_DATA = 'false';
      return env;
    };

    const untilRoutable = async (service: ReplicaService, index: number, until: number) =>
      waitFor(
        `HAProxy routing to ${serverName(service, index)}`,
        until,
        async () => (await haproxyServerStates(statsSocket)).get(serverName(service, index))?.status === 'UP',
      );
    const startReplica = async (service: ReplicaService, index: number, until = Date.now() + 120_000) => {
      const name = serverName(service, index);
      const env = environments.get(name) ?? replicaEnvironment(service, index);
      environments.set(name, env);
      const child = spawnChild(name, process.execPath, [compiledEntrypoint(service, env.IPS_PROFILE === 'development')], env);
      await waitForReadyMessage(name, child, until);
      // Ready by its own account (a gateway: members signs callers in), then into rotation.
      await waitFor(`${name} ready`, until, async () => (await fetch(`http://127.0.0.1:${replicaPort(service, index)}/health/ready`)).ok);
      await askHaproxy(statsSocket, `enable server ${service}/${name}`);
      await untilRoutable(service, index, until);
    };
    const everyReplica = (_service: ReplicaService) => Array.from({ length: replicaCount }, (_, index) => index);
    // Subgraphs first, all replicas at once (their migrations run once, under a lock); the gateways once they are routable.
    await Promise.all(
      services
        .filter((s) => s !== 'gateway')
        .flatMap((service) => everyReplica(service).map((index) => startReplica(service, index, deadline))),
    );
    if (services.includes('gateway')) await Promise.all(everyReplica('gateway').map((index) => startReplica('gateway', index, deadline)));

    return {
      gatewayUrl: services.includes('gateway') ? `${frontendUrls.gateway}/graphql` : undefined,
      frontendUrls,
      pgbouncerUrl,
      readyAfterMs: Date.now() - started,
      replicas: () =>
        services.flatMap((service) =>
          everyReplica(service).map((index) => {
            const child = children.get(serverName(service, index));
            return {
              service,
              index,
              port: replicaPort(service, index),
              baseUrl: `http://127.0.0.1:${replicaPort(service, index)}`,
              pid: child && !hasExited(child) ? child.pid : undefined,
            };
          }),
        ),
      async stopReplica(service, index, signal) {
        const child = children.get(serverName(service, index));
        if (!child || hasExited(child)) return;
        expectedExits.add(child);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        signalGroup(child, signal);
        // A replica that does not finish draining in its bound is cut off, as an orchestrator would.
        const killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(killTimer);
        signalGroup(child, 'SIGKILL');
      },
      startReplica: (service, index) => startReplica(service, index),
      async restartPgBouncer() {
        const child = children.get('pgbouncer');
        if (!child || !startPgBouncer) throw new Error('this stack runs no PgBouncer');
        expectedExits.add(child);
        await stopChild(child, 2_000);
        await startPgBouncer();
      },
      serverStates: () => haproxyServerStates(statsSocket),
      onUnexpectedExit: (listener) => exitListeners.push(listener),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The runner of `npm run stack:replicas`: prints where the balancer listens and runs until Ctrl-C. */
async function main(): Promise<void> {
  const replicas = Number(argument('--replicas') ?? 2);
  const env: Environment = {
    // The development profile, as `npm start`: committed development secrets, demo personas and data.
    SEED_DEMO_DATA: 'true',
    IPS_PROFILE: 'development',
    LOG_FORMAT: process.stdout.isTTY ? 'pretty' : 'json',
    ...process.env,
  };
  const firstPort = Number(env.REPLICAS_FIRST_PORT ?? 4000);
  const databaseUrl = env.REPLICAS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ips_replicas';
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let stack: ReplicaStack | undefined;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping the replicas (${reason})…`);
    void (stack ? stack.stop() : Promise.resolve()).then(() => process.exit(exitCode));
  };
  stopWhenAsked(shutdown);

  console.log(
    `Starting ${replicas} replicas of each subgraph and of the gateway behind HAProxy, on ${new URL(databaseUrl).pathname.slice(1)} through PgBouncer, sharing ${redisUrl}…`,
  );
  stack = await startReplicaStack({
    replicas,
    env,
    databaseUrl,
    pgbouncerPort: Number(env.REPLICAS_PGBOUNCER_PORT ?? 6434),
    redisUrl,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'ips-graph-replicas',
    firstPort,
    replicaFirstPort: firstPort + 100,
  });
  if (stopping) return;
  stack.onUnexpectedExit((name, code, signal) => {
    console.error(`\n${name} exited unexpectedly (${signal ?? `exit code ${code}`}).`);
    // A replica's fellows go on serving; without the balancer or the pooler nothing does.
    if (name === 'haproxy' || name === 'pgbouncer') shutdown(`${name} exited`, 1);
  });
  console.log(`\nReady after ${(stack.readyAfterMs / 1000).toFixed(1)} s.`);
  for (const replica of stack.replicas())
    console.log(`  ${serverName(replica.service, replica.index).padEnd(14)} ${replica.baseUrl}  pid ${replica.pid}`);
  console.log(`  PgBouncer      ${stack.pgbouncerUrl}`);
  console.log(`Subgraphs, through HAProxy: ${subgraphNames.map((name) => `${name} ${stack!.frontendUrls[name]}`).join(', ')}`);
  console.log(`Explorer and endpoint, through HAProxy: ${stack.gatewayUrl}\nPress Ctrl-C to stop.\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof PortsInUseError ? error.message : error);
    process.exit(1);
  });
}
