import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import { findViewerByPersonId, signIn } from '../services/identity.service';

/** Longest accepted claim values: an email address by RFC 5321, issuer URLs and subjects generously. */
const maxEmailLength = 320;
const maxClaimLength = 1_000;

function claim(value: unknown, maxLength: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}

/**
 * `POST /internal/identity` with `{ email, issuer, subject }` from a verified token: the gateway's
 * sign-in of a caller (gateway-only; the gateway assertion binds this exact body). 200 with the
 * viewer, 404 for nobody, 409 when the person is bound to another issuer subject.
 */
export function addIdentityRoute(router: Router, dataSource: DataSource): void {
  router.post('/identity', async (request, response, next) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = claim(body.email, maxEmailLength);
    const issuer = claim(body.issuer, maxClaimLength);
    const subject = claim(body.subject, maxClaimLength);
    if (!email || !issuer || !subject) {
      response.status(400).json({ error: 'email, issuer and subject are required' });
      return;
    }
    try {
      const result = await signIn(dataSource, { email, issuer, subject });
      if (result.status === 'signed-in') response.json(result.viewer);
      else if (result.status === 'unknown') response.status(404).json({ error: 'no such person' });
      else response.status(409).json({ error: 'the person is bound to another sign-in subject' });
    } catch (error) {
      next(error);
    }
  });

  /**
   * `POST /internal/identity/person` with `{ personId }`: who that person is now (200 with the
   * viewer), or 404 once they have been removed. The gateway asks before serving a calendar feed,
   * which its owner set up earlier and which carries no token to sign in with.
   */
  router.post('/identity/person', async (request, response, next) => {
    const personId = claim((request.body ?? {}).personId, maxClaimLength);
    if (!personId) {
      response.status(400).json({ error: 'personId is required' });
      return;
    }
    try {
      const viewer = await findViewerByPersonId(dataSource, personId);
      if (viewer) response.json(viewer);
      else response.status(404).json({ error: 'no such person' });
    } catch (error) {
      next(error);
    }
  });
}
