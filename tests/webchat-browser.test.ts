// The chat widget in a real (headless) Chromium, embedded by a test page on another origin (a tiny HTTP server),
// against the real server on PGlite serving the built /widget.js: a visitor chats with an agent (API + agent
// socket) live both ways, typing indicators both ways, read receipts, reload keeps the conversation, no CSS
// crosses the shadow root, a forged identity hash and a site that is not allowed are refused, a verified user
// joins their existing contact and history.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { launchPage, type Page } from './support/browser.ts';
import { addUser } from './support/people.ts';
import { LiveClient } from './support/realtime-client.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { ensureConsoleBuilt, repoRoot } from './support/start-process.ts';
import { createWebchatInbox, identityHash, recordTyping, type WebchatInbox } from './support/widget.ts';

const API_SECRET = 'webchat-browser-api-secret-0123456789';

/** A JS expression for an element inside the widget's shadow root. */
const w = (selector: string) => `document.querySelector('switchboard-chat')?.shadowRoot?.querySelector(${JSON.stringify(selector)})`;
const texts = (selector: string) => `[...(document.querySelector('switchboard-chat')?.shadowRoot?.querySelectorAll(${JSON.stringify(selector)}) ?? [])].map((e) => e.textContent.trim())`;

/** A site that embeds the widget. `identity`: what its backend renders for a logged-in customer. */
function sitePage(server: string, inbox: string, identity?: Record<string, string>): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>
  /* A hostile page: none of this may reach the widget. */
  * { color: rgb(255, 0, 0) !important; font-size: 40px !important; font-family: serif !important; }
  button { display: none !important; }
  .launcher { width: 10px; background: rgb(0, 128, 0); }
</style></head><body>
<h1>Our shop</h1><div class="launcher" id="page-launcher">page element</div>
${identity ? `<script>window.SwitchboardChat = ${JSON.stringify(identity)};</script>` : ''}
<script src="${server}/widget.js" data-inbox="${inbox}" async></script>
</body></html>`;
}

async function startSite(render: (path: string) => string | null): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const html = render(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the chat widget in a browser (pglite)', () => {
  let t: TestServer;
  let admin: ApiClient;
  let agent: LiveClient;
  let agentClient: ApiClient;
  let inbox: WebchatInbox;
  let formInbox: WebchatInbox;
  let site: { server: Server; origin: string };
  let elsewhere: { server: Server; origin: string };
  let page: Page;
  const identities = new Map<string, Record<string, string>>();

  const waitW = (expr: string, what: string, ms = 20_000) => page.waitFor(expr, what, ms);
  const type = (selector: string, value: string) =>
    page.evaluate(`(() => { const el = ${w(selector)}; el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); })()`);
  const click = (selector: string) => page.evaluate(`${w(selector)}.click()`);
  const messageEvent = (text: string) => (e: RealtimeEvent) => e.type === 'message.created' && e.payload.message.text === text;
  const conversationOf = async (text: string) => {
    const e = await agent.waitFor(messageEvent(text), 20_000);
    if (e.type !== 'message.created') throw new Error('unexpected event');
    return e.payload.conversation;
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await startTestServer('pglite', { webDir: join(repoRoot, 'web/build'), webchat: { presenceMs: 300 } });
    admin = await setupAdmin(t.url);
    const grace = await addUser(admin, 'agent', { name: 'Grace Support' });
    agentClient = grace.client;
    site = await startSite((path) => sitePage(t.url, path === '/form' ? formInbox.publicToken : inbox.publicToken, identities.get(path)));
    elsewhere = await startSite(() => sitePage(t.url, inbox.publicToken));
    inbox = await createWebchatInbox(admin, { allowedOrigins: [site.origin], title: 'Shop help', greeting: 'Hi! Ask us anything.', expectedReplyTime: 'minutes', color: '#0b7a75' });
    formInbox = await createWebchatInbox(admin, { allowedOrigins: [site.origin], locale: 'de', preChatForm: { enabled: true, name: 'optional', email: 'required' } }, 'Formular');
    await admin.put(`/api/inboxes/${inbox.id}/members`, { userIds: [grace.id] });
    await admin.put(`/api/inboxes/${formInbox.id}/members`, { userIds: [grace.id] });
    agent = new LiveClient(t.url, { token: (await agentClient.post('/api/me/tokens', { name: 'live' })).body.token as string });
    await agent.connect();
    page = await launchPage();
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    agent?.disconnect();
    await t?.stop();
    site?.server.close();
    elsewhere?.server.close();
  });

  it('serves /widget.js small and cacheable', async () => {
    const res = await fetch(`${t.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await fetch(`${t.url}/widget.js`, { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('a visitor chats with an agent, live both ways, with typing indicators and receipts', async () => {
    await page.goto(`${site.origin}/`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    expect(await page.evaluate(`${w('.launcher')}.getAttribute('aria-label')`)).toBe('Open chat');
    expect(await page.evaluate(`${w('.launcher')}.getAttribute('aria-expanded')`)).toBe('false');
    await click('.launcher');
    await waitW(`${w('.panel')} && ${w('textarea')}`, 'the chat window');
    expect(await page.evaluate(`${w('#sb-title')}.textContent`)).toBe('Shop help');
    expect(await page.evaluate(`${w('.status')}.textContent.trim()`)).toBe('Typically replies in a few minutes');
    expect(await page.evaluate(`document.querySelector('switchboard-chat').shadowRoot.activeElement?.id`)).toBe('sb-text');
    expect(await page.evaluate(`${w('textarea')}.labels.length`)).toBe(1);
    expect(await page.evaluate(texts('.greeting'))).toEqual(['Hi! Ask us anything.']);

    await type('textarea', 'Hello from the browser');
    await click('.send');
    const conversation = await conversationOf('Hello from the browser');
    await waitW(`${w('.msg.visitor:not(.failed)')}?.textContent.includes('Hello from the browser')`, 'my message, confirmed');

    // The visitor types: the agent sees it.
    const typing = recordTyping(agent);
    await type('textarea', 'One more thi');
    await expect.poll(() => typing.some((e) => e.conversationId === conversation.id && e.author.type === 'contact' && e.typing), { timeout: 20_000 }).toBe(true);
    // The agent types: the visitor sees it; the reply replaces it.
    agent.socket!.emit('typing', { conversationId: conversation.id, typing: true });
    await waitW(`${w('.typing')}?.textContent === 'Grace Support is typing…'`, 'the agent typing');
    const reply = await agentClient.post(`/api/conversations/${conversation.id}/messages`, { text: 'Hi! How can I help?' });
    await waitW(`${w('.msg.agent:not(.greeting)')}?.textContent.includes('Hi! How can I help?')`, 'the agent reply, live');
    expect(await page.evaluate(`${w('.msg.agent:not(.greeting) .author')}.textContent`)).toBe('Grace Support');
    expect(await page.evaluate(`Boolean(${w('.typing')})`)).toBe(false);
    // The window is open: the reply is read, and the agents see that.
    await agent.waitFor((e) => e.type === 'message.updated' && e.payload.message.id === reply.body.id && e.payload.message.deliveryStatus === 'read', 20_000);
    // The agent opened the conversation: the visitor's message says "Seen".
    await agentClient.post(`/api/conversations/${conversation.id}/seen`);
    await waitW(`${w('.seen')}?.textContent === 'Seen'`, 'the visitor’s message seen');
  });

  it('keeps the conversation across a reload (same visitor, history shown)', async () => {
    const storedBefore = await page.evaluate<string>(`localStorage.getItem('switchboard-chat:${inbox.publicToken}')`);
    expect(storedBefore).toContain('"token"');
    await page.reload();
    await waitW(`${w('.launcher')}`, 'the launcher after the reload');
    await click('.launcher');
    await waitW(`${w('.msg.agent:not(.greeting)')}`, 'the history');
    expect(await page.evaluate(texts('.msg .text'))).toEqual(['Hello from the browser', 'Hi! How can I help?']);
    await type('textarea', 'Still me after the reload');
    await click('.send');
    const again = await conversationOf('Still me after the reload');
    const first = await conversationOf('Hello from the browser');
    expect(again.id).toBe(first.id);
    // Escape closes the window and gives the focus back to the launcher.
    await page.evaluate(`${w('.panel')}.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))`);
    await waitW(`!${w('.panel')}`, 'the window closed');
    expect(await page.evaluate(`document.querySelector('switchboard-chat').shadowRoot.activeElement?.className`)).toContain('launcher');
  });

  it('sends a file: uploaded across origins, an attachment for the agent, a link in the widget', async () => {
    await click('.launcher');
    await waitW(`${w('textarea')}`, 'the chat window');
    await page.evaluate(`(() => {
      const input = ${w('input[type=file]')};
      const dt = new DataTransfer();
      dt.items.add(new File(['receipt: 42 EUR'], 'receipt.txt', { type: 'text/plain' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    })()`);
    await waitW(`${w('.files li')}?.textContent.includes('receipt.txt')`, 'the chosen file');
    await type('textarea', 'Here is my receipt');
    await click('.send');
    const e = await agent.waitFor(messageEvent('Here is my receipt'), 20_000);
    if (e.type !== 'message.created') throw new Error('unexpected event');
    const [att] = e.payload.message.attachments;
    expect(att).toMatchObject({ name: 'receipt.txt', contentType: 'text/plain', size: 15 });
    expect((await agentClient.get(`/api/attachments/${att!.id}`)).body).toBe('receipt: 42 EUR');
    await waitW(`${w('.msg.visitor:not(.failed) a.file')}?.textContent.includes('receipt.txt')`, 'the file link in the widget');
    const href = await page.evaluate<string>(`${w('.msg.visitor a.file')}.href`);
    expect(await (await fetch(href)).text()).toBe('receipt: 42 EUR');
    await click('.close');
  });

  it('the pre-chat form (German): the email first, as an unproven claim', async () => {
    await page.goto(`${site.origin}/form`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    expect(await page.evaluate(`${w('.launcher')}.getAttribute('aria-label')`)).toBe('Chat öffnen');
    await click('.launcher');
    await waitW(`${w('.prechat')}`, 'the pre-chat form');
    expect(await page.evaluate(`[...${w('.prechat')}.querySelectorAll('input')].every((i) => i.labels.length === 1)`)).toBe(true);
    expect(await page.evaluate(`Boolean(${w('textarea')})`)).toBe(false);
    await type('#sb-email', 'nicht-gueltig');
    await click('.prechat button[type=submit]');
    await waitW(`${w('.prechat .error')}`, 'the error');
    expect(await page.evaluate(`${w('.prechat .error')}.textContent`)).toBe('Bitte geben Sie eine gültige E-Mail-Adresse ein.');
    await type('#sb-name', 'Max');
    await type('#sb-email', 'Max@Example.com');
    await click('.prechat button[type=submit]');
    await waitW(`${w('textarea')}`, 'the composer after the form');
    await type('textarea', 'Hallo, ich habe eine Frage');
    await click('.send');
    const conversation = await conversationOf('Hallo, ich habe eine Frage');
    const contact = (await admin.get(`/api/contacts/${conversation.contact.id}`)).body as { name: string; identities: Array<{ kind: string; address: string; verified: boolean }> };
    expect(contact.name).toBe('Max');
    expect(contact.identities).toContainEqual(expect.objectContaining({ kind: 'email', address: 'max@example.com', verified: false }));
    await page.evaluate('localStorage.clear()');
  });

  it('lets no CSS cross the shadow root, in or out', async () => {
    await page.goto(`${site.origin}/`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    const launcher = await page.evaluate<{ display: string; color: string; background: string; size: string; font: string }>(`(() => {
      const s = getComputedStyle(${w('.launcher')});
      return { display: s.display, color: s.color, background: s.backgroundColor, size: s.width, font: getComputedStyle(${w('.root')}).fontSize };
    })()`);
    expect(launcher).toEqual({ display: 'block', color: 'rgb(255, 255, 255)', background: 'rgb(11, 122, 117)', size: '56px', font: '14px' });
    const pageElement = await page.evaluate<{ width: string; background: string }>(`(() => {
      const s = getComputedStyle(document.getElementById('page-launcher'));
      return { width: s.width, background: s.backgroundColor };
    })()`);
    expect(pageElement).toEqual({ width: '10px', background: 'rgb(0, 128, 0)' });
  });

  it('refuses a forged identity hash with a clear message, and stores nothing for it', async () => {
    identities.set('/forged', { userId: 'mallory', userHash: identityHash('not-the-secret-0123456789abcdef0123', 'mallory'), name: 'Mallory' });
    await page.evaluate('localStorage.clear()');
    page.errors.length = 0;
    await page.goto(`${site.origin}/forged`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    await click('.launcher');
    await waitW(`${w('.refused')}`, 'the refusal');
    expect(await page.evaluate(`${w('.refused')}.textContent`)).toBe('We could not verify your account. Please reload the page or sign in again.');
    expect(page.errors.join('\n')).toContain('invalid_identity');
    expect(await t.db.prisma.contactIdentity.count({ where: { address: `${inbox.id}:user:mallory` } })).toBe(0);
    expect(await page.evaluate(`Boolean(${w('textarea')})`)).toBe(false);
  });

  it('is not available on a site that is not allowed', async () => {
    await page.goto(`${elsewhere.origin}/`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    await click('.launcher');
    await waitW(`${w('.refused')}`, 'the refusal');
    expect(await page.evaluate(`${w('.refused')}.textContent`)).toBe('This chat is not available on this website.');
  });

  it('a verified customer joins their existing contact, and finds their history on another device', async () => {
    const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop backend', credentials: { secret: API_SECRET } })).body as { publicToken: string };
    await postApiWebhook(t.url, api.publicToken, API_SECRET, { messages: [{ id: 'order-1', contact: { id: 'cust-1', email: 'ada@example.com', name: 'Ada Lovelace' }, text: 'order placed' }] });
    const known = await t.db.prisma.contactIdentity.findFirstOrThrow({ where: { kind: 'email', address: 'ada@example.com' } });
    // What the shop's backend renders for its logged-in customer.
    identities.set('/account', {
      userId: 'shop-user-1815',
      userHash: identityHash(inbox.secret, 'shop-user-1815'),
      email: 'ada@example.com',
      emailHash: identityHash(inbox.secret, 'ada@example.com'),
      name: 'Ada Lovelace',
    });
    await page.evaluate('localStorage.clear()');
    await page.goto(`${site.origin}/account`);
    await waitW(`${w('.launcher')}`, 'the launcher');
    await click('.launcher');
    await waitW(`${w('textarea')}`, 'the chat window');
    await type('textarea', 'Logged in: is my order on its way?');
    await click('.send');
    const conversation = await conversationOf('Logged in: is my order on its way?');
    expect(conversation.contact.id).toBe(known.contactId);

    // Another device: nothing stored, the same logged-in customer.
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await waitW(`${w('.launcher')}`, 'the launcher');
    await click('.launcher');
    await waitW(`${w('.msg.visitor')}`, 'the history on the other device');
    expect(await page.evaluate(texts('.msg.visitor .text'))).toEqual(['Logged in: is my order on its way?']);
  });
});
