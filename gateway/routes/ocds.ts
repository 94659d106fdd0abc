import type { Express } from 'express';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { forwardedHeaders } from '../../platform/observability';

/** ocids are `ocds-<prefix>-<uuid>`; anything else never reaches procurement. */
const ocidFile = /^(ocds-[a-z0-9]+-[0-9a-f-]{36})\.json$/;

/**
 * `GET /ocds/<ocid>.json`: a project's OCDS release package, public for published projects. The
 * gateway forwards to procurement's internal route as an anonymous caller, so the package holds
 * exactly what anyone may see, whoever downloads it.
 */
export function addOcdsDownload(
  app: Express,
  options: { procurementUrl: string; secret: string; assertionLifetimeMs: number; timeoutMs: number },
): void {
  const base = options.procurementUrl.replace(/\/graphql\/?$/, '');
  app.get('/ocds/:file', (request, response) => {
    const match = ocidFile.exec(String(request.params.file));
    if (!match) return void response.status(404).json({ error: 'Not an OCDS release package path.' });
    const uri = `${request.protocol}://${request.get('host')}/ocds/${match[1]}.json`;
    (async () => {
      const body = JSON.stringify({ ocid: match[1], uri });
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
