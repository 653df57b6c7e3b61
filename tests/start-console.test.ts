// The built console in a real (headless) browser against `node server/src/main.ts`: first-run
// setup, the live inbox, reload, reconnect after a server restart, logout/login, German.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, postApiWebhook } from './support/api.ts';
import type { Page } from './support/browser.ts';
import { launchConsolePage } from './support/console-session.ts';
import { ensureConsoleBuilt, startServerProcess, type ServerProcess } from './support/start-process.ts';

const OWNER = { workspaceName: 'Acme', name: 'Olga Owner', email: 'olga@example.test', password: 'correct horse battery' };
const SECRET = 'console-test-secret-0123456789';

// Chromium comes from Debian (chromium-headless-shell); `npm test` installs it where it can.
describe('the console in a browser', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-console-'));
  const dataDir = join(root, 'data');
  let server: ServerProcess;
  let page: Page;
  let base = '';
  let inbox: { publicToken: string };

  const inbound = (id: string, name: string, text: string) =>
    postApiWebhook(server.url, inbox.publicToken, SECRET, { messages: [{ id, contact: { id: `contact-${id}`, name, email: `${id}@example.com` }, text }] });
  const names = () => page.evaluate<string[]>(`[...document.querySelectorAll('main li strong')].map((s) => s.textContent)`);

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: dataDir });
    base = server.url;
    page = await launchConsolePage();
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends a new installation to the setup page, with labelled inputs', async () => {
    await page.goto(`${base}/`);
    await page.waitFor(`location.pathname === '/setup' && document.querySelector('#setup-email')`, 'the setup page');
    expect(await page.evaluate(`document.querySelector('h1').textContent`)).toBe('Set up Switchboard');
    expect(await page.evaluate(`document.documentElement.lang`)).toBe('en');
    const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('input')].filter((i) => !i.labels?.length).map((i) => i.id)`);
    expect(unlabelled).toEqual([]);
  });

  it('first-run setup signs in and opens the live inbox', async () => {
    await page.fill('#setup-workspace', OWNER.workspaceName);
    await page.fill('#setup-name', OWNER.name);
    await page.fill('#setup-email', OWNER.email);
    await page.fill('#setup-password', OWNER.password);
    await page.click('form button[type=submit]');
    await page.waitFor(`location.pathname === '/' && document.querySelector('.live.online')`, 'the inbox, connected');
    await page.waitFor(`document.body.innerText.includes('No conversations yet')`, 'the empty list');
    expect(await page.text()).toContain('Signed in as Olga Owner');
  });

  it('shows new conversations live', async () => {
    const admin = await new ApiClient(server.url).login(OWNER.email, OWNER.password);
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET, webhookUrl: 'http://127.0.0.1:9/unused' } });
    expect(r.status).toBe(201);
    inbox = r.body;
    expect((await inbound('m1', 'Max Mustermann', 'Wo ist meine Bestellung?')).status).toBe(200);
    await page.waitFor(`document.body.innerText.includes('Wo ist meine Bestellung?')`, 'the live conversation');
    expect(await names()).toEqual(['#1 Max Mustermann']);
    expect(await page.text()).toContain('1 conversation');
  });

  it('a reload restores the session and the list', async () => {
    await page.reload();
    await page.waitFor(`location.pathname === '/' && document.body.innerText.includes('Max Mustermann') && document.querySelector('.live.online')`, 'the restored inbox');
    expect((await inbound('m2', 'Erika Musterfrau', 'Second customer')).status).toBe(200);
    await page.waitFor(`document.body.innerText.includes('Erika Musterfrau')`, 'the second live conversation');
    expect(await names()).toEqual(['#2 Erika Musterfrau', '#1 Max Mustermann']);
  });

  it('reconnects after a server restart and catches up', async () => {
    const port = new URL(server.url).port;
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    await page.waitFor(`document.querySelector('.live.offline')`, 'the offline badge');
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: dataDir, PORT: port });
    expect((await inbound('m3', 'Hans Later', 'Sent during the reconnect')).status).toBe(200);
    await page.waitFor(`document.body.innerText.includes('Hans Later') && document.querySelector('.live.online')`, 'the caught-up list', 30_000);
    expect(await names()).toEqual(['#3 Hans Later', '#2 Erika Musterfrau', '#1 Max Mustermann']);
  }, 180_000);

  it('logout ends the session (a CSRF-protected write); login brings the inbox back', async () => {
    await page.click('header button');
    await page.waitFor(`location.pathname === '/login' && document.querySelector('#login-email')`, 'the login page');
    expect(await page.evaluate(`fetch('/api/session').then((r) => r.status)`)).toBe(401);

    await page.fill('#login-email', OWNER.email);
    await page.fill('#login-password', 'not the password');
    await page.click('form button[type=submit]');
    await page.waitFor(`document.querySelector('[role=alert]')`, 'the login error');
    expect(await page.evaluate(`document.querySelector('[role=alert]').textContent`)).toBe('Wrong email or password.');

    await page.fill('#login-password', OWNER.password);
    await page.click('form button[type=submit]');
    await page.waitFor(`location.pathname === '/' && document.body.innerText.includes('Hans Later')`, 'the inbox after login');
  });

  it('speaks German to German browsers', async () => {
    await page.send('Network.setUserAgentOverride', { userAgent: 'Mozilla/5.0 (switchboard-test)', acceptLanguage: 'de-DE,de' });
    await page.reload();
    await page.waitFor(`document.body.innerText.includes('3 Konversationen')`, 'the German inbox');
    expect(await page.evaluate(`document.documentElement.lang`)).toBe('de');
    const text = await page.text();
    expect(text).toContain('3 Konversationen');
    expect(text).toContain('Abmelden');
    expect(page.errors).toEqual([]);
  });
});
