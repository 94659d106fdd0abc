import type { Express, Request, Response } from 'express';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { AuthenticationError } from '../../platform/graphql-http';
import type { Identity } from '../../platform/identity';
import { forwardedHeaders } from '../../platform/observability';
import type { PersonIdentityLookup } from '../authentication';

export interface CalendarRouteOptions {
  /** The events subgraph's GraphQL URL; its calendar routes sit beside it under /internal. */
  eventsUrl: string;
  gatewaySecret: string;
  assertionLifetimeMs: number;
  timeoutMs: number;
  /** The gateway's own sign-in: an optional bearer token on the per-event file widens what is visible. */
  authenticate: (authorization: string | undefined) => Promise<Identity>;
  /** Who a feed's owner is now (members, by person id); null once they have been removed. */
  identityOfPerson: PersonIdentityLookup;
}

const eventFile = /^([0-9a-fA-F-]{36})\.ics$/;
const feedFile = /^([A-Za-z0-9_-]{20,100})\.ics$/;

/**
 * iCalendar on the gateway's port: `GET /events/<id>.ics` (the event as the caller may see it, no
 * joining link) and `GET /calendar/<token>.ics` (a person's private feed; the token is the only
 * credential, as calendar apps send no Authorization header). Both are passed to the events
 * subgraph, which owns the data, with the gateway's signed assertion as for GraphQL requests.
 *
 * A feed answers only while its owner could still see what it lists. The events subgraph knows
 * whose feed a token opens but not who that person is now (members' tables are not its own), so
 * every fetch asks events for the owner's person id, then members for that person's identity
 * now, and asks events for the feed as that identity: a removed person's feed is 404, and a
 * suspended or lapsed organisation's people get what `events` would show them (public events and
 * their own organisation's), with no members-only joining links.
 */
export function addCalendarRoutes(app: Express, options: CalendarRouteOptions): void {
  const base = options.eventsUrl.replace(/\/graphql\/?$/, '/internal/calendar');

  function assertedPost(path: string, ask: Record<string, string>, viewer: Identity) {
    const body = JSON.stringify(ask);
    const assertion = createGatewayAssertion({
      subgraph: 'events',
      body,
      identity: viewer,
      secret: options.gatewaySecret,
      lifetimeMs: options.assertionLifetimeMs,
    });
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...forwardedHeaders(), [gatewayAssertionHeader]: assertion },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  }

  async function forward(response: Response, path: string, ask: Record<string, string>, viewer: Identity) {
    try {
      const answer = await assertedPost(path, ask, viewer);
      const calendar = await answer.text();
      if (answer.status !== 200)
        return void response
          .status(answer.status === 404 ? 404 : 502)
          .type('text/plain')
          .send(answer.status === 404 ? 'Not found' : 'Bad gateway');
      response
        .status(200)
        .type(answer.headers.get('content-type') ?? 'text/calendar; charset=utf-8')
        .set('cache-control', 'private, no-store')
        .send(calendar);
    } catch {
      response.status(503).type('text/plain').send('The events service is unavailable.');
    }
  }

  app.get('/events/:file', async (request: Request, response: Response, next) => {
    const match = eventFile.exec(String(request.params.file));
    if (!match) return next();
    let viewer: Identity;
    try {
      viewer = await options.authenticate(request.get('authorization'));
    } catch (error) {
      if (error instanceof AuthenticationError) return void response.status(401).type('text/plain').send(error.message);
      return void response.status(503).type('text/plain').send('Sign-in is temporarily unavailable.');
    }
    await forward(response, '/event', { eventId: match[1]!.toLowerCase() }, viewer);
  });

  app.get('/calendar/:file', async (request: Request, response: Response, next) => {
    const match = feedFile.exec(String(request.params.file));
    if (!match) return next();
    const token = match[1]!;
    let owner: Identity;
    try {
      const asked = await assertedPost('/feed-owner', { token }, null);
      if (asked.status !== 200) {
        await asked.arrayBuffer();
        return void response
          .status(asked.status === 404 ? 404 : 502)
          .type('text/plain')
          .send(asked.status === 404 ? 'Not found' : 'Bad gateway');
      }
      const { personId } = (await asked.json()) as { personId: string };
      owner = await options.identityOfPerson(personId);
    } catch {
      return void response.status(503).type('text/plain').send('The calendar feed is temporarily unavailable.');
    }
    // Removed since the feed was made: the feed ends with them, indistinguishable from a revoked one.
    if (!owner) return void response.status(404).type('text/plain').send('Not found');
    await forward(response, '/feed', { token }, owner);
  });
}
