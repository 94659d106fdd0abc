import {
  ConfigError,
  developmentSubgraphSecret,
  developmentNotifyApiKey,
  developmentTokenSecret,
  loadGatewayConfig,
  loadLoggingConfig,
  loadNotifyConfig,
  loadSubgraphConfig,
  weakSecretProblems,
} from './config';
import { subgraphNames } from './subgraph-names';

/** Looks like `openssl rand -base64 48`. */
const strongSecret = 'kX9q2LmV7rT4wZpB8nC1dF6gH3jK5sA0eYuIoP+/QxRt2Wv9';
const strongTokenKey = 'p4Hs8Kd2Lq9Zx7Vm3Nb6Tc1Rf5Gy0Wj8Ue2Io4Pa7Sd9Fk3';
const productionGateway = {
  NODE_ENV: 'production',
  GATEWAY_SUBGRAPH_SECRET: strongSecret,
  AUTH_JWKS_URL: 'https://id.example.org/jwks.json',
  AUTH_ISSUER: 'https://id.example.org/',
  AUTH_AUDIENCE: 'ips-graph',
};

function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('configuration', () => {
  it('defaults to an embedded database under the data directory and the standard port', () => {
    const config = loadSubgraphConfig('innovations', { DATA_DIR: '/tmp/ips', IPS_PROFILE: 'development' });
    expect(config.port).toBe(4002);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embeddedDirectory).toBe('/tmp/ips/innovations');
    expect(config.development).toBe(true);
  });

  it('reads the subgraph’s own variables', () => {
    const config = loadSubgraphConfig('events', {
      EVENTS_PORT: '5004',
      EVENTS_DATABASE_URL: 'postgres://ips@db:5432/ips_events',
      SEED_DEMO_DATA: 'false',
      NODE_ENV: 'production',
      GATEWAY_SUBGRAPH_SECRET: strongSecret,
    });
    expect(config).toMatchObject({ port: 5004, seedDemoData: false, development: false, exposeStatementCount: false });
    expect(config.database.url).toBe('postgres://ips@db:5432/ips_events');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadSubgraphConfig('members', {
        NODE_ENV: 'production',
        MEMBERS_PORT: 'eighty',
        DB_POOL_MAX: '0',
        SEED_DEMO_DATA: 'maybe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MEMBERS_PORT/);
    expect(problems).toMatch(/DB_POOL_MAX/);
    expect(problems).toMatch(/SEED_DEMO_DATA/);
    expect(problems).toMatch(/MEMBERS_DATABASE_URL: is required outside the development profile/);
    expect(problems).toMatch(/GATEWAY_SUBGRAPH_SECRET: is required/);
  });

  it('requires an OIDC issuer in production and refuses the development token key there', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', AUTH_DEV_SECRET: 'x'.repeat(40) }, subgraphNames)).toThrow(
      /AUTH_JWKS_URL: is required in production[\s\S]*AUTH_DEV_SECRET: must not be set in production/,
    );
    const config = loadGatewayConfig(productionGateway, subgraphNames);
    expect(config.authentication).toEqual({
      kind: 'oidc',
      jwksUrl: 'https://id.example.org/jwks.json',
      issuer: 'https://id.example.org/',
      audience: 'ips-graph',
      maxTokenAgeSeconds: 12 * 60 * 60,
    });
  });

  it('rejects a database URL that is not PostgreSQL', () => {
    expect(() => loadSubgraphConfig('members', { MEMBERS_DATABASE_URL: 'mysql://x@y/z' })).toThrow(ConfigError);
  });

  it('gives the gateway every subgraph URL, overridable one by one', () => {
    const config = loadGatewayConfig({ IPS_PROFILE: 'development', PROCUREMENT_URL: 'http://procurement:4003/graphql' }, subgraphNames);
    expect(config.subgraphUrls).toEqual({
      members: 'http://127.0.0.1:4001/graphql',
      innovations: 'http://127.0.0.1:4002/graphql',
      procurement: 'http://procurement:4003/graphql',
      events: 'http://127.0.0.1:4004/graphql',
      notifications: 'http://127.0.0.1:4005/graphql',
    });
  });

  describe('fails closed without the development profile', () => {
    it.each([
      ['NODE_ENV unset', {}],
      ['NODE_ENV=test', { NODE_ENV: 'test' }],
      ['NODE_ENV=development', { NODE_ENV: 'development' }],
      ['a misspelt NODE_ENV', { NODE_ENV: 'prodution' }],
      ['a real database URL', { MEMBERS_DATABASE_URL: 'postgres://ips@db:5432/ips_members' }],
    ])('%s: refuses to start on the committed development secrets', (_label, env: Record<string, string>) => {
      expect(problemsOf(() => loadSubgraphConfig('members', env))).toMatch(/GATEWAY_SUBGRAPH_SECRET: is required/);
      const gateway = problemsOf(() => loadGatewayConfig(env, subgraphNames));
      expect(gateway).toMatch(/GATEWAY_SUBGRAPH_SECRET: is required/);
      expect(gateway).toMatch(/AUTH_DEV_SECRET: is required/);
    });

    it('refuses the development secrets set explicitly outside the development profile', () => {
      const gateway = problemsOf(() =>
        loadGatewayConfig(
          { NODE_ENV: 'test', GATEWAY_SUBGRAPH_SECRET: developmentSubgraphSecret, AUTH_DEV_SECRET: developmentTokenSecret },
          subgraphNames,
        ),
      );
      expect(gateway).toMatch(/GATEWAY_SUBGRAPH_SECRET: looks like a placeholder/);
      expect(gateway).toMatch(/AUTH_DEV_SECRET: looks like a placeholder/);
    });

    it('runs outside the development profile once real secrets are set', () => {
      const config = loadGatewayConfig(
        { NODE_ENV: 'test', GATEWAY_SUBGRAPH_SECRET: strongSecret, AUTH_DEV_SECRET: strongTokenKey },
        subgraphNames,
      );
      expect(config.gatewaySecret).toBe(strongSecret);
      expect(
        loadSubgraphConfig('members', { GATEWAY_SUBGRAPH_SECRET: strongSecret, MEMBERS_DATABASE_URL: 'postgres://ips@db:5432/ips_members' })
          .gatewaySecret,
      ).toBe(strongSecret);
    });

    it('refuses an unknown profile and the development profile in production', () => {
      expect(problemsOf(() => loadSubgraphConfig('members', { IPS_PROFILE: 'developement' }))).toMatch(/IPS_PROFILE/);
      expect(problemsOf(() => loadGatewayConfig({ ...productionGateway, IPS_PROFILE: 'development' }, subgraphNames))).toMatch(
        /IPS_PROFILE: the development profile cannot be combined with NODE_ENV=production/,
      );
    });
  });

  describe('weak secrets', () => {
    it.each([
      ['the docker-compose placeholder', 'replace-with-a-long-random-secret-shared-by-gateway-and-subgraphs'],
      ['a repeated character', 'a'.repeat(32)],
      ['a short alphabet repeated', 'abab'.repeat(10)],
      ['a short value', 'Zx8!qL2@'],
      ['the development default', developmentSubgraphSecret],
    ])('refuses %s', (_label, value) => {
      expect(weakSecretProblems('GATEWAY_SUBGRAPH_SECRET', value)).not.toEqual([]);
      expect(problemsOf(() => loadSubgraphConfig('members', { GATEWAY_SUBGRAPH_SECRET: value }))).toMatch(/GATEWAY_SUBGRAPH_SECRET/);
    });

    it('accepts generated secrets', () => {
      expect(weakSecretProblems('GATEWAY_SUBGRAPH_SECRET', strongSecret)).toEqual([]);
      expect(weakSecretProblems('GATEWAY_SUBGRAPH_SECRET', 'a3f09c1e7b5d2846e0f1a9c3b7d5e2f4a6c8b0d1e3f5a7c9')).toEqual([]);
    });
  });

  describe('production', () => {
    it('refuses an http:// JWKS URL', () => {
      expect(
        problemsOf(() => loadGatewayConfig({ ...productionGateway, AUTH_JWKS_URL: 'http://id.example.org/jwks.json' }, subgraphNames)),
      ).toMatch(/AUTH_JWKS_URL: must be https:\/\/ in production/);
    });

    it('refuses to seed demo data', () => {
      expect(
        problemsOf(() =>
          loadSubgraphConfig('events', {
            NODE_ENV: 'production',
            EVENTS_DATABASE_URL: 'postgres://ips@db:5432/ips_events',
            GATEWAY_SUBGRAPH_SECRET: strongSecret,
            SEED_DEMO_DATA: 'true',
          }),
        ),
      ).toMatch(/SEED_DEMO_DATA: is refused outside the development profile/);
    });
  });

  describe('development behaviour only under the development profile (issue 22 item 4)', () => {
    const realSecrets = { GATEWAY_SUBGRAPH_SECRET: strongSecret, AUTH_DEV_SECRET: strongTokenKey };
    const database = { MEMBERS_DATABASE_URL: 'postgres://ips@db:5432/ips_members' };

    it.each([
      ['NODE_ENV unset', {}],
      ['NODE_ENV=development', { NODE_ENV: 'development' }],
      ['NODE_ENV=test', { NODE_ENV: 'test' }],
    ])('%s with real secrets and no IPS_PROFILE behaves as production', (_label, nodeEnv: Record<string, string>) => {
      const gateway = loadGatewayConfig({ ...realSecrets, ...nodeEnv }, subgraphNames, true);
      expect(gateway).toMatchObject({ developmentProfile: false, development: false, exposeStatementCount: false });
      expect(gateway.observability).toMatchObject({ metricsOnPublicPort: false, logging: { format: 'json' } });
      const members = loadSubgraphConfig('members', { ...realSecrets, ...database, ...nodeEnv }, true);
      expect(members).toMatchObject({ developmentProfile: false, development: false, exposeStatementCount: false });
      expect(members.observability).toMatchObject({ metricsOnPublicPort: false, logging: { format: 'json' } });
      expect(loadLoggingConfig(nodeEnv, true).format).toBe('json');
      // The demo data set and the embedded database belong to the profile too.
      expect(problemsOf(() => loadSubgraphConfig('members', { ...realSecrets, ...database, ...nodeEnv, SEED_DEMO_DATA: 'true' }))).toMatch(
        /SEED_DEMO_DATA: is refused outside the development profile/,
      );
      expect(problemsOf(() => loadSubgraphConfig('members', { ...realSecrets, ...nodeEnv }))).toMatch(
        /MEMBERS_DATABASE_URL: is required outside the development profile/,
      );
    });

    it('turns development behaviour on with IPS_PROFILE=development', () => {
      const gateway = loadGatewayConfig({ IPS_PROFILE: 'development' }, subgraphNames, true);
      expect(gateway).toMatchObject({ developmentProfile: true, development: true, exposeStatementCount: true });
      expect(gateway.observability).toMatchObject({ metricsOnPublicPort: true, logging: { format: 'pretty' } });
      const members = loadSubgraphConfig('members', { IPS_PROFILE: 'development', SEED_DEMO_DATA: 'true' }, true);
      expect(members).toMatchObject({ developmentProfile: true, development: true, exposeStatementCount: true, seedDemoData: true });
      expect(loadLoggingConfig({ IPS_PROFILE: 'development' }, true).format).toBe('pretty');
    });

    it('keeps the profile’s tooling but production answers under NODE_ENV=test (the test harnesses)', () => {
      const gateway = loadGatewayConfig({ IPS_PROFILE: 'development', NODE_ENV: 'test' }, subgraphNames, true);
      expect(gateway).toMatchObject({ developmentProfile: true, development: false, exposeStatementCount: true });
      expect(gateway.observability).toMatchObject({ metricsOnPublicPort: true, logging: { format: 'json' } });
    });
  });

  describe('connection caps (issue 22 item 10)', () => {
    it('caps connections per process and per address on the gateway, per process only on subgraphs', () => {
      expect(loadGatewayConfig({ IPS_PROFILE: 'development' }, subgraphNames).http).toMatchObject({
        maxConnections: 4096,
        maxConnectionsPerAddress: 256,
      });
      expect(loadSubgraphConfig('members', { IPS_PROFILE: 'development' }).http).toMatchObject({
        maxConnections: 4096,
        maxConnectionsPerAddress: 0,
      });
      const tuned = loadGatewayConfig(
        { IPS_PROFILE: 'development', HTTP_MAX_CONNECTIONS: '100', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' },
        subgraphNames,
      );
      expect(tuned.http).toMatchObject({ maxConnections: 100, maxConnectionsPerAddress: 0 });
    });

    it('refuses caps that are not counts', () => {
      const problems = problemsOf(() =>
        loadGatewayConfig({ IPS_PROFILE: 'development', HTTP_MAX_CONNECTIONS: '0', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '-1' }, subgraphNames),
      );
      expect(problems).toMatch(/HTTP_MAX_CONNECTIONS:/);
      expect(problems).toMatch(/HTTP_MAX_CONNECTIONS_PER_ADDRESS:/);
    });
  });

  describe('public base URL (issue 22 item 11)', () => {
    it('is optional, and read without its trailing slash', () => {
      expect(loadGatewayConfig({ IPS_PROFILE: 'development' }, subgraphNames).publicBaseUrl).toBeUndefined();
      expect(
        loadGatewayConfig({ IPS_PROFILE: 'development', PUBLIC_BASE_URL: 'https://graph.example.org/ips/' }, subgraphNames).publicBaseUrl,
      ).toBe('https://graph.example.org/ips');
    });

    it.each([
      'graph.example.org',
      '/ips',
      'ftp://graph.example.org',
      'https://graph.example.org/?x=1',
      'https://user:pw@graph.example.org',
    ])('refuses %s', (value) => {
      expect(problemsOf(() => loadGatewayConfig({ IPS_PROFILE: 'development', PUBLIC_BASE_URL: value }, subgraphNames))).toMatch(
        /PUBLIC_BASE_URL/,
      );
    });
  });

  describe('rate limits (issue 22 item 1)', () => {
    it('limits every client by default, in memory, and can be switched off or shared through Redis', () => {
      expect(loadGatewayConfig(productionGateway, subgraphNames).rateLimit).toEqual({
        pointsPerMinute: 1_200,
        redisUrl: undefined,
        keyPrefix: 'ips-graph:rate',
      });
      expect(
        loadGatewayConfig({ IPS_PROFILE: 'development', GATEWAY_RATE_LIMIT_PER_MINUTE: '0' }, subgraphNames).rateLimit.pointsPerMinute,
      ).toBe(0);
      expect(loadGatewayConfig({ IPS_PROFILE: 'development', REDIS_URL: 'redis://cache:6379/2' }, subgraphNames).rateLimit.redisUrl).toBe(
        'redis://cache:6379/2',
      );
    });

    it('refuses a Redis URL of another scheme, a negative budget and an unsafe key prefix', () => {
      const problems = problemsOf(() =>
        loadGatewayConfig(
          {
            IPS_PROFILE: 'development',
            REDIS_URL: 'http://cache:6379',
            GATEWAY_RATE_LIMIT_PER_MINUTE: '-1',
            GATEWAY_RATE_LIMIT_KEY_PREFIX: 'a b*',
          },
          subgraphNames,
        ),
      );
      expect(problems).toMatch(/REDIS_URL:/);
      expect(problems).toMatch(/GATEWAY_RATE_LIMIT_PER_MINUTE:/);
      expect(problems).toMatch(/GATEWAY_RATE_LIMIT_KEY_PREFIX:/);
    });
  });
});

describe('GOV.UK Notify configuration (issue 25 item 4)', () => {
  const liveKey = 'ips_graph_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
  const templateId = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
  const unsubscribeSecret = 'Qm7vT2pX9sLc4RzN8wKdJ1hFyB6gA3eU0oVtPiYx5nMq';

  it('uses the stand-in with the committed development key under the development profile', () => {
    expect(loadNotifyConfig({ IPS_PROFILE: 'development' })).toMatchObject({
      apiKey: developmentNotifyApiKey,
      baseUrl: 'http://127.0.0.1:4009',
      standIn: { port: 4009 },
      timeoutMs: 10_000,
    });
  });

  it('reads the service id and the secret out of the key, and defaults to Notify itself', () => {
    expect(
      loadNotifyConfig({
        NODE_ENV: 'production',
        NOTIFY_API_KEY: liveKey,
        NOTIFY_TEMPLATE_ID: templateId,
        NOTIFICATIONS_UNSUBSCRIBE_SECRET: unsubscribeSecret,
      }),
    ).toEqual({
      apiKey: liveKey,
      serviceId: '26785a09-ab16-4eb0-8407-a37497a57506',
      secretKey: '3d844edf-8d35-48ac-975b-e847b4f122b0',
      baseUrl: 'https://api.notifications.service.gov.uk',
      templateId,
      timeoutMs: 10_000,
      // Notify's default rate limit for a key.
      sendsPerMinute: 3_000,
      alertsPerSecond: 1_000,
      standIn: undefined,
      unsubscribeSecret,
    });
  });

  it.each([
    ['production', { NODE_ENV: 'production' }],
    ['NODE_ENV unset without the profile', {}],
  ])('fails closed in %s: the key and the template id are required', (_label, env: Record<string, string>) => {
    const problems = problemsOf(() => loadNotifyConfig(env));
    expect(problems).toMatch(/NOTIFY_API_KEY: is required outside the development profile/);
    expect(problems).toMatch(/NOTIFY_TEMPLATE_ID: is required outside the development profile/);
    // The unsubscribe links' key too: the committed development one would let anyone forge a link.
    expect(problems).toMatch(/NOTIFICATIONS_UNSUBSCRIBE_SECRET: is required to sign unsubscribe links/);
    expect(problemsOf(() => loadNotifyConfig({ ...env, NOTIFY_API_KEY: liveKey }))).toMatch(/NOTIFY_TEMPLATE_ID: is required/);
  });

  it('refuses the committed development key and plain http in production', () => {
    const problems = problemsOf(() =>
      loadNotifyConfig({
        NODE_ENV: 'production',
        NOTIFY_API_KEY: developmentNotifyApiKey,
        NOTIFY_TEMPLATE_ID: templateId,
        NOTIFY_BASE_URL: 'http://notify.internal',
      }),
    );
    expect(problems).toMatch(/NOTIFY_API_KEY: is the committed development key/);
    expect(problems).toMatch(/NOTIFY_BASE_URL: must be https:\/\/ in production/);
  });

  it('refuses a key of the wrong shape without repeating it', () => {
    const secretLooking = 'ips_graph_live-not-a-uuid-3d844edf-8d35-48ac-975b-e847b4f122b0';
    const problems = problemsOf(() => loadNotifyConfig({ NODE_ENV: 'production', NOTIFY_API_KEY: secretLooking, NOTIFY_TEMPLATE_ID: 'x' }));
    expect(problems).toMatch(/NOTIFY_API_KEY: must be a GOV.UK Notify API key/);
    expect(problems).toMatch(/NOTIFY_TEMPLATE_ID: must be a UUID/);
    expect(problems).not.toContain('3d844edf');
  });

  it('reaches Notify, not the stand-in, when a developer sets a real key, and then needs its template', () => {
    expect(problemsOf(() => loadNotifyConfig({ IPS_PROFILE: 'development', NOTIFY_API_KEY: liveKey }))).toMatch(
      /NOTIFY_TEMPLATE_ID: is required when NOTIFY_API_KEY or NOTIFY_BASE_URL is set/,
    );
    expect(loadNotifyConfig({ IPS_PROFILE: 'development', NOTIFY_API_KEY: liveKey, NOTIFY_TEMPLATE_ID: templateId })).toMatchObject({
      baseUrl: 'https://api.notifications.service.gov.uk',
      standIn: undefined,
    });
  });
});
