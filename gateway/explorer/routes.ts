import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Response } from 'express';
import type { GatewayConfig } from '../../platform/config';
import { repositoryRoot } from '../../platform/paths';
import { mintDevelopmentToken } from '../development-tokens';
import { addMailboxRoute, mailboxEnabled, type MailboxSource } from './mailbox';

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
 * Demo personas sign in with one click only under the development profile (IPS_PROFILE=development)
 * with development tokens accepted (no OIDC issuer): the route mints a token for any persona,
 * a platform admin included, so it must never depend on NODE_ENV being set. Everyone else pastes a
 * token from the real issuer instead.
 */
export function personaSignInEnabled(config: Pick<GatewayConfig, 'developmentProfile' | 'authentication'>): boolean {
  return config.developmentProfile && config.authentication.kind === 'development';
}

/**
 * A persona the sign-in panel offers. The gateway knows none itself: the development launcher
 * (scripts/development-gateway.ts, started by `npm start`) hands it the demo personas, so production
 * code never loads demo data. `email` is whom the minted token names; it is not sent to the page.
 */
export interface ExplorerPersona {
  key: string;
  name: string;
  jobTitle: string;
  /** The persona's organisation, by name. */
  organisation: string;
  /** Organisation roles, then platform roles. */
  roles: string[];
  email: string;
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
 * `personas` are offered for one-click sign-in only when `personaSignInEnabled(config)`; without
 * any (the production entrypoint passes none) the page asks for a pasted token.
 */
export function addExplorerRoutes(
  app: Express,
  config: GatewayConfig,
  personas: readonly ExplorerPersona[] = [],
  mailbox?: MailboxSource,
): void {
  const offerPersonas = personaSignInEnabled(config) && personas.length > 0;
  const offerMailbox = mailboxEnabled(config, mailbox);
  const page = explorerPage({
    signIn: offerPersonas ? 'personas' : 'token',
    graphqlPath: '/graphql',
    apiPath: explorerApiPath,
    mailbox: offerMailbox,
  });
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
  if (offerMailbox) addMailboxRoute(app, `${explorerApiPath}/mailbox`, mailbox!);

  if (!offerPersonas || config.authentication.kind !== 'development') return;
  const authentication = config.authentication;
  // Every persona given, not only one per role: walking a workflow takes a supplier's ORG_ADMIN
  // beside its contributor, a second council, and two assessors for one vetting.
  app.get(`${explorerApiPath}/personas`, (_request, response) => {
    response.json(personas.map(({ key, name, jobTitle, organisation, roles }) => ({ key, name, jobTitle, organisation, roles })));
  });
  app.post(`${explorerApiPath}/sign-in`, express.json({ limit: '1kb' }), (request, response, next) => {
    const key: unknown = request.body?.persona;
    const persona = personas.find((p) => p.key === key);
    if (!persona) {
      response.status(400).json({ error: 'Unknown persona.' });
      return;
    }
    mintDevelopmentToken(authentication, persona.email).then((token) => response.json({ token }), next);
  });
}
