import { mkdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { ADMIN_TOKEN, API_KEY, bootApp, http, newWorld, TestApp, World } from '../helpers/app';

/**
 * Acceptance 4: a headless Debian Chromium (playwright-core, never a downloaded browser) opens /docs and
 * /admin/queues (admin token sent as a header) and finds the claims queue listed; screenshots of both go
 * to test/artifacts/. Bull Board is guarded on its whole prefix: its API without a token is 401, also when
 * the path is percent-encoded (/admin/%71ueues/...), and an API key or Basic credentials get the same 401.
 */
const ARTIFACTS = join(__dirname, '..', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A raw GET (the path is sent byte for byte, never normalized by a URL parser). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: 'GET', path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('docs and Bull Board in a browser', () => {
  let world: World;
  let app: TestApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('guards every path under /admin/queues, percent-encoded ones included', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/%71ueues/api/queues', '/admin/queues%2Fapi%2Fqueues', '/ADMIN/queues/api/queues', '//admin/queues/api/queues']) {
      const r = await rawGet(app.url, path);
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(r.body).not.toContain('"queues"');
    }
    const noToken = await rawGet(app.url, '/admin/queues/api/queues');
    expect(noToken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(noToken.headers['www-authenticate']).toBeUndefined(); // no Basic challenge: a browser must not remember the token
    expect((await rawGet(app.url, '/admin/%71ueues/api/queues', { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await rawGet(app.url, '/admin/queues/api/queues', { authorization: `Bearer ${API_KEY}` })).status).toBe(401);

    const ok = await http(app, 'GET', '/admin/queues/api/queues', undefined, { auth: 'admin' });
    expect(ok.status).toBe(200);
    expect(ok.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['claims', 'chain-watch', 'dead-letter']));
    const encoded = await rawGet(app.url, '/admin/%71ueues/api/queues', { 'x-admin-token': ADMIN_TOKEN });
    expect(encoded.status).toBe(200);
    // Basic is not accepted (a browser would resend it on a cross-site form post)
    const basic = await rawGet(app.url, '/admin/queues/api/queues', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);
  });

  it('shows the Swagger UI and the claims queue in Chromium, with screenshots', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` }, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });

    await page.goto(`${app.url}/docs`, { waitUntil: 'networkidle' });
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Payrail' }).waitFor({ timeout: 20_000 });
    await page.getByText('/v1/claims', { exact: true }).first().waitFor({ timeout: 10_000 });
    const docsShot = join(ARTIFACTS, 'docs.png');
    await page.screenshot({ path: docsShot, fullPage: false });

    await page.goto(`${app.url}/admin/queues`, { waitUntil: 'networkidle' });
    await page.getByText('claims', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByText('dead-letter', { exact: true }).first().waitFor({ timeout: 10_000 });
    const boardShot = join(ARTIFACTS, 'bull-board.png');
    await page.screenshot({ path: boardShot, fullPage: false });

    expect(failed).toEqual([]);
    for (const f of [docsShot, boardShot]) expect(statSync(f).size).toBeGreaterThan(10_000);

    // without the token the browser gets the 401 problem, not a Basic prompt; remembered Basic credentials
    // (what a person types into a prompt, and what a browser resends cross-site) open nothing
    const anonymous = await browser.newContext();
    expect((await (await anonymous.newPage()).goto(`${app.url}/admin/queues`))?.status()).toBe(401);
    await anonymous.close();
    const person = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_TOKEN } });
    const personPage = await person.newPage();
    expect((await personPage.goto(`${app.url}/admin/queues`))?.status()).toBe(401);
    await person.close();
    await context.close();
  });
});
