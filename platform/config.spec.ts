import { ConfigError, loadGatewayConfig, loadSubgraphConfig } from './config';
import { subgraphNames } from './subgraph-names';

describe('configuration', () => {
  it('defaults to an embedded database under the data directory and the standard port', () => {
    const config = loadSubgraphConfig('innovations', { DATA_DIR: '/tmp/ips' });
    expect(config.port).toBe(4002);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embeddedDirectory).toBe('/tmp/ips/innovations');
    expect(config.development).toBe(true);
  });

  it('reads the subgraph’s own variables', () => {
    const config = loadSubgraphConfig('events', {
      EVENTS_PORT: '5004',
      EVENTS_DATABASE_URL: 'postgres://ips@db:5432/ips_events',
      SEED_DEMO_DATA: 'true',
      NODE_ENV: 'production',
      GATEWAY_SUBGRAPH_SECRET: 'a-production-secret-of-at-least-32-characters',
    });
    expect(config).toMatchObject({ port: 5004, seedDemoData: true, development: false, exposeStatementCount: false });
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
    expect(problems).toMatch(/MEMBERS_DATABASE_URL: is required in production/);
    expect(problems).toMatch(/GATEWAY_SUBGRAPH_SECRET: is required in production/);
  });

  it('requires an OIDC issuer in production and refuses the development token key there', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', AUTH_DEV_SECRET: 'x'.repeat(40) }, subgraphNames)).toThrow(
      /AUTH_JWKS_URL: is required in production[\s\S]*AUTH_DEV_SECRET: must not be set in production/,
    );
    const config = loadGatewayConfig(
      {
        NODE_ENV: 'production',
        GATEWAY_SUBGRAPH_SECRET: 'a-production-secret-of-at-least-32-characters',
        AUTH_JWKS_URL: 'https://id.example.org/jwks.json',
        AUTH_ISSUER: 'https://id.example.org/',
        AUTH_AUDIENCE: 'ips-graph',
      },
      subgraphNames,
    );
    expect(config.authentication).toEqual({
      kind: 'oidc',
      jwksUrl: 'https://id.example.org/jwks.json',
      issuer: 'https://id.example.org/',
      audience: 'ips-graph',
    });
  });

  it('rejects a database URL that is not PostgreSQL', () => {
    expect(() => loadSubgraphConfig('members', { MEMBERS_DATABASE_URL: 'mysql://x@y/z' })).toThrow(ConfigError);
  });

  it('gives the gateway every subgraph URL, overridable one by one', () => {
    const config = loadGatewayConfig({ PROCUREMENT_URL: 'http://procurement:4003/graphql' }, subgraphNames);
    expect(config.subgraphUrls).toEqual({
      members: 'http://127.0.0.1:4001/graphql',
      innovations: 'http://127.0.0.1:4002/graphql',
      procurement: 'http://procurement:4003/graphql',
      events: 'http://127.0.0.1:4004/graphql',
    });
  });
});
