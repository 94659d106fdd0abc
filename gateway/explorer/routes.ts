import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Response } from 'express';
import { demoOrganisations } from '../../demo-data/organisations';
import { demoPersonas } from '../../demo-data/personas';
import type { GatewayConfig } from '../../platform/config';
import { repositoryRoot } from '../../platform/paths';
import { mintDevelopmentToken } from '../development-tokens';

/** Where `npm run build` (scripts/build-explorer.ts) puts the bundled explorer and its examples. */
export const explorerAssetsDirectory = path.join(repositoryRoot, 'dist', 'explorer');
export const explorerApiPath = '/explorer';

/**
 * Everything the page may load comes from the gateway itself: no CDN, no inline script, no
 * other origin. The settings travel in a JSON data block, which the browser never executes.
 */
export const explorerContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Demo personas sign in with one click wherever `npm run token` works: development tokens are
 * accepted (no OIDC issuer) and the profile is not production. Production callers paste a token
 * from the real issuer instead.
 */
export function personaSignInEnabled(config: Pick<GatewayConfig, 'nodeEnv' | 'authentication'>): boolean {
  return config.nodeEnv !== 'production' && config.authentication.kind === 'development';
}

function secureHeaders(response: Response): void {
  response.set({
    'content-security-policy': explorerContentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
}

function explorerPage(settings: object): string {
  // JSON inside <script> must not be able to close the element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IPS Graph explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${explorerApiPath}/assets/explorer.css">
<script type="application/json" id="explorer-settings">${json}</script>
<script type="module" src="${explorerApiPath}/assets/explorer.js"></script>
</head>
<body><div id="explorer"></div></body>
</html>`;
}

/**
 * Serves the explorer: a browser asking for `/graphql` (Accept: text/html, no query) gets the page,
 * every other request goes on to the GraphQL endpoint. Registered before the GraphQL route.
 */
export function addExplorerRoutes(app: Express, config: GatewayConfig): void {
  const personas = personaSignInEnabled(config);
  const page = explorerPage({ signIn: personas ? 'personas' : 'token', graphqlPath: '/graphql', apiPath: explorerApiPath });
  const built = existsSync(path.join(explorerAssetsDirectory, 'explorer.js'));

  app.get('/graphql', (request, response, next) => {
    const wantsPage =
      request.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html' &&
      request.query.query === undefined;
    if (!wantsPage) return next();
    secureHeaders(response);
    if (!built) {
      response.status(503).type('text/plain').send('The explorer is not built: run `npm run build`.');
      return;
    }
    response.type('html').set('cache-control', 'no-store').send(page);
  });

  app.use(
    `${explorerApiPath}/assets`,
    (_request, response, next) => {
      secureHeaders(response);
      next();
    },
    express.static(explorerAssetsDirectory, { index: false, fallthrough: false, maxAge: '1h' }),
  );
  app.get(`${explorerApiPath}/operations.json`, (_request, response) => {
    secureHeaders(response);
    response.sendFile(path.join(explorerAssetsDirectory, 'operations.json'));
  });

  if (!personas || config.authentication.kind !== 'development') return;
  const authentication = config.authentication;
  app.get(`${explorerApiPath}/personas`, (_request, response) => {
    response.json(
      demoPersonas
        .filter((persona) => persona.signsInAs)
        .map((persona) => ({
          key: persona.key,
          name: persona.name,
          jobTitle: persona.jobTitle,
          organisation: demoOrganisations.find((o) => o.id === persona.organisationId)?.name ?? '',
          roles: [...persona.organisationRoles, ...persona.platformRoles],
        })),
    );
  });
  app.post(`${explorerApiPath}/sign-in`, express.json({ limit: '1kb' }), (request, response, next) => {
    const key: unknown = request.body?.persona;
    const persona = demoPersonas.find((p) => p.signsInAs && p.key === key);
    if (!persona) {
      response.status(400).json({ error: 'Unknown persona.' });
      return;
    }
    mintDevelopmentToken(authentication, persona.email).then((token) => response.json({ token }), next);
  });
}
