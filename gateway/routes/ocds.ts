import type { Express } from 'express';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { forwardedHeaders } from '../../platform/observability';

/** ocids are `ocds-<prefix>-<uuid>`; anything else never reaches procurement. */
const ocidFile = /^(ocds-[a-z0-9]+-[0-9a-f-]{36})\.json$/;

/**
 * `GET /ocds/<ocid>.json`: a project's OCDS release package, public for published projects. The
 * gateway forwards to procurement's internal route as an anonymous caller, so the package holds
 * exactly what anyone may see, whoever downloads it.
 *
 * The package's `uri` is built on the configured public base URL, never on the request's Host
 * header: a package fetched with a forged Host would otherwise carry (and, cached by a proxy,
 * hand others) a link to the forger's site. Without a base URL procurement names the package by
 * its ocid's URN instead, which identifies it uniquely as OCDS requires.
 */
export function addOcdsDownload(
  app: Express,
  options: {
    procurementUrl: string;
    secret: string;
    assertionLifetimeMs: number;
    timeoutMs: number;
    publicBaseUrl: () => string | undefined;
  },
): void {
  const base = options.procurementUrl.replace(/\/graphql\/?$/, '');
  app.get('/ocds/:file', (request, response) => {
    const match = ocidFile.exec(String(request.params.file));
    if (!match) return void response.status(404).json({ error: 'Not an OCDS release package path.' });
    const publicBaseUrl = options.publicBaseUrl();
    (async () => {
      const body = JSON.stringify({ ocid: match[1], ...(publicBaseUrl ? { uri: `${publicBaseUrl}/ocds/${match[1]}.json` } : {}) });
      const assertion = createGatewayAssertion({
        subgraph: 'procurement',
        body,
        identity: null,
        secret: options.secret,
        lifetimeMs: options.assertionLifetimeMs,
      });
      const upstream = await fetch(`${base}/internal/ocds`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...forwardedHeaders(), [gatewayAssertionHeader]: assertion },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      response.status(upstream.status === 200 ? 200 : upstream.status === 404 ? 404 : 502);
      response.type('application/json').send(await upstream.text());
    })().catch(() => response.status(503).json({ error: 'Procurement is temporarily unavailable.' }));
  });
}
