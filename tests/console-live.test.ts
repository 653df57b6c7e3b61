// The console's collaboration features in real Chromium, two agents in two browsers against the real server
// on PGlite: unread rows and sidebar badges kept live, collision detection ("Ben is viewing", "is replying…",
// "is writing a note…") that clears when one leaves, an agent without access who never sees either, and the
// chat widget: a visitor's typing shows in the console, the agent's typing and "Seen" reach the visitor.
// A screenshot of two agents in one conversation goes to tests/artifacts/ (gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnreadCountsDto } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import type { Page } from './support/browser.ts';
import { launchConsolePage, signIn } from './support/console-session.ts';
import { addUser, PASSWORD } from './support/people.ts';
import { PresenceProbe } from './support/presence.ts';
import { RecordingClient } from './support/realtime.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { ensureConsoleBuilt, repoRoot } from './support/start-process.ts';
import { createWebchatInbox, Visitor, type WebchatInbox } from './support/widget.ts';

const SECRET = 'console-live-secret-0123456789';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

const badge = (view: string) => `(document.querySelector('nav .badge[data-view=${JSON.stringify(view)}]')?.textContent ?? null)`;
const presenceText = `(document.querySelector('.conversation [role=status]')?.innerText ?? '')`;
const rowUnread = (name: string) => `[...document.querySelectorAll('.rows li')].some((li) => li.classList.contains('unread') && li.querySelector('.unread-dot') && li.innerText.includes(${JSON.stringify(name)}))`;
const rowRead = (name: string) => `[...document.querySelectorAll('.rows li')].some((li) => !li.classList.contains('unread') && !li.querySelector('.unread-dot') && li.innerText.includes(${JSON.stringify(name)}))`;

describe('the console live: unread, collision detection, chat typing (pglite)', () => {
  let t: TestServer;
  let admin: ApiClient;
  let anna: { id: string; email: string; client: ApiClient };
  let ben: { id: string; email: string; client: ApiClient };
  let otto: { id: string; email: string; client: ApiClient };
  let shop: { id: string; publicToken: string };
  let board: { id: string; publicToken: string };
  let chat: WebchatInbox;
  let pageA: Page;
  let pageB: Page;
  let n = 0;
  let maxConversation: string;

  const inbound = async (inbox: { publicToken: string }, who: string, text: string) =>
    expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: `m-${++n}`, contact: { id: `c-${who}`, name: who }, text }] })).status).toBe(200);

  const login = (page: Page, email: string) => signIn(page, t.url, email, PASSWORD);
  const openRow = (page: Page, name: string) =>
    page.evaluate(`[...document.querySelectorAll('.rows li button')].find((b) => b.innerText.includes(${JSON.stringify(name)})).click()`);
  async function screenshot(page: Page, name: string) {
    const { data } = (await page.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(data, 'base64'));
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureConsoleBuilt();
    t = await startTestServer('pglite', { webDir: join(repoRoot, 'web/build') });
    admin = await setupAdmin(t.url);
    anna = await addUser(admin, 'agent', { name: 'Anna Agent' });
    ben = await addUser(admin, 'agent', { name: 'Ben Berger' });
    otto = await addUser(admin, 'agent', { name: 'Otto Outside' });
    shop = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET }, memberIds: [anna.id, ben.id] })).body;
    board = (await admin.post('/api/inboxes', { kind: 'api', name: 'Board room', credentials: { secret: SECRET }, memberIds: [otto.id] })).body;
    chat = await createWebchatInbox(admin, {}, 'Website chat');
    expect((await admin.put(`/api/inboxes/${chat.id}/members`, { userIds: [anna.id] })).status).toBe(200);
    [pageA, pageB] = [await launchConsolePage({ width: 1280, height: 800 }), await launchConsolePage({ width: 1280, height: 800 })];
    await login(pageA, anna.email);
    await login(pageB, ben.email);
  }, 300_000);

  afterAll(async () => {
    await pageA?.close();
    await pageB?.close();
    await t?.stop();
  });

  it('a customer message shows unread (bold row with a dot, sidebar badges) for both agents; opening it clears it for the one who opened it', async () => {
    await inbound(shop, 'Max Mustermann', 'Where is my order?');
    for (const page of [pageA, pageB]) {
      await page.waitFor(`${rowUnread('Max Mustermann')} && ${badge('all')} === '1' && ${badge(`inbox:${shop.id}`)} === '1' && ${badge('unassigned')} === '1'`, 'the unread row and badges');
      expect(await page.evaluate(badge('mine'))).toBeNull();
    }
    maxConversation = (await anna.client.get(`/api/conversations?inboxId=${shop.id}`)).body.items[0].id;

    await openRow(pageA, 'Max Mustermann');
    await pageA.waitFor(`document.querySelector('#conv-title')?.textContent === '#1 Max Mustermann' && ${badge('all')} === null && ${rowRead('Max Mustermann')}`, 'the read conversation, no badges');
    expect(await pageA.evaluate(badge(`inbox:${shop.id}`))).toBeNull();
    expect(((await anna.client.get('/api/conversations/unread-counts')).body as UnreadCountsDto).all).toBe(0);
    // Ben has not opened it: still unread for him.
    expect(await pageB.evaluate(badge('all'))).toBe('1');

    // A new message in the conversation Anna has open stays read for her and adds nothing for Ben (already unread).
    await inbound(shop, 'Max Mustermann', 'Any news?');
    await pageA.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('Any news?'))`, 'the live message in the open conversation');
    await pageB.waitFor(`[...document.querySelectorAll('.rows li')].some((li) => li.innerText.includes('Any news?'))`, 'the new preview at Ben');
    expect(await pageB.evaluate(badge('all'))).toBe('1');
    await pageA.waitFor(`${badge('all')} === null && ${rowRead('Max Mustermann')}`, 'still read for Anna');
    expect(((await anna.client.get('/api/conversations/unread-counts')).body as UnreadCountsDto).all).toBe(0);

    // Another customer: the counts go up live for both.
    await inbound(shop, 'Erika Musterfrau', 'Second customer');
    await pageA.waitFor(`${rowUnread('Erika Musterfrau')} && ${badge('all')} === '1'`, "Anna's badge up again");
    await pageB.waitFor(`${badge('all')} === '2' && ${badge(`inbox:${shop.id}`)} === '2'`, "Ben's badges at 2");
  });

  it('two agents in one conversation see each other viewing, then replying and writing a note; it clears when one leaves', async () => {
    await openRow(pageB, 'Max Mustermann');
    await pageB.waitFor(`document.querySelector('#conv-title')?.textContent === '#1 Max Mustermann' && ${badge('all')} === '1'`, 'Ben in the conversation, one unread left');
    await pageA.waitFor(`(${presenceText}) === 'Ben Berger is viewing'`, '"Ben is viewing" at Anna');
    await pageB.waitFor(`(${presenceText}) === 'Anna Agent is viewing'`, '"Anna is viewing" at Ben');

    await pageB.fill('#composer-text', 'We are checking');
    await pageA.waitFor(`(${presenceText}) === 'Ben Berger is replying…'`, '"Ben is replying" at Anna');
    await pageA.evaluate(`[...document.querySelectorAll('.composer input[type=radio]')].find((r) => r.value === 'note').click()`);
    await pageA.fill('#composer-text', 'Internal: VIP');
    await pageB.waitFor(`(${presenceText}) === 'Anna Agent is writing a note…'`, '"Anna is writing a note" at Ben');
    await screenshot(pageA, 'collision');

    // Ben opens another conversation: Anna's indicator clears.
    await openRow(pageB, 'Erika Musterfrau');
    await pageB.waitFor(`document.querySelector('#conv-title')?.textContent === '#2 Erika Musterfrau'`, 'Ben in the other conversation');
    await pageA.waitFor(`(${presenceText}) === ''`, "Anna's indicator cleared");
    expect(pageA.errors).toEqual([]);
    expect(pageB.errors).toEqual([]);
  });

  it('an agent without access to the inbox never gets its presence or unread counts', async () => {
    await pageB.click('header button');
    await pageB.waitFor(`location.pathname === '/login'`, 'Ben signed out');
    await login(pageB, otto.email);
    await inbound(board, 'Bruno Board', 'Board matter');
    await inbound(shop, 'Max Mustermann', 'Third message for the shop');
    await pageB.waitFor(`${badge('all')} === '1' && ${badge(`inbox:${board.id}`)} === '1'`, "Otto's own unread conversation");
    expect(await pageB.evaluate(badge(`inbox:${shop.id}`))).toBeNull();
    const counts = await pageB.evaluate<UnreadCountsDto>(`fetch('/api/conversations/unread-counts').then((r) => r.json())`);
    expect(counts).toEqual({ mine: 0, unassigned: 1, all: 1, teams: {}, inboxes: { [board.id]: 1 }, labels: {} });

    // Opening Anna's conversation by its link: not found, and Anna never learns Otto tried.
    await pageB.goto(`${t.url}/?c=${maxConversation}`);
    await pageB.waitFor(`document.querySelector('.conversation .error')`, 'the refused conversation');
    expect(await pageB.text()).not.toContain('Anna Agent is');
    // Sentinel: Ben joins over a socket afterwards; once Anna shows him, she would have shown Otto.
    const benLive = new RecordingClient(t.url, { cookie: ben.client.cookie! });
    await benLive.connect();
    try {
      const probe = new PresenceProbe(benLive.socket);
      expect((await probe.join(maxConversation)).ok).toBe(true);
      await pageA.waitFor(`(${presenceText}) === 'Ben Berger is viewing'`, 'Ben (socket) at Anna');
      expect(await pageA.evaluate(presenceText)).not.toContain('Otto');
    } finally {
      await benLive.disconnect();
    }
    await pageA.waitFor(`(${presenceText}) === ''`, 'Ben (socket) gone');
  });

  it("a chat visitor's typing shows in the console; the agent's typing and \"Seen\" reach the visitor", async () => {
    const visitor = await Visitor.connect(t.url, { inbox: chat.publicToken });
    try {
      const sent = await visitor.say('Hello from the website');
      await pageA.waitFor(rowUnread('Hello from the website'), 'the chat conversation, unread');
      await openRow(pageA, 'Hello from the website');
      await pageA.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('Hello from the website'))`, 'the chat conversation open');
      await visitor.until(() => visitor.statuses.some((s) => s.id === sent.id && s.status === 'read'), '"Seen" at the visitor');

      visitor.socket.emit('typing', true);
      await pageA.waitFor(`(${presenceText}) === 'Visitor is typing…'`, 'the visitor typing in the console');
      visitor.socket.emit('typing', false);
      await pageA.waitFor(`(${presenceText}) === ''`, 'the visitor stopped typing');

      await pageA.evaluate(`[...document.querySelectorAll('.composer input[type=radio]')].find((r) => r.value === 'message').click()`);
      await pageA.fill('#composer-text', 'Hi there');
      await visitor.until(() => visitor.typing.some((x) => x.typing && x.name === 'Anna Agent'), 'Anna typing in the widget');
      await pageA.evaluate(`document.querySelector('.composer').requestSubmit()`);
      await visitor.until(() => visitor.messages.some((m) => m.text === 'Hi there'), 'the reply in the widget');
      await visitor.until(() => visitor.typing.at(-1)?.typing === false, 'typing off after sending');
      expect(pageA.errors).toEqual([]);
    } finally {
      visitor.close();
    }
  });
});
