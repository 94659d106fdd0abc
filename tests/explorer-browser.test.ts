import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { explorerContentSecurityPolicy } from '../gateway/explorer/routes';
import { repositoryRoot } from '../platform/paths';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * The explorer in a real browser (Debian's chromium driven by playwright-core): the page the
 * gateway serves at /graphql, a persona picked in the sign-in panel, an example run, data in the
 * result pane, no console errors and not one request to anything but the gateway. A screenshot is
 * kept in artefacts/ (git-ignored) for a person to look at.
 */
const chromiumPath = '/usr/bin/chromium';
export const artefactsDirectory = path.join(repositoryRoot, 'artefacts');
const describeWithChromium = existsSync(chromiumPath) ? describe : describe.skip;
if (!existsSync(chromiumPath)) {
  console.warn(`Skipping the explorer browser test: no Chromium at ${chromiumPath} (apt-get install -y chromium).`);
}

jest.setTimeout(120_000);

describeWithChromium('the explorer in headless Chromium', () => {
  let graph: HttpGraph;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    graph = await startHttpGraph({ nodeEnv: 'development', gateway: true });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'ips-explorer-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    });
    context.on('request', (request) => requests.push(request.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await graph?.stop();
  });

  it('signs in as a persona, runs an example and shows its data, talking to nothing but the gateway', async () => {
    const gatewayOrigin = new URL(graph.gatewayUrl!).origin;
    const response = await page.goto(graph.gatewayUrl!);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(explorerContentSecurityPolicy);

    // The persona list comes from the gateway (development only); picking one signs in.
    await page.waitForSelector('#ips-persona option[value="kent-buyer"]', { state: 'attached' });
    await page.selectOption('#ips-persona', 'kent-buyer');
    await page.locator('#ips-signed-in', { hasText: 'Tom Fairweather' }).waitFor({ timeout: 15_000 });

    // A buyer is offered the buyer's example (and the examples for everyone), not the supplier's.
    const offered = await page.locator('#ips-example option').evaluateAll((options) =>
      options.map((option) => (option as unknown as { value: string }).value),
    );
    expect(offered).toEqual(expect.arrayContaining(['buyer-view', 'catalogue-search']));
    expect(offered).not.toContain('supplier-view');

    await page.selectOption('#ips-example', 'buyer-view');
    await page.locator('.graphiql-query-editor', { hasText: 'BuyerView' }).waitFor();
    await page.click('.graphiql-execute-button');
    await page.locator('.graphiql-response', { hasText: 'procurementRoutes' }).waitFor({ timeout: 30_000 });
    const result = (await page.locator('.graphiql-response').textContent()) ?? '';
    expect(result).toContain('Tom Fairweather');
    expect(result).toContain('"status": "ACTIVE"');
    expect(result).not.toContain('"errors"');

    mkdirSync(artefactsDirectory, { recursive: true });
    await page.screenshot({ path: path.join(artefactsDirectory, 'explorer.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
    const elsewhere = requests.filter((url) => !url.startsWith(`${gatewayOrigin}/`) && !url.startsWith('data:'));
    expect(elsewhere).toEqual([]);
    // The page, its bundle, the personas, the sign-in, the examples and GraphQL: all local.
    expect(requests.some((url) => url.endsWith('/explorer/assets/explorer.js'))).toBe(true);
  });
});
