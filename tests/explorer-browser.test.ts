import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { demoOrganisations } from '../demo-data/organisations';
import { demoPersonas } from '../demo-data/personas';
import { loadExampleOperations } from '../gateway/explorer/operations';
import { explorerContentSecurityPolicy } from '../gateway/explorer/routes';
import { ErrorCode } from '../platform/errors';
import { repositoryRoot } from '../platform/paths';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * The explorer in a real browser (Debian's chromium driven by playwright-core): the page the
 * gateway serves at /graphql, a persona picked in the sign-in panel, an example run, data in the
 * result pane, no console errors and not one request to anything but the gateway. Then every
 * example for every listed persona, one after another in the same page, as a person walking the
 * menus would. A screenshot is kept in artefacts/ (git-ignored) for a person to look at.
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
    graph = await startHttpGraph({
      nodeEnv: 'development',
      gateway: true,
      // The walk tests the explorer, not the gateway's deadlines: on a CI machine busy with other
      // suites, a supplier dashboard on the embedded database once outlasted the 5 s request budget
      // and its fetches came back SERVICE_UNAVAILABLE.
      gatewayEnv: { REQUEST_TIME_BUDGET_MS: '60000', SUBGRAPH_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '60000' },
    });
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

    // It opens on our own welcome and the first example a signed-out caller may run, shown as
    // chosen in the menu; not on GraphiQL's generic welcome text.
    await page.locator('.graphiql-query-editor', { hasText: 'query CatalogueSearch' }).waitFor();
    const opening = (await page.locator('.graphiql-query-editor').textContent()) ?? '';
    expect(opening).toContain('IPS Graph explorer');
    expect(opening).not.toContain('Welcome to GraphiQL');
    expect(await page.inputValue('#ips-example')).toBe('catalogue-search');
    mkdirSync(artefactsDirectory, { recursive: true });
    await page.screenshot({ path: path.join(artefactsDirectory, 'explorer-welcome.png'), fullPage: true });

    // The persona list comes from the gateway (development only); picking one signs in.
    await page.waitForSelector('#ips-persona option[value="kent-buyer"]', { state: 'attached' });
    await page.selectOption('#ips-persona', 'kent-buyer');
    await page.locator('#ips-signed-in', { hasText: 'Tom Fairweather' }).waitFor({ timeout: 15_000 });
    // The untouched welcome gives way to the buyer's: it names them and opens their first example.
    await page.locator('.graphiql-query-editor', { hasText: 'signed in as Tom Fairweather' }).waitFor();
    await page.locator('.graphiql-query-editor', { hasText: 'query BuyerDashboard' }).waitFor();
    expect(await page.inputValue('#ips-example')).toBe('buyer-dashboard');

    // A buyer is offered the buyer's example (and the examples for everyone) first; the
    // supplier's comes under the other roles.
    const values = (selector: string) =>
      page.locator(selector).evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value));
    const offered = await values('#ips-examples-yours option');
    expect(offered).toEqual(expect.arrayContaining(['buyer-view', 'catalogue-search']));
    expect(offered).not.toContain('supplier-view');
    expect(await values('#ips-examples-others option')).toContain('supplier-view');

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

  it('runs every example for every persona in turn, in one page: each its own operation, never a 5xx, errors only as coded refusals', async () => {
    const examples = loadExampleOperations();
    const consoleErrorsBefore = consoleErrors.length;
    await page.goto(graph.gatewayUrl!);
    await page.waitForSelector('#ips-persona option[value="kent-buyer"]', { state: 'attached' });

    // The workflows need a supplier's ORG_ADMIN (invites colleagues, applies for membership) and
    // two assessors (an innovation is vetted on two assessments): the panel must offer them.
    const listedKeys = (
      await page
        .locator('#ips-persona option')
        .evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value))
    ).filter(Boolean);
    const listed = listedKeys.map((key) => demoPersonas.find((persona) => persona.key === key)!);
    const problems: string[] = [];
    if (listed.filter((persona) => persona.platformRoles.includes('ASSESSOR')).length < 2) problems.push('fewer than two assessors listed');
    const supplierAdmin = listed.some(
      (persona) =>
        persona.organisationRoles.includes('ORG_ADMIN') &&
        demoOrganisations.find((organisation) => organisation.id === persona.organisationId)?.kind === 'SUPPLIER',
    );
    if (!supplierAdmin) problems.push("no supplier's ORG_ADMIN listed");

    // Every example is in the menu for everyone (those for other roles in their own group), so a
    // caller can see what a refusal looks like; a refusal must be a GraphQL error with its code.
    const refusalCodes = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED]);
    const refusals: string[] = [];
    let runs = 0;
    for (const persona of [null, ...listed]) {
      const roles = persona ? [...persona.organisationRoles, ...persona.platformRoles] : ['ANONYMOUS'];
      await page.selectOption('#ips-persona', persona?.key ?? '');
      await page
        .locator('#ips-signed-in', { hasText: persona ? `Signed in: ${persona.name}` : /^Anonymous$/ })
        .waitFor({ timeout: 15_000 });

      for (const example of examples) {
        const run = `${persona?.key ?? 'anonymous'} × ${example.name}`;
        if ((await page.locator(`#ips-example option[value="${example.name}"]`).count()) === 0) {
          problems.push(`${run}: not in the examples menu`);
          continue;
        }
        await page.selectOption('#ips-example', example.name);
        await page.locator('.graphiql-query-editor', { hasText: new RegExp(`query ${example.operationName}\\b`) }).waitFor();
        const answered = page.waitForResponse((response) => runsOperation(response.request(), example.operationName), { timeout: 60_000 });
        await page.click('.graphiql-execute-button');
        const response = await answered;
        runs += 1;

        const sent = response.request().postDataJSON() as { operationName?: string | null };
        if (sent.operationName != null && sent.operationName !== example.operationName) {
          problems.push(`${run}: sent operationName ${sent.operationName}`);
        }
        if (response.status() >= 500) problems.push(`${run}: HTTP ${response.status()}`);
        const body = (await response.json().catch(() => null)) as {
          data?: Record<string, unknown> | null;
          errors?: { message: string; extensions?: { code?: string } }[];
        } | null;
        const errors = body?.errors ?? [];
        const described = errors.map((error) => `${error.extensions?.code ?? 'no code'}: ${error.message}`).join('; ');
        const mayRun = example.roles.some((role) => role === 'EVERYONE' || roles.includes(role));
        if (mayRun && errors.length > 0) problems.push(`${run}: offered to this role, yet ${described}`);
        if (mayRun && Object.values(body?.data ?? { missing: null }).some((value) => value === null)) problems.push(`${run}: no data`);
        if (!mayRun && errors.length > 0) refusals.push(run);
        if (!mayRun && errors.some((error) => !refusalCodes.has(error.extensions?.code ?? ''))) {
          problems.push(`${run}: refused without a refusal code: ${described}`);
        }
        // The menu still shows what was chosen, and the result pane shows this answer.
        const shown = await page.inputValue('#ips-example');
        if (shown !== example.name) problems.push(`${run}: the menu shows "${shown}"`);
        const evidence = errors[0]?.extensions?.code ?? Object.keys(body?.data ?? {})[0];
        if (evidence) await page.locator('.graphiql-response', { hasText: `"${evidence}"` }).waitFor();
      }
    }

    expect(problems).toEqual([]);
    expect(runs).toBe((listed.length + 1) * examples.length);
    // Some runs were refused (a signed-out caller asking for the staff dashboard, at least).
    expect(refusals).toContain('anonymous × staff-dashboard');
    // Refusals come back as HTTP 200 with errors, so the console stays clean.
    expect(consoleErrors.slice(consoleErrorsBefore)).toEqual([]);
    mkdirSync(artefactsDirectory, { recursive: true });
    await page.screenshot({ path: path.join(artefactsDirectory, 'explorer-last-example.png'), fullPage: true });
  }, 900_000);
});

/** Whether a request from the page is the run of this operation (not introspection, not sign-in). */
function runsOperation(request: Request, operationName: string): boolean {
  if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/graphql') return false;
  try {
    const { query } = request.postDataJSON() as { query?: string };
    return parse(query ?? '').definitions.some(
      (definition) => definition.kind === 'OperationDefinition' && (definition as OperationDefinitionNode).name?.value === operationName,
    );
  } catch {
    return false;
  }
}
