// The conversation list of the agent console in real Chromium against `node server/src/main.ts` on PGlite:
// infinite scroll over keyset pages, the server's "longest waiting" order, search, bulk actions that
// update a second agent's list live, the language switch saved on the user, the tablet layout with
// focus handling, and axe-core (no serious or critical violations) at 1280 px and at tablet width.
// Screenshots go to tests/artifacts/ (gitignored).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { launchPage, type Page } from './support/browser.ts';
import { launchConsolePage, signIn } from './support/console-session.ts';
import { addUser, PASSWORD } from './support/people.ts';
import { ensureConsoleBuilt, startServerProcess, type ServerProcess } from './support/start-process.ts';

const OWNER = { workspaceName: 'Acme', name: 'Olga Owner', email: 'olga.list@example.test', password: 'correct horse battery' };
const SECRET = 'console-list-secret-0123456789';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MANY = 130;

type Violation = { id: string; impact: string | null; help: string; targets: string[] };

describe('the conversation list in the console', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-console-list-'));
  let server: ServerProcess;
  let page: Page;
  let second: Page;
  let admin: ApiClient;
  let shop: { id: string; publicToken: string };
  let board: { id: string; publicToken: string };
  let agent: { id: string; email: string; client: ApiClient };

  const rowIds = (p: Page = page) => p.evaluate<string[]>(`[...document.querySelectorAll('.rows li[id^=row-]')].map((li) => li.id.slice(4))`);
  const rowNames = (p: Page = page) => p.evaluate<string[]>(`[...document.querySelectorAll('.rows li strong')].map((s) => s.textContent.replace(/^#\\d+ /, ''))`);
  const has = (text: string) => `document.body.innerText.includes(${JSON.stringify(text)})`;
  const apiList = async (query: string) => {
    const items: ConversationDto[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: ConversationDto[]; nextCursor: string | null } } = await admin.get(`/api/conversations?limit=100&${query}${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...(r.body.items as ConversationDto[]));
      cursor = r.body.nextCursor;
    } while (cursor);
    return items;
  };

  async function press(p: Page, key: string, opts: { code?: string; keyCode?: number } = {}) {
    const base = { key, code: opts.code ?? `Key${key.toUpperCase()}`, windowsVirtualKeyCode: opts.keyCode ?? key.toUpperCase().charCodeAt(0) };
    const text = key.length === 1 ? key : key === 'Enter' ? '\r' : undefined;
    await p.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, ...(text ? { text } : {}) });
    await p.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  async function screenshot(p: Page, name: string) {
    const { data } = (await p.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(data, 'base64'));
  }

  async function viewport(p: Page, width: number, height: number) {
    await p.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  }

  const login = (p: Page, email: string, password: string) => signIn(p, server.url, email, password);

  /** axe-core on the current page: serious and critical violations (the rest is written to the artifacts too). */
  async function axe(p: Page, name: string): Promise<Violation[]> {
    if (!(await p.evaluate<boolean>(`typeof window.axe === 'object'`))) await p.evaluate(`${AXE};undefined`);
    const all = await p.evaluate<Violation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`);
    writeFileSync(join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(all, null, 2));
    return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  const seed = async (inbox: { publicToken: string }, messages: unknown[]) => {
    for (let i = 0; i < messages.length; i += 100) expect((await postApiWebhook(server.url, inbox.publicToken, SECRET, { messages: messages.slice(i, i + 100) })).status).toBe(200);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureConsoleBuilt();
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: join(root, 'data') });
    admin = await setupAdmin(server.url, OWNER, OWNER.workspaceName);
    shop = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET } })).body;
    board = (await admin.post('/api/inboxes', { kind: 'api', name: 'Board room', credentials: { secret: SECRET } })).body;
    agent = await addUser(admin, 'agent', { name: 'Anton Agent' });
    expect((await admin.put(`/api/inboxes/${shop.id}/members`, { userIds: [agent.id] })).status).toBe(200);
    expect((await admin.post('/api/labels', { name: 'vip', color: '#c0392b' })).status).toBe(201);
    // Customers who wrote one minute apart, the oldest first: Kunde 001 waits longest.
    const start = Date.parse('2026-01-05T08:00:00Z');
    await seed(
      shop,
      Array.from({ length: MANY }, (_, i) => {
        const n = String(i + 1).padStart(3, '0');
        return { id: `bulk-${n}`, contact: { id: `k-${n}`, name: `Kunde ${n}` }, text: `Frage ${n}`, timestamp: new Date(start + i * 60_000).toISOString() };
      }),
    );
    await seed(shop, [
      { id: 'finn', contact: { id: 'finn', name: 'Finn Fischer', email: 'finn.fischer@example.org' }, text: 'Hello' },
      { id: 'zahn', contact: { id: 'zahn', name: 'Zora Zahn' }, text: 'Meine Zahnbürste ist kaputt' },
    ]);
    await seed(board, [{ id: 'secret', contact: { id: 'sergej', name: 'Sergej Secret' }, text: 'Board only' }]);
    page = await launchConsolePage({ width: 1280, height: 800 });
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    await second?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads 100 rows, then the next page as the agent scrolls: every conversation once, in the server order', async () => {
    await login(page, OWNER.email, OWNER.password);
    await page.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === 100`, 'the first page');
    expect(await page.text()).toContain(`${MANY + 3} conversations`);
    await page.evaluate(`document.querySelector('.rows').scrollTop = 1e9`);
    await page.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === ${MANY + 3} && !document.querySelector('.load-more')`, 'the second page');
    const ids = await rowIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await apiList('status=open')).map((c) => c.id));
  });

  it('sorts by longest waiting on the server: the order holds across pages; an answered customer moves down', async () => {
    const answered = (await apiList('status=open')).find((c) => c.contact.name === 'Kunde 002')!;
    expect((await admin.post(`/api/conversations/${answered.id}/messages`, { text: 'Answered' })).status).toBe(201);
    await page.evaluate(`(() => { const s = document.querySelector('.sort select'); s.value = 'waiting'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await page.waitFor(`document.querySelector('.rows li strong')?.textContent.endsWith('Kunde 001') && document.querySelectorAll('.rows li[id^=row-]').length === 100`, 'the waiting order');
    await page.evaluate(`document.querySelector('.rows').scrollTop = 1e9`);
    await page.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === ${MANY + 3}`, 'the second waiting page');
    const names = await rowNames();
    expect(names.slice(0, 3)).toEqual(['Kunde 001', 'Kunde 003', 'Kunde 004']);
    // Kunde 002 waits no more: after every waiting customer (the rest go by activity).
    expect(names.indexOf('Kunde 002')).toBe(MANY + 2);
    expect(await rowIds()).toEqual((await apiList('status=open&sort=waiting')).map((c) => c.id));
    await page.evaluate(`(() => { const s = document.querySelector('.sort select'); s.value = 'activity'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await page.waitFor(`document.querySelector('.rows li strong')?.textContent.endsWith('Kunde 002')`, 'the activity order');
  });

  it('searches by email and by message text through the API; / focuses the search box', async () => {
    await page.evaluate(`document.activeElement?.blur()`);
    await press(page, '/', { code: 'Slash', keyCode: 191 });
    await page.waitFor(`document.activeElement?.id === 'list-search'`, 'the search box focused by /');
    await page.fill('#list-search', 'finn.fischer@example.org');
    await page.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === 1`, 'the email search');
    expect(await rowNames()).toEqual(['Finn Fischer']);
    await page.fill('#list-search', 'zahnbürste');
    await page.waitFor(`document.querySelector('.rows li strong')?.textContent.endsWith('Zora Zahn') && document.querySelectorAll('.rows li[id^=row-]').length === 1`, 'the message text search');
    await page.fill('#list-search', 'nothing-like-this');
    await page.waitFor(has('No conversations match'), 'no results');
    await page.fill('#list-search', '');
    await page.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === 100`, 'the whole list again');
  });

  it("bulk assign, label, priority, label removal and resolve through the UI update a second agent's list live", async () => {
    second = await launchPage();
    await viewport(second, 1280, 800);
    await login(second, agent.email, PASSWORD);
    await second.evaluate(`[...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'Mine').click()`);
    await second.waitFor(`document.querySelector('nav [aria-current=page]')?.textContent.trim() === 'Mine' && ${has('No conversations in this view.')}`, "the agent's empty Mine view");

    // Three Shop customers: two rows by their checkbox, the third with x on the keyboard cursor.
    const ids = await rowIds();
    const names = await rowNames();
    const [a, b, c] = ['Kunde 130', 'Kunde 129', 'Kunde 128'].map((n) => ids[names.indexOf(n)]!) as [string, string, string];
    await page.click(`#row-${a} .pick`);
    await page.click(`#row-${b} .pick`);
    await page.evaluate(`document.activeElement?.blur()`);
    for (let i = 0; i <= ids.indexOf(c); i++) await press(page, 'j');
    await page.waitFor(`document.querySelector('.rows li.cursor')?.id === 'row-${c}'`, 'the cursor on the third row');
    await press(page, 'x');
    await page.waitFor(`document.querySelector('.bulk .count')?.textContent === '3 selected'`, 'three rows selected');
    await screenshot(page, 'list-bulk');

    const choose = (select: string, text: string) =>
      page.evaluate(`(() => { const s = document.querySelector(${JSON.stringify(select)}); s.value = [...s.options].find((o) => o.text === ${JSON.stringify(text)}).value; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await choose('#bulk-assign', 'Anton Agent');
    await second.waitFor(`document.querySelectorAll('.rows li[id^=row-]').length === 3`, 'the three conversations in the agent’s Mine, live');
    expect((await rowIds(second)).sort()).toEqual([a, b, c].sort());
    await page.waitFor(`!document.querySelector('.bulk') && document.querySelector('.notice')?.textContent.includes('3')`, 'the selection cleared after the change');
    // The bar is gone with the control that had focus: focus is back on the row under the cursor.
    await page.waitFor(`document.activeElement === document.querySelector('#row-${c} .row')`, 'focus back in the list');

    for (const id of [a, b, c]) await page.click(`#row-${id} .pick`);
    await choose('#bulk-label', 'vip');
    await second.waitFor(`[...document.querySelectorAll('.rows li[id^=row-]')].every((li) => li.querySelector('.label')?.textContent === 'vip')`, 'the labels on the agent’s rows, live');

    for (const id of [a, b, c]) await page.click(`#row-${id} .pick`);
    await choose('#bulk-priority', 'Urgent');
    await page.waitFor(`!document.querySelector('.bulk') && !document.querySelector('.rows .pick:checked')`, 'the selection cleared after the priority change');
    for (const id of [a, b, c]) expect((await admin.get(`/api/conversations/${id}`)).body.priority).toBe('urgent');
    for (const id of [a, b, c]) await page.click(`#row-${id} .pick`);
    await choose('#bulk-unlabel', 'vip');
    await second.waitFor(`[...document.querySelectorAll('.rows li[id^=row-]')].every((li) => !li.querySelector('.label'))`, 'the labels gone from the agent’s rows, live');
    for (const id of [a, b, c]) await page.click(`#row-${id} .pick`);
    await choose('#bulk-label', 'vip');
    await second.waitFor(`[...document.querySelectorAll('.rows li[id^=row-]')].every((li) => li.querySelector('.label')?.textContent === 'vip')`, 'the label back on the agent’s rows');

    for (const id of [a, b, c]) await page.click(`#row-${id} .pick`);
    await page.click('.bulk .resolve');
    await second.waitFor(has('No conversations in this view.'), 'the resolved conversations leaving the agent’s list, live');
    await page.waitFor(`![${JSON.stringify(a)}, ${JSON.stringify(b)}, ${JSON.stringify(c)}].some((id) => document.getElementById('row-' + id))`, 'the resolved rows gone from the Open list');
    for (const id of [a, b, c]) expect((await admin.get(`/api/conversations/${id}`)).body).toMatchObject({ status: 'resolved', assigneeId: agent.id, labels: ['vip'], priority: 'urgent' });

    // "Select all in view" checks every loaded row.
    await page.click('#select-all');
    await page.waitFor(`document.querySelector('.bulk .count')?.textContent === document.querySelectorAll('.rows li[id^=row-]').length + ' selected'`, 'all rows selected');
    await page.click('.bulk .clear');
    await page.waitFor(`!document.querySelector('.bulk') && !document.querySelector('.rows .pick:checked')`, 'the cleared selection');
    expect(second.errors).toEqual([]);
  });

  it("an agent can't bulk-change conversations of an inbox they can't see (REST, from the console's session)", async () => {
    const foreign = (await apiList('status=open&q=sergej'))[0]!;
    const mine = (await apiList('status=open&q=finn'))[0]!;
    const res = await second.evaluate<{ status: number; body: { error: { code: string; details: { ids: string[] } } } }>(`(async () => {
      const session = await fetch('/api/session').then((r) => r.json());
      const r = await fetch('/api/conversations/bulk', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ ids: [${JSON.stringify(mine.id)}, ${JSON.stringify(foreign.id)}], action: { type: 'status', status: 'resolved' } }) });
      return { status: r.status, body: await r.json() };
    })()`);
    expect(res.status).toBe(404);
    expect(res.body.error.details.ids).toEqual([foreign.id]);
    expect((await admin.get(`/api/conversations/${mine.id}`)).body.status).toBe('open');
    expect((await admin.get(`/api/conversations/${foreign.id}`)).body.status).toBe('open');
  });

  it('opening a conversation moves focus to it; Esc closes it and returns focus to its row', async () => {
    const first = (await rowIds())[0]!;
    await page.evaluate(`document.querySelector('#row-${first} .row').focus()`);
    await press(page, 'Enter', { code: 'Enter', keyCode: 13 });
    await page.waitFor(`document.activeElement?.id === 'conv-title'`, 'focus on the opened conversation');
    await press(page, 'Escape', { code: 'Escape', keyCode: 27 });
    await page.waitFor(`document.activeElement === document.querySelector('#row-${first} .row') && location.search === ''`, 'focus back on the row');
  });

  it('axe-core finds no serious or critical violations at 1280 px: inbox and open conversation', async () => {
    expect(await axe(page, 'inbox-1280')).toEqual([]);
    await page.click('.rows li .row');
    await page.waitFor(`document.querySelector('#conv-title') && document.querySelector('#contact-name') && document.querySelector('.timeline li')`, 'the open conversation');
    expect(await axe(page, 'conversation-1280')).toEqual([]);
    await screenshot(page, 'list-conversation-1280');
  });

  it('tablet (820 px): list and conversation are two screens with Back; the contact panel is a drawer; axe is clean', async () => {
    await viewport(page, 820, 1180);
    await page.waitFor(`document.querySelector('.back')?.checkVisibility() && !document.querySelector('.middle').checkVisibility()`, 'the conversation screen');
    expect(await page.evaluate(`document.querySelector('#contact-drawer').checkVisibility()`)).toBe(false);
    expect(await axe(page, 'conversation-tablet')).toEqual([]);
    await screenshot(page, 'tablet-conversation');

    await page.click('#contact-toggle');
    await page.waitFor(`document.querySelector('#contact-drawer').checkVisibility() && document.activeElement?.id === 'contact-drawer-close'`, 'the open contact drawer, focused');
    expect(await axe(page, 'contact-drawer-tablet')).toEqual([]);
    await screenshot(page, 'tablet-contact-drawer');
    await press(page, 'Escape', { code: 'Escape', keyCode: 27 });
    await page.waitFor(`!document.querySelector('#contact-drawer').checkVisibility() && document.activeElement?.id === 'contact-toggle'`, 'the closed drawer, focus on its toggle');

    const open = await page.evaluate<string>(`new URLSearchParams(location.search).get('c')`);
    await page.click('.back');
    await page.waitFor(`document.querySelector('.middle').checkVisibility() && document.activeElement === document.querySelector('#row-${open} .row')`, 'the list screen, focus on the row');
    expect(await axe(page, 'inbox-tablet')).toEqual([]);
    await screenshot(page, 'tablet-inbox');
    await viewport(page, 1280, 800);
  });

  it('the language switch applies at once, is saved on the user and survives a reload', async () => {
    await page.evaluate(`(() => { const s = document.querySelector('#locale-select'); s.value = 'de'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await page.waitFor(`${has('Konversationen')} && ${has('Abmelden')} && document.documentElement.lang === 'de'`, 'the German console at once');
    expect(await page.evaluate(`document.activeElement?.id`)).toBe('locale-select');
    expect((await page.evaluate<{ locale: string }>(`fetch('/api/me').then((r) => r.json())`)).locale).toBe('de');
    // The browser asks for English; the saved choice wins.
    await page.reload();
    await page.waitFor(`document.querySelector('.live.online') && ${has('Konversationen')} && document.querySelector('#locale-select').value === 'de'`, 'German after a reload');
    await screenshot(page, 'list-german');
    await page.evaluate(`(() => { const s = document.querySelector('#locale-select'); s.value = 'en'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await page.waitFor(`${has('Conversations')} && ${has('Sign out')} && document.documentElement.lang === 'en'`, 'English again');
    expect(page.errors).toEqual([]);
  });
});
