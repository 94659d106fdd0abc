import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import { findViewerByEmail } from '../services/identity.service';

/** `GET /internal/identity?email=…`: the gateway's lookup of a signed-in caller (gateway-only). */
export function addIdentityRoute(router: Router, dataSource: DataSource): void {
  router.get('/identity', async (request, response, next) => {
    const email = typeof request.query.email === 'string' ? request.query.email : '';
    if (!email) {
      response.status(400).json({ error: 'email is required' });
      return;
    }
    try {
      const viewer = await findViewerByEmail(dataSource, email);
      if (viewer) response.json(viewer);
      else response.status(404).json({ error: 'no such person' });
    } catch (error) {
      next(error);
    }
  });
}
