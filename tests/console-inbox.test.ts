// The agent console in real Chromium against `node server/src/main.ts` on PGlite: inbox views with
// live updates, the open conversation (live messages, sandboxed email, composer delivered to the
// integrator's webhook with a live status), keyboard shortcuts, inbox access, German.
// Screenshots of the main views go to tests/artifacts/ (gitignored) at 1280 px.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import type { Page } from './support/browser.ts';
import { launchConsolePage, signIn } from './support/console-session.ts';
import { addUser, PASSWORD } from './support/people.ts';
import { ensureConsoleBuilt, startServerProcess, type ServerProcess } from './support/start-process.ts';
import { startReceiver } from './support/webhook-receiver.ts';

const OWNER = { workspaceName: 'Acme', name: 'Olga Owner', email: 'olga@example.test', password: 'correct horse battery' };
const SECRET = 'console-inbox-secret-0123456789';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('the agent console', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-console-inbox-'));
  let server: ServerProcess;
  let page: Page;
  let admin: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let shop: { id: string; publicToken: string };
  let secret: { id: string; publicToken: string };
  let agent: { id: string; email: string };

  const inbound = (inbox: { publicToken: string }, id: string, who: string, message: { text?: string; html?: string }) =>
    postApiWebhook(server.url, inbox.publicToken, SECRET, { messages: [{ id, contact: { id: `c-${who}`, name: who, email: `${who.split(' ')[0]!.toLowerCase()}@example.com` }, ...message }] });
  const rowNames = () => page.evaluate<string[]>(`[...document.querySelectorAll('.rows li strong')].map((s) => s.textContent)`);
  const has = (text: string) => `document.body.innerText.includes(${JSON.stringify(text)})`;
  const timelineHas = (text: string) => `[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes(${JSON.stringify(text)}))`;

  async function press(key: string, opts: { ctrl?: boolean; code?: string; keyCode?: number } = {}) {
    const base = { key, code: opts.code ?? key, windowsVirtualKeyCode: opts.keyCode ?? key.toUpperCase().charCodeAt(0), modifiers: opts.ctrl ? 2 : 0 };
    const printable = key.length === 1 && !opts.ctrl;
    await page.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, ...(printable ? { text: key } : {}) });
    await page.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  async function screenshot(name: string) {
    const { data } = (await page.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(data, 'base64'));
  }

  const login = (email: string, password: string) => signIn(page, server.url, email, password);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureConsoleBuilt();
    receiver = await startReceiver();
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: join(root, 'data'), JOB_RETRY_BASE_MS: '200' });
    admin = await setupAdmin(server.url, OWNER, OWNER.workspaceName);
    shop = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    secret = (await admin.post('/api/inboxes', { kind: 'api', name: 'Board room', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    agent = await addUser(admin, 'agent', { name: 'Anton Agent', login: false });
    expect((await admin.put(`/api/inboxes/${shop.id}/members`, { userIds: [agent.id] })).status).toBe(200);
    expect((await admin.post('/api/labels', { name: 'vip', color: '#c0392b' })).status).toBe(201);
    expect((await admin.post('/api/canned-responses', { shortCode: 'thanks', content: 'Thank you for your patience, {{contact.first_name}}! {{agent.name}}' })).status).toBe(201);
    page = await launchConsolePage({ width: 1280, height: 800 });
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    await receiver?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('logs in to an empty inbox with the sidebar views', async () => {
    await login(OWNER.email, OWNER.password);
    await page.waitFor(has('No conversations yet'), 'the empty list');
    const nav = await page.evaluate<string>(`document.querySelector('nav').innerText`);
    for (const entry of ['Mine', 'Unassigned', 'All', 'Shop', 'Board room', 'vip']) expect(nav).toContain(entry);
    expect(await page.evaluate(`document.querySelector('nav [aria-current=page]').textContent.trim()`)).toBe('All');
    expect(await page.evaluate(`document.querySelector('.tabs [aria-pressed=true]').textContent`)).toBe('Open');
  });

  it('a message posted to the API channel appears live in the list, and live in the open conversation', async () => {
    expect((await inbound(shop, 'm1', 'Max Mustermann', { text: 'Where is my order?' })).status).toBe(200);
    await page.waitFor(has('Where is my order?'), 'the live conversation');
    expect(await rowNames()).toEqual(['#1 Max Mustermann']);
    expect(await page.text()).toContain('1 conversation');

    await page.click('.rows li button');
    await page.waitFor(`${timelineHas('Where is my order?')} && document.querySelector('#contact-name')`, 'the open conversation with its contact');
    expect(await page.evaluate(`document.querySelector('#contact-name').value`)).toBe('Max Mustermann');
    const unlabelled = await page.evaluate<string[]>(
      `[...document.querySelectorAll('input, select, textarea, button')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.textContent.trim()).map((el) => el.outerHTML.slice(0, 80))`,
    );
    expect(unlabelled).toEqual([]);

    const html = '<p>Here is <b>the photo</b></p><img alt="pixel" src="https://images.example.invalid/p.gif">';
    expect((await inbound(shop, 'm2', 'Max Mustermann', { text: 'Here is the photo', html })).status).toBe(200);
    await page.waitFor(`document.querySelector('.timeline iframe')`, 'the live email message in the open conversation');
    const frame = await page.evaluate<{ sandbox: string; doc: string }>(`(() => { const f = document.querySelector('.timeline iframe'); return { sandbox: f.getAttribute('sandbox'), doc: f.srcdoc }; })()`);
    expect(frame.sandbox).not.toContain('allow-scripts');
    expect(frame.sandbox).not.toContain('allow-same-origin');
    expect(frame.doc).toContain('data-remote-src="https://images.example.invalid/p.gif"');
    expect(frame.doc).not.toMatch(/\ssrc="https:\/\/images/);
    await page.click('.timeline .load');
    await page.waitFor(`document.querySelector('.timeline iframe').srcdoc.includes('src="https://images.example.invalid/p.gif"')`, 'remote images after consent');
    expect(await rowNames()).toEqual(['#1 Max Mustermann']);
    await screenshot('conversation');
  });

  it('an agent reply from the composer reaches the integrator webhook and turns "sent" live', async () => {
    await page.fill('#composer-text', 'We are on it, {{name}}!');
    await page.evaluate(`document.querySelector('#composer-text').focus()`);
    await press('Enter', { ctrl: true, code: 'Enter', keyCode: 13 });
    await page.waitFor(timelineHas('We are on it'), 'the reply in the timeline at once');
    await receiver.waitFor(1);
    expect(receiver.requests[0]!.body).toContain('We are on it, {{name}}!');
    await page.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('We are on it') && li.querySelector('[data-delivery=sent]'))`, 'the live "sent" status');
    const copies = await page.evaluate<number>(`[...document.querySelectorAll('.timeline li')].filter((li) => li.innerText.includes('We are on it')).length`);
    expect(copies).toBe(1);
    expect(await page.evaluate(`document.querySelector('#composer-text').value`)).toBe('');
  });

  it("the contact panel edits the contact's name and company", async () => {
    await page.fill('#contact-company', 'Muster GmbH');
    await page.fill('#contact-name', 'Max M. Mustermann');
    await page.evaluate(`document.querySelector('#contact-name').form.requestSubmit()`);
    await page.waitFor(`document.querySelector('.contact [role=status]')?.textContent === 'Saved'`, 'the saved contact');
    const conversations = (await admin.get('/api/conversations?limit=10')).body as { items: Array<{ contact: { id: string } }> };
    const contact = (await admin.get(`/api/contacts/${conversations.items[0]!.contact.id}`)).body as { name: string; company: string };
    expect(contact).toMatchObject({ name: 'Max M. Mustermann', company: 'Muster GmbH' });
    await page.fill('#contact-name', 'Max Mustermann');
    await page.evaluate(`document.querySelector('#contact-name').form.requestSubmit()`);
    await page.waitFor(`document.querySelector('.contact [role=status]')?.textContent === 'Saved'`, 'the name restored');
    const again = (await admin.get(`/api/contacts/${conversations.items[0]!.contact.id}`)).body as { name: string };
    expect(again.name).toBe('Max Mustermann');
  });

  it('a failed delivery shows its reason; the retry button sends it again', async () => {
    receiver.setFallback(422);
    const before = receiver.requests.length;
    await page.fill('#composer-text', 'Second try please');
    await page.evaluate(`document.querySelector('.composer').requestSubmit()`);
    const row = `[...document.querySelectorAll('.timeline li')].find((li) => li.innerText.includes('Second try please'))`;
    await page.waitFor(`${row}?.querySelector('.delivery.failed')`, 'the failed delivery');
    expect(await page.evaluate<string>(`${row}.querySelector('.delivery.failed').textContent`)).toMatch(/^Failed: \S/);
    receiver.setFallback(200);
    await page.evaluate(`${row}.querySelector('.status button').click()`);
    await page.waitFor(`${row}?.querySelector('[data-delivery=sent]')`, 'the retried message, sent');
    expect(receiver.requests.length).toBe(before + 2);
    expect(receiver.requests.at(-1)!.body).toContain('Second try please');
  });

  it('canned responses with "/", a private note with n, the shortcut list with ?', async () => {
    await page.evaluate(`document.activeElement.blur()`);
    await press('n');
    await page.waitFor(`document.activeElement?.id === 'composer-text' && document.querySelector('.composer.note')`, 'the note composer');
    await page.evaluate(`(() => { const f = document.querySelector('#composer-text'); f.value = '/tha'; f.setSelectionRange(4, 4); f.dispatchEvent(new Event('input', { bubbles: true })); })()`);
    await page.waitFor(`document.querySelector('#canned-list [role=option]')`, 'the canned suggestions');
    await press('Enter', { code: 'Enter', keyCode: 13 });
    // Placeholders filled with the open conversation's contact and the signed-in agent.
    await page.waitFor(`/^Thank you for your patience, \\S+! \\S/.test(document.querySelector('#composer-text').value) && !document.querySelector('#composer-text').value.includes('{{')`, 'the inserted canned response, placeholders filled');
    await page.fill('#composer-text', 'Customer is a VIP, be nice.');
    await press('Enter', { ctrl: true, code: 'Enter', keyCode: 13 });
    await page.waitFor(`[...document.querySelectorAll('.timeline li.note')].some((li) => li.innerText.includes('be nice') && li.textContent.includes('Private note'))`, 'the private note');
    expect(receiver.requests.some((r) => r.body.includes('be nice'))).toBe(false);

    await page.evaluate(`document.activeElement.blur()`);
    await press('?', { code: 'Slash', keyCode: 191 });
    await page.waitFor(`document.querySelector('dialog[open]')`, 'the shortcut list');
    expect(await page.evaluate(`document.querySelector('dialog[open]').innerText`)).toContain('Next conversation');
    await screenshot('shortcuts');
    await press('Escape', { code: 'Escape', keyCode: 27 });
    await page.waitFor(`!document.querySelector('dialog[open]')`, 'the closed shortcut list');
  });

  it('j/k move, Enter opens, e resolves: a resolved conversation leaves the Open list', async () => {
    expect((await inbound(shop, 'm3', 'Erika Musterfrau', { text: 'Second customer' })).status).toBe(200);
    await page.waitFor(has('Second customer'), 'the second conversation');
    expect(await rowNames()).toEqual(['#2 Erika Musterfrau', '#1 Max Mustermann']);
    await screenshot('inbox');

    await press('j');
    await press('j');
    await page.waitFor(`document.querySelector('.rows li.cursor strong')?.textContent === '#1 Max Mustermann'`, 'the cursor on the second row');
    await press('k');
    await page.waitFor(`document.querySelector('.rows li.cursor strong')?.textContent === '#2 Erika Musterfrau'`, 'the cursor back on the first row');
    await press('Enter', { code: 'Enter', keyCode: 13 });
    await page.waitFor(`document.querySelector('#conv-title')?.textContent === '#2 Erika Musterfrau'`, 'the opened conversation');

    await press('a');
    await page.waitFor(`document.activeElement?.id === 'assignee-select'`, 'the assignee picker focused by a');
    await page.evaluate(`document.activeElement.blur()`);
    await press('e');
    await page.waitFor(`document.querySelectorAll('.rows li').length === 1`, 'the resolved conversation leaving the list');
    expect(await rowNames()).toEqual(['#1 Max Mustermann']);
    await page.evaluate(`[...document.querySelectorAll('.tabs button')].find((b) => b.textContent === 'Resolved').click()`);
    await page.waitFor(`document.querySelector('.tabs [aria-pressed=true]').textContent === 'Resolved' && document.querySelectorAll('.rows li').length === 1`, 'the resolved tab');
    expect(await rowNames()).toEqual(['#2 Erika Musterfrau']);
  });

  it('assigning from the actions moves the conversation into Mine, live', async () => {
    await page.evaluate(`[...document.querySelectorAll('.tabs button')].find((b) => b.textContent === 'Open').click()`);
    await page.waitFor(`document.querySelector('.tabs [aria-pressed=true]').textContent === 'Open' && document.querySelectorAll('.rows li').length === 1`, 'the Open tab');
    await page.click('.rows li button');
    await page.waitFor(`document.querySelector('#conv-title')?.textContent === '#1 Max Mustermann' && document.querySelector('#assignee-select')`, 'the open conversation #1');
    await page.evaluate(`[...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'Mine').click()`);
    await page.waitFor(has('No conversations in this view.'), 'the empty Mine view');
    await page.evaluate(`(() => { const s = document.querySelector('#assignee-select'); s.value = [...s.options].find((o) => o.text === 'Olga Owner').value; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await page.waitFor(`document.querySelectorAll('.rows li').length === 1`, 'the assigned conversation in Mine');
    expect(await rowNames()).toEqual(['#1 Max Mustermann']);
    await page.evaluate(`document.querySelector('.labels input[type=checkbox]').click()`);
    await page.waitFor(`document.querySelector('.rows li .label')?.textContent === 'vip'`, 'the label on the row');
    await page.evaluate(`[...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'vip').click()`);
    await page.waitFor(`document.querySelector('nav [aria-current=page]').textContent.trim() === 'vip' && document.querySelectorAll('.rows li').length === 1`, 'the vip view');
    expect(await rowNames()).toEqual(['#1 Max Mustermann']);
    await page.evaluate(`[...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'Unassigned').click()`);
    await page.waitFor(has('No conversations in this view.'), 'the empty Unassigned view (the conversation left it)');
  });

  it('catches up after a dropped connection without a reload and without duplicates', async () => {
    await page.evaluate(`[...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'All').click()`);
    await page.waitFor(`document.querySelectorAll('.rows li').length === 1 && document.querySelector('#conv-title')?.textContent === '#1 Max Mustermann'`, 'All open, #1 open');
    await page.evaluate(`window.__sbSameDocument = true`);
    const port = new URL(server.url).port;
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    await page.waitFor(`document.querySelector('.live.offline')`, 'the offline badge');
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: join(root, 'data'), JOB_RETRY_BASE_MS: '200', PORT: port });
    expect((await inbound(shop, 'm5', 'Max Mustermann', { text: 'Sent while you were offline' })).status).toBe(200);
    expect((await inbound(shop, 'm6', 'Nina Neu', { text: 'A new customer meanwhile' })).status).toBe(200);
    await page.waitFor(`document.querySelector('.live.online') && ${has('A new customer meanwhile')} && ${timelineHas('Sent while you were offline')}`, 'the caught-up list and conversation', 30_000);
    expect(await page.evaluate(`window.__sbSameDocument`)).toBe(true);
    expect(await rowNames()).toEqual(['#3 Nina Neu', '#1 Max Mustermann']);
    const copies = await page.evaluate<number>(`[...document.querySelectorAll('.timeline li')].filter((li) => li.innerText.includes('Sent while you were offline')).length`);
    expect(copies).toBe(1);
  }, 180_000);

  it('an agent without access to an inbox never sees its conversations', async () => {
    expect((await inbound(secret, 's1', 'Sergej Secret', { text: 'Board-only matter' })).status).toBe(200);
    await page.click('header button');
    await page.waitFor(`location.pathname === '/login'`, 'the login page');
    await login(agent.email, PASSWORD);
    await page.waitFor(has('Max Mustermann'), "the agent's Shop conversation");
    const nav = await page.evaluate<string>(`document.querySelector('nav').innerText`);
    expect(nav).toContain('Shop');
    expect(nav).not.toContain('Board room');

    // Events reach a client in order: once the later Shop message shows, the Board room one would have too.
    expect((await inbound(secret, 's2', 'Sergej Secret', { text: 'Another board-only matter' })).status).toBe(200);
    expect((await inbound(shop, 'm4', 'Max Mustermann', { text: 'Any news?' })).status).toBe(200);
    await page.waitFor(has('Any news?'), 'the later Shop message');
    const text = await page.text();
    expect(text).not.toContain('Sergej');
    expect(text).not.toContain('board-only');
    expect(await page.evaluate(`fetch('/api/conversations?limit=50').then((r) => r.json()).then((b) => b.items.map((c) => c.contact.name))`)).not.toContain('Sergej Secret');
  });

  it('speaks German to German browsers', async () => {
    await page.send('Network.setUserAgentOverride', { userAgent: 'Mozilla/5.0 (switchboard-test)', acceptLanguage: 'de-DE,de' });
    await page.reload();
    await page.waitFor(`document.querySelector('.live.online') && document.querySelector('.rows li')`, 'the German inbox');
    await page.click('.rows li button');
    await page.waitFor(`document.querySelector('#composer-text') && document.querySelector('#contact-name')`, 'the German conversation with its contact');
    // The open conversation is in the URL: a reload reopens it.
    const title = await page.evaluate<string>(`document.querySelector('#conv-title').textContent`);
    expect(await page.evaluate(`location.search`)).toMatch(/^\?c=[0-9a-f-]{36}$/);
    await page.reload();
    await page.waitFor(`document.querySelector('#conv-title')?.textContent === ${JSON.stringify(title)} && document.querySelector('#contact-name')`, 'the reopened conversation');
    const text = await page.text();
    for (const s of ['Konversationen', 'Meine', 'Nicht zugewiesen', 'Alle', 'Offen', 'Erledigt', 'Antworten', 'Private Notiz', 'Zuständig', 'Kontakt', 'Abmelden']) expect(text).toContain(s);
    expect(await page.evaluate(`document.documentElement.lang`)).toBe('de');
    await screenshot('german');
    expect(page.errors).toEqual([]);
  });
});
