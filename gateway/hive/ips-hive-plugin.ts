import type { GatewayConfig as HiveGatewayConfig, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import type { GatewayConfig } from '../../platform/config';
import { ErrorCode } from '../../platform/errors';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { AuthenticationError } from '../../platform/graphql-http';
import type { Identity } from '../../platform/identity';
import { errorFields, logger } from '../../platform/logger';
import { supergraphPath } from '../../platform/paths';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import { createAuthenticator, createHttpIdentityLookup, createTokenVerifier } from '../authentication';
import { mayIntrospect, usesIntrospection } from '../explorer/introspection-by-role';

/**
 * IPS Graph on Hive Gateway, the way to scale the gateway out: the same committed supergraph, the
 * same sign-in (token verified, person looked up in members) and the same signed identity on every
 * subgraph request as our Apollo gateway, so the subgraphs cannot tell the two apart.
 *
 * Only types are imported from Hive here; the runtime is a dev dependency and is loaded by
 * whoever runs Hive (the second-gateway test, or the Hive CLI through gateway.config.ts).
 */
export type Authenticate = (authorization: string | undefined) => Promise<Identity>;

/**
 * The one place the Hive gateway signs what it sends a subgraph (see platform/gateway-assertion.ts):
 * an assertion for that subgraph and that exact body, as our own gateway makes.
 */
function signSubgraphRequest(subgraph: SubgraphName, body: string, identity: Identity, secret: string, lifetimeMs: number): string {
  return createGatewayAssertion({ subgraph, body, identity, secret, lifetimeMs });
}

function refusal(status: number, message: string, code: ErrorCode): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function ipsHivePlugin(options: {
  authenticate: Authenticate;
  secret: string;
  assertionLifetimeMs: number;
  development: boolean;
  /** Which subgraph each configured URL belongs to: the assertion names its target. */
  subgraphUrls: Record<SubgraphName, string>;
}): GatewayPlugin {
  const subgraphByUrl = new Map(Object.entries(options.subgraphUrls).map(([name, url]) => [url, name as SubgraphName]));
  // Identity per incoming request, established before any GraphQL work, as our gateway does.
  const identities = new WeakMap<Request, Identity>();
  return {
    async onRequest({ request, endResponse }) {
      try {
        identities.set(request, await options.authenticate(request.headers.get('authorization') ?? undefined));
      } catch (error) {
        if (error instanceof AuthenticationError) return endResponse(refusal(401, error.message, ErrorCode.UNAUTHENTICATED));
        logger('hive-gateway').error(errorFields(error), 'sign-in failed: identity could not be established');
        return endResponse(refusal(503, 'Sign-in is temporarily unavailable.', ErrorCode.SERVICE_UNAVAILABLE));
      }
    },
    // The same introspection policy as our gateway (gateway/explorer/introspection-by-role.ts).
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      const identity = request ? (identities.get(request) ?? null) : null;
      if (usesIntrospection(args.document) && !mayIntrospect(identity, options.development)) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError('Introspection is available to analysts and platform administrators only.', {
              extensions: { code: ErrorCode.FORBIDDEN },
            }),
          ],
        });
      }
    },
    onFetch({ url, context, options: init, setOptions }) {
      const subgraph = subgraphByUrl.get(url);
      // Only the configured subgraphs are ever sent an assertion.
      if (!subgraph) return;
      const request = 'request' in context ? (context.request as Request) : undefined;
      const identity = request ? (identities.get(request) ?? null) : null;
      const headers = new Headers(init.headers as HeadersInit | undefined);
      const body = typeof init.body === 'string' ? init.body : '';
      // Client headers are never forwarded; the assertion is the only identity a subgraph sees.
      headers.set(gatewayAssertionHeader, signSubgraphRequest(subgraph, body, identity, options.secret, options.assertionLifetimeMs));
      setOptions({ ...init, headers: Object.fromEntries(headers) });
    },
  };
}

/**
 * Hive Gateway settings for IPS Graph. Hive deduplicates identical in-flight subgraph requests by
 * default, keyed on URL, body and headers as they are *before* onFetch plugins run, so the
 * per-caller assertion added above would not separate two callers: one could receive the other's
 * answer. Deduplication is therefore off for every subgraph.
 */
export function ipsHiveGatewayConfig(config: GatewayConfig, authenticate?: Authenticate): HiveGatewayConfig<Record<string, unknown>> {
  return {
    supergraph: config.supergraphPath ?? supergraphPath,
    transportEntries: Object.fromEntries(
      subgraphNames.map((name) => [
        name,
        { location: config.subgraphUrls[name], options: { deduplicateInflightRequests: false, timeout: config.subgraphTimeoutMs } },
      ]),
    ),
    plugins: () => [
      ipsHivePlugin({
        authenticate:
          authenticate ??
          createAuthenticator(
            createTokenVerifier(config.authentication),
            createHttpIdentityLookup(config.subgraphUrls.members, config.gatewaySecret, config.gatewayAssertionLifetimeMs),
          ),
        secret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        subgraphUrls: config.subgraphUrls,
        development: config.development,
      }),
    ],
    // The explorer lives on our gateway; Hive's own GraphiQL would load from a CDN.
    graphiql: false,
    landingPage: false,
    logging: config.development ? 'info' : 'warn',
  };
}
