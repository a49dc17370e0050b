import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';
import { ALL_OPERATIONS } from '../../src/interfaces/http/openapi/operations';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser } from '../support/users';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

describe('Swagger UI in a real browser', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // Reported as skipped, never as passed; CI installs Chromium so it always runs there.
      this.skip();
    }
    server = await sharedServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('renders every operation, authorises with a bearer token and executes a request', async () => {
    const user = await createUser(server.api);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${server.api.baseUrl}/api/docs/`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await page.locator('.opblock').count()).to.equal(ALL_OPERATIONS.length);

    await page.click('button.authorize');
    await page.fill('.auth-container input', user.access);
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('.auth-btn-wrapper button.btn-done');

    const operation = page.locator('#operations-auth-logOut');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({ refresh: user.refresh }));
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor({ timeout: 10_000 });
    expect((await status.first().innerText()).trim()).to.equal('204');

    await status.first().scrollIntoViewIfNeeded();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'swagger-ui.png'), fullPage: false });
    await page.close();

    const afterLogout = await server.api.post('/api/auth/token/refresh/', { refresh: user.refresh });
    expect(afterLogout.status, 'the request executed from the page really revoked the session').to.equal(401);
  });
});
