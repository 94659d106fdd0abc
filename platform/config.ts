import path from 'node:path';
import { z } from 'zod';
import { defaultDataDirectory } from './paths';
import { defaultPorts, environmentPrefix, type SubgraphName } from './subgraph-names';

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
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');
/** Development-only defaults: a production configuration must set its own (checked below). */
export const developmentSubgraphSecret = 'ips-graph-development-only-gateway-subgraph-secret';
export const developmentTokenSecret = 'ips-graph-development-only-token-signing-key';
const secret = z.string().min(32, 'must be at least 32 characters');

const httpUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must be an http:// or https:// URL');

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

export interface DatabaseConfig {
  /** A PostgreSQL server URL; absent means the embedded PGlite database under `embeddedDirectory`. */
  url: string | undefined;
  embeddedDirectory: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectionTimeoutMs: number;
}

export interface SubgraphConfig {
  name: SubgraphName;
  nodeEnv: 'development' | 'test' | 'production';
  /** Stack traces and internal error messages are shown to clients only in development. */
  development: boolean;
  host: string;
  port: number;
  database: DatabaseConfig;
  seedDemoData: boolean;
  /** Expose the per-request SQL statement count as a response header (off in production). */
  exposeStatementCount: boolean;
  /** Shared with the gateway only: proves a request came through it (platform/gateway-assertion.ts). */
  gatewaySecret: string;
}

/** Names of the environment variables a subgraph reads; the docker-compose test checks against this. */
export function subgraphVariableNames(name: SubgraphName) {
  const prefix = environmentPrefix(name);
  return {
    port: `${prefix}_PORT`,
    host: `${prefix}_HOST`,
    databaseUrl: `${prefix}_DATABASE_URL`,
    ...(name === 'procurement' ? { innovationsUrl: procurementInnovationsUrlVariable } : {}),
  };
}

const procurementInnovationsUrlVariable = 'PROCUREMENT_INNOVATIONS_URL';

/** Procurement's own settings beside the common subgraph ones: where it asks about innovations, and its deadlines. */
export interface ProcurementConfig {
  /** The innovations subgraph, asked through federation `_entities` when a buyer shortlists innovations. */
  innovationsUrl: string;
  innovationsTimeoutMs: number;
}

/** The working-day rules of a further competition and an award (Procurement Act 2023 and IPS practice). */
export const procurementDeadlines = {
  /** Standstill between award and contract: 8 working days under the Procurement Act 2023. */
  standstillWorkingDays: 8,
  /** Fewest working days between publishing and the clarification cut-off. */
  minimumClarificationWorkingDays: 2,
  /** Fewest working days between the clarification cut-off and the response deadline. */
  minimumResponseWorkingDaysAfterClarification: 1,
  /** Most working days a buyer may give suppliers to respond. */
  maximumResponseWorkingDays: 60,
} as const;

export function loadProcurementConfig(env: Environment): ProcurementConfig {
  const values = parse(
    z.object({
      [procurementInnovationsUrlVariable]: httpUrl.default(`http://127.0.0.1:${defaultPorts.innovations}/graphql`),
      SUBGRAPH_TIMEOUT_MS: positiveInt.default(10_000),
    }),
    {
      [procurementInnovationsUrlVariable]: read(env, procurementInnovationsUrlVariable),
      SUBGRAPH_TIMEOUT_MS: read(env, 'SUBGRAPH_TIMEOUT_MS'),
    },
  );
  return {
    innovationsUrl: values[procurementInnovationsUrlVariable] as string,
    innovationsTimeoutMs: values.SUBGRAPH_TIMEOUT_MS as number,
  };
}

export const sharedVariableNames = [
  'NODE_ENV',
  'GATEWAY_SUBGRAPH_SECRET',
  'DATA_DIR',
  'SEED_DEMO_DATA',
  'DB_POOL_MAX',
  'DB_STATEMENT_TIMEOUT_MS',
  'DB_CONNECTION_TIMEOUT_MS',
] as const;

export function loadSubgraphConfig(name: SubgraphName, env: Environment): SubgraphConfig {
  const names = subgraphVariableNames(name);
  const raw = Object.fromEntries(
    [names.host, names.port, names.databaseUrl, ...sharedVariableNames].map((key) => [key, read(env, key)]),
  );
  const values = parse(
    z.object({
      NODE_ENV: nodeEnv,
      [names.host]: z.string().default('127.0.0.1'),
      [names.port]: port.default(defaultPorts[name]),
      [names.databaseUrl]: postgresUrl.optional(),
      DATA_DIR: z.string().default(defaultDataDirectory),
      SEED_DEMO_DATA: booleanFlag.default(false),
      DB_POOL_MAX: positiveInt.max(100).default(10),
      DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10_000),
      DB_CONNECTION_TIMEOUT_MS: positiveInt.default(5_000),
      GATEWAY_SUBGRAPH_SECRET: secret.default(developmentSubgraphSecret),
    }),
    raw,
    [
      ...(raw.NODE_ENV === 'production' && !raw[names.databaseUrl]
        ? [`${names.databaseUrl}: is required in production (the embedded database is for development and tests)`]
        : []),
      ...productionSecretProblems(raw),
    ],
  );
  const environment = values.NODE_ENV as SubgraphConfig['nodeEnv'];
  return {
    name,
    nodeEnv: environment,
    development: environment === 'development',
    host: values[names.host] as string,
    port: values[names.port] as number,
    database: {
      url: values[names.databaseUrl] as string | undefined,
      embeddedDirectory: path.resolve(values.DATA_DIR as string, name),
      poolMax: values.DB_POOL_MAX as number,
      statementTimeoutMs: values.DB_STATEMENT_TIMEOUT_MS as number,
      connectionTimeoutMs: values.DB_CONNECTION_TIMEOUT_MS as number,
    },
    seedDemoData: values.SEED_DEMO_DATA as boolean,
    exposeStatementCount: environment !== 'production',
    gatewaySecret: values.GATEWAY_SUBGRAPH_SECRET as string,
  };
}

function productionSecretProblems(raw: Record<string, string | undefined>): string[] {
  if (raw.NODE_ENV !== 'production') return [];
  if (!raw.GATEWAY_SUBGRAPH_SECRET || raw.GATEWAY_SUBGRAPH_SECRET === developmentSubgraphSecret) {
    return ['GATEWAY_SUBGRAPH_SECRET: is required in production and must not be the development default'];
  }
  return [];
}

export interface GatewayConfig {
  nodeEnv: 'development' | 'test' | 'production';
  development: boolean;
  host: string;
  port: number;
  supergraphPath: string | undefined;
  /** Where each subgraph listens; overrides the routing URLs baked into the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  exposeStatementCount: boolean;
  gatewaySecret: string;
  authentication: AuthenticationConfig;
}

/**
 * How the gateway verifies callers' tokens: an OIDC issuer's signing keys in production, or a
 * development HS256 key (used by `npm run token`) everywhere else — never both.
 */
export type AuthenticationConfig =
  | { kind: 'oidc'; jwksUrl: string; issuer: string; audience: string }
  | { kind: 'development'; secret: string; issuer: string; audience: string };

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
    subgraphUrl: (name: SubgraphName) => `${environmentPrefix(name)}_URL`,
  };
}

export function loadGatewayConfig(env: Environment, subgraphs: readonly SubgraphName[]): GatewayConfig {
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
      'NODE_ENV',
      ...urlKeys,
    ].map((key) => [key, read(env, key)]),
  );
  const production = raw.NODE_ENV === 'production';
  const authProblems: string[] = [];
  if (production) {
    for (const key of [names.jwksUrl, names.issuer, names.audience]) {
      if (!raw[key]) authProblems.push(`${key}: is required in production (the OIDC issuer that signs users' tokens)`);
    }
    if (raw[names.developmentSecret]) {
      authProblems.push(`${names.developmentSecret}: must not be set in production (development tokens are refused there)`);
    }
  } else if (raw[names.jwksUrl] && raw[names.developmentSecret]) {
    authProblems.push(`${names.developmentSecret}: set either AUTH_JWKS_URL or AUTH_DEV_SECRET, not both`);
  }
  const values = parse(
    z.object({
      NODE_ENV: nodeEnv,
      [names.host]: z.string().default('127.0.0.1'),
      [names.port]: port.default(defaultPorts.gateway),
      [names.supergraphPath]: z.string().optional(),
      [names.subgraphTimeoutMs]: positiveInt.default(10_000),
      [names.gatewaySecret]: secret.default(developmentSubgraphSecret),
      [names.jwksUrl]: httpUrl.optional(),
      [names.issuer]: z.string().optional(),
      [names.audience]: z.string().optional(),
      [names.developmentSecret]: secret.default(developmentTokenSecret),
      ...Object.fromEntries(
        subgraphs.map((s) => [names.subgraphUrl(s), httpUrl.default(`http://127.0.0.1:${defaultPorts[s]}/graphql`)]),
      ),
    }),
    raw,
    [...authProblems, ...productionSecretProblems(raw)],
  );
  const environment = values.NODE_ENV as GatewayConfig['nodeEnv'];
  return {
    nodeEnv: environment,
    development: environment === 'development',
    host: values[names.host] as string,
    port: values[names.port] as number,
    supergraphPath: values[names.supergraphPath] as string | undefined,
    subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s, values[names.subgraphUrl(s)]])) as Record<
      SubgraphName,
      string
    >,
    subgraphTimeoutMs: values[names.subgraphTimeoutMs] as number,
    exposeStatementCount: environment !== 'production',
    gatewaySecret: values[names.gatewaySecret] as string,
    authentication: values[names.jwksUrl]
      ? {
          kind: 'oidc',
          jwksUrl: values[names.jwksUrl] as string,
          issuer: values[names.issuer] as string,
          audience: values[names.audience] as string,
        }
      : {
          kind: 'development',
          secret: values[names.developmentSecret] as string,
          issuer: (values[names.issuer] as string | undefined) ?? developmentTokenIssuer,
          audience: (values[names.audience] as string | undefined) ?? developmentTokenAudience,
        },
  };
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
}

/** `npm run bench` knobs: fixed concurrency and duration, so runs are comparable. */
export function loadBenchConfig(env: Environment): BenchConfig {
  const values = parse(
    z.object({
      BENCH_CONNECTIONS: positiveInt.default(10),
      BENCH_DURATION_SECONDS: positiveInt.default(10),
      BENCH_WARMUP_SECONDS: z.coerce.number().int().min(0).default(2),
    }),
    {
      BENCH_CONNECTIONS: read(env, 'BENCH_CONNECTIONS'),
      BENCH_DURATION_SECONDS: read(env, 'BENCH_DURATION_SECONDS'),
      BENCH_WARMUP_SECONDS: read(env, 'BENCH_WARMUP_SECONDS'),
    },
  );
  return {
    connections: values.BENCH_CONNECTIONS,
    durationSeconds: values.BENCH_DURATION_SECONDS,
    warmupSeconds: values.BENCH_WARMUP_SECONDS,
  };
}
