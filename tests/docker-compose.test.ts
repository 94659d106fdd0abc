import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  ConfigError,
  gatewayVariableNames,
  loadDocumentScanConfig,
  loadGatewayConfig,
  loadNotificationLinkBaseUrl,
  loadNotifyConfig,
  loadSubgraphConfig,
  notifyVariableNames,
  sharedVariableNames,
  subgraphVariableNames,
  type Environment,
} from '../platform/config';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';

/**
 * docker-compose.yml is checked against platform/config.ts, the one place environment variables
 * are defined: every variable a service sets must be one its config loader reads, and loading each
 * service's environment must succeed and agree with the ports, URLs, healthchecks and databases
 * the compose file wires together. Nothing here lists subgraphs, variables or ports by hand.
 */

const root = path.resolve(__dirname, '..');
const composePath = path.join(root, 'docker-compose.yml');
const dockerfilePath = path.join(root, 'Dockerfile');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  volumes?: (string | { source?: string; target: string })[];
  deploy?: { replicas?: number };
  profiles?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * docker compose's variable interpolation, enough for this file: `${NAME:-default}` (default when
 * unset or empty), `${NAME-default}` (default when unset), `${NAME:?message}` (required: an error
 * when unset or empty), `${NAME}`, `$NAME` and `$$` (a literal `$`). Resolved against an explicit
 * environment, so the host's variables never affect the test.
 */
class RequiredVariableError extends Error {}

function interpolate(value: string, env: Environment): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, operator: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const current = env[name];
      if (operator === ':-') return current === undefined || current === '' ? fallback! : current;
      if (operator === '-') return current === undefined ? fallback! : current;
      if (operator === ':?' || operator === '?') {
        if (current === undefined || (operator === ':?' && current === '')) throw new RequiredVariableError(`${name}: ${fallback}`);
        return current;
      }
      if (current === undefined) throw new Error(`${name} is referenced without a default in docker-compose.yml`);
      return current;
    },
  );
}

/** Recursively interpolate every string in the parsed document (compose interpolates values, not keys). */
function interpolateAll<T>(node: T, env: Environment): T {
  if (typeof node === 'string') return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env)) as T;
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)])) as T;
  }
  return node;
}

/** Compose merges `<<: *anchor` keys (YAML 1.1: the shared `x-subgraph*` anchors); the yaml package does when asked. */
function loadCompose(env: Environment, file = composePath): ComposeFile {
  return interpolateAll(parse(readFileSync(file, 'utf8'), { merge: true }) as ComposeFile, env);
}

/** Both compose forms: a map, or a list of `KEY=value`. Values become strings, as in a container. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function commandOf(service: ComposeService): string[] {
  const command = service.command;
  if (command === undefined) return [];
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

/** `http://127.0.0.1:<port><path>` from the healthcheck command. */
function healthcheckTarget(service: ComposeService): { port: number; path: string } {
  const test = service.healthcheck?.test;
  const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
  const match = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)/.exec(text);
  if (!match) throw new Error(`healthcheck has no local HTTP URL: ${text}`);
  return { port: Number(match[1]), path: match[2]! };
}

/** Container-side ports the service declares, from `expose` and `ports`. */
function containerPorts(service: ComposeService): { exposed: number[]; published: number[] } {
  const published = (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') return Number(entry.target);
    const spec = String(entry).replace(/\/(tcp|udp)$/, '');
    return Number(spec.slice(spec.lastIndexOf(':') + 1));
  });
  const exposed = (service.expose ?? []).map((entry) => Number(String(entry).replace(/\/(tcp|udp)$/, '')));
  return { exposed, published };
}

function dependencies(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v?.condition ?? 'service_started']));
}

/** The compiled entrypoint for a TypeScript source, as tsc emits it (rootDir `.`, outDir `dist`). */
function compiledPath(source: string): string {
  return path.posix.join('dist', source.replace(/\.ts$/, '.js'));
}

function loadOrReport<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`config module rejects the compose environment:\n${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * What an operator must put in .env, example values: the gateway↔subgraph secret, and the
 * notifications subgraph's GOV.UK Notify key and template, the base of its links and the key of its
 * unsubscribe links, have no default.
 */
const operatorEnv: Environment = {
  GATEWAY_SUBGRAPH_SECRET: 'kX9q2LmV7rT4wZpB8nC1dF6gH3jK5sA0eYuIoP+/QxRt2Wv9',
  NOTIFY_API_KEY: 'ips_compose_example-3f6c2a1e-8b4d-4e7a-9c5f-1d2e3f4a5b6c-7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  NOTIFY_TEMPLATE_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  PUBLIC_BASE_URL: 'https://graph.example.org',
  NOTIFICATIONS_UNSUBSCRIBE_SECRET: 'u8Jd3LqW0xZr5TnB2vKe7YhC9sGm4PaF1oNiQwXt6bRy',
};
const compose = loadCompose(operatorEnv);
const services = compose.services;

/**
 * Variables a subgraph's main.ts reads through loaders of its own, beside loadSubgraphConfig's:
 * notifications' GOV.UK Notify settings (loadNotifyConfig) and the base of its links
 * (loadNotificationLinkBaseUrl, the gateway's variable).
 */
function ownVariables(name: SubgraphName): string[] {
  if (name === 'notifications') return [...Object.values(notifyVariableNames), gatewayVariableNames().publicBaseUrl];
  if (keepsDocuments(name)) return ['CLAMD_URL'];
  return [];
}

/** The subgraphs that store uploaded documents (issue 28), each scanning them with clamd (loadDocumentScanConfig). */
const keepsDocuments = (name: SubgraphName) => name === 'innovations' || name === 'procurement';

/**
 * The ClamAV service of a compose file, and each document-keeping subgraph's scanner on it: the
 * official image, its signatures on a volume, clamd's port exposed to the network only, and the
 * subgraph's CLAMD_URL loading through the config module as that service's address.
 */
function expectClamdScansDocuments(file: ComposeFile, name: SubgraphName): void {
  const clamav = file.services.clamav;
  if (!clamav) throw new Error('no clamav service');
  expect(clamav.image).toMatch(/^clamav\/clamav:/);
  expect((clamav.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target))).toContain('/var/lib/clamav');
  const { exposed, published } = containerPorts(clamav);
  expect({ exposed, published }).toEqual({ exposed: [3310], published: [] });
  const scan = loadDocumentScanConfig(environmentOf(file.services[name]!));
  expect(scan.clamd).toEqual(keepsDocuments(name) ? { kind: 'tcp', host: 'clamav', port: 3310 } : undefined);
}

/**
 * The NATS service of a compose file: the official image with JetStream on, its storage on a named
 * volume, healthy only once JetStream is, reachable on the compose network only.
 */
function expectJetStreamBroker(file: ComposeFile): { port: number } {
  const nats = file.services.nats;
  if (!nats) throw new Error('no nats service');
  expect(nats.image).toMatch(/^nats:2\.10(-alpine)?$/);
  const command = commandOf(nats);
  expect(command).toContain('-js');
  expect(command).toContain('-sd');
  const storeDir = command[command.indexOf('-sd') + 1];
  const storeVolume = (nats.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target]));
  const store = storeVolume.find(([, target]) => target === storeDir);
  expect(store).toBeDefined();
  // A named volume the file declares, not a path in the container's own layer.
  expect(Object.keys(file.volumes ?? {})).toContain(store![0]);
  const monitorPort = Number(command[command.indexOf('-m') + 1]);
  const health = nats.healthcheck?.test;
  expect(Array.isArray(health) ? health.join(' ') : health).toContain(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
  const { exposed, published } = containerPorts(nats);
  expect(published).toEqual([]);
  expect(exposed).toHaveLength(1);
  return { port: exposed[0]! };
}

/** A subgraph publishes (and notifications reads) through that broker, which it waits to be healthy for. */
function expectPublishesThroughNats(file: ComposeFile, name: SubgraphName) {
  const { port } = expectJetStreamBroker(file);
  const delivery = loadOrReport(() => loadSubgraphConfig(name, environmentOf(file.services[name]!))).eventDelivery;
  const url = new URL(delivery.natsUrl ?? 'missing:');
  expect({ name, host: url.hostname, port: Number(url.port), consumers: delivery.consumers }).toEqual({
    name,
    host: 'nats',
    port,
    consumers: [],
  });
  expect(dependencies(file.services[name]!).nats).toBe('service_healthy');
}

function subgraphService(name: SubgraphName): ComposeService {
  const service = services[name];
  if (!service) throw new Error(`docker-compose.yml has no service for subgraph ${name}`);
  return service;
}

function gatewayService(): ComposeService {
  const service = services.gateway;
  if (!service) throw new Error('docker-compose.yml has no gateway service');
  return service;
}

/** The databases the postgres init script creates. */
function initDatabases(): { sqlPath: string; databases: string[] } {
  const postgres = services.postgres;
  if (!postgres) throw new Error('docker-compose.yml has no postgres service');
  const mounts = (postgres.volumes ?? []).map((v) =>
    typeof v === 'string' ? { source: v.split(':')[0]!, target: v.split(':')[1]! } : { source: v.source ?? '', target: v.target },
  );
  const init = mounts.find((m) => m.target.startsWith('/docker-entrypoint-initdb.d') && m.source.endsWith('.sql'));
  if (!init) throw new Error('postgres mounts no .sql file into /docker-entrypoint-initdb.d');
  const sqlPath = path.resolve(root, init.source);
  const sql = readFileSync(sqlPath, 'utf8').replace(/--.*$/gm, '');
  const databases = [...sql.matchAll(/CREATE\s+DATABASE\s+"?([A-Za-z0-9_]+)"?/gi)].map((m) => m[1]!);
  return { sqlPath, databases };
}

function subgraphConfig(name: SubgraphName) {
  return loadOrReport(() => loadSubgraphConfig(name, environmentOf(subgraphService(name))));
}

describe('docker-compose.yml', () => {
  test('has a service for every subgraph, the gateway, postgres, NATS and ClamAV, and nothing unknown', () => {
    expect(Object.keys(services).sort()).toEqual([...subgraphNames, 'gateway', 'postgres', 'nats', 'clamav'].sort());
  });

  test.each([[composePath], [path.join(root, 'docker-compose.scale-out.yml')]])(
    '%s refuses to start without each required variable, and needs nothing else from .env',
    (file) => {
      expect(() => loadCompose({}, file)).toThrow(RequiredVariableError);
      for (const name of Object.keys(operatorEnv)) {
        expect(() => loadCompose({ ...operatorEnv, [name]: undefined }, file)).toThrow(new RegExp(`^${name}: `));
        expect(() => loadCompose({ ...operatorEnv, [name]: '' }, file)).toThrow(new RegExp(`^${name}: `));
      }
      expect(() => loadCompose(operatorEnv, file)).not.toThrow();
    },
  );

  test('runs NATS with JetStream, its store on a volume, healthy once JetStream is', () => {
    expectJetStreamBroker(compose);
  });

  describe.each(subgraphNames.map((name) => [name]))('subgraph %s', (name) => {
    test('sets only variables the config module reads for it', () => {
      const known = new Set<string>([...Object.values(subgraphVariableNames(name)), ...sharedVariableNames, ...ownVariables(name)]);
      const unknown = Object.keys(environmentOf(subgraphService(name))).filter((key) => !known.has(key));
      expect(unknown).toEqual([]);
    });

    test('sends its domain events through the nats service, once that is healthy', () => {
      expectPublishesThroughNats(compose, name);
    });

    test('scans uploaded documents with the clamav service if it keeps any', () => {
      expectClamdScansDocuments(compose, name);
    });

    test('environment loads through loadSubgraphConfig as a production PostgreSQL deployment', () => {
      const config = subgraphConfig(name);
      expect(config.nodeEnv).toBe('production');
      // Inside a container, binding 127.0.0.1 would make the service unreachable from the network.
      expect(config.host).toBe('0.0.0.0');
      expect(config.database.url).toBeDefined();
    });

    test('healthcheck probes /health/ready on the configured port', () => {
      const config = subgraphConfig(name);
      expect(healthcheckTarget(subgraphService(name))).toEqual({ port: config.port, path: '/health/ready' });
    });

    test('exposes its configured port to the compose network and publishes nothing', () => {
      const config = subgraphConfig(name);
      const { exposed, published } = containerPorts(subgraphService(name));
      expect(published).toEqual([]);
      expect(exposed).toEqual([config.port]);
    });

    test('database URL names a database the init script creates, on the postgres service, with its credentials', () => {
      const url = new URL(subgraphConfig(name).database.url!);
      const postgresEnv = environmentOf(services.postgres!);
      expect(url.hostname).toBe('postgres');
      expect(url.port || '5432').toBe('5432');
      expect(decodeURIComponent(url.username)).toBe(postgresEnv.POSTGRES_USER ?? 'postgres');
      expect(decodeURIComponent(url.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
      expect(initDatabases().databases).toContain(url.pathname.replace(/^\//, ''));
    });

    test('waits for a healthy postgres', () => {
      expect(dependencies(subgraphService(name)).postgres).toBe('service_healthy');
    });

    test('runs the compiled entrypoint of an existing source file', () => {
      const source = `subgraphs/${name}/main.ts`;
      // Reported by name so a missing entrypoint reads as such, not as `false !== true`.
      expect(existsSync(path.join(root, source)) ? source : `missing ${source}`).toBe(source);
      expect(commandOf(subgraphService(name))).toEqual(['node', compiledPath(source)]);
    });
  });

  test('every subgraph has its own database', () => {
    const databases = subgraphNames.map((name) => new URL(subgraphConfig(name).database.url!).pathname);
    expect(new Set(databases).size).toBe(subgraphNames.length);
  });

  test('the init script creates exactly the subgraph databases, each once', () => {
    const { databases } = initDatabases();
    const wanted = subgraphNames.map((name) => new URL(subgraphConfig(name).database.url!).pathname.slice(1));
    expect([...databases].sort()).toEqual([...wanted].sort());
  });

  test('a POSTGRES_PASSWORD from the environment reaches postgres and every subgraph alike', () => {
    const custom = loadCompose({ ...operatorEnv, POSTGRES_PASSWORD: 'from-env' });
    expect(environmentOf(custom.services.postgres!).POSTGRES_PASSWORD).toBe('from-env');
    for (const name of subgraphNames) {
      const config = loadOrReport(() => loadSubgraphConfig(name, environmentOf(custom.services[name]!)));
      expect(new URL(config.database.url!).password).toBe('from-env');
    }
  });

  test('postgres takes its password from the environment, has a pg_isready healthcheck and a volume', () => {
    const postgres = services.postgres!;
    const raw = (parse(readFileSync(composePath, 'utf8'), { merge: true }) as ComposeFile).services.postgres!;
    expect(environmentOf(raw).POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD(:?-[^}]*)?\}$/);
    expect(environmentOf(postgres).POSTGRES_PASSWORD).not.toBe('');
    const test = postgres.healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain('pg_isready');
    const dataVolume = (postgres.volumes ?? []).find((v) =>
      (typeof v === 'string' ? v.split(':')[1] : v.target)?.startsWith('/var/lib/postgresql/data'),
    );
    expect(dataVolume).toBeDefined();
    expect(containerPorts(postgres).published).toEqual([]);
  });

  describe('gateway', () => {
    const gatewayConfig = () => loadOrReport(() => loadGatewayConfig(environmentOf(gatewayService()), subgraphNames));

    test('sets only variables the config module reads for it', () => {
      const names = gatewayVariableNames();
      const known = new Set<string>([
        ...Object.values(names).filter((name): name is string => typeof name === 'string'),
        ...subgraphNames.map((s) => names.subgraphUrl(s)),
        'NODE_ENV',
      ]);
      const unknown = Object.keys(environmentOf(gatewayService())).filter((key) => !known.has(key));
      expect(unknown).toEqual([]);
    });

    test('sets a URL for every subgraph explicitly (the defaults point at 127.0.0.1)', () => {
      const env = environmentOf(gatewayService());
      for (const name of subgraphNames) expect(env[gatewayVariableNames().subgraphUrl(name)]).toBeTruthy();
    });

    test('environment loads through loadGatewayConfig', () => {
      const config = gatewayConfig();
      expect(config.nodeEnv).toBe('production');
      expect(config.host).toBe('0.0.0.0');
    });

    test('routes each subgraph to its service on the port that subgraph is configured to listen on', () => {
      const config = gatewayConfig();
      for (const name of subgraphNames) {
        expect(config.subgraphUrls[name]).toBe(`http://${name}:${subgraphConfig(name).port}/graphql`);
      }
    });

    test('healthcheck probes /health/ready on the configured port', () => {
      expect(healthcheckTarget(gatewayService())).toEqual({ port: gatewayConfig().port, path: '/health/ready' });
    });

    test('is the only published service, on its configured port', () => {
      expect(containerPorts(gatewayService()).published).toEqual([gatewayConfig().port]);
      const publishing = Object.entries(services)
        .filter(([, service]) => (service.ports ?? []).length > 0)
        .map(([name]) => name);
      expect(publishing).toEqual(['gateway']);
    });

    test('starts once the subgraphs have started, without waiting for them to be healthy', () => {
      const deps = dependencies(gatewayService());
      for (const name of subgraphNames) expect(deps[name]).toBe('service_started');
      expect(Object.values(deps)).not.toContain('service_healthy');
    });

    test('runs the compiled entrypoint of an existing source file', () => {
      const source = 'gateway/main.ts';
      expect(existsSync(path.join(root, source)) ? source : `missing ${source}`).toBe(source);
      expect(commandOf(gatewayService())).toEqual(['node', compiledPath(source)]);
    });
  });

  test('every service but postgres, NATS and ClamAV is built from the Dockerfile', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'postgres' || name === 'nats' || name === 'clamav') continue;
      expect({ name, build: service.build }).toEqual({ name, build: expect.anything() });
    }
  });
});

describe('Dockerfile', () => {
  const stages = () =>
    readFileSync(dockerfilePath, 'utf8')
      .split(/^FROM\s/im)
      .slice(1);

  test('builds on node:20-bookworm-slim in every stage', () => {
    for (const stage of stages()) expect(stage).toMatch(/^node:20-bookworm-slim\b/);
  });

  test('runtime stage: production mode, production deps, package.json (the root marker), dist and schema, as node, no CMD', () => {
    const runtime = stages().at(-1)!;
    expect(runtime).toMatch(/^ENV\s+NODE_ENV=production/m);
    expect(runtime).toMatch(/^USER\s+node\s*$/m);
    expect(runtime).toMatch(/^COPY\b.*\bpackage\.json\b/m);
    expect(runtime).toMatch(/^COPY\b.*\/dist\s/m);
    expect(runtime).toMatch(/^COPY\b.*\/schema\s/m);
    expect(runtime).toMatch(/node_modules/);
    expect(runtime).not.toMatch(/^(CMD|ENTRYPOINT)\b/m);
    expect(readFileSync(dockerfilePath, 'utf8')).toMatch(/npm ci --omit=dev/);
  });
});

/**
 * docker-compose.scale-out.yml (issue 26 item 4): two replicas of our gateway and of each subgraph
 * behind HAProxy (docker/haproxy/haproxy.cfg), through PgBouncer in transaction mode, sharing Redis;
 * Hive Gateway only under its profile. Checked against the config module and HAProxy's file as
 * docker-compose.yml is: every variable read, every URL landing on a frontend that reaches the
 * service it names on the port that service listens on.
 */
describe('docker-compose.scale-out.yml', () => {
  const scaleOutPath = path.join(root, 'docker-compose.scale-out.yml');
  // Compose merges `<<: *anchor` keys (YAML 1.1); the yaml package does when asked.
  const scaleOutFile = loadCompose(operatorEnv, scaleOutPath);
  const scaleOut = scaleOutFile.services;
  const haproxyCfg = readFileSync(path.join(root, 'docker/haproxy/haproxy.cfg'), 'utf8');
  /** HAProxy's sections: each frontend's bound port and default backend, each backend's server target. */
  const sections = haproxyCfg.split(/^(?=\S)/m).map((section) => {
    const [kind, name] = section.split(/\s+/);
    return {
      kind: kind!,
      name: name!,
      bindPort: Number(/^\s+bind\s+\S*:(\d+)/m.exec(section)?.[1]),
      backend: /^\s+default_backend\s+(\S+)/m.exec(section)?.[1],
      target: /^\s+server-template\s+\S+\s+\d+\s+(\S+)/m.exec(section)?.[1],
    };
  });
  /** Where HAProxy sends a request arriving on `port`: `service:port`. */
  const routeOf = (port: number) => {
    const frontend = sections.find((s) => s.kind === 'frontend' && s.bindPort === port);
    return sections.find((s) => s.kind === 'backend' && s.name === frontend?.backend)?.target;
  };
  const interMs = Number(/default-server\b.*\binter\s+(\d+)s/.exec(haproxyCfg)?.[1]) * 1000;
  const replicated = [...subgraphNames, 'gateway'];

  test('runs postgres, PgBouncer, Redis, NATS, ClamAV, HAProxy, our gateway and every subgraph; Hive Gateway only under its profile', () => {
    expect(Object.keys(scaleOut).sort()).toEqual(
      [...replicated, 'postgres', 'pgbouncer', 'redis', 'nats', 'clamav', 'haproxy', 'hive-gateway'].sort(),
    );
    expect(scaleOut['hive-gateway']!.profiles).toEqual(['hive']);
    for (const [name, service] of Object.entries(scaleOut))
      if (name !== 'hive-gateway') expect({ name, profiles: service.profiles }).toEqual({ name });
  });

  test('two replicas of the gateway and of each subgraph; only HAProxy is published, the gateway on 4000', () => {
    for (const name of replicated) expect({ name, replicas: scaleOut[name]!.deploy?.replicas }).toEqual({ name, replicas: 2 });
    const publishing = Object.entries(scaleOut)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(publishing).toEqual(['haproxy']);
    expect(containerPorts(scaleOut.haproxy!).published).toContain(4000);
  });

  test('HAProxy routes by readiness, retries elsewhere, never replays a mutation to the gateway, and a drain outlasts two checks', () => {
    expect(haproxyCfg).toMatch(/^\s+option httpchk GET \/health\/ready$/m);
    expect(haproxyCfg).toMatch(/^\s+http-check expect status 200$/m);
    expect(haproxyCfg).toMatch(/^\s+retry-on conn-failure empty-response response-timeout$/m);
    expect(haproxyCfg).toMatch(/^\s+option redispatch 1$/m);
    const gatewayBackend = haproxyCfg.split(/^(?=\S)/m).find((section) => section.startsWith('backend gateway'))!;
    expect(gatewayBackend).toMatch(/http-request disable-l7-retry if \{ req\.body -m sub -i mutation \}/);
    expect(routeOf(4000)).toBe(`gateway:${loadOrReport(() => loadGatewayConfig(environmentOf(scaleOut.gateway!), subgraphNames)).port}`);
    for (const name of replicated) {
      const drainMs = Number(environmentOf(scaleOut[name]!).HTTP_DRAIN_DELAY_MS);
      expect({ name, drainOutlastsTwoChecks: drainMs >= 2 * interMs }).toEqual({ name, drainOutlastsTwoChecks: true });
    }
  });

  describe.each(subgraphNames.map((name) => [name]))('subgraph %s', (name) => {
    const config = () => loadOrReport(() => loadSubgraphConfig(name, environmentOf(scaleOut[name]!)));

    test('sets only variables the config module reads for it', () => {
      const known = new Set<string>([...Object.values(subgraphVariableNames(name)), ...sharedVariableNames, ...ownVariables(name)]);
      expect(Object.keys(environmentOf(scaleOut[name]!)).filter((key) => !known.has(key))).toEqual([]);
    });

    test('sends its domain events through the one nats service, once that is healthy', () => {
      expectPublishesThroughNats(scaleOutFile, name);
    });

    test('scans uploaded documents with the clamav service if it keeps any', () => {
      expectClamdScansDocuments(scaleOutFile, name);
    });

    test('loads as a production deployment through PgBouncer in transaction mode, sharing Redis and draining', () => {
      const loaded = config();
      expect(loaded.nodeEnv).toBe('production');
      expect(loaded.host).toBe('0.0.0.0');
      expect(loaded.database.poolMode).toBe('transaction');
      const url = new URL(loaded.database.url!);
      expect(url.hostname).toBe('pgbouncer');
      expect(url.port).toBe('6432');
      expect(decodeURIComponent(url.password)).toBe(environmentOf(scaleOut.pgbouncer!).POSTGRES_PASSWORD);
      expect(initDatabases().databases).toContain(url.pathname.slice(1));
      expect(new URL(loaded.sharedState.redisUrl!).hostname).toBe('redis');
      expect(loaded.http.drainDelayMs).toBeGreaterThan(0);
    });

    test('HAProxy serves its replicas on the port it listens on, and its healthcheck probes readiness there', () => {
      expect(routeOf(config().port)).toBe(`${name}:${config().port}`);
      expect(healthcheckTarget(scaleOut[name]!)).toEqual({ port: config().port, path: '/health/ready' });
      expect(commandOf(scaleOut[name]!)).toEqual(['node', compiledPath(`subgraphs/${name}/main.ts`)]);
    });
  });

  test('procurement asks innovations through HAProxy', () => {
    const innovationsPort = loadOrReport(() => loadSubgraphConfig('innovations', environmentOf(scaleOut.innovations!))).port;
    const url = new URL(environmentOf(scaleOut.procurement!).PROCUREMENT_INNOVATIONS_URL!);
    expect(url.hostname).toBe('haproxy');
    expect(routeOf(Number(url.port))).toBe(`innovations:${innovationsPort}`);
  });

  describe.each([['gateway'], ['hive-gateway']])('%s', (name) => {
    const config = () => loadOrReport(() => loadGatewayConfig(environmentOf(scaleOut[name]!), subgraphNames));

    test('sets only variables the config module reads for it', () => {
      const names = gatewayVariableNames();
      const known = new Set<string>([
        ...Object.values(names).filter((variable): variable is string => typeof variable === 'string'),
        ...subgraphNames.map((s) => names.subgraphUrl(s)),
        'NODE_ENV',
        ...sharedVariableNames.filter((variable) => variable.startsWith('HTTP_') || variable.startsWith('REDIS_')),
      ]);
      expect(Object.keys(environmentOf(scaleOut[name]!)).filter((key) => !known.has(key))).toEqual([]);
    });

    test('reaches every subgraph through HAProxy, which sends it to that subgraph on the port it listens on', () => {
      const loaded = config();
      expect(loaded.nodeEnv).toBe('production');
      for (const subgraph of subgraphNames) {
        const url = new URL(loaded.subgraphUrls[subgraph]);
        const port = loadOrReport(() => loadSubgraphConfig(subgraph, environmentOf(scaleOut[subgraph]!))).port;
        expect({ subgraph, host: url.hostname, route: routeOf(Number(url.port)) }).toEqual({
          subgraph,
          host: 'haproxy',
          route: `${subgraph}:${port}`,
        });
      }
    });
  });

  test('our gateway shares Redis, drains, and leaves capping clients to HAProxy', () => {
    const loaded = loadOrReport(() => loadGatewayConfig(environmentOf(scaleOut.gateway!), subgraphNames));
    expect(new URL(loaded.sharedState.redisUrl!).hostname).toBe('redis');
    expect(loaded.http.drainDelayMs).toBeGreaterThan(0);
    expect(loaded.http.maxConnectionsPerAddress).toBe(0);
    expect(healthcheckTarget(scaleOut.gateway!)).toEqual({ port: loaded.port, path: '/health/ready' });
  });

  test('PgBouncer pools in transaction mode on the port the subgraphs use', () => {
    const entrypoint = readFileSync(path.join(root, 'docker/pgbouncer/entrypoint.sh'), 'utf8');
    expect(entrypoint).toMatch(/^pool_mode = transaction$/m);
    expect(entrypoint).toMatch(/^listen_port = 6432$/m);
    expect(dependencies(scaleOut.pgbouncer!).postgres).toBe('service_healthy');
    for (const name of subgraphNames)
      expect(dependencies(scaleOut[name]!)).toMatchObject({ pgbouncer: 'service_healthy', redis: 'service_healthy' });
  });
});

/**
 * The notifications subgraph's own settings (subgraphs/notifications/main.ts loads them before it
 * starts): from each compose file they load as a production deployment talking to GOV.UK Notify
 * itself, and without the key neither compose nor the subgraph starts.
 */
describe.each([['docker-compose.yml'], ['docker-compose.scale-out.yml']])('%s: notifications', (file) => {
  const filePath = path.join(root, file);
  const notificationsEnv = (env: Environment = operatorEnv) => environmentOf(loadCompose(env, filePath).services.notifications!);

  test('loads in production with GOV.UK Notify and the links from the compose settings', () => {
    const env = notificationsEnv();
    expect(loadOrReport(() => loadSubgraphConfig('notifications', env)).nodeEnv).toBe('production');
    const notify = loadOrReport(() => loadNotifyConfig(env));
    expect(notify).toMatchObject({ apiKey: operatorEnv.NOTIFY_API_KEY, templateId: operatorEnv.NOTIFY_TEMPLATE_ID, standIn: undefined });
    // Notify itself, over https: nothing in the file points it at the development stand-in.
    expect(notify.baseUrl).toMatch(/^https:\/\//);
    expect(loadOrReport(() => loadNotificationLinkBaseUrl(env))).toBe(operatorEnv.PUBLIC_BASE_URL);
  });

  test('fails closed without NOTIFY_API_KEY: compose refuses, and so would the subgraph', () => {
    expect(() => notificationsEnv({ ...operatorEnv, NOTIFY_API_KEY: undefined })).toThrow(/^NOTIFY_API_KEY: /);
    const { NOTIFY_API_KEY: _key, ...withoutKey } = notificationsEnv();
    expect(() => loadNotifyConfig(withoutKey)).toThrow(ConfigError);
    expect(() => loadNotifyConfig(withoutKey)).toThrow(/NOTIFY_API_KEY: is required outside the development profile/);
    const { NOTIFY_TEMPLATE_ID: _template, ...withoutTemplate } = notificationsEnv();
    expect(() => loadNotifyConfig(withoutTemplate)).toThrow(/NOTIFY_TEMPLATE_ID: is required/);
    const { PUBLIC_BASE_URL: _base, ...withoutBase } = notificationsEnv();
    expect(() => loadNotificationLinkBaseUrl(withoutBase)).toThrow(/PUBLIC_BASE_URL: is required/);
  });
});
