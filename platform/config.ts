import path from 'node:path';
import { z } from 'zod';
import { defaultDataDirectory } from './paths';
import { askedUrlVariable, defaultPorts, environmentPrefix, subgraphsAskedBy, type SubgraphName } from './subgraph-names';

/**
 * Configuration is read from the environment here and nowhere else. Each service calls one
 * `load…Config` at start; every problem is collected and reported together so an operator fixes
 * a deployment in one go rather than one variable per restart.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Record<string, string | undefined>;

const nodeEnv = z.enum(['development', 'test', 'production']).default('development');
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');
/**
 * Development-only defaults, committed here and therefore public: used only under the explicit
 * development profile (`IPS_PROFILE=development`, set by `npm start`, `npm run token`, the bench and
 * the tests). Without it, every service refuses to start until real secrets are set.
 */
export const developmentSubgraphSecret = 'ips-graph-development-only-gateway-subgraph-secret';
export const developmentTokenSecret = 'ips-graph-development-only-token-signing-key';
export const developmentProfile = 'development';
const profile = z.enum([developmentProfile]).optional();
const minimumSecretLength = 32;
const secret = z.string().min(minimumSecretLength, `must be at least ${minimumSecretLength} characters`);
/**
 * Shannon entropy of the secret's own characters, per character. Random hex scores ~3.7, base64
 * ~5; `aaaa…` 0 and a short alphabet repeated scores low.
 */
const minimumSecretBitsPerCharacter = 3;
/** Words that mark a value as a placeholder or a committed default rather than a generated secret. */
const placeholderWords = /replace|change[-_ ]?me|placeholder|example|development|default|secret|password|your[-_]/i;

function bitsPerCharacter(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Why `value` is not a usable secret (empty when it is): too short, too regular, or a placeholder. */
export function weakSecretProblems(name: string, value: string): string[] {
  if (value.length < minimumSecretLength) return [`${name}: must be at least ${minimumSecretLength} characters`];
  if (placeholderWords.test(value))
    return [`${name}: looks like a placeholder or a committed default; generate one (openssl rand -base64 48)`];
  if (bitsPerCharacter(value) < minimumSecretBitsPerCharacter) {
    return [`${name}: is too regular to be a secret (too few distinct characters); generate one (openssl rand -base64 48)`];
  }
  return [];
}

/**
 * A secret that has a development default: outside the development profile it must be set, and
 * strong; set explicitly, it must be strong everywhere.
 */
function secretSettingProblems(name: string, value: string | undefined, developmentAllowed: boolean, requiredWhy: string): string[] {
  if (value === undefined)
    return developmentAllowed ? [] : [`${name}: is required ${requiredWhy} (development defaults apply only with IPS_PROFILE=development)`];
  // Too short is already reported by the schema.
  return value.length < minimumSecretLength ? [] : weakSecretProblems(name, value);
}

/**
 * Development behaviour (stack traces and internal messages in answers, "did you mean"
 * suggestions, introspection for everyone, persona sign-in, /metrics on the public port, the
 * statement-count header, demo data, the embedded database, pretty logs) is keyed on the explicit
 * development profile, never on NODE_ENV: a service started with real secrets and no NODE_ENV
 * behaves as production. Under the profile, NODE_ENV=test (the test harnesses) keeps the profile's
 * tooling but answers clients as production does, which is what the tests assert.
 */
function developmentProfileOf(values: Record<string, unknown>): { developmentProfile: boolean; development: boolean } {
  const developmentProfileOn = values.IPS_PROFILE === developmentProfile;
  return {
    developmentProfile: developmentProfileOn,
    development: developmentProfileOn && (values.NODE_ENV ?? 'development') === 'development',
  };
}

/** Problems shared by every service: the profile must not contradict NODE_ENV. */
function profileProblems(raw: Record<string, string | undefined>): string[] {
  return raw.IPS_PROFILE === developmentProfile && raw.NODE_ENV === 'production'
    ? ['IPS_PROFILE: the development profile cannot be combined with NODE_ENV=production']
    : [];
}

/** Longest a gateway assertion may live (platform/gateway-assertion.ts): one hop, a few seconds. */
const assertionLifetimeMs = positiveInt.max(60_000).default(5_000);

const httpUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must be an http:// or https:// URL');

/** An origin, optionally with a path prefix, that links are built on: no query, fragment or credentials. */
const publicBaseUrl = httpUrl.refine((v) => {
  const url = URL.canParse(v) ? new URL(v) : undefined;
  return url !== undefined && !url.search && !url.hash && !url.username && !url.password;
}, 'must be an absolute http:// or https:// URL without query, fragment or credentials (e.g. https://graph.example.org)');

/** Validates `values`; `crossChecks` are problems found outside the schema, reported alongside. */
function parse<T extends z.ZodTypeAny>(schema: T, values: Record<string, unknown>, crossChecks: string[] = []): z.infer<T> {
  const result = schema.safeParse(values);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)),
    ...crossChecks,
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** Empty strings count as unset, as docker-compose and shells often pass them. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Limits every HTTP service applies (gateway and subgraphs alike). Node's own defaults wait 60 s
 * for headers and 300 s for a trickled body; these cut slow clients off long before that.
 */
export interface HttpLimits {
  /** Time a client has to send all request headers. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request (headers and body). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Requests one keep-alive connection may carry before the server closes it. */
  maxRequestsPerSocket: number;
  /** Wall-clock budget of one request; when spent, its subgraph calls and SQL are abandoned. */
  requestTimeBudgetMs: number;
  /**
   * Open connections one process accepts (Node's `server.maxConnections`); past it new connections
   * are closed at once, so descriptors are never exhausted and requests in flight still finish.
   */
  maxConnections: number;
  /**
   * Open connections one client address may hold; the next one is closed at once (0: no cap). Behind
   * a reverse proxy every client shares the proxy's address: set it to 0 (or above the proxy's own
   * limit) and cap clients at the proxy (README, "Connections").
   */
  maxConnectionsPerAddress: number;
  /**
   * On SIGTERM, how long a service keeps serving after its readiness turns 503 and before it stops
   * accepting connections: long enough for a load balancer's health checks to take it out of
   * rotation (about two check intervals), so a rolling restart drops nothing (README, "Several
   * replicas"). 0 (the default): stop accepting at once, as one process with nothing in front does.
   */
  drainDelayMs: number;
  /**
   * Which proxies in front may say who the client is (`X-Forwarded-For`), in Express's `trust proxy`
   * terms: false (the default: the TCP peer is the client), a hop count, or addresses and ranges
   * (`loopback`, `uniquelocal`, `10.0.0.0/8`, …). Behind a load balancer the rate limits count
   * anonymous clients by the address it forwards, not its own (which every client would share).
   */
  trustProxy: boolean | number | string;
}

/** HTTP_TRUST_PROXY: unset or "false", a hop count, or comma-separated addresses and ranges; never "true" (anyone could then name any address). */
const trustProxy = z
  .string()
  .regex(/^(false|\d{1,2}|[\w.:/]+(,\s*[\w.:/]+)*)$/, 'false, a hop count, or comma-separated addresses, ranges or names such as loopback')
  .refine((value) => value !== 'true', 'true would trust any client to name its own address; name the proxies instead')
  .default('false')
  .transform((value) => (value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value));

const httpLimitsSchema: Record<string, z.ZodTypeAny> = {
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(15_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000),
  HTTP_MAX_REQUESTS_PER_SOCKET: positiveInt.default(1_000),
  REQUEST_TIME_BUDGET_MS: positiveInt.default(5_000),
  // Well under the descriptors Node gets (it raises its soft limit to the hard one at start), with
  // room left for subgraph calls and database connections.
  HTTP_MAX_CONNECTIONS: positiveInt.default(4_096),
  // Enough for a shared office or a NAT of many browsers (about 6 each), far short of a flood.
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
  HTTP_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  HTTP_TRUST_PROXY: trustProxy,
};
const httpLimitNames = Object.keys(httpLimitsSchema);
/** A subgraph's only callers are gateways, each one address holding many connections: no per-address cap by default. */
const subgraphHttpLimitsSchema: Record<string, z.ZodTypeAny> = {
  ...httpLimitsSchema,
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(0),
};

function httpLimits(values: Record<string, unknown>): HttpLimits {
  return {
    headersTimeoutMs: values.HTTP_HEADERS_TIMEOUT_MS as number,
    requestTimeoutMs: values.HTTP_REQUEST_TIMEOUT_MS as number,
    keepAliveTimeoutMs: values.HTTP_KEEP_ALIVE_TIMEOUT_MS as number,
    maxRequestsPerSocket: values.HTTP_MAX_REQUESTS_PER_SOCKET as number,
    requestTimeBudgetMs: values.REQUEST_TIME_BUDGET_MS as number,
    maxConnections: values.HTTP_MAX_CONNECTIONS as number,
    maxConnectionsPerAddress: values.HTTP_MAX_CONNECTIONS_PER_ADDRESS as number,
    drainDelayMs: values.HTTP_DRAIN_DELAY_MS as number,
    trustProxy: values.HTTP_TRUST_PROXY as HttpLimits['trustProxy'],
  };
}

/**
 * What one operation may ask of the gateway, checked before any subgraph is called
 * (gateway/operation-limits.ts). Every legitimate operation in the tests and the README fits with
 * room to spare; the README's "Operation limits" section explains each.
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** How often one selection set may repeat the same field (graphql-cop's field duplication). */
  maxFieldRepeats: number;
  /** Estimated cost: each field 1, each SQL statement of its own 1,000, times the page sizes and caps of the lists above it (gateway/operation-cost.ts). */
  maxCost: number;
  /** Assumed size of a list without `first` whose services set no cap (the uncapped lists in gateway/operation-cost.ts). */
  listSizeEstimate: number;
  /** Bytes of subgraph responses one request may gather before it is cut off. */
  maxResponseBytes: number;
  /** The longest string any input may carry; services set tighter limits per field. */
  maxStringLength: number;
  /**
   * Counted before validation (gateway/operation-prevalidation.ts): lexical tokens of the document
   * (the parser stops there), field selections, and fragments (inline, spreads and definitions).
   */
  maxTokens: number;
  maxFields: number;
  maxFragments: number;
}

const operationLimitsSchema: Record<string, z.ZodTypeAny> = {
  OPERATION_MAX_DEPTH: positiveInt.default(12),
  OPERATION_MAX_ALIASES: positiveInt.default(30),
  OPERATION_MAX_DIRECTIVES: positiveInt.default(10),
  OPERATION_MAX_FIELD_REPEATS: positiveInt.default(3),
  OPERATION_MAX_COST: positiveInt.default(50_000),
  OPERATION_LIST_SIZE_ESTIMATE: positiveInt.default(10),
  RESPONSE_MAX_BYTES: positiveInt.default(5 * 1024 * 1024),
  INPUT_MAX_STRING_LENGTH: positiveInt.default(10_000),
  // The heaviest legitimate document (operations/, the explorer's introspection) has under 200
  // tokens and 80 fields and no more than a handful of fragments.
  OPERATION_MAX_TOKENS: positiveInt.default(2_000),
  OPERATION_MAX_FIELDS: positiveInt.default(500),
  OPERATION_MAX_FRAGMENTS: positiveInt.default(50),
};
const operationLimitNames = Object.keys(operationLimitsSchema);

/**
 * Requests one client may make (gateway/rate-limit.ts): a signed-in person, or an anonymous
 * client's address. In each replica's memory unless `redisUrl` is set, when every replica shares
 * one budget per client through Redis.
 */
export interface RateLimitConfig {
  /** Points a client may spend per minute (a request costs 1, a refused document more); 0: no limit. */
  pointsPerMinute: number;
  redisUrl: string | undefined;
  /** Prefix of the Redis keys, so deployments (or test runs) sharing one Redis keep apart. */
  keyPrefix: string;
}

/**
 * The Redis replicas share (issue 26): the gateway's rate-limit budgets and cache generation, each
 * subgraph's replay guard. Unset, each process keeps these in its own memory (one replica).
 */
export interface SharedStateConfig {
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so deployments (or test runs) sharing one Redis keep apart. */
  keyPrefix: string;
}

const sharedStateSchema: Record<string, z.ZodTypeAny> = {
  REDIS_URL: z
    .string()
    .url()
    .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,100}$/, 'letters, digits and _ : . - only')
    .default('ips-graph'),
};
const sharedStateNames = Object.keys(sharedStateSchema);

function sharedState(values: Record<string, unknown>): SharedStateConfig {
  return { redisUrl: values.REDIS_URL as string | undefined, keyPrefix: values.REDIS_KEY_PREFIX as string };
}

const rateLimitSchema: Record<string, z.ZodTypeAny> = {
  // 20 requests a second, sustained for a minute, is far past what a person in the explorer or a
  // dashboard asks; a script looping on the graph meets it within seconds.
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1_200),
  GATEWAY_RATE_LIMIT_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,100}$/, 'letters, digits and _ : . - only')
    .default('ips-graph:rate'),
};
const rateLimitNames = Object.keys(rateLimitSchema);

function rateLimit(values: Record<string, unknown>): RateLimitConfig {
  return {
    pointsPerMinute: values.GATEWAY_RATE_LIMIT_PER_MINUTE as number,
    redisUrl: values.REDIS_URL as string | undefined,
    keyPrefix: values.GATEWAY_RATE_LIMIT_KEY_PREFIX as string,
  };
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** How a service logs (platform/logger.ts): `LOG_LEVEL`, and `LOG_FORMAT` json or pretty. */
export interface LoggingConfig {
  level: LogLevel;
  format: 'json' | 'pretty';
}

/**
 * Logs, metrics and request ids (platform/observability.ts). `/metrics` is served on its own port
 * (`<SERVICE>_METRICS_PORT` on `METRICS_HOST`, loopback by default) so a scraper inside the
 * deployment reaches it while the public port never does; outside production it is also on the
 * service's own port, for a developer's convenience.
 */
export interface ObservabilityConfig {
  logging: LoggingConfig;
  /** The separate metrics port; undefined serves no metrics listener (in production: no metrics). */
  metricsPort: number | undefined;
  metricsHost: string;
  /** Also serve `/metrics` on the service's public port (never in production). */
  metricsOnPublicPort: boolean;
  /**
   * The gateway adopts the trace id of an incoming W3C `traceparent` as its request id only when
   * told the caller is trusted (a proxy of the same deployment); otherwise it makes its own.
   */
  trustIncomingTraceparent: boolean;
}

const observabilitySchema: Record<string, z.ZodTypeAny> = {
  LOG_LEVEL: z.enum(logLevels).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  TRUST_INCOMING_TRACEPARENT: booleanFlag.default(false),
};
const observabilityNames = Object.keys(observabilitySchema);

function observability(values: Record<string, unknown>, metricsPortName: string, interactive: boolean): ObservabilityConfig {
  const profileFlags = developmentProfileOf(values);
  return {
    logging: loggingFrom(values, profileFlags.development, interactive),
    metricsPort: values[metricsPortName] as number | undefined,
    metricsHost: values.METRICS_HOST as string,
    metricsOnPublicPort: profileFlags.developmentProfile,
    trustIncomingTraceparent: values.TRUST_INCOMING_TRACEPARENT as boolean,
  };
}

/** Pretty lines only when asked, or in development at a terminal; JSON for everything that collects logs. */
function loggingFrom(values: Record<string, unknown>, development: boolean, interactive: boolean): LoggingConfig {
  const format = (values.LOG_FORMAT as LoggingConfig['format'] | undefined) ?? (development && interactive ? 'pretty' : 'json');
  return { level: values.LOG_LEVEL as LogLevel, format };
}

/** The logging settings alone (every service's `main`, before its own configuration is loaded). */
export function loadLoggingConfig(env: Environment, interactive = false): LoggingConfig {
  const values = parse(
    z.object({
      NODE_ENV: nodeEnv,
      IPS_PROFILE: profile,
      LOG_LEVEL: observabilitySchema.LOG_LEVEL!,
      LOG_FORMAT: observabilitySchema.LOG_FORMAT!,
    }),
    {
      NODE_ENV: read(env, 'NODE_ENV'),
      IPS_PROFILE: read(env, 'IPS_PROFILE'),
      LOG_LEVEL: read(env, 'LOG_LEVEL'),
      LOG_FORMAT: read(env, 'LOG_FORMAT'),
    },
  );
  return loggingFrom(values, developmentProfileOf(values).development, interactive);
}

export interface DatabaseConfig {
  /** A PostgreSQL server URL; absent means the embedded PGlite database under `embeddedDirectory`. */
  url: string | undefined;
  embeddedDirectory: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectionTimeoutMs: number;
  /**
   * How the server is reached: `session`, directly or through a session-mode pooler (the statement
   * timeout goes in each connection's start-up packet), or `transaction`, through a
   * transaction-mode pooler such as PgBouncer (which refuses that start-up parameter and shares
   * server sessions between clients: the timeout is set on the role in this database instead).
   */
  poolMode: DatabasePoolMode;
}

export const databasePoolModes = ['session', 'transaction'] as const;
export type DatabasePoolMode = (typeof databasePoolModes)[number];

export interface SubgraphConfig {
  name: SubgraphName;
  nodeEnv: 'development' | 'test' | 'production';
  /** Started with IPS_PROFILE=development (see developmentProfileOf). */
  developmentProfile: boolean;
  /** Stack traces and internal error messages are shown to clients only in development (the profile, NODE_ENV not test). */
  development: boolean;
  host: string;
  port: number;
  database: DatabaseConfig;
  /** Where the replicas keep the gateway assertions' replay guard (one replica: in memory). */
  sharedState: SharedStateConfig;
  seedDemoData: boolean;
  /** Expose the per-request SQL statement count as a response header (off in production). */
  exposeStatementCount: boolean;
  /** Shared with the gateway only: proves a request came through it (platform/gateway-assertion.ts). */
  gatewaySecret: string;
  /** Assertions that claim a longer life than this are refused. */
  gatewayAssertionLifetimeMs: number;
  http: HttpLimits;
  observability: ObservabilityConfig;
  /** Where its outbox's domain events go (platform/outbox-relay.ts). */
  eventDelivery: EventDeliveryConfig;
}

/** Names of the environment variables a subgraph reads; the docker-compose test checks against this. */
export function subgraphVariableNames(name: SubgraphName) {
  const prefix = environmentPrefix(name);
  return {
    port: `${prefix}_PORT`,
    host: `${prefix}_HOST`,
    databaseUrl: `${prefix}_DATABASE_URL`,
    metricsPort: `${prefix}_METRICS_PORT`,
    // Where it finds each subgraph it asks directly (the registry's `asks`): procurement's `innovationsUrl`.
    ...(Object.fromEntries(subgraphsAskedBy(name).map((asked) => [`${asked}Url`, askedUrlVariable(name, asked)])) as Partial<
      Record<`${SubgraphName}Url`, string>
    >),
  };
}

const procurementInnovationsUrlVariable = askedUrlVariable('procurement', 'innovations');

/** Procurement's own settings beside the common subgraph ones: where it asks about innovations (its deadlines are law, in subgraphs/procurement/deadlines.ts). */
export interface ProcurementConfig {
  /** The innovations subgraph, asked through federation `_entities` when a buyer shortlists innovations. */
  innovationsUrl: string;
  innovationsTimeoutMs: number;
  /**
   * How many evaluators, each with no conflict declared with the supplier, must score every published
   * criterion of every response before a further competition can be moderated and awarded.
   */
  evaluatorsRequired: number;
}

/** The most evaluators a further competition may require per response (PROCUREMENT_EVALUATORS_REQUIRED). */
export const maximumEvaluatorsRequired = 10;

export function loadProcurementConfig(env: Environment): ProcurementConfig {
  const values = parse(
    z.object({
      [procurementInnovationsUrlVariable]: httpUrl.default(`http://127.0.0.1:${defaultPorts.innovations}/graphql`),
      SUBGRAPH_TIMEOUT_MS: positiveInt.default(10_000),
      PROCUREMENT_EVALUATORS_REQUIRED: positiveInt.max(maximumEvaluatorsRequired).default(2),
    }),
    {
      [procurementInnovationsUrlVariable]: read(env, procurementInnovationsUrlVariable),
      SUBGRAPH_TIMEOUT_MS: read(env, 'SUBGRAPH_TIMEOUT_MS'),
      PROCUREMENT_EVALUATORS_REQUIRED: read(env, 'PROCUREMENT_EVALUATORS_REQUIRED'),
    },
  );
  return {
    innovationsUrl: values[procurementInnovationsUrlVariable] as string,
    innovationsTimeoutMs: values.SUBGRAPH_TIMEOUT_MS as number,
    evaluatorsRequired: values.PROCUREMENT_EVALUATORS_REQUIRED as number,
  };
}

/**
 * How a subgraph's domain events leave its outbox (issue 25; platform/outbox-relay.ts): to NATS
 * JetStream when `NATS_URL` is set, otherwise POSTed to each consumer named in `EVENT_CONSUMERS`
 * (`name=url`, comma-separated: the consumer's subgraph name, which the delivery's gateway assertion
 * is made for, and its delivery endpoint). With neither, no relay runs and events wait in the
 * outbox until one is configured: nothing is lost, nothing is delivered.
 */
export interface EventDeliveryConfig {
  natsUrl: string | undefined;
  /** The JetStream stream every subgraph publishes to (`EVENTS_STREAM`). */
  stream: string;
  /** Subjects are `<prefix>.<subgraph>.<kind>` (`EVENTS_SUBJECT_PREFIX`). */
  subjectPrefix: string;
  consumers: { name: string; url: string }[];
  /** How often an idle relay looks for new events. */
  pollIntervalMs: number;
  /** Events one relay pass publishes (and holds locked) at most. */
  batchSize: number;
  /** How long one publish (a broker acknowledgement, a consumer's answer) may take before the pass is retried. */
  deliveryTimeoutMs: number;
}

const eventDeliverySchema: Record<string, z.ZodTypeAny> = {
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^\s,]+$/, 'must be a nats:// or tls:// URL, e.g. nats://127.0.0.1:4222')
    .optional(),
  EVENTS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .default('IPS_DOMAIN_EVENTS'),
  EVENTS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/, 'dot-separated tokens of lower-case letters, digits, _ and -')
    .default('ips.events'),
  EVENT_CONSUMERS: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]*=https?:\/\/[^\s,]+(\s*,\s*[a-z][a-z0-9-]*=https?:\/\/[^\s,]+)*$/,
      'name=http://host:port/path, comma-separated',
    )
    .optional(),
  OUTBOX_POLL_INTERVAL_MS: positiveInt.max(60_000).default(200),
  OUTBOX_BATCH_SIZE: positiveInt.max(1_000).default(50),
  EVENT_DELIVERY_TIMEOUT_MS: positiveInt.max(120_000).default(5_000),
};
const eventDeliveryNames = Object.keys(eventDeliverySchema);

function eventDeliveryProblems(raw: Record<string, string | undefined>): string[] {
  return raw.NATS_URL && raw.EVENT_CONSUMERS
    ? ['EVENT_CONSUMERS: set either NATS_URL (consumers read the broker) or EVENT_CONSUMERS (delivered without a broker), not both']
    : [];
}

function eventDelivery(values: Record<string, unknown>): EventDeliveryConfig {
  const consumers = ((values.EVENT_CONSUMERS as string | undefined) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf('=');
      return { name: entry.slice(0, at), url: entry.slice(at + 1) };
    });
  return {
    natsUrl: values.NATS_URL as string | undefined,
    stream: values.EVENTS_STREAM as string,
    subjectPrefix: values.EVENTS_SUBJECT_PREFIX as string,
    consumers,
    pollIntervalMs: values.OUTBOX_POLL_INTERVAL_MS as number,
    batchSize: values.OUTBOX_BATCH_SIZE as number,
    deliveryTimeoutMs: values.EVENT_DELIVERY_TIMEOUT_MS as number,
  };
}

/** The event delivery settings alone (a consumer reading the broker, tests). */
export function loadEventDeliveryConfig(env: Environment): EventDeliveryConfig {
  const raw = Object.fromEntries(eventDeliveryNames.map((name) => [name, read(env, name)]));
  return eventDelivery(parse(z.object(eventDeliverySchema), raw, eventDeliveryProblems(raw)));
}

export const sharedVariableNames = [
  'NODE_ENV',
  'IPS_PROFILE',
  'GATEWAY_SUBGRAPH_SECRET',
  'GATEWAY_ASSERTION_LIFETIME_MS',
  'DATA_DIR',
  'SEED_DEMO_DATA',
  'DB_POOL_MAX',
  'DB_STATEMENT_TIMEOUT_MS',
  'DB_POOL_MODE',
  'DB_CONNECTION_TIMEOUT_MS',
  ...sharedStateNames,
  ...httpLimitNames,
  ...observabilityNames,
  ...eventDeliveryNames,
] as const;

export function loadSubgraphConfig(name: SubgraphName, env: Environment, interactive = false): SubgraphConfig {
  const names = subgraphVariableNames(name);
  const raw = Object.fromEntries(
    [names.host, names.port, names.databaseUrl, names.metricsPort, ...sharedVariableNames].map((key) => [key, read(env, key)]),
  );
  const values = parse(
    z.object({
      NODE_ENV: nodeEnv,
      IPS_PROFILE: profile,
      GATEWAY_ASSERTION_LIFETIME_MS: assertionLifetimeMs,
      [names.host]: z.string().default('127.0.0.1'),
      [names.port]: port.default(defaultPorts[name]),
      [names.databaseUrl]: postgresUrl.optional(),
      DATA_DIR: z.string().default(defaultDataDirectory),
      SEED_DEMO_DATA: booleanFlag.default(false),
      DB_POOL_MAX: positiveInt.max(100).default(10),
      DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10_000),
      DB_POOL_MODE: z.enum(databasePoolModes).default('session'),
      DB_CONNECTION_TIMEOUT_MS: positiveInt.default(5_000),
      GATEWAY_SUBGRAPH_SECRET: secret.default(developmentSubgraphSecret),
      [names.metricsPort]: port.optional(),
      ...sharedStateSchema,
      ...subgraphHttpLimitsSchema,
      ...observabilitySchema,
      ...eventDeliverySchema,
    }),
    raw,
    [
      ...eventDeliveryProblems(raw),
      ...(raw.IPS_PROFILE !== developmentProfile && !raw[names.databaseUrl]
        ? [`${names.databaseUrl}: is required outside the development profile (the embedded database is for development and tests)`]
        : []),
      ...(raw.IPS_PROFILE !== developmentProfile && ['true', '1', 'yes'].includes(raw.SEED_DEMO_DATA ?? '')
        ? ['SEED_DEMO_DATA: is refused outside the development profile (the demo data set holds well-known people and roles)']
        : []),
      ...subgraphSecretProblems(raw),
    ],
  );
  const environment = values.NODE_ENV as SubgraphConfig['nodeEnv'];
  const profileFlags = developmentProfileOf(values);
  return {
    name,
    nodeEnv: environment,
    ...profileFlags,
    host: values[names.host] as string,
    port: values[names.port] as number,
    database: {
      url: values[names.databaseUrl] as string | undefined,
      embeddedDirectory: path.resolve(values.DATA_DIR as string, name),
      poolMax: values.DB_POOL_MAX as number,
      statementTimeoutMs: values.DB_STATEMENT_TIMEOUT_MS as number,
      poolMode: values.DB_POOL_MODE as DatabasePoolMode,
      connectionTimeoutMs: values.DB_CONNECTION_TIMEOUT_MS as number,
    },
    sharedState: sharedState(values),
    seedDemoData: values.SEED_DEMO_DATA as boolean,
    exposeStatementCount: profileFlags.developmentProfile,
    gatewaySecret: values.GATEWAY_SUBGRAPH_SECRET as string,
    gatewayAssertionLifetimeMs: values.GATEWAY_ASSERTION_LIFETIME_MS as number,
    http: httpLimits(values),
    observability: observability(values, names.metricsPort, interactive),
    eventDelivery: eventDelivery(values),
  };
}

function subgraphSecretProblems(raw: Record<string, string | undefined>): string[] {
  return [
    ...profileProblems(raw),
    ...secretSettingProblems(
      'GATEWAY_SUBGRAPH_SECRET',
      raw.GATEWAY_SUBGRAPH_SECRET,
      raw.IPS_PROFILE === developmentProfile,
      'to prove requests come from the gateway',
    ),
  ];
}

export interface GatewayConfig {
  nodeEnv: 'development' | 'test' | 'production';
  /** Started with IPS_PROFILE=development: persona sign-in, public /metrics, statement counts. */
  developmentProfile: boolean;
  /** Stack traces, suggestions and introspection for everyone (the profile, NODE_ENV not test). */
  development: boolean;
  host: string;
  port: number;
  supergraphPath: string | undefined;
  /** Where each subgraph listens; overrides the routing URLs baked into the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  exposeStatementCount: boolean;
  gatewaySecret: string;
  /** How long each gateway assertion lives (platform/gateway-assertion.ts). */
  gatewayAssertionLifetimeMs: number;
  authentication: AuthenticationConfig;
  http: HttpLimits;
  limits: OperationLimits;
  rateLimit: RateLimitConfig;
  /** Where the replicas keep the rate-limit budgets and the cache generation (one replica: in memory). */
  sharedState: SharedStateConfig;
  observability: ObservabilityConfig;
  /** Anonymous query answers shared for a few seconds (gateway/public-response-cache.ts); off when absent. */
  publicCache: { ttlSeconds: number; maxBytes: number } | undefined;
  /**
   * Where clients reach the gateway (`PUBLIC_BASE_URL`, no trailing slash), for links the gateway
   * writes into documents (the OCDS package `uri`), never taken from a request's Host header.
   */
  publicBaseUrl: string | undefined;
  /** Uploads through `POST /documents` (gateway/routes/documents.ts): cut off with 413 past `maxBytes`. */
  documents: DocumentLimits;
}

/**
 * How the gateway verifies callers' tokens: an OIDC issuer's signing keys in production, or a
 * development HS256 key (used by `npm run token`) everywhere else — never both.
 */
export type AuthenticationConfig = (
  | { kind: 'oidc'; jwksUrl: string; issuer: string; audience: string }
  | { kind: 'development'; secret: string; issuer: string; audience: string }
) & {
  /**
   * Tokens older than this (by `iat`) are refused whatever their `exp` says; optional here so code
   * that only mints tokens can pass a bare issuer, defaulting to `defaultMaxTokenAgeSeconds`.
   */
  maxTokenAgeSeconds?: number;
};

/** A working day's sign-in: a stolen token that claims a long life is still refused after this. */
export const defaultMaxTokenAgeSeconds = 12 * 60 * 60;

export const developmentTokenIssuer = 'ips-graph-development';
export const developmentTokenAudience = 'ips-graph';

export function gatewayVariableNames() {
  return {
    port: 'GATEWAY_PORT',
    host: 'GATEWAY_HOST',
    supergraphPath: 'SUPERGRAPH_PATH',
    subgraphTimeoutMs: 'SUBGRAPH_TIMEOUT_MS',
    gatewaySecret: 'GATEWAY_SUBGRAPH_SECRET',
    jwksUrl: 'AUTH_JWKS_URL',
    issuer: 'AUTH_ISSUER',
    audience: 'AUTH_AUDIENCE',
    developmentSecret: 'AUTH_DEV_SECRET',
    maxTokenAgeSeconds: 'AUTH_MAX_TOKEN_AGE_SECONDS',
    assertionLifetimeMs: 'GATEWAY_ASSERTION_LIFETIME_MS',
    profile: 'IPS_PROFILE',
    metricsPort: 'GATEWAY_METRICS_PORT',
    publicCacheSeconds: 'GATEWAY_PUBLIC_CACHE_SECONDS',
    publicCacheMaxMegabytes: 'GATEWAY_PUBLIC_CACHE_MAX_MB',
    publicBaseUrl: 'PUBLIC_BASE_URL',
    subgraphUrl: (name: SubgraphName) => `${environmentPrefix(name)}_URL`,
  };
}

export function loadGatewayConfig(env: Environment, subgraphs: readonly SubgraphName[], interactive = false): GatewayConfig {
  const names = gatewayVariableNames();
  const urlKeys = subgraphs.map((s) => names.subgraphUrl(s));
  const raw = Object.fromEntries(
    [
      names.host,
      names.port,
      names.supergraphPath,
      names.subgraphTimeoutMs,
      names.gatewaySecret,
      names.jwksUrl,
      names.issuer,
      names.audience,
      names.developmentSecret,
      names.maxTokenAgeSeconds,
      names.assertionLifetimeMs,
      names.profile,
      names.metricsPort,
      names.publicCacheSeconds,
      names.publicCacheMaxMegabytes,
      names.publicBaseUrl,
      'NODE_ENV',
      ...httpLimitNames,
      ...operationLimitNames,
      ...rateLimitNames,
      ...sharedStateNames,
      ...observabilityNames,
      ...urlKeys,
    ].map((key) => [key, read(env, key)]),
  );
  const production = raw.NODE_ENV === 'production';
  const developmentAllowed = raw[names.profile] === developmentProfile;
  const authProblems: string[] = [...profileProblems(raw)];
  if (production) {
    for (const key of [names.jwksUrl, names.issuer, names.audience]) {
      if (!raw[key]) authProblems.push(`${key}: is required in production (the OIDC issuer that signs users' tokens)`);
    }
    if (raw[names.developmentSecret]) {
      authProblems.push(`${names.developmentSecret}: must not be set in production (development tokens are refused there)`);
    }
    if (raw[names.jwksUrl]?.startsWith('http://')) {
      authProblems.push(`${names.jwksUrl}: must be https:// in production (keys fetched in clear can be swapped)`);
    }
  } else if (raw[names.jwksUrl] && raw[names.developmentSecret]) {
    authProblems.push(`${names.developmentSecret}: set either AUTH_JWKS_URL or AUTH_DEV_SECRET, not both`);
  } else if (!raw[names.jwksUrl]) {
    authProblems.push(
      ...secretSettingProblems(
        names.developmentSecret,
        raw[names.developmentSecret],
        developmentAllowed,
        'without an OIDC issuer (AUTH_JWKS_URL)',
      ),
    );
  }
  authProblems.push(
    ...secretSettingProblems(names.gatewaySecret, raw[names.gatewaySecret], developmentAllowed, 'to prove requests come from the gateway'),
  );
  const values = parse(
    z.object({
      NODE_ENV: nodeEnv,
      [names.host]: z.string().default('127.0.0.1'),
      [names.port]: port.default(defaultPorts.gateway),
      [names.supergraphPath]: z.string().optional(),
      // A hung subgraph costs a request at most this long (issue 6: two seconds).
      [names.subgraphTimeoutMs]: positiveInt.default(2_000),
      [names.gatewaySecret]: secret.default(developmentSubgraphSecret),
      [names.jwksUrl]: httpUrl.optional(),
      [names.issuer]: z.string().optional(),
      [names.audience]: z.string().optional(),
      [names.developmentSecret]: secret.default(developmentTokenSecret),
      [names.maxTokenAgeSeconds]: positiveInt.default(defaultMaxTokenAgeSeconds),
      [names.assertionLifetimeMs]: assertionLifetimeMs,
      [names.profile]: profile,
      ...Object.fromEntries(subgraphs.map((s) => [names.subgraphUrl(s), httpUrl.default(`http://127.0.0.1:${defaultPorts[s]}/graphql`)])),
      [names.metricsPort]: port.optional(),
      // Production shares anonymous answers for 5 s by default; development and tests see every
      // write at once, even one made straight in a database.
      [names.publicCacheSeconds]: z.coerce
        .number()
        .int()
        .min(0)
        .max(300)
        .default(production ? 5 : 0),
      [names.publicCacheMaxMegabytes]: positiveInt.default(64),
      [names.publicBaseUrl]: publicBaseUrl.optional(),
      ...httpLimitsSchema,
      ...operationLimitsSchema,
      ...rateLimitSchema,
      ...sharedStateSchema,
      ...observabilitySchema,
    }),
    raw,
    authProblems,
  );
  const environment = values.NODE_ENV as GatewayConfig['nodeEnv'];
  const publicCacheSeconds = values[names.publicCacheSeconds] as number;
  const profileFlags = developmentProfileOf(values);
  return {
    nodeEnv: environment,
    ...profileFlags,
    host: values[names.host] as string,
    port: values[names.port] as number,
    supergraphPath: values[names.supergraphPath] as string | undefined,
    subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s, values[names.subgraphUrl(s)]])) as Record<SubgraphName, string>,
    subgraphTimeoutMs: values[names.subgraphTimeoutMs] as number,
    exposeStatementCount: profileFlags.developmentProfile,
    gatewaySecret: values[names.gatewaySecret] as string,
    gatewayAssertionLifetimeMs: values[names.assertionLifetimeMs] as number,
    authentication: values[names.jwksUrl]
      ? {
          kind: 'oidc',
          jwksUrl: values[names.jwksUrl] as string,
          issuer: values[names.issuer] as string,
          audience: values[names.audience] as string,
          maxTokenAgeSeconds: values[names.maxTokenAgeSeconds] as number,
        }
      : {
          kind: 'development',
          secret: values[names.developmentSecret] as string,
          issuer: (values[names.issuer] as string | undefined) ?? developmentTokenIssuer,
          audience: (values[names.audience] as string | undefined) ?? developmentTokenAudience,
          maxTokenAgeSeconds: values[names.maxTokenAgeSeconds] as number,
        },
    http: httpLimits(values),
    limits: operationLimits(values),
    rateLimit: rateLimit(values),
    sharedState: sharedState(values),
    observability: observability(values, names.metricsPort, interactive),
    publicCache:
      publicCacheSeconds > 0
        ? { ttlSeconds: publicCacheSeconds, maxBytes: (values[names.publicCacheMaxMegabytes] as number) * 1024 * 1024 }
        : undefined,
    publicBaseUrl: (values[names.publicBaseUrl] as string | undefined)?.replace(/\/+$/, ''),
    documents: loadDocumentLimits(env),
  };
}

function operationLimits(values: Record<string, unknown>): OperationLimits {
  return {
    maxDepth: values.OPERATION_MAX_DEPTH as number,
    maxAliases: values.OPERATION_MAX_ALIASES as number,
    maxDirectives: values.OPERATION_MAX_DIRECTIVES as number,
    maxFieldRepeats: values.OPERATION_MAX_FIELD_REPEATS as number,
    maxCost: values.OPERATION_MAX_COST as number,
    listSizeEstimate: values.OPERATION_LIST_SIZE_ESTIMATE as number,
    maxResponseBytes: values.RESPONSE_MAX_BYTES as number,
    maxStringLength: values.INPUT_MAX_STRING_LENGTH as number,
    maxTokens: values.OPERATION_MAX_TOKENS as number,
    maxFields: values.OPERATION_MAX_FIELDS as number,
    maxFragments: values.OPERATION_MAX_FRAGMENTS as number,
  };
}

/** The operation limits alone (the in-process graph of tests and the benchmark). */
export function loadOperationLimits(env: Environment): OperationLimits {
  return operationLimits(parse(z.object(operationLimitsSchema), Object.fromEntries(operationLimitNames.map((n) => [n, read(env, n)]))));
}

/** The HTTP limits alone (the benchmark's in-process gateway). */
export function loadHttpLimits(env: Environment): HttpLimits {
  return httpLimits(parse(z.object(httpLimitsSchema), Object.fromEntries(httpLimitNames.map((n) => [n, read(env, n)]))));
}

/**
 * Tests run against the embedded database by default. With TEST_DATABASE_URL pointing at a
 * PostgreSQL server (any database on it; the user must be allowed to create databases), every test
 * file gets a throwaway database there instead.
 */
export function loadTestDatabaseUrl(env: Environment): string | undefined {
  return parse(z.object({ TEST_DATABASE_URL: postgresUrl.optional() }), { TEST_DATABASE_URL: read(env, 'TEST_DATABASE_URL') })
    .TEST_DATABASE_URL;
}

export interface BenchConfig {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** The PostgreSQL server the search benchmark makes its throwaway database on. */
  searchServerUrl: string;
}

/** `npm run bench` knobs: fixed concurrency and duration, so runs are comparable. */
export function loadBenchConfig(env: Environment): BenchConfig {
  const values = parse(
    z.object({
      BENCH_CONNECTIONS: positiveInt.default(10),
      BENCH_DURATION_SECONDS: positiveInt.default(10),
      BENCH_WARMUP_SECONDS: z.coerce.number().int().min(0).default(2),
      BENCH_SEARCH_SERVER_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/postgres'),
    }),
    {
      BENCH_SEARCH_SERVER_URL: read(env, 'BENCH_SEARCH_SERVER_URL'),
      BENCH_CONNECTIONS: read(env, 'BENCH_CONNECTIONS'),
      BENCH_DURATION_SECONDS: read(env, 'BENCH_DURATION_SECONDS'),
      BENCH_WARMUP_SECONDS: read(env, 'BENCH_WARMUP_SECONDS'),
    },
  );
  return {
    connections: values.BENCH_CONNECTIONS,
    durationSeconds: values.BENCH_DURATION_SECONDS,
    warmupSeconds: values.BENCH_WARMUP_SECONDS,
    searchServerUrl: values.BENCH_SEARCH_SERVER_URL,
  };
}

/**
 * Email through GOV.UK Notify (issue 25 item 4; subgraphs/notifications/email/notify-email.ts).
 *
 * One generic email template (`NOTIFY_TEMPLATE_ID`, personalisation `subject`, `body`, `link`,
 * `unsubscribe_link`) rather than one per notice kind: the wording of each kind lives in the
 * notifications subgraph beside its in-app text, reviewed and tested with the code, so a new kind
 * needs no change in Notify's admin and no new setting, and email and inbox never drift apart.
 */
export interface NotifyConfig {
  /** `{key_name}-{service_id}-{secret}`: never logged, never sent to a client. */
  apiKey: string;
  /** The service id inside the key: the `iss` of every token. */
  serviceId: string;
  /** The secret inside the key: signs every token (HS256). */
  secretKey: string;
  /** Notify's API, or the development stand-in. */
  baseUrl: string;
  templateId: string;
  /** How long one request to Notify may take before it counts as a retryable failure. */
  timeoutMs: number;
  /**
   * The pace this process sends emails at (NOTIFY_SENDS_PER_MINUTE): at most Notify's rate limit
   * for the key (3,000 a minute unless Notify raised it), divided among the replicas that send.
   */
  sendsPerMinute: number;
  /**
   * The pace, in people a second, at which the broker's consumer applies saved-search alerts
   * (NOTIFICATIONS_ALERTS_PER_SECOND): an approval matching 10,000 searches reaches its last inbox
   * in about 10 s at 1,000 a second instead of taking the machine from the graph's requests for 2.
   */
  alertsPerSecond: number;
  /** Set when the development stand-in (scripts/notify-stand-in.ts) is to answer at `baseUrl`: `npm start` runs it. */
  standIn: { port: number } | undefined;
  /**
   * Signs the unsubscribe link in each email (NOTIFICATIONS_UNSUBSCRIBE_SECRET): the link is the
   * only credential of a click that switches one kind of email off without signing in.
   */
  unsubscribeSecret: string;
}

/** Where an email's unsubscribe link points, under PUBLIC_BASE_URL: the gateway's page, then `/<token>`. */
export const unsubscribeLinkPath = '/notifications/unsubscribe';
export const developmentUnsubscribeSecret = 'ips-graph-development-only-unsubscribe-link-key';

export const notifyProductionBaseUrl = 'https://api.notifications.service.gov.uk';
/**
 * Development-only Notify key and template, committed and therefore public: accepted only under
 * the development profile, where they reach the stand-in and never Notify itself.
 */
export const developmentNotifyApiKey =
  'ips_graph_development_only-e2212373-9704-4870-b5ed-8f1b4266e80c-7a417eff-c34b-4528-8acf-e3ecc9811d8c';
export const developmentNotifyTemplateId = '7162a16b-98ce-40ce-8d72-f70dcd70f547';
const defaultNotifyStandInPort = 4009;

const uuidPattern = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const notifyApiKeyPattern = new RegExp(`^(\\S+)-(${uuidPattern})-(${uuidPattern})$`);
// The messages never quote the value: a key pasted into the wrong variable must not reach the logs.
const notifyApiKey = z
  .string()
  .regex(notifyApiKeyPattern, 'must be a GOV.UK Notify API key, {key_name}-{service_id}-{secret} with both ids UUIDs (value not shown)');
const uuid = z.string().regex(new RegExp(`^${uuidPattern}$`), 'must be a UUID (the template’s id in GOV.UK Notify)');

/** The variables `loadNotifyConfig` reads. */
export const notifyVariableNames = {
  apiKey: 'NOTIFY_API_KEY',
  baseUrl: 'NOTIFY_BASE_URL',
  templateId: 'NOTIFY_TEMPLATE_ID',
  standInPort: 'NOTIFY_STAND_IN_PORT',
  timeoutMs: 'NOTIFY_TIMEOUT_MS',
  sendsPerMinute: 'NOTIFY_SENDS_PER_MINUTE',
  alertsPerSecond: 'NOTIFICATIONS_ALERTS_PER_SECOND',
  unsubscribeSecret: 'NOTIFICATIONS_UNSUBSCRIBE_SECRET',
} as const;

/**
 * Fails closed: outside the development profile the key and the template id must be set (and the
 * committed development key is refused), and in production Notify is reached over https only.
 * Under the profile with neither `NOTIFY_API_KEY` nor `NOTIFY_BASE_URL` set, the stand-in is used
 * with the development key and template; a developer who sets a real (test) key reaches Notify.
 */
export function loadNotifyConfig(env: Environment): NotifyConfig {
  const names = notifyVariableNames;
  const raw = Object.fromEntries(
    [
      'NODE_ENV',
      'IPS_PROFILE',
      names.apiKey,
      names.baseUrl,
      names.templateId,
      names.standInPort,
      names.timeoutMs,
      names.sendsPerMinute,
      names.alertsPerSecond,
      names.unsubscribeSecret,
    ].map((key) => [key, read(env, key)]),
  );
  const developmentAllowed = raw.IPS_PROFILE === developmentProfile;
  const standIn = developmentAllowed && !raw[names.apiKey] && !raw[names.baseUrl];
  const problems = [
    ...profileProblems(raw),
    ...secretSettingProblems(names.unsubscribeSecret, raw[names.unsubscribeSecret], developmentAllowed, 'to sign unsubscribe links'),
  ];
  if (!developmentAllowed) {
    for (const [key, what] of [
      [names.apiKey, 'GOV.UK Notify → API integration → API keys'],
      [names.templateId, 'the id of the email template in GOV.UK Notify'],
    ] as const) {
      if (!raw[key]) problems.push(`${key}: is required outside the development profile (${what})`);
    }
    if (raw[names.apiKey] === developmentNotifyApiKey) {
      problems.push(`${names.apiKey}: is the committed development key; use a key from GOV.UK Notify`);
    }
  } else if (!standIn && !raw[names.templateId]) {
    problems.push(
      `${names.templateId}: is required when NOTIFY_API_KEY or NOTIFY_BASE_URL is set (the stand-in's template is not in Notify)`,
    );
  }
  const baseUrl = raw[names.baseUrl];
  if (raw.NODE_ENV === 'production' && baseUrl && !baseUrl.startsWith('https://')) {
    problems.push(`${names.baseUrl}: must be https:// in production (the API key signs every request)`);
  }
  const values = parse(
    z.object({
      [names.apiKey]: notifyApiKey.default(developmentNotifyApiKey),
      [names.baseUrl]: httpUrl.optional(),
      [names.templateId]: uuid.default(developmentNotifyTemplateId),
      [names.standInPort]: port.default(defaultNotifyStandInPort),
      // Notify answers in well under a second; a hung connection must not hold a delivery for long.
      [names.timeoutMs]: positiveInt.max(60_000).default(10_000),
      // Notify's default limit for a service's API key type: 3,000 requests a minute.
      [names.sendsPerMinute]: positiveInt.default(3_000),
      // At least 500: a full alerts lane (20 events of 500 people) is applied well within the broker's 30 s acknowledgement wait.
      [names.alertsPerSecond]: positiveInt.min(500).default(1_000),
      [names.unsubscribeSecret]: secret.default(developmentUnsubscribeSecret),
    }),
    raw,
    problems,
  );
  const [, , serviceId, secretKey] = notifyApiKeyPattern.exec(values[names.apiKey] as string)!;
  const standInPort = values[names.standInPort] as number;
  return {
    apiKey: values[names.apiKey] as string,
    serviceId: serviceId!,
    secretKey: secretKey!,
    baseUrl: (
      (values[names.baseUrl] as string | undefined) ?? (standIn ? `http://127.0.0.1:${standInPort}` : notifyProductionBaseUrl)
    ).replace(/\/+$/, ''),
    templateId: values[names.templateId] as string,
    timeoutMs: values[names.timeoutMs] as number,
    sendsPerMinute: values[names.sendsPerMinute] as number,
    alertsPerSecond: values[names.alertsPerSecond] as number,
    standIn: standIn ? { port: standInPort } : undefined,
    unsubscribeSecret: values[names.unsubscribeSecret] as string,
  };
}

/**
 * Where the notifications subgraph points the links in its emails (`PUBLIC_BASE_URL`, as the
 * gateway's): required outside the development profile, where an email with a link to nowhere is
 * worse than none; in development the local gateway (`GATEWAY_PORT`, 4000).
 */
export function loadNotificationLinkBaseUrl(env: Environment): string {
  const raw = {
    IPS_PROFILE: read(env, 'IPS_PROFILE'),
    PUBLIC_BASE_URL: read(env, 'PUBLIC_BASE_URL'),
    GATEWAY_PORT: read(env, 'GATEWAY_PORT'),
  };
  const problems =
    raw.IPS_PROFILE !== developmentProfile && !raw.PUBLIC_BASE_URL
      ? ['PUBLIC_BASE_URL: is required by the notifications subgraph outside the development profile (links in emails)']
      : [];
  const values = parse(
    z.object({ PUBLIC_BASE_URL: publicBaseUrl.optional(), GATEWAY_PORT: port.default(defaultPorts.gateway) }),
    raw,
    problems,
  );
  return ((values.PUBLIC_BASE_URL as string | undefined) ?? `http://127.0.0.1:${values.GATEWAY_PORT as number}`).replace(/\/+$/, '');
}

export interface InnovationRules {
  /** Completed assessments a vetting decision needs (INNOVATION_ASSESSMENTS_REQUIRED). */
  assessmentsRequired: number;
}

export const defaultAssessmentsRequired = 2;

/** Rules of the innovations subgraph that an operator may tune. */
export function loadInnovationRules(env: Environment): InnovationRules {
  const values = parse(z.object({ INNOVATION_ASSESSMENTS_REQUIRED: positiveInt.max(10).default(defaultAssessmentsRequired) }), {
    INNOVATION_ASSESSMENTS_REQUIRED: read(env, 'INNOVATION_ASSESSMENTS_REQUIRED'),
  });
  return { assessmentsRequired: values.INNOVATION_ASSESSMENTS_REQUIRED };
}

/** Uploaded documents (issue 28; platform/documents/): how big, and how long an unattached upload is kept. */
export interface DocumentLimits {
  /** The largest file accepted; an upload is cut off with 413 at this many bytes (DOCUMENT_MAX_BYTES, default 25 MiB). */
  maxBytes: number;
  /** How long an upload waits to be attached before it is deleted (DOCUMENT_UPLOAD_TTL_MS, default 24 h). */
  uploadTtlMs: number;
  /** How often each owning subgraph looks for expired uploads (DOCUMENT_EXPIRY_INTERVAL_MS, default 15 min). */
  expiryIntervalMs: number;
  /**
   * Uploads one subgraph process stores at once (DOCUMENT_CONCURRENT_UPLOADS, default 4): each holds
   * a database connection for as long as its client sends, so more would starve the pool
   * (DB_POOL_MAX, default 10) of the connections queries need; the rest wait their turn, unread.
   */
  concurrentUploads: number;
}

export const defaultDocumentMaxBytes = 25 * 1024 * 1024;

export function loadDocumentLimits(env: Environment): DocumentLimits {
  const values = parse(
    z.object({
      DOCUMENT_MAX_BYTES: positiveInt.max(1024 * 1024 * 1024).default(defaultDocumentMaxBytes),
      DOCUMENT_UPLOAD_TTL_MS: positiveInt.default(24 * 60 * 60 * 1000),
      DOCUMENT_EXPIRY_INTERVAL_MS: positiveInt.default(15 * 60 * 1000),
      DOCUMENT_CONCURRENT_UPLOADS: positiveInt.max(100).default(4),
    }),
    Object.fromEntries(
      ['DOCUMENT_MAX_BYTES', 'DOCUMENT_UPLOAD_TTL_MS', 'DOCUMENT_EXPIRY_INTERVAL_MS', 'DOCUMENT_CONCURRENT_UPLOADS'].map((name) => [
        name,
        read(env, name),
      ]),
    ),
  );
  return {
    maxBytes: values.DOCUMENT_MAX_BYTES,
    uploadTtlMs: values.DOCUMENT_UPLOAD_TTL_MS,
    expiryIntervalMs: values.DOCUMENT_EXPIRY_INTERVAL_MS,
    concurrentUploads: values.DOCUMENT_CONCURRENT_UPLOADS,
  };
}

/**
 * Where uploaded documents are scanned for viruses (issue 28; platform/documents/virus-scan.ts): a
 * ClamAV daemon at `CLAMD_URL`, `tcp://host:port` or `unix:/path/to/clamd.ctl`. Without one, the
 * development profile stores files marked "not scanned"; everywhere else uploads are refused (fail
 * closed), so a production deployment that forgot its scanner never serves an unchecked file.
 */
export type DocumentScanConfig = {
  /** How each scan may take, connect to verdict, before the file is refused (CLAMD_TIMEOUT_MS). */
  timeoutMs: number;
  /** The most bytes one scan streams; clamd's own StreamMaxLength must be at least this (CLAMD_MAX_BYTES). */
  maxBytes: number;
} & (
  | { clamd: { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string } }
  | { clamd: undefined; /** true only under the development profile: files are kept, marked "not scanned". */ allowUnscanned: boolean }
);

const clamdUrl = z
  .string()
  .regex(/^(tcp:\/\/[^\s/:]+:\d{1,5}|unix:\/[^\s]*)$/, 'must be tcp://host:port or unix:/path/to/clamd.ctl')
  .optional();

export function loadDocumentScanConfig(env: Environment): DocumentScanConfig {
  const values = parse(
    z.object({
      IPS_PROFILE: profile,
      CLAMD_URL: clamdUrl,
      CLAMD_TIMEOUT_MS: positiveInt.max(600_000).default(60_000),
      // The largest document an upload may carry (25 MB) with room to spare.
      CLAMD_MAX_BYTES: positiveInt.default(26 * 1024 * 1024),
    }),
    Object.fromEntries(['IPS_PROFILE', 'CLAMD_URL', 'CLAMD_TIMEOUT_MS', 'CLAMD_MAX_BYTES'].map((name) => [name, read(env, name)])),
  );
  const limits = { timeoutMs: values.CLAMD_TIMEOUT_MS, maxBytes: values.CLAMD_MAX_BYTES };
  const url = values.CLAMD_URL;
  if (url === undefined) return { ...limits, clamd: undefined, allowUnscanned: values.IPS_PROFILE === developmentProfile };
  if (url.startsWith('unix:')) return { ...limits, clamd: { kind: 'unix', path: url.slice('unix:'.length) } };
  const { hostname, port: tcpPort } = new URL(url);
  return { ...limits, clamd: { kind: 'tcp', host: hostname.replace(/^\[|\]$/g, ''), port: Number(tcpPort) } };
}

/**
 * OpenTelemetry tracing, off unless the standard variables ask for it: `OTEL_TRACES_EXPORTER`
 * (`otlp` or `console`; `none` keeps it off) or an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `OTEL_SDK_DISABLED=true` wins. The OTLP exporter reads its
 * own `OTEL_EXPORTER_OTLP_*` settings; `OTEL_SERVICE_NAME` overrides the service's name.
 */
export interface TracingConfig {
  exporter: 'otlp' | 'console' | undefined;
  serviceName: string;
}

export function loadTracingConfig(env: Environment, service: string): TracingConfig {
  const values = parse(
    z.object({
      OTEL_SDK_DISABLED: booleanFlag.default(false),
      OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
      OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
      OTEL_SERVICE_NAME: z.string().optional(),
    }),
    Object.fromEntries(
      [
        'OTEL_SDK_DISABLED',
        'OTEL_TRACES_EXPORTER',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
        'OTEL_SERVICE_NAME',
      ].map((name) => [name, read(env, name)]),
    ),
  );
  const endpoint = values.OTEL_EXPORTER_OTLP_ENDPOINT ?? values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const requested = values.OTEL_TRACES_EXPORTER ?? (endpoint ? 'otlp' : undefined);
  return {
    exporter: values.OTEL_SDK_DISABLED || requested === 'none' ? undefined : requested,
    serviceName: values.OTEL_SERVICE_NAME ?? `ips-graph-${service}`,
  };
}
