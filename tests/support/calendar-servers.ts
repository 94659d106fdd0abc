import express from 'express';
import type { DataSource } from 'typeorm';
import type { PersonIdentityLookup } from '../../gateway/authentication';
import { addCalendarRoutes as addGatewayCalendarRoutes } from '../../gateway/routes/calendar';
import { loadSubgraphConfig } from '../../platform/config';
import { gatewayAssertionHeader, verifyGatewayAssertion } from '../../platform/gateway-assertion';
import { rawBodyOf } from '../../platform/graphql-http';
import { createApp, listen, type Listening } from '../../platform/http';
import type { Identity } from '../../platform/identity';
import { addCalendarRoutes as addEventsCalendarRoutes } from '../../subgraphs/events/services/calendar.service';

/**
 * The calendar files over real HTTP, as deployed: the events subgraph's `/internal` calendar routes
 * (behind the gateway assertion) and the gateway's public `/events/<id>.ics` and `/calendar/<token>.ics`
 * in front of them.
 */
export async function startCalendarServers(options: {
  events: DataSource;
  secret: string;
  authenticate: (authorization: string | undefined) => Promise<Identity>;
  /** Members' answer about a feed's owner (the harness's direct lookup; HTTP in the deployed gateway). */
  identityOfPerson: PersonIdentityLookup;
}): Promise<{ gatewayUrl: string; stop(): Promise<void> }> {
  const http = loadSubgraphConfig('events', { IPS_PROFILE: 'development' }).http;
  const subgraph = createApp();
  const router = express.Router();
  addEventsCalendarRoutes(router, options.events);
  subgraph.use(
    '/internal',
    // As platform/graphql-http.ts does: parse JSON keeping the raw bytes the assertion is bound to.
    express.json({ verify: (request, _response, body) => ((request as unknown as { rawBody: Buffer }).rawBody = body) }),
    (request, response, next) => {
      try {
        const viewer = verifyGatewayAssertion({
          assertion: request.get(gatewayAssertionHeader),
          subgraph: 'events',
          body: rawBodyOf(request),
          secret: options.secret,
        });
        response.locals.viewer = viewer;
        next();
      } catch {
        response.status(401).end();
      }
    },
    router,
  );
  const subgraphListening: Listening = await listen(subgraph, '127.0.0.1', 0, http);
  const gateway = createApp();
  addGatewayCalendarRoutes(gateway, {
    eventsUrl: `http://127.0.0.1:${subgraphListening.port}/graphql`,
    gatewaySecret: options.secret,
    assertionLifetimeMs: 5_000,
    timeoutMs: 5_000,
    authenticate: options.authenticate,
    identityOfPerson: options.identityOfPerson,
  });
  const gatewayListening = await listen(gateway, '127.0.0.1', 0, http);
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayListening.port}`,
    async stop() {
      await gatewayListening.close();
      await subgraphListening.close();
    },
  };
}
